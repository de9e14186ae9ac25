/**
 * @module The room host: a libp2p node that owns a room, admits joiners and relays their messages.
 *
 * Life of a message, in the order a reader meets the files: `RoomMember.send` (member.ts) hands the
 * text to its `Participant` (participant.ts), which seals it under its sender key and signs it
 * (protocol/message.ts) and submits the Post on its `FrameChannel` (channel.ts, framing in
 * protocol/frame.ts). Here the host's `serve` loop reads it, applies the member's rate limit and
 * queues it; `relayPost` (relay.ts) checks the counter and signature, numbers it, keeps a copy in each
 * recipient's backlog (hosted-member.ts) and writes one Deliver to each. On the receiving side the
 * member's read loop (member.ts) gives the Deliver to its `Participant`, which verifies, opens and
 * emits the `message` event (events.ts).
 */
import { setMaxListeners } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '@libp2p/logger'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { randomBytes } from '../protocol/bytes.js'
import { PROTOCOL_ID } from '../protocol/constants.js'
import { Fernet } from '../protocol/fernet.js'
import { ROOM_ID_BYTES } from '../protocol/invitation.js'
import {
  generateMemberKeyPair,
  type MemberKeyPair,
  memberFingerprint,
  publicKeysOf,
  withSigningKey
} from '../protocol/member-keys.js'
import { describeReason } from '../protocol/reasons.js'
import { generateRoomSecret, roomCode, roomCodeUri, secondsLeft } from '../protocol/totp.js'
import { type Post, Reason } from '../protocol/wire/securechat.js'
import { hashAnswer } from './answer-hash.js'
import { BanList } from './bans.js'
import { CLOSE_FLUSH_MS, MAX_STREAMS_PER_CONNECTION } from './constants.js'
import { MessageRejectedError, RefusedError, RelayOnlyError } from './errors.js'
import { EventFeed, type MemberInfo, type RoomEvent } from './events.js'
import type { FileInput } from './file-source.js'
import type { FileTransfers, SendFileOptions, SentFile } from './file-transfers.js'
import { type HostConfig, type RoomHostOptions, requireAnswer, resolveHostConfig } from './host-config.js'
import { type DoorsLoad, doorsLoad, type HostDoors, hostDoors } from './host-doors.js'
import { HostFiles } from './host-files.js'
import { type HostedMember, hostAsMember, memberInfo } from './hosted-member.js'
import { type IssuedRoomInvitation, issueInvitation, withAddresses } from './invitation-issue.js'
import { InvitationBook, type InvitationRecord } from './invitations.js'
import { createListeningNode } from './libp2p.js'
import { Moderation } from './moderation.js'
import { Participant } from './participant.js'
import { hostNodeOptions, MappingMailbox, offeredAddresses, relayStates, watchReach } from './reach.js'
import { ResumeAuthority } from './resume.js'
import { answerRetiredProtocols, stopAnsweringRetiredProtocols } from './retired-protocol.js'
import { RoomRelay } from './room-relay.js'
import { Roster } from './roster.js'

export type { RoomHostOptions } from './host-config.js'

export type { IssuedRoomInvitation } from './invitation-issue.js'

interface HostInit {
  node: Libp2p
  options: RoomHostOptions
  answerHash: string
  /** The host's own keys and fingerprint when it is a member (not relay-only). */
  own: { keys: MemberKeyPair; fingerprint: string } | undefined
}

/**
 * A room on a libp2p node: admits joiners through the four gates, relays end-to-end encrypted
 * messages in one order, and announces who comes and goes. Holds the Fernet key, the answer's hash and
 * the TOTP secret; with `relayOnly` it holds no key that opens a message.
 */
export class RoomHost {
  readonly node: Libp2p
  readonly roomId: Uint8Array
  readonly roomName: string
  readonly feed = new EventFeed()
  readonly config: HostConfig
  private readonly log: Logger
  private readonly roomSecret: string
  private readonly book: InvitationBook
  private readonly roster: Roster
  /** The ways in: connection guard, admission, readmission, and what each arriving stream is for. */
  private readonly doors: HostDoors
  private stopReach: () => void = () => {}
  private readonly moderation: Moderation
  private readonly relaying: RoomRelay
  private readonly self: Participant | undefined
  /** The one shutdown signal every handshake, read loop and timer of the room follows. */
  private readonly shutdown = new AbortController()
  private readonly credentialTimer: ReturnType<typeof setInterval>
  private readonly fileRelay: HostFiles
  private closed = false

