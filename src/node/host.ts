import type { Connection, Stream } from '@libp2p/interface'
import { TimeoutError } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { randomBytes } from '../protocol/bytes.js'
import { MAX_MEMBERS, PROTOCOL_ID } from '../protocol/constants.js'
import { Fernet } from '../protocol/fernet.js'
import { FrameError, frame } from '../protocol/frame.js'
import { encodeInvitation, ROOM_ID_BYTES } from '../protocol/invitation.js'
import { postHeader, verifyMessageSignature } from '../protocol/message.js'
import { nicknameKey } from '../protocol/nickname.js'
import { describeReason, reasonCode } from '../protocol/reasons.js'
import { fingerprint, generateRsaKeyPair, type RsaKeyPair, type RsaPublicKey } from '../protocol/rsa.js'
import { generateRoomSecret, roomCode, roomCodeUri, secondsLeft, verifyRoomCode } from '../protocol/totp.js'
import { type Member, type Post, Reason } from '../protocol/wire/securechat.js'
import { invitationAddresses, sourceAddress } from './addresses.js'
import { hashAnswer, verifyAnswer } from './answer-hash.js'
import { FrameChannel } from './channel.js'
import {
  DEFAULT_INVITATION_TTL_MS,
  HANDSHAKE_STEP_TIMEOUT_MS,
  HANDSHAKE_TOTAL_TIMEOUT_MS,
  HELLO_TIMEOUT_MS,
  MAX_HANDSHAKES_PER_SOURCE,
  MAX_NICKNAME_TRIES
} from './constants.js'
import { EventFeed, type MemberInfo, type RoomEvent } from './events.js'
import { type Gates, Refused, runHandshake } from './gatekeeper.js'
import { InvitationBook, type InvitationRecord } from './invitations.js'
import { createListeningNode, defaultListenAddresses, type NodeOptions } from './libp2p.js'
import { FailureTracker, type LockoutOptions, strictest } from './lockout.js'
import { Participant } from './participant.js'
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
  now?: () => number
}

export interface IssuedRoomInvitation {
  id: string
  invitation: string
  addresses: string[]
  expiresAt: number
}

