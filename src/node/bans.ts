/**
 * @module The PeerIds a host has banned, kept (through `onChange`) with a persisted room.
 */
import { peerIdFromString } from '@libp2p/peer-id'

export class BanList {
  private readonly banned: Set<string>
  private readonly onChange: ((banned: string[]) => void) | undefined

  constructor(initial: readonly string[] = [], onChange?: (banned: string[]) => void) {
    this.banned = new Set(initial)
    this.onChange = onChange
  }

  has(peerId: string): boolean {
    return this.banned.has(peerId)
  }

  add(peerId: string): void {
    this.banned.add(peerId)
    this.onChange?.(this.list())
  }

  delete(peerId: string): boolean {
    const removed = this.banned.delete(peerId)
    if (removed) this.onChange?.(this.list())
    return removed
  }

  list(): string[] {
    return [...this.banned]
  }
}

/** The PeerId a text names, normalised, or undefined when it is none. */
export function parsePeerId(text: string): string | undefined {
  try {
    return peerIdFromString(text).toString()
  } catch {
    return undefined
  }
}
