import { TimeoutError } from '@libp2p/interface'
import { WIRE_VERSION } from '../protocol/constants.js'
import { ReasonError } from '../protocol/errors.js'
import { type AnyFrame, FrameError, type FrameKind, type FrameOf, frame } from '../protocol/frame.js'
import { describeNicknameProblem, nicknameProblem, normaliseNickname } from '../protocol/nickname.js'
import { describeReason } from '../protocol/reasons.js'
import { importPublicKey, type RsaPublicKey } from '../protocol/rsa.js'
import { Reason, Step } from '../protocol/wire/securechat.js'
import type { FrameChannel } from './channel.js'
import type { InvitationRecord } from './invitations.js'

/** A joiner was turned away; `reason` goes on the wire, `retry` keeps the stream open for another try. */
export class Refused extends ReasonError {
  static override readonly name: string = 'Refused'
  override name = 'Refused'
  readonly retryAfter: number
  constructor(reason: Reason, message: string, retryAfter = 0) {
    super(reason, message)
    this.retryAfter = retryAfter
  }
}

/** What the gatekeeper needs of the room; the host supplies it. */
export interface Gates {
  checkToken(token: string): Promise<InvitationRecord>
  question(): string
  checkAnswer(answer: string): Promise<boolean>
  checkCode(code: string): Promise<boolean>
  /** Whether another member already holds this nickname. */
  nicknameTaken(nickname: string): boolean
  /** Reserves one attempt before a check; false when the joiner has none left (locked out). */
  reserve(): boolean
  /** Settles a reserved attempt, counting it as a failure when `failed`. */
  settle(failed: boolean): void
  attemptsLeft(): number
  /** Milliseconds this joiner is still locked out for (another handshake may have locked it). */
  lockedFor(): number
}

export interface HandshakeTimeouts {
  stepMs: number
  maxNicknameTries: number
}

export interface Admission {
  invitation: InvitationRecord
  nickname: string
  publicKey: RsaPublicKey
  publicKeySpki: Uint8Array
}

/**
 * The host's side of the handshake as a straight line of awaits: token, question, room code, then
 * nickname and key. Each read has its own deadline inside the caller's whole-handshake signal.
 * Returns the admission or throws `Refused`/`FrameError`/a timeout for the caller to report.
 */
export async function runHandshake(
  channel: FrameChannel,
  first: AnyFrame,
  gates: Gates,
  timeouts: HandshakeTimeouts,
  signal: AbortSignal
): Promise<Admission> {
  if (first.kind !== 'hello')
    throw new FrameError(`expected hello, received ${first.kind}`, Reason.UNEXPECTED_FRAME)
  const hello = first.body
  if (hello.version !== WIRE_VERSION) {
    throw new Refused(Reason.VERSION_UNSUPPORTED, `wire version ${hello.version} is not supported`)
  }
  const invitation = await gate(gates, async () => gates.checkToken(hello.token))

  channel.send(
    frame('challenge', {
      step: Step.QUESTION,
      question: gates.question(),
      attemptsLeft: gates.attemptsLeft()
    })
  )
  const answer = await expect(channel, 'answer', timeouts.stepMs, signal)
  await gate(gates, async () => {
    if (!(await gates.checkAnswer(answer.answer))) throw new Refused(Reason.WRONG_ANSWER, 'wrong answer')
  })

  channel.send(frame('challenge', { step: Step.ROOM_CODE, question: '', attemptsLeft: gates.attemptsLeft() }))
  const code = await expect(channel, 'roomCode', timeouts.stepMs, signal)
  await gate(gates, async () => {
    if (!(await gates.checkCode(code.code))) throw new Refused(Reason.WRONG_CODE, 'wrong room code')
  })

  channel.send(frame('challenge', { step: Step.NICKNAME, question: '', attemptsLeft: gates.attemptsLeft() }))
  for (let tries = 1; ; tries++) {
    const register = await expect(channel, 'register', timeouts.stepMs, signal)
    const publicKey = await importMemberKey(register.publicKey)
    const nickname = normaliseNickname(register.nickname)
    const problem = nicknameProblem(nickname)
    const refusal =
      problem !== undefined
        ? new Refused(Reason.NICKNAME_INVALID, describeNicknameProblem(problem))
        : gates.nicknameTaken(nickname)
          ? new Refused(Reason.NICKNAME_TAKEN, `the nickname "${nickname}" is taken`)
          : undefined
    if (refusal === undefined) return { invitation, nickname, publicKey, publicKeySpki: register.publicKey }
    if (tries >= timeouts.maxNicknameTries) throw refusal
    channel.send(
      frame('refusal', {
        reason: refusal.reason,
        message: refusal.message,
        attemptsLeft: gates.attemptsLeft(),
        retry: true,
        retryAfter: 0
      })
    )
  }
}

/**
 * Runs one gate with an attempt reserved beforehand, so parallel handshakes from one source cannot
 * make more guesses than the lockout allows; a refusal there counts as a failure.
 */
async function gate<T>(gates: Gates, check: () => Promise<T>): Promise<T> {
  if (!gates.reserve()) {
    const lockedFor = gates.lockedFor()
    throw new Refused(Reason.LOCKED_OUT, describeReason(Reason.LOCKED_OUT), lockedFor)
  }
  let failed = false
  try {
    return await check()
  } catch (err) {
    // A refusal at a gate (a token, an answer, a code) counts; a broken stream does not.
    failed = err instanceof ReasonError
    throw err
  } finally {
    gates.settle(failed)
  }
}

async function importMemberKey(spki: Uint8Array): Promise<RsaPublicKey> {
  try {
    return await importPublicKey(spki)
  } catch {
    throw new Refused(Reason.KEY_INVALID, 'the public key is not an RSA key of 2048 to 4096 bits')
  }
}

/** Reads the next frame within `timeoutMs` and the caller's signal; a timeout is a `TimeoutError`. */
export async function readWithin(
  channel: FrameChannel,
  what: string,
  timeoutMs: number,
  signal: AbortSignal
): Promise<AnyFrame> {
  const stepSignal = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
  try {
    return await channel.read(stepSignal)
  } catch (err) {
    if (stepSignal.aborted) throw new TimeoutError(`no ${what} within the time allowed`)
    throw err
  }
}

/** Reads the next frame, which must be of `kind`, within `timeoutMs` and the handshake's signal. */
async function expect<K extends FrameKind>(
  channel: FrameChannel,
  kind: K,
  timeoutMs: number,
  signal: AbortSignal
): Promise<FrameOf<K>['body']> {
  const received = await readWithin(channel, kind, timeoutMs, signal)
  if (received.kind !== kind) {
    throw new FrameError(`expected ${kind}, received ${received.kind}`, Reason.UNEXPECTED_FRAME)
  }
  return received.body as FrameOf<K>['body']
}
