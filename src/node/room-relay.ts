/**
 * @module The host's relaying of Posts: each signature checked as its Post arrives, then the Posts
 * relayed one at a time, which is what gives the room one order, and each told to the host's listeners.
 */
import type { Logger } from '@libp2p/interface'
import type { Deliver, Post } from '../protocol/wire/securechat.js'
import type { EventFeed } from './events.js'
import type { MemberLimits, RoomHostOptions } from './host-config.js'
import type { HostedMember } from './hosted-member.js'
import { type RelayRoom, relayPost, verifyPost } from './relay.js'
import { RoomDigests } from './room-recipients.js'
import type { Roster } from './roster.js'
import { SerialQueue } from './serial-queue.js'

export interface RoomRelayInit {
  roomId: Uint8Array
  roster: Roster
  limits: MemberLimits
  feed: EventFeed
  log: Logger
  /** Sees every Post before it is relayed (tests playing a curious host). */
  tap: RoomHostOptions['relayTap']
  /** Hands a delivery to the host's own member (when the host is one). */
  deliverLocally(deliver: Deliver): void
  files: RelayRoom['files']
}

/** The room's sequence and the queue that hands it out. */
export class RoomRelay {
  private readonly init: RoomRelayInit
  private readonly queue = new SerialQueue()
  private readonly room: RelayRoom
  private seq = 0

  constructor(init: RoomRelayInit) {
    this.init = init
    const { roster } = init
    this.room = {
      roomId: init.roomId,
      members: roster.members,
      get version() {
        return roster.version
      },
      digests: new RoomDigests(roster),
      limits: init.limits,
      nextSeq: () => ++this.seq,
      deliverLocally: init.deliverLocally,
      files: init.files
    }
  }

  /** The sequence number the next relayed message will have. */
  get nextSeq(): number {
    return this.seq + 1
  }

  /**
   * Relays `post` from `sender` in its turn; resolves with its `seq`, or rejects when it was refused
   * (the sender has been told). Its signature check starts now, beside those of the Posts before it.
   */
  submit(post: Post, sender: HostedMember): Promise<number> {
    const signatureHolds = verifyPost(this.room, post, sender)
    signatureHolds.catch(() => {})
    return this.queue.run(() => this.relay(post, sender, signatureHolds))
  }

  private async relay(post: Post, sender: HostedMember, signatureHolds: Promise<boolean>): Promise<number> {
    this.init.tap?.(post, sender.peerId)
    const seq = await relayPost(this.room, post, sender, signatureHolds)
    this.init.log.trace('seq %d from %s to %d recipients', seq, sender.peerId, post.recipients.length)
    this.init.feed.emit({
      type: 'relayed',
      seq,
      sender: sender.peerId,
      recipients: [...post.recipients],
      ciphertextBytes: post.ciphertext.byteLength
    })
    return seq
  }
}
