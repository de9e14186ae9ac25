/**
 * @module A member's session in a room: sending, receiving, and coming back by itself after a drop.
 */

import { setMaxListeners } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Stream } from '@libp2p/interface'
import type { Logger } from '@libp2p/logger'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { asBufferSource, constantTimeEqual } from '../protocol/bytes.js'
import { SecureChatError } from '../protocol/errors.js'
import { type AnyFrame, frame } from '../protocol/frame.js'
import { describeReason, reasonCode } from '../protocol/reasons.js'
import { type RsaKeyPair, sign } from '../protocol/rsa.js'
import type { SenderKey } from '../protocol/sender-key.js'
import { resumeSignatureInput } from '../protocol/signing.js'
import { type Post, Reason, type Welcome } from '../protocol/wire/securechat.js'
import { FrameChannel } from './channel.js'
import { CLOSE_FLUSH_MS, RESUME_ATTEMPT_TIMEOUT_MS, RESUME_TTL_MS } from './constants.js'
import { dialHost } from './dial-host.js'
import { JoinRefusedError, MessageRejectedError, RoomClosedError, StreamEndedError } from './errors.js'
import type { EventFeed, MemberInfo, RoomEvent } from './events.js'
import { Participant } from './participant.js'

interface PendingPost {
  post: Post
  resolve: (seq: number) => void
  reject: (err: Error) => void
}

export interface RoomMemberInit {
  feed: EventFeed
  node: Libp2p
  ownsNode: boolean
  channel: FrameChannel
  welcome: Welcome
  keys: RsaKeyPair
  hostPeerId: string
  addresses: Multiaddr[]
  reconnect: boolean
  backoff: { initial: number; max: number }
  discoveryMs: number
  now?: () => number
}

/**
 * A member's session in a room: sends sealed, signed messages through the host and shows what it
 * receives once verified. When the connection drops it reconnects by itself with backoff and resumes
 * with its credential; what it sent meanwhile is delivered on resume, once. Created by `joinRoom`.
 */
export class RoomMember {
  readonly feed: EventFeed
  readonly hostPeerId: string
  readonly roomName: string
  readonly roomId: Uint8Array
  readonly hostIsMember: boolean
  private readonly participant: Participant
  private readonly keys: RsaKeyPair
  private readonly node: Libp2p
  private readonly ownsNode: boolean
  private readonly addresses: Multiaddr[]
  private readonly reconnectEnabled: boolean
  private readonly discoveryMs: number
  private readonly backoff: { initial: number; max: number }
  private readonly now: () => number
  private readonly log: Logger
  private readonly pending = new Map<number, PendingPost>()
  private readonly stop = new AbortController()
  private channel: FrameChannel
  private connected = true
  private resumeToken: string
  private hostEpoch: Uint8Array
  private closeReason: string | undefined
  private session: Promise<void>

  constructor(init: RoomMemberInit) {
    this.feed = init.feed
    this.node = init.node
    this.ownsNode = init.ownsNode
    this.channel = init.channel
    this.keys = init.keys
    this.hostPeerId = init.hostPeerId
    this.addresses = init.addresses
    this.reconnectEnabled = init.reconnect
    this.discoveryMs = init.discoveryMs
    this.backoff = init.backoff
    this.now = init.now ?? Date.now
    this.log = init.node.logger.forComponent('securechat:member')
    // Sends, reads and the reconnect loop all listen on it; many at once is normal, not a leak.
    setMaxListeners(Number.POSITIVE_INFINITY, this.stop.signal)
    this.roomName = init.welcome.roomName
    this.roomId = init.welcome.roomId
    this.hostIsMember = init.welcome.hostIsMember
    this.resumeToken = init.welcome.resumeToken
    this.hostEpoch = init.welcome.hostEpoch
    this.participant = new Participant({
      roomId: init.welcome.roomId,
      peerId: init.node.peerId.toString(),
      nickname: init.welcome.you?.nickname ?? '',
      keys: init.keys,
      feed: init.feed,
      now: this.now,
      submit: (post, signal) => this.submit(post, signal)
    })
    this.participant.startAt(init.welcome.nextSeq)
    this.session = this.run()
  }

  /** Loads the roster from the Welcome; resolves once every key is imported and fingerprinted. */
  async load(welcome: Welcome): Promise<void> {
    await Promise.all(welcome.members.map((m) => this.participant.memberJoined(m, { announce: false })))
    this.feed.emit({ type: 'joined', nick: this.nickname, peerId: this.peerId, members: this.members })
  }

  get peerId(): string {
    return this.participant.peerId
  }

  get nickname(): string {
    return this.participant.nickname
  }

  /** Everyone else in the room, with the fingerprints this member computed itself. */
  get members(): MemberInfo[] {
    return this.participant.members
  }

  get closed(): boolean {
    return this.closeReason !== undefined
  }

