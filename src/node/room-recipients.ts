/**
 * @module Whether a message is for the whole room, and the recipients digest its signature covers.
 *
 * A Post for everyone in the room but its sender is delivered without its recipient list: each
 * receiver knows the room at that point of its stream, and checks the signature against the digest
 * of that set. The digest of "everyone but this sender" is kept per sender until the room changes,
 * so a steady room costs the host one SHA-256 per sender, not one per message.
 */
import { recipientsDigest } from '../protocol/signing.js'
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
  return recipients.every((id) => id !== sender && room.members.has(id))
}

/** Recipients digests of the whole room, one per sender, forgotten when the membership changes. */
export class RoomDigests {
  private readonly room: RecipientRoom
  private version = -1
  private readonly bySender = new Map<string, Promise<Uint8Array>>()

  constructor(room: RecipientRoom) {
    this.room = room
  }

  /** The digest of `recipients`: from the cache when they are the whole room but `sender`. */
  digestOf(recipients: readonly string[], sender: string): Promise<Uint8Array> {
    if (!isWholeRoom(this.room, recipients, sender)) return recipientsDigest(recipients)
    if (this.version !== this.room.version) {
      this.bySender.clear()
      this.version = this.room.version
    }
    let digest = this.bySender.get(sender)
    if (digest === undefined) {
      digest = recipientsDigest(recipients)
      this.bySender.set(sender, digest)
    }
    return digest
  }
}