  private constructor(init: HostInit) {
    const { node, options } = init
    this.node = node
    this.config = resolveHostConfig(options)
    this.log = node.logger.forComponent('securechat:host')
    // Every member's read loop and every handshake listens on it at once: no leak, so no warning.
    setMaxListeners(Number.POSITIVE_INFINITY, this.shutdown.signal)
    this.roomId = options.roomId ?? randomBytes(ROOM_ID_BYTES)
    this.roomName = this.config.roomName
    this.roomSecret = options.roomSecret ?? generateRoomSecret()
    const fernetKey = options.fernetKey ?? Fernet.generateKey()
    const now = this.config.now
    const resume = new ResumeAuthority({
      fernetKey,
      roomId: this.roomId,
      now,
      ttlMs: this.config.resumeTtlMs
    })
    this.book = new InvitationBook({
      fernetKey,
      roomId: this.roomId,
      now,
      records: options.invitations,
      onChange: options.onInvitationsChange
    })
    const own = init.own
    if (own !== undefined) {
      this.self = new Participant({
        roomId: this.roomId,
        peerId: node.peerId.toString(),
        nickname: this.config.nickname,
        keys: own.keys,
        feed: this.feed,
        now,
        submit: (post) => this.submitOwn(post),
        onFileOffer: (seq, sender, offer) =>
          this.fileRelay.own?.offered(seq, { nick: sender.nickname, peerId: sender.peerId }, offer)
      })
    }
    const self = this.self
    this.fileRelay = new HostFiles({
      limits: this.config.fileLimits,
      peerId: node.peerId.toString(),
      isMember: (peerId) => this.roster.get(peerId)?.local === false,
      signal: this.shutdown.signal,
      log: node.logger.forComponent('securechat:files'),
      feed: this.feed,
      ...(options.fileTap === undefined ? {} : { tap: options.fileTap }),
      ...(self === undefined
        ? {}
        : { own: { ...options.files, offer: (o, signal) => self.sendOffer(o, signal) } })
    })
    this.roster = new Roster({
      roomId: this.roomId,
      roomName: this.roomName,
      hostEpoch: randomBytes(8),
      maxMembers: this.config.maxMembers,
      resumeTtlMs: this.config.resumeTtlMs,
      resume,
      self: this.self,
      nextSeq: () => this.relaying.nextSeq,
      onDepart: (peerId) => this.fileRelay.transfers.memberLeft(peerId)
    })
    if (own !== undefined) {
      const { nickname } = this.config
      const self = {
        peerId: this.peerId,
        nickname,
        fingerprint: own.fingerprint,
        index: this.roster.nextIndex()
      }
      this.roster.seat(hostAsMember(self, own.keys, this.config))
    }
    const bans = new BanList(options.banned, options.onBansChange)
    this.moderation = new Moderation({
      roster: this.roster,
      bans,
      hostPeerId: this.peerId,
      isClosing: () => this.closed
    })
    this.relaying = new RoomRelay({
      roomId: this.roomId,
      roster: this.roster,
      limits: this.config,
      feed: this.feed,
      log: node.logger.forComponent('securechat:relay'),
      tap: options.relayTap,
      deliverLocally: (deliver) => void this.self?.receive(deliver),
      files: this.fileRelay.transfers
    })
    this.doors = hostDoors({
      config: this.config,
      book: this.book,
      roster: this.roster,
      resume,
      answerHash: init.answerHash,
      roomSecret: this.roomSecret,
      roomId: this.roomId,
      barred: this.moderation.barred,
      isLocked: () => this.moderation.locked,
      feed: this.feed,
      log: this.log,
      signal: this.shutdown.signal,
      isClosing: () => this.closed,
      relay: (post, sender) => this.relaying.submit(post, sender)
    })
    // Credentials are short-lived; connected members get fresh ones well before theirs expire.
    this.credentialTimer = setInterval(
      () => void this.doors.readmission.renewCredentials(),
      this.config.resumeTtlMs / 3
    )
    this.credentialTimer.unref()
  }