  /** Seals, signs and sends; resolves with the room sequence number once the host has relayed it. */
  send(text: string, options: { signal?: AbortSignal } = {}): Promise<{ seq: number }> {
    if (this.closeReason !== undefined) {
      return Promise.reject(new RoomClosedError(`not in the room: ${this.closeReason}`))
    }
    return this.participant.send(text, options)
  }

  /**
   * What this member holds of its own session, read-only: for diagnostics, and for tests that play a
   * hostile member (sending frames a real client never would, presenting its credential from another
   * node). All of it is this member's own (its stream to the host, its resume credential, its sender
   * key), so it gives away nothing the member does not already hold.
   */
  get debug(): {
    readonly channel: FrameChannel
    readonly resumeToken: string
    readonly ownSenderKey: SenderKey | undefined
  } {
    return {
      channel: this.channel,
      resumeToken: this.resumeToken,
      ownSenderKey: this.participant.ownSenderKey
    }
  }

  events(options: { signal?: AbortSignal } = {}): AsyncGenerator<RoomEvent> {
    return this.feed.events(options)
  }

  on: EventFeed['on'] = (type, handler) => this.feed.on(type, handler)

  /** Leaves: the host is told (and tells the room), then the connection closes. */
  async close(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.closeReason === undefined) {
      this.stop.abort(new RoomClosedError('left'))
      if (this.connected) {
        this.channel.send(frame('goodbye', { reason: Reason.LEFT, message: 'left' }))
        await this.channel.close(options.signal ?? AbortSignal.timeout(CLOSE_FLUSH_MS))
      }
      this.finish('left')
    }
    await this.session.catch((err: unknown) => this.log.error('session ended with %e', err))
    if (this.ownsNode) await this.node.stop()
  }

  /** Drops the connection without leaving, as a Wi-Fi flap would (for tests and diagnostics). */
  dropConnection(): void {
    this.channel.abort(new Error('connection dropped'))
  }

  private submit(post: Post, signal?: AbortSignal): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(post.counter)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          signal?.removeEventListener('abort', onAbort)
          fn(value)
        }
      this.pending.set(post.counter, { post, resolve: settle(resolve), reject: settle(reject) })
      // While reconnecting the post waits in `pending`; it is sent on resume.
      if (this.connected) this.channel.send(frame('post', post))
    })
  }

  /** One connection's frames, then, when it drops, reconnection; until the session ends. */
  private async run(): Promise<void> {
    for (;;) {
      const reason = await this.readUntilClosed(this.channel)
      this.connected = false
      if (this.closeReason !== undefined) return
      const mayResume = reason === 'connection-lost' || reason === reasonCode(Reason.HOST_RESTARTING)
      if (!mayResume || !this.reconnectEnabled || this.resumeToken === '') {
        await this.participant.idle()
        this.finish(reason)
        return
      }
      const outcome = await this.reconnect()
      if (outcome !== undefined) {
        this.finish(outcome)
        return
      }
    }
  }

  private async readUntilClosed(channel: FrameChannel): Promise<string> {
    try {
      for (;;) {
        const goodbye = this.handle(await channel.read())
        if (goodbye !== undefined) return goodbye
      }
    } catch (err) {
      // Our own ending (close, finish) aborts the channel with RoomClosedError: not the host's fault.
      // The stream ending is a lost connection, said by the reconnect events; anything else is news.
      if (
        err instanceof SecureChatError &&
        !(err instanceof RoomClosedError) &&
        !(err instanceof StreamEndedError)
      ) {
        this.feed.emit({ type: 'error', code: 'protocol', message: err.message })
      }
      this.log('connection to the host lost: %s', (err as Error).message)
      return 'connection-lost'
    }
  }

  /** Tries to resume with backoff until it works, the host refuses, or the credential must have expired. */
  private async reconnect(): Promise<string | undefined> {
    const deadline = this.now() + RESUME_TTL_MS
    let delay = this.backoff.initial
    for (let attempt = 1; this.now() < deadline; attempt++) {
      // Jitter: members who lost their connection together (one router) do not all come back at once.
      const wait = Math.round(delay / 2 + Math.random() * (delay / 2))
      this.feed.emit({ type: 'reconnecting', attempt, delayMs: wait })
      try {
        await sleep(wait, undefined, { signal: this.stop.signal })
        await this.resumeOnce()
        return undefined
      } catch (err) {
        if (this.stop.signal.aborted) return 'left'
        if (err instanceof JoinRefusedError && !TRANSIENT_RESUME_REFUSALS.has(err.reason)) return err.code
        this.log('resume attempt %d failed: %s', attempt, (err as Error).message)
      }
      delay = Math.min(delay * 2, this.backoff.max)
    }
    return 'connection-lost'
  }

  private async resumeOnce(): Promise<void> {
    const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(RESUME_ATTEMPT_TIMEOUT_MS)])
    const stream = await dialHost(this.node, this.addresses, this.hostPeerId, {
      signal,
      discoveryMs: this.discoveryMs
    })
    const channel = memberChannel(stream)
    const timestamp = this.now()
    const signature = await sign(
      this.keys.privateKey,
      resumeSignatureInput(this.roomId, this.peerId, timestamp, this.resumeToken)
    )
    channel.send(
      frame('resume', {
        token: this.resumeToken,
        lastSeq: this.participant.lastSequence,
        timestamp,
        publicKey: asBufferSource(this.keys.publicKey.spki),
        signature: asBufferSource(signature)
      })
    )
    const reply = await channel.read(signal).catch((err: unknown) => {
      channel.abort(err as Error)
      throw err
    })
    if (reply.kind === 'refusal') {
      const { reason, message, attemptsLeft, retryAfter } = reply.body
      throw new JoinRefusedError(reason, message || describeReason(reason), attemptsLeft, retryAfter)
    }
    if (reply.kind !== 'resumed' || reply.body.welcome === undefined) {
      channel.abort(new Error('unexpected reply to resume'))
      throw new JoinRefusedError(Reason.UNEXPECTED_FRAME, `unexpected ${reply.kind} in reply to resume`)
    }
    const { welcome, missed, gapUnknown, replayed } = reply.body
    const hostRestarted = !constantTimeEqual(welcome.hostEpoch, this.hostEpoch)
    this.hostEpoch = welcome.hostEpoch
    this.resumeToken = welcome.resumeToken
    this.channel = channel
    this.connected = true
    // Roster first, then the held messages the host sends next, then our own queued posts.
    void this.participant.resync(welcome.members, { nextSeq: welcome.nextSeq, hostRestarted, replayed })
    for (const { post } of [...this.pending.values()].sort((a, b) => a.post.counter - b.post.counter)) {
      channel.send(frame('post', post))
    }
    this.feed.emit({ type: 'back', missed, gapUnknown: gapUnknown || hostRestarted })
  }

  /** Handles one frame from the host; returns the close reason when the host said goodbye. */
  private handle(received: AnyFrame): string | undefined {
    switch (received.kind) {
      case 'deliver':
        void this.participant.receive(received.body)
        return undefined
      case 'ack':
        this.pending.get(received.body.counter)?.resolve(received.body.seq)
        this.pending.delete(received.body.counter)
        return undefined
      case 'rejected': {
        const { counter, reason, message } = received.body
        this.pending.get(counter)?.reject(new MessageRejectedError(reason, message || describeReason(reason)))
        this.pending.delete(counter)
        this.feed.emit({ type: 'error', code: reasonCode(reason), message: describeReason(reason) })
        return undefined
      }
      case 'memberJoined':
        if (received.body.member !== undefined) void this.participant.memberJoined(received.body.member)
        return undefined
      case 'memberLeft':
        void this.participant.memberLeft(received.body.peerId, reasonCode(received.body.reason))
        return undefined
      case 'presence':
        void this.participant.presence(received.body.peerId, received.body.away)
        return undefined
      case 'credential':
        this.resumeToken = received.body.resumeToken
        return undefined
      case 'goodbye':
        return reasonCode(received.body.reason)
      default:
        this.feed.emit({
          type: 'error',
          code: 'unexpected-frame',
          message: `unexpected ${received.kind} from the host`
        })
        return undefined
    }
  }

  private finish(reason: string): void {
    if (this.closeReason !== undefined) return
    this.closeReason = reason
    this.stop.abort(new RoomClosedError(reason))
    for (const { reject } of this.pending.values()) reject(new RoomClosedError(`not in the room: ${reason}`))
    this.pending.clear()
    this.channel.abort(new RoomClosedError(reason))
    this.feed.emit({ type: 'closed', reason })
    // A session ended by the host (kick, ban, host gone) frees its node as a leave would.
    if (this.ownsNode && reason !== 'left') void this.node.stop()
  }
}

/**
 * Refusals of a resume that say "not now" rather than "never": the host is busy with handshakes, or
 * timed the attempt out. The member tries again, with backoff, until its credential would expire.
 */
const TRANSIENT_RESUME_REFUSALS: ReadonlySet<Reason> = new Set([
  Reason.TOO_MANY_HANDSHAKES,
  Reason.TIMEOUT,
  Reason.LOCKED_OUT,
  Reason.RATE_LIMITED
])

/**
 * A member's stream to the host. A host that stops reading what the member sends is treated as a
 * lost connection: the stream is cut, the member reconnects, and what it had not got through (kept
 * until acknowledged) is sent again on resume, never dropped.
 */
export function memberChannel(stream: Stream): FrameChannel {
  const channel: FrameChannel = new FrameChannel(stream, {
    onOverflow: () => channel.abort(new Error('the host is not reading'))
  })
  return channel
}
