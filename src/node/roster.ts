/**
 * @module The host's roster: who is in the room, who is away, and telling everyone when that changes.
 */
import { asBufferSource } from '../protocol/bytes.js'
import { frame } from '../protocol/frame.js'
import { describeLookAlike, lookAlike, nicknameKey } from '../protocol/nickname.js'
import { describeReason, reasonCode } from '../protocol/reasons.js'
import { Reason, type Welcome } from '../protocol/wire/securechat.js'
import { releaseBacklog } from './backlog.js'
import { CLOSE_FLUSH_MS } from './constants.js'
import { RefusedError } from './errors.js'
import { type HostedMember, memberRecord } from './hosted-member.js'
import type { Participant } from './participant.js'
import type { ResumeAuthority } from './resume.js'

export interface RosterInit {
  roomId: Uint8Array
  roomName: string
  /** Random per host start, sent in every Welcome. */
  hostEpoch: Uint8Array
  maxMembers: number
  resumeTtlMs: number
  resume: ResumeAuthority
  /** The host's own member view, told of every change (absent for a relay-only host). */
  self: Participant | undefined
  /** The next room sequence number a newcomer would see. */
  nextSeq: () => number
  /** A member left for good (its files in transit are let go). */
  onDepart?: (peerId: string) => void
}

/**
 * Members by PeerId, the host itself first when it is one. Every change goes out to every connected
 * member in the same order as the messages around it, since all of them are sent from one thread in
 * the order they happen.
 */
export class Roster {
  readonly members = new Map<string, HostedMember>()
  private readonly init: RosterInit
  private lastIndex = 0
  private changes = 0

  constructor(init: RosterInit) {
    this.init = init
  }

  get size(): number {
    return this.members.size
  }

  /** Goes up with every entry and departure: what was computed from the membership is stale after. */
  get version(): number {
    return this.changes
  }

  /** A number for a new member: deliveries name their sender by it. Never handed out twice. */
  nextIndex(): number {
    return ++this.lastIndex
  }

  /** The host itself, as the room's first member (not announced: the Welcome names it). */
  seat(self: HostedMember): void {
    this.members.set(self.peerId, self)
    this.changes++
  }

  get(peerId: string): HostedMember | undefined {
    return this.members.get(peerId)
  }

  /** A member by PeerId or by nickname (case-insensitively, as nicknames are unique that way). */
  find(who: string): HostedMember | undefined {
    const byPeer = this.members.get(who)
    if (byPeer !== undefined) return byPeer
    const key = nicknameKey(who)
    return [...this.members.values()].find((m) => nicknameKey(m.nickname) === key)
  }

  /** Why `nickname` cannot be had: a present member's, or one that looks like it; undefined when free. */
  nicknameTaken(nickname: string, except?: string): string | undefined {
    const present = [...this.members.values()].filter((m) => m.peerId !== except).map((m) => m.nickname)
    const twin = lookAlike(nickname, present)
    return twin === undefined ? undefined : describeLookAlike(nickname, twin)
  }

  /** Throws when `nickname` cannot join now: taken (or a look-alike), or the room is full. */
  checkRoomFor(nickname: string, except?: string): void {
    const taken = this.nicknameTaken(nickname, except)
    if (taken !== undefined) throw new RefusedError(Reason.NICKNAME_TAKEN, taken)
    if (this.members.size >= this.init.maxMembers) throw new RefusedError(Reason.ROOM_FULL)
  }

  welcomeFor(member: HostedMember, resumeToken: string, nextSeq = this.init.nextSeq()): Welcome {
    return {
      roomId: asBufferSource(this.init.roomId),
      roomName: this.init.roomName,
      you: memberRecord(member),
      members: [...this.members.values()].filter((m) => m !== member).map((m) => memberRecord(m)),
      nextSeq,
      hostIsMember: this.init.self !== undefined,
      resumeToken,
      hostEpoch: asBufferSource(this.init.hostEpoch)
    }
  }

  /** Adds a member and tells everyone else. */
  enter(member: HostedMember): void {
    this.members.set(member.peerId, member)
    this.changes++
    this.broadcast(member, (m) => m.channel?.send(frame('memberJoined', { member: memberRecord(member) })))
    void this.init.self?.memberJoined(memberRecord(member))
  }

  /** A dropped connection: the member keeps its place (and gets its messages held) for the resume window. */
  goAway(member: HostedMember): void {
    member.away = true
    member.channel = undefined
    clearTimeout(member.awayTimer)
    member.awayTimer = setTimeout(() => this.depart(member, Reason.CONNECTION_LOST), this.init.resumeTtlMs)
    member.awayTimer.unref()
    this.announcePresence(member, true)
  }

  /**
   * A member back on a new stream (a resume): tells everyone it is here again, if they were told it
   * was away (a move to a new connection, or a resume before the drop was noticed, is not news).
   */
  comeBack(member: HostedMember): void {
    const wasAway = member.away
    member.away = false
    clearTimeout(member.awayTimer)
    if (wasAway) this.announcePresence(member, false)
  }

  /** Removes a member, tells it why when it is still there, and tells everyone else. */
  depart(member: HostedMember, reason: Reason): void {
    if (this.members.get(member.peerId) !== member) return
    this.members.delete(member.peerId)
    this.changes++
    clearTimeout(member.awayTimer)
    // What it held is let go: the others holding the same messages pay for them alone now.
    releaseBacklog(member)
    if (reason !== Reason.CONNECTION_LOST) this.init.resume.void(member.peerId)
    if (reason !== Reason.LEFT && reason !== Reason.CONNECTION_LOST) {
      member.channel?.send(frame('goodbye', { reason, message: describeReason(reason) }))
    }
    void member.channel?.close(AbortSignal.timeout(CLOSE_FLUSH_MS))
    const left = { peerId: member.peerId, nickname: member.nickname, reason }
    this.broadcast(member, (m) => m.channel?.send(frame('memberLeft', left)))
    void this.init.self?.memberLeft(member.peerId, reasonCode(reason))
    this.init.onDepart?.(member.peerId)
  }

  /** Runs `send` for every connected member but `except` (the host's own view is updated apart). */
  broadcast(except: HostedMember | undefined, send: (m: HostedMember) => void): void {
    for (const m of this.members.values()) if (m !== except && !m.local && !m.away) send(m)
  }

  /** Says goodbye to every member and empties the room (the host is closing or restarting). */
  async closeAll(reason: Reason, signal: AbortSignal): Promise<void> {
    await Promise.allSettled(
      [...this.members.values()].map(async (m) => {
        clearTimeout(m.awayTimer)
        m.channel?.send(frame('goodbye', { reason, message: describeReason(reason) }))
        await m.channel?.close(signal)
      })
    )
    this.members.clear()
    this.changes++
  }

  private announcePresence(member: HostedMember, away: boolean): void {
    this.broadcast(member, (m) => m.channel?.send(frame('presence', { peerId: member.peerId, away })))
    void this.init.self?.presence(member.peerId, away)
  }
}
