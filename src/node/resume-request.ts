/**
 * @module A member asking for its place back on a new stream: the signed Resume, the host's answer, and the retries with backoff.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Connection, Stream } from '@libp2p/interface'
import type { Logger } from '@libp2p/logger'
import { asBufferSource } from '../protocol/bytes.js'
import { frame } from '../protocol/frame.js'
import type { MemberKeyPair } from '../protocol/member-keys.js'
import { describeReason } from '../protocol/reasons.js'
import { sign } from '../protocol/rsa.js'
import { resumeSignatureInput } from '../protocol/signing.js'
import { Reason, type Resumed, type Welcome } from '../protocol/wire/securechat.js'
import { FrameChannel } from './channel.js'
import type { HostLink } from './dial-host.js'
import { JoinRefusedError } from './errors.js'
import type { ConnectionKind, RoomEvent } from './events.js'
import { writeBatchBytes } from './write-batch.js'

/**
 * Refusals of a resume that say "not now" rather than "never": the host is busy with handshakes, or
 * timed the attempt out. The member tries again, with backoff, until its credential would expire.
 */
export const TRANSIENT_RESUME_REFUSALS: ReadonlySet<Reason> = new Set([
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
export function memberChannel(link: { stream: Stream; connection: Connection }): FrameChannel {
  const channel: FrameChannel = new FrameChannel(link.stream, {
    onOverflow: () => channel.abort(new Error('the host is not reading')),
    maxWriteBytes: writeBatchBytes(link.connection.limits)
  })
  return channel
}

export interface ResumeClaim {
  keys: MemberKeyPair
  roomId: Uint8Array
  peerId: string
  token: string
  /** The last room sequence number this member has; the host replays what came after. */
  lastSeq: number
  now: () => number
  signal: AbortSignal
}

/** What a granted resume gives back. */
export type GrantedResume = Omit<Resumed, 'welcome'> & { welcome: Welcome }

/**
 * Sends the Resume (credential, last sequence number, a timestamped signature with the member key)
 * on `channel` and reads the host's answer: the Resumed, or a refusal thrown as `JoinRefusedError`.
 */
export async function requestResume(channel: FrameChannel, claim: ResumeClaim): Promise<GrantedResume> {
  const timestamp = claim.now()
  const signature = await sign(
    claim.keys.privateKey,
    resumeSignatureInput(claim.roomId, claim.peerId, timestamp, claim.token)
  )
  channel.send(
    frame('resume', {
      token: claim.token,
      lastSeq: claim.lastSeq,
      timestamp,
      publicKey: asBufferSource(claim.keys.publicKey.spki),
      signature: asBufferSource(signature),
      signingKey: asBufferSource(claim.keys.signing.publicKey.raw),
      signingKeyBinding: asBufferSource(claim.keys.binding)
    })
  )
  const reply = await channel.read(claim.signal).catch((err: unknown) => {
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
  return { ...reply.body, welcome: reply.body.welcome }
}

export interface RetryOptions {
  /** First delay and cap, doubling in between; each wait is drawn from the step's upper half. */
  backoff: { initial: number; max: number }
  /** When to give up (the credential must have expired by then). */
  deadline: number
  now: () => number
  /** The session's end: stops the retries, which then resolve `'left'`. */
  signal: AbortSignal
  onAttempt(attempt: number, delayMs: number): void
  resume(): Promise<void>
  log: Logger
}

/**
 * Resumes with backoff until it works (undefined), the host refuses for good (its reason code), the
 * session ends (`'left'`) or the deadline passes (`'connection-lost'`).
 */
export async function retryResume(options: RetryOptions): Promise<string | undefined> {
  let delay = options.backoff.initial
  for (let attempt = 1; options.now() < options.deadline; attempt++) {
    // Jitter: members who lost their connection together (one router) do not all come back at once.
    const wait = Math.round(delay / 2 + Math.random() * (delay / 2))
    options.onAttempt(attempt, wait)
    try {
      await sleep(wait, undefined, { signal: options.signal })
      await options.resume()
      return undefined
    } catch (err) {
      if (options.signal.aborted) return 'left'
      if (err instanceof JoinRefusedError && !TRANSIENT_RESUME_REFUSALS.has(err.reason)) return err.code
      options.log('resume attempt %d failed: %s', attempt, (err as Error).message)
    }
    delay = Math.min(delay * 2, options.backoff.max)
  }
  return 'connection-lost'
}

/** The event of one reconnect attempt: the first after a relayed connection dropped blames the relay's limit. */
export function reconnectingEvent(attempt: number, delayMs: number, dropped: ConnectionKind): RoomEvent {
  const cause = dropped === 'relayed' && attempt === 1 ? { cause: 'relay-limit' as const } : {}
  return { type: 'reconnecting', attempt, delayMs, ...cause }
}

/** The event of a session now on `link`: direct or relayed, why it moved, and where to. */
export function connectionEvent(link: HostLink, cause: 'upgraded' | 'relay-limit' | 'resumed'): RoomEvent {
  return { type: 'connection', connection: link.kind, cause, address: link.connection.remoteAddr.toString() }
}
