import type { Connection, Stream } from '@libp2p/interface'
import { TimeoutError } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { asBufferSource, constantTimeEqual, randomBytes } from '../protocol/bytes.js'
import { MAX_MEMBERS, PROTOCOL_ID } from '../protocol/constants.js'
import { ReasonError } from '../protocol/errors.js'
import { Fernet } from '../protocol/fernet.js'
import { type AnyFrame, FrameError, frame } from '../protocol/frame.js'
import { encodeInvitation, ROOM_ID_BYTES } from '../protocol/invitation.js'
import { nicknameKey } from '../protocol/nickname.js'
import { describeReason, reasonCode } from '../protocol/reasons.js'
import { fingerprint, generateRsaKeyPair, importPublicKey, type RsaKeyPair, verify } from '../protocol/rsa.js'
import { resumeSignatureInput } from '../protocol/signing.js'
import { generateRoomSecret, roomCode, roomCodeUri, secondsLeft, verifyRoomCode } from '../protocol/totp.js'
import {
  type Post,
  Reason,
  type Resume,
  type ResumeClaims,
  type Welcome
} from '../protocol/wire/securechat.js'
import { invitationAddresses, sourceAddress } from './addresses.js'
import { hashAnswer, verifyAnswer } from './answer-hash.js'
import { FrameChannel } from './channel.js'
import {
  DEFAULT_INVITATION_TTL_MS,
  HANDSHAKE_STEP_TIMEOUT_MS,
  HANDSHAKE_TOTAL_TIMEOUT_MS,
  HELLO_TIMEOUT_MS,
  MAX_CONNECTIONS_PER_SOURCE,
  MAX_HANDSHAKES_PER_SOURCE,
  MAX_NICKNAME_TRIES,
  RESUME_CLOCK_SKEW_MS
} from './constants.js'
import { EventFeed, type MemberInfo, type RoomEvent } from './events.js'
import { type Gates, Refused, readWithin, runHandshake } from './gatekeeper.js'
import { freshSession, type HostedMember, memberRecord, takeBacklog } from './hosted-member.js'
import { InvitationBook, type InvitationRecord } from './invitations.js'
import { createListeningNode, defaultListenAddresses, type NodeOptions } from './libp2p.js'
import { FailureTracker, type LockoutOptions, strictest } from './lockout.js'
import { Participant } from './participant.js'
import { type RelayRoom, relayPost } from './relay.js'
import { keyHash, ResumeAuthority } from './resume.js'
import { SerialQueue } from './serial-queue.js'

export interface RoomHostOptions extends Omit<NodeOptions, 'listen'> {
  roomName?: string
  /** The security question every joiner must answer. */
  question: string
  /** The answer in clear; hashed with scrypt at once and then forgotten. Or give `answerHash`. */
  answer?: string
  answerHash?: string
  /** TOTP secret (base32) of the room code; a fresh one when absent. */
  roomSecret?: string
  fernetKey?: string
  roomId?: Uint8Array
  invitations?: InvitationRecord[]
  onInvitationsChange?: (records: InvitationRecord[]) => void
  /** The host's nickname as a member; ignored with `relayOnly`. */
  nickname?: string
  /** Admit and relay, but hold no key that opens the room's messages. */
  relayOnly?: boolean
  /** The host's RSA member key; generated when absent. */
  keys?: RsaKeyPair
  listen?: string[]
  port?: number
  timeouts?: Partial<{ helloMs: number; stepMs: number; handshakeMs: number }>
  lockout?: LockoutOptions
  maxHandshakesPerSource?: number
  maxMembers?: number
  /** Messages per second per member, and the burst allowed; a flood beyond is refused with RATE_LIMITED. */
  rateLimit?: { perSecond?: number; burst?: number }
  /** How long a dropped member's place and resume credential last (default 10 min). */
  resumeTtlMs?: number
  /** Deliveries kept per member for replay on resume (default 1000), and their bytes at most (default 8 MiB). */
  backlogSize?: number
  backlogBytes?: number
  /** PeerIds banned earlier (a persisted room), and a hook to persist the list when it changes. */
  banned?: string[]
  onBansChange?: (banned: string[]) => void
  /** Connections kept from one source address (IPv4, or IPv6 /64); more are closed at once (default 32). */
  maxConnectionsPerSource?: number
  now?: () => number
}

