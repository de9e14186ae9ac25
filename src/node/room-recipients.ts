/**
 * @module Whether a message is for the whole room, and the audience digest its signature covers.
 *
 * A Post for everyone in the room but its sender is delivered without its recipient list: each
 * receiver knows the room at that point of its stream, and checks the signature against the digest
 * of that set with the sender in it. That digest is the room's own, the same for every sender, so it
 * is kept until the room changes: a steady room costs the host one SHA-256, not one per message.
 */
import { audienceDigest, peerSetDigest } from '../protocol/signing.js'
import type { HostedMember } from './hosted-member.js'

/** What this needs of the room: its members now, and a number that changes whenever they do. */
export interface RecipientRoom {
  readonly members: ReadonlyMap<string, HostedMember>
  readonly version: number
}

/** True when `recipients` are exactly the room's members other than `sender`. */
export function isWholeRoom(room: RecipientRoom, recipients: readonly string[], sender: string): boolean {
  // The frame check already refused duplicates, so a count and a membership test make a set equality.
  if (recipients.length !== room.members.size - 1) return false
  return room.members.has(sender) && recipients.every((id) => id !== sender && room.members.has(id))
}

/** The audience digest of the whole room, forgotten when the membership changes. */
export class RoomDigests {
  private readonly room: RecipientRoom
  /** The room's digest and the room version it was computed at. */
  private cached: { version: number; digest: Promise<Uint8Array> } | undefined

  constructor(room: RecipientRoom) {
    this.room = room
  }

  /** The digest of `sender` and `recipients`: from the cache when they are the whole room. */
  digestOf(recipients: readonly string[], sender: string): Promise<Uint8Array> {
    if (!isWholeRoom(this.room, recipients, sender)) return audienceDigest(sender, recipients)
    const { version } = this.room
    if (this.cached?.version !== version) {
      this.cached = { version, digest: peerSetDigest([...this.room.members.keys()]) }
    }
    return this.cached.digest
  }
}