interface HostedMember {
  peerId: string
  nickname: string
  publicKey: RsaPublicKey
  publicKeySpki: Uint8Array
  fingerprint: string
  /** Undefined for the host itself. */
  channel: FrameChannel | undefined
  connection: Connection | undefined
  lastCounter: number
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
  private seq = 0
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
    this.roomName = options.roomName ?? 'securechat room'
    this.question = options.question
    this.answerHash = init.answerHash
    this.roomSecret = init.roomSecret
    this.now = options.now ?? Date.now
    this.failures = new FailureTracker({ now: this.now, ...options.lockout })
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
        channel: undefined,
        connection: undefined,
        lastCounter: 0
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
    if (member === undefined || member.channel === undefined) return false
    this.depart(member, reason)
    return true
  }

  /** Bans a PeerId (or the member with that nickname): it is disconnected and refused from now on. */
  ban(who: string): boolean {
    const member = this.find(who)
    const peerId = member?.peerId ?? parsePeerId(who)
    if (peerId === undefined || peerId === this.peerId) return false
    this.banned.add(peerId)
    if (member !== undefined) this.depart(member, Reason.BANNED)
    return true
  }

  unban(peerId: string): boolean {
    return this.banned.delete(peerId)
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

  /** Tells every member the room is closing, then stops the node. */
  async close(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.abort.abort(new Error('room closed'))
    const signal = options.signal ?? AbortSignal.timeout(2000)
    await Promise.allSettled(
      [...this.members.values()].map(async (m) => {
        m.channel?.send(
          frame('goodbye', { reason: Reason.HOST_CLOSING, message: describeReason(Reason.HOST_CLOSING) })
        )
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

  private memberRecord(m: HostedMember): Member {
    return {
      peerId: m.peerId,
      nickname: m.nickname,
      publicKey: m.publicKeySpki as Uint8Array<ArrayBuffer>,
      fingerprint: m.fingerprint
    }
  }

  /** One inbound stream: pre-checks, the handshake, then the member's frames until it goes. */
  private async handleStream(stream: Stream, connection: Connection): Promise<void> {
    const peerId = connection.remotePeer.toString()
    const address = sourceAddress(connection.remoteAddr)
    const channel = new FrameChannel(stream, {
      // A member that stops reading is dropped rather than buffered for without bound.
      onOverflow: () => {
        const member = this.members.get(peerId)
        if (member?.channel === channel) this.depart(member, Reason.SLOW_CONSUMER)
      }
    })
    let admitted: HostedMember | undefined
    try {
      this.preCheck(peerId, address)
      admitted = await this.admit(channel, connection, peerId, address)
    } catch (err) {
      await this.refuse(channel, err as Error, peerId, address)
      return
    }
    await this.serve(admitted)
  }

  private preCheck(peerId: string, address: string): void {
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
    if (this.locked) throw new Refused(Reason.ROOM_LOCKED, describeReason(Reason.ROOM_LOCKED))
    if (
      (this.handshakes.get(address) ?? 0) >=
      (this.options.maxHandshakesPerSource ?? MAX_HANDSHAKES_PER_SOURCE)
    ) {
      throw new Refused(Reason.TOO_MANY_HANDSHAKES, describeReason(Reason.TOO_MANY_HANDSHAKES))
    }
  }

  private async admit(
    channel: FrameChannel,
    connection: Connection,
    peerId: string,
    address: string
  ): Promise<HostedMember> {
    this.handshakes.set(address, (this.handshakes.get(address) ?? 0) + 1)
    const timeouts = this.options.timeouts ?? {}
    const signal = AbortSignal.any([
      this.abort.signal,
      AbortSignal.timeout(timeouts.handshakeMs ?? HANDSHAKE_TOTAL_TIMEOUT_MS)
    ])
    try {
      const admission = await runHandshake(
        channel,
        this.gates(peerId, address),
        {
          helloMs: timeouts.helloMs ?? HELLO_TIMEOUT_MS,
          stepMs: timeouts.stepMs ?? HANDSHAKE_STEP_TIMEOUT_MS,
          maxNicknameTries: MAX_NICKNAME_TRIES
        },
        signal
      )
      const memberFingerprint = await fingerprint(admission.publicKeySpki)
      // Re-checked after the last await: the room may have changed while the joiner typed.
      this.preCheck(peerId, address)
      this.tokenStillValid(admission.invitation.id)
      if (this.nicknameTaken(admission.nickname)) {
        throw new Refused(Reason.NICKNAME_TAKEN, `the nickname "${admission.nickname}" is taken`)
      }
      if (this.members.size >= (this.options.maxMembers ?? MAX_MEMBERS))
        throw new Refused(Reason.ROOM_FULL, describeReason(Reason.ROOM_FULL))
      const previous = this.members.get(peerId)
      if (previous !== undefined) this.depart(previous, Reason.CONNECTION_LOST)
      const member: HostedMember = {
        peerId,
        nickname: admission.nickname,
        publicKey: admission.publicKey,
        publicKeySpki: admission.publicKeySpki,
        fingerprint: memberFingerprint,
        channel,
        connection,
        lastCounter: 0
      }
      this.book.use(admission.invitation.id)
      const others = [...this.members.values()].map((m) => this.memberRecord(m))
      this.members.set(peerId, member)
      channel.send(
        frame('welcome', {
          roomId: this.roomId as Uint8Array<ArrayBuffer>,
          roomName: this.roomName,
          you: this.memberRecord(member),
          members: others,
          nextSeq: this.seq + 1,
          hostIsMember: this.self !== undefined
        })
      )
      this.broadcast(member, (m) =>
        m.channel?.send(frame('memberJoined', { member: this.memberRecord(member) }))
      )
      void this.self?.memberJoined(this.memberRecord(member))
      return member
    } finally {
      const count = (this.handshakes.get(address) ?? 1) - 1
      if (count <= 0) this.handshakes.delete(address)
      else this.handshakes.set(address, count)
    }
  }

  /** The invitation's token is not kept, so its record is checked directly at the last moment. */
  private tokenStillValid(id: string): void {
    const record = this.book.list().find((r) => r.id === id)
    if (record === undefined || record.revoked)
      throw new Refused(Reason.TOKEN_REVOKED, describeReason(Reason.TOKEN_REVOKED))
    if (record.maxUses !== undefined && record.uses >= record.maxUses) {
      throw new Refused(Reason.TOKEN_USED_UP, describeReason(Reason.TOKEN_USED_UP))
    }
    if (record.expiresAt <= this.now())
      throw new Refused(Reason.TOKEN_EXPIRED, describeReason(Reason.TOKEN_EXPIRED))
  }

  private gates(peerId: string, address: string): Gates {
    const keys = [address, peerId]
    return {
      checkToken: (token) => this.book.check(token),
      question: () => this.question,
      checkAnswer: (answer) => verifyAnswer(answer, this.answerHash),
      checkCode: (code) => verifyRoomCode(this.roomSecret, code, { now: this.now() }),
      nicknameTaken: (nickname) => this.nicknameTaken(nickname),
      fail: () => {
        for (const key of keys) this.failures.fail(key)
        return strictest(this.failures, keys).attemptsLeft
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
      err instanceof Refused || err instanceof FrameError
        ? err.reason
        : err instanceof TimeoutError
          ? Reason.TIMEOUT
          : undefined
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
  private async serve(member: HostedMember): Promise<void> {
    const channel = member.channel as FrameChannel
    let departure: Departure = { reason: Reason.CONNECTION_LOST }
    try {
      while (!channel.isClosed) {
        const received = await channel.read(this.abort.signal)
        if (received.kind === 'post') {
          const post = received.body
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
    if (this.members.get(member.peerId) === member) this.depart(member, departure.reason)
  }

  /**
   * Checks one Post and forwards it: signature and counter first, then the next sequence number,
   * then to each recipient only its own wrapped key, then the sender's Ack. Runs serially, which is
   * what gives every member one order.
   */
  private async relay(post: Post, sender: HostedMember): Promise<number> {
    const header = postHeader(this.roomId, sender.peerId, post)
    const problem = await this.postProblem(post, sender, header)
    if (problem !== undefined) {
      sender.channel?.send(
        frame('rejected', { counter: post.counter, reason: problem, message: describeReason(problem) })
      )
      throw new Refused(problem, describeReason(problem))
    }
    sender.lastCounter = post.counter
    const seq = ++this.seq
    post.recipients.forEach((recipient, i) => {
      const target = this.members.get(recipient)
      const wrappedKey = post.keys[i]?.key
      if (target === undefined || wrappedKey === undefined) return
      const deliver = {
        seq,
        sender: sender.peerId,
        counter: post.counter,
        timestamp: post.timestamp,
        recipients: post.recipients,
        iv: post.iv,
        ciphertext: post.ciphertext,
        wrappedKey,
        signature: post.signature
      }
      if (target.channel === undefined) void this.self?.receive(deliver)
      else target.channel.send(frame('deliver', deliver))
    })
    sender.channel?.send(frame('ack', { counter: post.counter, seq }))
    this.feed.emit({
      type: 'relayed',
      seq,
      sender: sender.peerId,
      recipients: [...post.recipients],
      ciphertextBytes: post.ciphertext.byteLength
    })
    return seq
  }

  private async postProblem(
    post: Post,
    sender: HostedMember,
    header: ReturnType<typeof postHeader>
  ): Promise<Reason | undefined> {
    if (post.counter <= sender.lastCounter) return Reason.BAD_COUNTER
    if (post.recipients.includes(sender.peerId)) return Reason.BAD_RECIPIENTS
    if (post.keys.some((k, i) => k.recipient !== post.recipients[i])) return Reason.BAD_RECIPIENTS
    if (!(await verifyMessageSignature(header, post, sender.publicKey))) return Reason.BAD_SIGNATURE
    return undefined
  }

  /** Removes a member, tells it why when it is still there, and tells everyone else. */
  private depart(member: HostedMember, reason: Reason): void {
    if (this.members.get(member.peerId) !== member) return
    this.members.delete(member.peerId)
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
    for (const m of this.members.values()) if (m !== except && m.channel !== undefined) send(m)
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