export interface IssuedRoomInvitation {
  id: string
  invitation: string
  addresses: string[]
  expiresAt: number
}

/** Resolved once the member leaves: the reason goes to everyone else. */
type Departure = { reason: Reason }

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
  private readonly options: RoomHostOptions
  private readonly question: string
  private readonly answerHash: string
  private readonly roomSecret: string
  private readonly book: InvitationBook
  private readonly failures: FailureTracker
  private readonly now: () => number
  private readonly members = new Map<string, HostedMember>()
  private readonly handshakes = new Map<string, number>()
  private readonly banned = new Set<string>()
  private readonly relayQueue = new SerialQueue()
  private readonly self: Participant | undefined
  private readonly abort = new AbortController()
  private readonly resume: ResumeAuthority
  /** Random per start: tells returning members whether the host restarted (and its sequence with it). */
  private readonly epoch = randomBytes(8)
  private readonly credentialTimer: ReturnType<typeof setInterval>
  private seq = 0
  private readonly relayRoom: RelayRoom = {
    roomId: new Uint8Array(0),
    members: this.members,
    limits: {},
    nextSeq: () => ++this.seq,
    deliverLocally: (deliver) => void this.self?.receive(deliver)
  }
  private locked = false
  private closed = false

  private constructor(init: {
    node: Libp2p
    options: RoomHostOptions
    answerHash: string
    roomSecret: string
    fernetKey: string
    roomId: Uint8Array
    keys: RsaKeyPair | undefined
    selfSpki: Uint8Array | undefined
    selfFingerprint: string | undefined
  }) {
    const { node, options } = init
    this.node = node
    this.options = options
    this.roomId = init.roomId
    this.relayRoom.roomId = init.roomId
    this.relayRoom.limits = options
    this.roomName = options.roomName ?? 'securechat room'
    this.question = options.question
    this.answerHash = init.answerHash
    this.roomSecret = init.roomSecret
    this.now = options.now ?? Date.now
    this.failures = new FailureTracker({ now: this.now, ...options.lockout })
    for (const peerId of options.banned ?? []) this.banned.add(peerId)
    this.resume = new ResumeAuthority({
      fernetKey: init.fernetKey,
      roomId: init.roomId,
      now: this.now,
      ...(options.resumeTtlMs === undefined ? {} : { ttlMs: options.resumeTtlMs })
    })
    // Credentials are short-lived; connected members get fresh ones well before theirs expire.
    this.credentialTimer = setInterval(() => void this.renewCredentials(), this.resume.lifetimeMs / 3)
    this.credentialTimer.unref()
    this.book = new InvitationBook({
      fernetKey: init.fernetKey,
      roomId: init.roomId,
      now: this.now,
      ...(options.invitations === undefined ? {} : { records: options.invitations }),
      ...(options.onInvitationsChange === undefined ? {} : { onChange: options.onInvitationsChange })
    })
    if (init.keys !== undefined && init.selfSpki !== undefined && init.selfFingerprint !== undefined) {
      const peerId = node.peerId.toString()
      this.self = new Participant({
        roomId: this.roomId,
        peerId,
        nickname: options.nickname ?? 'host',
        keys: init.keys,
        feed: this.feed,
        now: this.now,
        submit: (post) =>
          this.relayQueue.run(() => this.relay(post, this.members.get(peerId) as HostedMember))
      })
      this.members.set(peerId, {
        peerId,
        nickname: this.self.nickname,
        publicKey: init.keys.publicKey,
        publicKeySpki: init.selfSpki,
        fingerprint: init.selfFingerprint,
        ...freshSession(this.options, this.now),
        local: true,
        channel: undefined
      })
    }
  }

  /** Starts the node (unless one is given), registers the protocol and opens the room. */
  static async create(options: RoomHostOptions, node?: Libp2p): Promise<RoomHost> {
    const answerHash = options.answerHash ?? (await hashAnswer(requireAnswer(options.answer)))
    const keys = options.relayOnly === true ? undefined : (options.keys ?? (await generateRsaKeyPair()))
    const selfSpki = keys?.publicKey.spki
    const libp2p =
      node ??
      (await createListeningNode({
        ...options,
        listen: options.listen ?? defaultListenAddresses(options.port ?? 0)
      }))
    const host = new RoomHost({
      node: libp2p,
      options,
      answerHash,
      roomSecret: options.roomSecret ?? generateRoomSecret(),
      fernetKey: options.fernetKey ?? Fernet.generateKey(),
      roomId: options.roomId ?? randomBytes(ROOM_ID_BYTES),
      keys,
      selfSpki,
      selfFingerprint: selfSpki === undefined ? undefined : await fingerprint(selfSpki)
    })
    libp2p.addEventListener('connection:open', (event) => host.limitConnections(event.detail))
    await libp2p.handle(PROTOCOL_ID, (stream, connection) => host.handleStream(stream, connection), {
      maxInboundStreams: 4,
      runOnLimitedConnection: false
    })
    return host
  }

  get peerId(): string {
    return this.node.peerId.toString()
  }

  get relayOnly(): boolean {
    return this.self === undefined
  }

  get isLocked(): boolean {
    return this.locked
  }

  /** Everyone in the room, the host first when it is a member. */
  get memberList(): MemberInfo[] {
    return [...this.members.values()].map((m) => ({
      nick: m.nickname,
      peerId: m.peerId,
      fingerprint: m.fingerprint
    }))
  }

  /** The addresses an invitation offers, each ending in /p2p/<PeerId>. */
  addresses(): Multiaddr[] {
    const announced = (this.options.announce ?? []).map((a) => withPeerId(multiaddr(a), this.peerId))
    return invitationAddresses(this.node.getMultiaddrs(), announced)
  }

  async invite(options: { ttlMs?: number; maxUses?: number } = {}): Promise<IssuedRoomInvitation> {
    const { record, token } = await this.book.issue({
      ttlMs: options.ttlMs ?? DEFAULT_INVITATION_TTL_MS,
      ...(options.maxUses === undefined ? {} : { maxUses: options.maxUses })
    })
    const addresses = this.addresses()
    return {
      id: record.id,
      invitation: encodeInvitation({ addresses: addresses.map((a) => a.bytes), token }),
      addresses: addresses.map((a) => a.toString()),
      expiresAt: record.expiresAt
    }
  }

  revoke(invitationId: string): boolean {
    return this.book.revoke(invitationId)
  }

  invitations(): InvitationRecord[] {
    return this.book.list()
  }

  /** The room code a joiner must type now, and how long it stays valid. */
  async roomCode(): Promise<{ code: string; secondsLeft: number; expiresAt: number }> {
    const now = this.now()
    const left = secondsLeft({ now })
    return { code: await roomCode(this.roomSecret, { now }), secondsLeft: left, expiresAt: now + left * 1000 }
  }

  /** otpauth:// URI, so a co-host can follow the room code in an authenticator app. */
  roomCodeUri(): string {
    return roomCodeUri(this.roomSecret, { roomName: this.roomName })
  }

  lock(): void {
    this.locked = true
  }

  unlock(): void {
    this.locked = false
  }

  /** Disconnects a member by nickname or PeerId; returns false when there is none. */
  kick(who: string, reason: Reason = Reason.KICKED): boolean {
    const member = this.find(who)
    if (member === undefined || member.local) return false
    this.depart(member, reason)
    return true
  }

  /** Bans a PeerId (or the member with that nickname): it is disconnected and refused from now on. */
  ban(who: string): boolean {
    const member = this.find(who)
    const peerId = member?.peerId ?? parsePeerId(who)
    if (peerId === undefined || peerId === this.peerId) return false
    this.banned.add(peerId)
    this.options.onBansChange?.([...this.banned])
    if (member !== undefined) this.depart(member, Reason.BANNED)
    return true
  }

  unban(peerId: string): boolean {
    const removed = this.banned.delete(peerId)
    if (removed) this.options.onBansChange?.([...this.banned])
    return removed
  }

  /** The banned PeerIds. */
  bans(): string[] {
    return [...this.banned]
  }

  /** Sends a message as the host (not in relay-only mode). */
  async send(text: string, options: { signal?: AbortSignal } = {}): Promise<{ seq: number }> {
    if (this.self === undefined) throw new Error('a relay-only host is not a member and cannot send')
    return this.self.send(text, options)
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
    this.abort.abort(new Error('room closed'))
    const signal = options.signal ?? AbortSignal.timeout(2000)
    await Promise.allSettled(
      [...this.members.values()].map(async (m) => {
        clearTimeout(m.awayTimer)
        const reason = options.restarting === true ? Reason.HOST_RESTARTING : Reason.HOST_CLOSING
        m.channel?.send(frame('goodbye', { reason, message: describeReason(reason) }))
        await m.channel?.close(signal)
      })
    )
    this.members.clear()
    await this.node.unhandle(PROTOCOL_ID).catch(() => {})
    await this.node.stop()
    this.feed.emit({ type: 'closed', reason: 'host-closing' })
  }

  private find(who: string): HostedMember | undefined {
    const byPeer = this.members.get(who)
    if (byPeer !== undefined) return byPeer
    const key = nicknameKey(who)
    return [...this.members.values()].find((m) => nicknameKey(m.nickname) === key)
  }

  /**
   * One source may hold a bounded number of connections, so it cannot fill the node's connection
   * limit with idle ones and keep everyone else out.
   */
  private limitConnections(connection: Connection): void {
    if (connection.direction !== 'inbound') return
    const source = sourceAddress(connection.remoteAddr)
    const fromSource = this.node
      .getConnections()
      .filter((c) => c.direction === 'inbound' && sourceAddress(c.remoteAddr) === source)
    if (fromSource.length > (this.options.maxConnectionsPerSource ?? MAX_CONNECTIONS_PER_SOURCE)) {
      void connection.close().catch(() => connection.abort(new Error('too many connections from one source')))
    }
  }

  /** One inbound stream: pre-checks, the handshake, then the member's frames until it goes. */
  private async handleStream(stream: Stream, connection: Connection): Promise<void> {
    const peerId = connection.remotePeer.toString()
    const address = sourceAddress(connection.remoteAddr)
    const channel = new FrameChannel(stream, {
      // A member that stops reading (a stalled link, a sleeping laptop) is not buffered for without
      // bound: its stream is cut and it counts as away, so its messages go to the bounded backlog and
      // it can resume as after any dropped connection.
      onOverflow: () => {
        const member = this.members.get(peerId)
        if (member?.channel !== channel) return
        channel.abort(new Error('the member is not reading'))
        this.goAway(member)
      }
    })
    let admitted: HostedMember
    this.handshakes.set(address, (this.handshakes.get(address) ?? 0) + 1)
    try {
      // The lock is checked once the first frame shows a newcomer: a returning member passes it.
      this.preCheck(peerId, address, { handshakeSlot: true, resuming: true })
      const first = await readWithin(
        channel,
        'hello',
        this.options.timeouts?.helloMs ?? HELLO_TIMEOUT_MS,
        this.abort.signal
      )
      admitted =
        first.kind === 'resume'
          ? await this.readmit(first.body, channel, peerId, address)
          : await this.admit(first, channel, peerId, address)
    } catch (err) {
      await this.refuse(channel, err as Error, peerId, address)
      return
    } finally {
      const count = (this.handshakes.get(address) ?? 1) - 1
      if (count <= 0) this.handshakes.delete(address)
      else this.handshakes.set(address, count)
    }
    await this.serve(admitted, channel)
  }

  private preCheck(
    peerId: string,
    address: string,
    options: { handshakeSlot?: boolean; resuming?: boolean } = {}
  ): void {
    if (this.closed) throw new Refused(Reason.HOST_CLOSING, describeReason(Reason.HOST_CLOSING))
    if (this.banned.has(peerId)) throw new Refused(Reason.BANNED, describeReason(Reason.BANNED))
    const { lockedFor } = strictest(this.failures, [address, peerId])
    if (lockedFor > 0) {
      throw new Refused(
        Reason.LOCKED_OUT,
        `too many failed attempts; try again in ${Math.ceil(lockedFor / 60_000)} min`,
        lockedFor
      )
    }
    // A lock keeps newcomers out; a member coming back from a dropped connection is not new.
    if (this.locked && options.resuming !== true) {
      throw new Refused(Reason.ROOM_LOCKED, describeReason(Reason.ROOM_LOCKED))
    }
    // The count includes this stream's own slot, taken before the check.
    if (
      options.handshakeSlot === true &&
      (this.handshakes.get(address) ?? 0) > (this.options.maxHandshakesPerSource ?? MAX_HANDSHAKES_PER_SOURCE)
    ) {
      throw new Refused(Reason.TOO_MANY_HANDSHAKES, describeReason(Reason.TOO_MANY_HANDSHAKES))
    }
  }

  private async admit(
    first: AnyFrame,
    channel: FrameChannel,
    peerId: string,
    address: string
  ): Promise<HostedMember> {
    if (this.locked) throw new Refused(Reason.ROOM_LOCKED, describeReason(Reason.ROOM_LOCKED))
    const timeouts = this.options.timeouts ?? {}
    const signal = AbortSignal.any([
      this.abort.signal,
      AbortSignal.timeout(timeouts.handshakeMs ?? HANDSHAKE_TOTAL_TIMEOUT_MS)
    ])
    const admission = await runHandshake(
      channel,
      first,
      this.gates(peerId, address),
      { stepMs: timeouts.stepMs ?? HANDSHAKE_STEP_TIMEOUT_MS, maxNicknameTries: MAX_NICKNAME_TRIES },
      signal
    )
    const subject = { peerId, nickname: admission.nickname, publicKeySpki: admission.publicKeySpki }
    const [memberFingerprint, resumeToken] = await Promise.all([
      fingerprint(admission.publicKeySpki),
      this.resume.issue(subject)
    ])
    // Re-checked after the last await: the room may have changed while the joiner typed.
    this.preCheck(peerId, address)
    this.book.stillValid(admission.invitation.id)
    const previous = this.members.get(peerId)
    if (previous !== undefined) this.depart(previous, Reason.CONNECTION_LOST)
    this.checkRoomFor(admission.nickname)
    this.book.use(admission.invitation.id)
    const member: HostedMember = {
      ...subject,
      ...freshSession(this.options, this.now),
      publicKey: admission.publicKey,
      fingerprint: memberFingerprint,
      local: false,
      channel
    }
    channel.send(frame('welcome', this.welcomeFor(member, resumeToken)))
    this.enter(member)
    return member
  }

  private checkRoomFor(nickname: string): void {
    if (this.nicknameTaken(nickname))
      throw new Refused(Reason.NICKNAME_TAKEN, `the nickname "${nickname}" is taken`)
    if (this.members.size >= (this.options.maxMembers ?? MAX_MEMBERS)) {
      throw new Refused(Reason.ROOM_FULL, describeReason(Reason.ROOM_FULL))
    }
  }

  private welcomeFor(member: HostedMember, resumeToken: string, nextSeq = this.seq + 1): Welcome {
    return {
      roomId: asBufferSource(this.roomId),
      roomName: this.roomName,
      you: memberRecord(member),
      members: [...this.members.values()].filter((m) => m !== member).map((m) => memberRecord(m)),
      nextSeq,
      hostIsMember: this.self !== undefined,
      resumeToken,
      hostEpoch: asBufferSource(this.epoch)
    }
  }

  /** Adds a member and tells everyone else. */
  private enter(member: HostedMember): void {
    this.members.set(member.peerId, member)
    this.broadcast(member, (m) => m.channel?.send(frame('memberJoined', { member: memberRecord(member) })))
    void this.self?.memberJoined(memberRecord(member))
  }

  /**
   * A member coming back after a dropped connection: its credential (bound to this PeerId, which Noise
   * authenticated) and a signature by the RSA key the room knows it by. It gets its place back and every
   * message held for it; when the host restarted meanwhile, it is re-admitted under the same name.
   */
  private async readmit(
    request: Resume,
    channel: FrameChannel,
    peerId: string,
    address: string
  ): Promise<HostedMember> {
    this.preCheck(peerId, address, { resuming: true })
    const claims = await this.resume.check(request.token, peerId)
    const proven = claims !== undefined && (await this.resumeProven(request, claims, peerId))
    if (claims === undefined || !proven) {
      for (const key of [address, peerId]) this.failures.fail(key)
      throw new Refused(Reason.RESUME_INVALID, describeReason(Reason.RESUME_INVALID))
    }
    const resumeToken = await this.resume.issue({
      peerId,
      nickname: claims.nickname,
      publicKeySpki: request.publicKey
    })
    this.preCheck(peerId, address, { resuming: true })
    const existing = this.members.get(peerId)
    if (existing !== undefined && !existing.local) {
      const previous = existing.channel
      existing.channel = channel
      existing.away = false
      clearTimeout(existing.awayTimer)
      if (previous !== channel) void previous?.close(AbortSignal.timeout(1000))
      const { held, missed, gapUnknown } = takeBacklog(existing, request.lastSeq)
      channel.send(
        frame('resumed', {
          welcome: this.welcomeFor(existing, resumeToken, held[0]?.seq ?? this.seq + 1),
          missed,
          gapUnknown
        })
      )
      for (const deliver of held) channel.send(frame('deliver', deliver))
      this.broadcast(existing, (m) => m.channel?.send(frame('presence', { peerId, away: false })))
      this.self?.presence(peerId, false)
      return existing
    }
    this.checkRoomFor(claims.nickname)
    const publicKey = await importPublicKey(request.publicKey)
    const member: HostedMember = {
      peerId,
      nickname: claims.nickname,
      publicKeySpki: request.publicKey,
      publicKey,
      fingerprint: await fingerprint(request.publicKey),
      ...freshSession(this.options, this.now),
      local: false,
      channel
    }
    this.checkRoomFor(claims.nickname)
    channel.send(
      frame('resumed', { welcome: this.welcomeFor(member, resumeToken), missed: 0, gapUnknown: true })
    )
    this.enter(member)
    return member
  }

  private async resumeProven(request: Resume, claims: ResumeClaims, peerId: string): Promise<boolean> {
    if (Math.abs(this.now() - request.timestamp) > RESUME_CLOCK_SKEW_MS) return false
    if (!constantTimeEqual(await keyHash(request.publicKey), claims.keyHash)) return false
    try {
      const key = await importPublicKey(request.publicKey)
      return await verify(
        key,
        request.signature,
        resumeSignatureInput(this.roomId, peerId, request.timestamp, request.token)
      )
    } catch {
      return false
    }
  }

  private async renewCredentials(): Promise<void> {
    for (const member of this.members.values()) {
      if (member.local || member.away || member.channel === undefined) continue
      const resumeToken = await this.resume.issue(member)
      member.channel?.send(frame('credential', { resumeToken }))
    }
  }

  /** A dropped connection: the member keeps its place (and gets its messages held) for the resume window. */
  private goAway(member: HostedMember): void {
    member.away = true
    member.channel = undefined
    member.awayTimer = setTimeout(() => this.depart(member, Reason.CONNECTION_LOST), this.resume.lifetimeMs)
    member.awayTimer.unref()
    this.broadcast(member, (m) => m.channel?.send(frame('presence', { peerId: member.peerId, away: true })))
    this.self?.presence(member.peerId, true)
  }

  private gates(peerId: string, address: string): Gates {
    const keys = [address, peerId]
    return {
      checkToken: (token) => this.book.check(token),
      question: () => this.question,
      checkAnswer: (answer) => verifyAnswer(answer, this.answerHash),
      checkCode: (code) => verifyRoomCode(this.roomSecret, code, { now: this.now() }),
      nicknameTaken: (nickname) => this.nicknameTaken(nickname),
      reserve: () => {
        const reserved = keys.filter((key) => this.failures.reserve(key))
        if (reserved.length === keys.length) return true
        for (const key of reserved) this.failures.settle(key, false)
        return false
      },
      settle: (failed) => {
        for (const key of keys) this.failures.settle(key, failed)
      },
      attemptsLeft: () => strictest(this.failures, keys).attemptsLeft,
      lockedFor: () => strictest(this.failures, keys).lockedFor
    }
  }

  private nicknameTaken(nickname: string): boolean {
    const key = nicknameKey(nickname)
    return [...this.members.values()].some((m) => nicknameKey(m.nickname) === key)
  }

  /** Tells a refused joiner why (reason code and tries left), then closes its stream. */
  private async refuse(channel: FrameChannel, err: Error, peerId: string, address: string): Promise<void> {
    const reason =
      err instanceof ReasonError ? err.reason : err instanceof TimeoutError ? Reason.TIMEOUT : undefined
    if (reason !== undefined) {
      const attemptsLeft = strictest(this.failures, [address, peerId]).attemptsLeft
      channel.send(
        frame('refusal', {
          reason,
          message: err.message.slice(0, 200),
          attemptsLeft,
          retry: false,
          retryAfter: err instanceof Refused ? err.retryAfter : 0
        })
      )
      this.feed.emit({ type: 'refused', peerId, address, reason: reasonCode(reason) })
      await channel.close(AbortSignal.timeout(2000))
    } else {
      // The stream itself failed (reset, closed): nothing can be told.
      channel.abort(err)
    }
  }

  /** Reads a member's frames until it leaves; any misbehaviour ends its session, not the room. */
  private async serve(member: HostedMember, channel: FrameChannel): Promise<void> {
    let departure: Departure = { reason: Reason.CONNECTION_LOST }
    try {
      while (!channel.isClosed) {
        const received = await channel.read(this.abort.signal)
        if (received.kind === 'post') {
          const post = received.body
          if (!member.rate.take()) {
            channel.send(
              frame('rejected', {
                counter: post.counter,
                reason: Reason.RATE_LIMITED,
                message: describeReason(Reason.RATE_LIMITED)
              })
            )
            continue
          }
          void this.relayQueue.run(() => this.relay(post, member)).catch(() => {})
        } else if (received.kind === 'goodbye') {
          departure = { reason: Reason.LEFT }
          break
        } else {
          throw new FrameError(`unexpected ${received.kind} from a member`, Reason.UNEXPECTED_FRAME)
        }
      }
    } catch (err) {
      if (err instanceof FrameError) departure = { reason: err.reason }
    }
    if (!channel.isClosed) void channel.close(AbortSignal.timeout(2000))
    // A resumed member has a new channel by now: this loop's end is not its departure.
    if (this.members.get(member.peerId) !== member || member.channel !== channel) return
    if (departure.reason === Reason.CONNECTION_LOST && !this.closed) this.goAway(member)
    else this.depart(member, departure.reason)
  }

  /** Relays one Post (serially, through `relayQueue`) and tells the host's listeners what passed. */
  private async relay(post: Post, sender: HostedMember): Promise<number> {
    const seq = await relayPost(this.relayRoom, post, sender)
    this.feed.emit({
      type: 'relayed',
      seq,
      sender: sender.peerId,
      recipients: [...post.recipients],
      ciphertextBytes: post.ciphertext.byteLength
    })
    return seq
  }

  /** Removes a member, tells it why when it is still there, and tells everyone else. */
  private depart(member: HostedMember, reason: Reason): void {
    if (this.members.get(member.peerId) !== member) return
    this.members.delete(member.peerId)
    clearTimeout(member.awayTimer)
    if (reason !== Reason.CONNECTION_LOST) this.resume.void(member.peerId)
    if (reason !== Reason.LEFT && reason !== Reason.CONNECTION_LOST) {
      member.channel?.send(frame('goodbye', { reason, message: describeReason(reason) }))
    }
    void member.channel?.close(AbortSignal.timeout(2000))
    const left = { peerId: member.peerId, nickname: member.nickname, reason }
    this.broadcast(member, (m) => m.channel?.send(frame('memberLeft', left)))
    void this.self?.memberLeft(member.peerId, reasonCode(reason))
  }

  /** Runs `send` for every member but `except` (remote ones; the host's own view is updated apart). */
  private broadcast(except: HostedMember, send: (m: HostedMember) => void): void {
    for (const m of this.members.values()) if (m !== except && !m.local && !m.away) send(m)
  }
}

function withPeerId(address: Multiaddr, peerId: string): Multiaddr {
  return address.getComponents().some((c) => c.name === 'p2p')
    ? address
    : address.encapsulate(`/p2p/${peerId}`)
}

function parsePeerId(text: string): string | undefined {
  try {
    return peerIdFromString(text).toString()
  } catch {
    return undefined
  }
}

function requireAnswer(answer: string | undefined): string {
  if (answer === undefined)
    throw new Error('the room needs the answer to its security question (answer or answerHash)')
  return answer
}

/** Creates a room host: starts a libp2p node and opens `/securechat/1.0.0` on it. */
export function createRoomHost(options: RoomHostOptions): Promise<RoomHost> {
  return RoomHost.create(options)
}