  /** Starts the node (unless one is given), registers the protocol and opens the room. */
  static async create(options: RoomHostOptions, node?: Libp2p): Promise<RoomHost> {
    const answerHash = options.answerHash ?? (await hashAnswer(requireAnswer(options.answer)))
    const keys =
      options.relayOnly === true
        ? undefined
        : options.keys === undefined
          ? await generateMemberKeyPair()
          : await withSigningKey(options.keys)
    // The router may answer before the host exists: its answer waits in `mapped` until there is a feed.
    const mapped = new MappingMailbox()
    const libp2p = node ?? (await createListeningNode(hostNodeOptions(options, mapped.report)))
    const own =
      keys === undefined ? undefined : { keys, fingerprint: await memberFingerprint(publicKeysOf(keys)) }
    const host = new RoomHost({ node: libp2p, options, answerHash, own })
    libp2p.addEventListener('connection:open', (event) => host.doors.guard.opened(event.detail))
    await libp2p.handle(PROTOCOL_ID, (stream, connection) => host.doors.arrivals.handle(stream, connection), {
      maxInboundStreams: MAX_STREAMS_PER_CONNECTION,
      // Deliberately yes: a joiner behind NAT reaches the host only through a relay, whose limits may
      // end the connection; the member then resumes (or DCUtR has moved it to a direct one first).
      // The relay sees only Noise ciphertext, and the gates and limits are the same as direct.
      runOnLimitedConnection: true
    })
    await host.fileRelay.start(libp2p)
    await answerRetiredProtocols(libp2p)
    host.stopReach = watchReach({ node: libp2p, feed: host.feed, addresses: () => host.addresses() })
    mapped.deliverTo((result) => host.feed.emit({ type: 'upnp', ...result }))
    return host
  }

  get peerId(): string {
    return this.node.peerId.toString()
  }

  get relayOnly(): boolean {
    return this.self === undefined
  }

  get isLocked(): boolean {
    return this.moderation.locked
  }

  /** Everyone in the room, the host first when it is a member. */
  get memberList(): MemberInfo[] {
    return [...this.roster.members.values()].map(memberInfo)
  }

  /** What the host holds for strangers and members now: for diagnostics and the hostile tests. */
  get load(): DoorsLoad {
    return doorsLoad(this.doors)
  }

  /**
   * The host's members as it holds them, read-only: for diagnostics, and for tests that play a
   * malicious host (which owns these streams anyway, so this gives it nothing it lacks).
   */
  get debug(): { members: ReadonlyMap<string, Readonly<HostedMember>>; transfers: number } {
    return { members: this.roster.members, transfers: this.fileRelay.transfers.size }
  }

  /** The relays this host keeps a reservation on, and whether each holds one now. */
  get relays(): ReadonlyArray<{ relay: string; reserved: boolean }> {
    return relayStates(this.node)
  }

  /** The same invitation (its token unchanged) with the addresses the host offers now. */
  reissue(invitation: string): { invitation: string; addresses: string[] } {
    return withAddresses(invitation, this.addresses())
  }

  /** The addresses an invitation offers, each ending in /p2p/<PeerId>. */
  addresses(): Multiaddr[] {
    return offeredAddresses(this.node, this.config.announce)
  }

  async invite(options: { ttlMs?: number; maxUses?: number } = {}): Promise<IssuedRoomInvitation> {
    return issueInvitation(this.book, this.addresses(), options)
  }

  revoke(invitationId: string): boolean {
    return this.book.revoke(invitationId)
  }

  invitations(): InvitationRecord[] {
    return this.book.list()
  }

  /** The room code a joiner must type now, and how long it stays valid. */
  async roomCode(): Promise<{ code: string; secondsLeft: number; expiresAt: number }> {
    const now = this.config.now()
    const left = secondsLeft({ now })
    return { code: await roomCode(this.roomSecret, { now }), secondsLeft: left, expiresAt: now + left * 1000 }
  }

