/**
 * @module The host's side of the admission handshake, as a straight line of awaits: token, answer,
 * room code, then nickname and key. Its mirror, the joiner's side, is `join-handshake.ts`.
 */
import { TimeoutError } from '@libp2p/interface'
import { WIRE_VERSION } from '../protocol/constants.js'
import { type AnyFrame, FrameError, type FrameKind, type FrameOf, frame } from '../protocol/frame.js'
import { describeNicknameProblem, nicknameProblem, normaliseNickname } from '../protocol/nickname.js'
import { Reason, Step } from '../protocol/wire/securechat.js'
import type { FrameChannel } from './channel.js'
import { RefusedError } from './errors.js'
import type { InvitationRecord } from './invitations.js'
import { type MemberIdentity, presentedIdentity } from './member-identity.js'

/** What the gatekeeper needs of the room, for one handshake; the host supplies it. */
export interface Gates {
  /**
   * The invitation a token stands for, or `TokenRefusedError` (or `RefusedError` ROOM_LOCKED, checked
   * after the token). Failing it costs no attempt.
   */
  checkToken(token: string): Promise<InvitationRecord>
  /**
   * Starts the guessed part of the handshake under a valid invitation: takes a handshake slot and
   * reserves one attempt, or throws `RefusedError` (LOCKED_OUT, TOO_MANY_HANDSHAKES).
   */
  begin(invitation: InvitationRecord): void
  question(): string
  checkAnswer(answer: string): Promise<boolean>
  checkCode(code: string): Promise<boolean>
  /** Attempts left, the one under way included. */
  attemptsLeft(): number
  /** Why this nickname cannot be had (taken, or looks like a present member's), or undefined. */
  nicknameTaken(nickname: string): string | undefined
}

export interface HandshakeTimeouts {
  stepMs: number
  maxNicknameTries: number
}

export interface Admission extends MemberIdentity {
  invitation: InvitationRecord
  nickname: string
}

/**
 * Runs the handshake after the first frame (`first`, which must be a Hello). Each read has its own
 * deadline inside the caller's whole-handshake signal. Returns the admission or throws
 * `RefusedError`/`TokenRefusedError`/`FrameError`/`TimeoutError` for the caller to report.
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
    throw new RefusedError(Reason.VERSION_UNSUPPORTED, `wire version ${hello.version} is not supported`)
  }
  const invitation = await gates.checkToken(hello.token)
  gates.begin(invitation)

  const step = (s: Step, question = ''): void => {
    channel.send(frame('challenge', { step: s, question, attemptsLeft: gates.attemptsLeft() }))
  }
  step(Step.QUESTION, gates.question())
  const answer = await expect(channel, 'answer', timeouts.stepMs, signal)
  if (!(await gates.checkAnswer(answer.answer))) throw new RefusedError(Reason.WRONG_ANSWER, 'wrong answer')

  step(Step.ROOM_CODE)
  const code = await expect(channel, 'roomCode', timeouts.stepMs, signal)
  if (!(await gates.checkCode(code.code))) throw new RefusedError(Reason.WRONG_CODE, 'wrong room code')

  step(Step.NICKNAME)
  for (let tries = 1; ; tries++) {
    const register = await expect(channel, 'register', timeouts.stepMs, signal)
    const identity = await presentedIdentity(register)
    const nickname = normaliseNickname(register.nickname)
    const refusal = nicknameRefusal(nickname, gates)
    if (refusal === undefined) return { invitation, nickname, ...identity }
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

function nicknameRefusal(nickname: string, gates: Gates): RefusedError | undefined {
  const problem = nicknameProblem(nickname)
  if (problem !== undefined)
    return new RefusedError(Reason.NICKNAME_INVALID, describeNicknameProblem(problem))
  const taken = gates.nicknameTaken(nickname)
  return taken === undefined ? undefined : new RefusedError(Reason.NICKNAME_TAKEN, taken)
}

/**
 * Reads the next frame within `timeoutMs` and the caller's signal. The step's own deadline is a
 * `TimeoutError`; the caller's signal ending (the room closing, the whole handshake's deadline)
 * rethrows its reason, so a closing host is never reported to the joiner as its own slowness.
 */
export async function readWithin(
  channel: FrameChannel,
  what: string,
  timeoutMs: number,
  signal: AbortSignal
): Promise<AnyFrame> {
  const stepTimeout = AbortSignal.timeout(timeoutMs)
  try {
    return await channel.read(AbortSignal.any([signal, stepTimeout]))
  } catch (err) {
    if (signal.aborted) throw signal.reason
    if (stepTimeout.aborted) throw new TimeoutError(`no ${what} within the time allowed`)
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
