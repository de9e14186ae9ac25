/**
 * @module The sender keys others announced to a member: a few recent epochs per sender, and a count of
 * announcements per sender that says when what was opened under the old keys must be opened again.
 */
import { importSenderKey, type SenderKey } from '../protocol/sender-key.js'

/** Epochs of each sender's key kept by a receiver. */
export const SENDER_KEYS_KEPT = 4

export class ReceivedKeys {
  private readonly keys = new Map<string, Map<number, SenderKey>>()
  private readonly versions = new Map<string, number>()

  /** The key `sender` announced as `epoch`, if it is among those kept. */
  get(sender: string, epoch: number): SenderKey | undefined {
    return this.keys.get(sender)?.get(epoch)
  }

  /** How many keys `sender` has announced: what an early opening of its messages depended on. */
  version(sender: string): number {
    return this.versions.get(sender) ?? 0
  }

  /** Imports and keeps a key `sender` announced. */
  async remember(sender: string, epoch: number, raw: Uint8Array): Promise<void> {
    const key = await importSenderKey(epoch, raw)
    const keys = this.keys.get(sender) ?? new Map<number, SenderKey>()
    // A few recent epochs: messages sealed just before a re-key may still be on their way.
    // Map order is arrival order: the oldest announcements go first, whatever their numbers.
    keys.delete(epoch)
    keys.set(epoch, key)
    for (const old of [...keys.keys()].slice(0, -SENDER_KEYS_KEPT)) keys.delete(old)
    this.keys.set(sender, keys)
    this.versions.set(sender, this.version(sender) + 1)
  }
}