  /** otpauth:// URI, so a co-host can follow the room code in an authenticator app. */
  roomCodeUri(): string {
    return roomCodeUri(this.roomSecret, { roomName: this.roomName })
  }

  /** Admits nobody new until `unlock`; members already in, and those resuming, stay. */
  lock(): void {
    this.moderation.locked = true
  }

  unlock(): void {
    this.moderation.locked = false
  }

  /** Disconnects a member by nickname or PeerId; returns false when there is none. */
  kick(who: string, reason: Reason = Reason.KICKED): boolean {
    return this.moderation.kick(who, reason)
  }

  /** Bans a PeerId (or the member with that nickname): it is disconnected and refused from now on. */
  ban(who: string): boolean {
    return this.moderation.ban(who)
  }

  unban(peerId: string): boolean {
    return this.moderation.unban(peerId)
  }

  /** The banned PeerIds. */
  bans(): string[] {
    return this.moderation.bans()
  }

  /** Sends a message as the host (not in relay-only mode). */
  async send(text: string, options: { signal?: AbortSignal } = {}): Promise<{ seq: number }> {
    if (this.self === undefined) throw new RelayOnlyError()
    return this.self.send(text, options)
  }

  /** The host's own files (not in relay-only mode): `accept`, `reject`, `cancel` by transfer id. */
  get files(): FileTransfers | undefined {
    return this.fileRelay.own
  }

  /** Offers a file to the room as the host and uploads it into its own spool. */
  sendFile(input: FileInput, options: SendFileOptions = {}): Promise<SentFile> {
    const own = this.fileRelay.own
    return own === undefined ? Promise.reject(new RelayOnlyError()) : own.send(input, options)
  }

  events(options: { signal?: AbortSignal } = {}): AsyncGenerator<RoomEvent> {
    return this.feed.events(options)
  }

  on: EventFeed['on'] = (type, handler) => this.feed.on(type, handler)

  /**
   * Tells every member the room is closing, then stops the node. With `restarting` (a persisted room
   * going down to come back) members keep their places and resume by themselves when it returns.
   */
  async close(options: { signal?: AbortSignal; restarting?: boolean } = {}): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.credentialTimer)
    this.stopReach()
    const reason = options.restarting === true ? Reason.HOST_RESTARTING : Reason.HOST_CLOSING
    this.shutdown.abort(new RefusedError(Reason.HOST_CLOSING))
    // Joiners mid-handshake are told the room is closing (not that they were too slow).
    await Promise.race([this.doors.arrivals.settled(), sleep(CLOSE_FLUSH_MS, undefined, { ref: false })])
    this.doors.guard.stop()
    await this.roster.closeAll(reason, options.signal ?? AbortSignal.timeout(CLOSE_FLUSH_MS))
    await this.node.unhandle(PROTOCOL_ID).catch((err: unknown) => this.log.error('unhandle failed: %e', err))
    await this.fileRelay.stop(this.node)
    await stopAnsweringRetiredProtocols(this.node)
    // Goodbyes and refusals just written may still be queued in the muxer or the socket: closing the
    // connections gracefully flushes them, stopping the node alone would not.
    await new Promise((resolve) => setImmediate(resolve))
    const flush = { signal: AbortSignal.timeout(CLOSE_FLUSH_MS) }
    await Promise.allSettled(this.node.getConnections().map((c) => c.close(flush)))
    await this.node.stop()
    this.feed.emit({ type: 'closed', reason: options.restarting === true ? 'restarting' : 'host-closing' })
  }

  /**
   * The host's own Posts, under the rate every member has: besides fairness, a counter that ran far
   * ahead of the clock in a burst would outlive a quick restart and make its next messages replays.
   */
  private submitOwn(post: Post): Promise<number> {
    const self = this.roster.get(this.peerId) as HostedMember
    if (!self.rate.take())
      return Promise.reject(
        new MessageRejectedError(Reason.RATE_LIMITED, describeReason(Reason.RATE_LIMITED))
      )
    return this.relaying.submit(post, self)
  }
}

/** Creates a room host: starts a libp2p node and opens `/securechat/2.3.0` on it. */
export function createRoomHost(options: RoomHostOptions): Promise<RoomHost> {
  return RoomHost.create(options)
}
