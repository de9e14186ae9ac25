/**
 * @module What a host may do about who is in its room: lock it, remove a member (kick), keep a PeerId
 * out for good (ban), and say whether a PeerId may come in now.
 */
import { Reason } from '../protocol/wire/securechat.js'
import { type BanList, parsePeerId } from './bans.js'
import { RefusedError } from './errors.js'
import type { Roster } from './roster.js'

export interface ModerationInit {
  roster: Roster
  bans: BanList
  /** The host's own PeerId: it can neither kick nor ban itself. */
  hostPeerId: string
  /** True once the room is closing: nobody comes in then. */
  isClosing(): boolean
}

export class Moderation {
  /** A locked room admits nobody new; members already in, and those resuming, stay. */
  locked = false
  private readonly init: ModerationInit

  constructor(init: ModerationInit) {
    this.init = init
  }

  /** Disconnects a member by nickname or PeerId; returns false when there is none. */
  kick(who: string, reason: Reason = Reason.KICKED): boolean {
    const member = this.init.roster.find(who)
    if (member === undefined || member.local) return false
    this.init.roster.depart(member, reason)
    return true
  }

  /** Bans a PeerId (or the member with that nickname): it is disconnected and refused from now on. */
  ban(who: string): boolean {
    const member = this.init.roster.find(who)
    const peerId = member?.peerId ?? parsePeerId(who)
    if (peerId === undefined || peerId === this.init.hostPeerId) return false
    this.init.bans.add(peerId)
    if (member !== undefined) this.init.roster.depart(member, Reason.BANNED)
    return true
  }

  unban(peerId: string): boolean {
    return this.init.bans.delete(peerId)
  }

  /** The banned PeerIds. */
  bans(): string[] {
    return this.init.bans.list()
  }

  /** Throws when this PeerId may not come in now: the room is closing, or it is banned. */
  readonly barred = (peerId: string): void => {
    if (this.init.isClosing()) throw new RefusedError(Reason.HOST_CLOSING)
    if (this.init.bans.has(peerId)) throw new RefusedError(Reason.BANNED)
  }
}
