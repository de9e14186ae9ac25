/**
 * @module The joiner's side of the admission handshake, the mirror of the host's `gatekeeper.ts`:
 * Hello with the token, then whatever the host asks (answer, room code, nickname) until a Welcome,
 * sending what it knows already without waiting to be asked.
 */
import { asBufferSource } from '../protocol/bytes.js'
import { WIRE_VERSION } from '../protocol/constants.js'
import { type AnyFrame, frame } from '../protocol/frame.js'
import type { MemberKeyPair } from '../protocol/member-keys.js'
import { describeReason, reasonCode } from '../protocol/reasons.js'
import { Reason, Step, type Welcome } from '../protocol/wire/securechat.js'
import type { FrameChannel } from './channel.js'
import { JoinRefusedError } from './errors.js'

type Answerable<A extends unknown[]> = string | ((...args: A) => string | Promise<string>)

/** What a joiner answers the host with: each a value, or a function asked when the host asks. */
export interface JoinCredentials {
  /** The answer, or a function asked with the host's question. */
  answer: Answerable<[question: string, info: { attemptsLeft: number }]>
  /** The room code from the host's screen, or a function asked for it. */
  code: Answerable<[info: { attemptsLeft: number }]>
  /** The nickname, or a function asked again (with the problem) when the host refuses one. */
  nickname: Answerable<[info: { problem?: string; reason?: string }]>
}

function ask<A extends unknown[]>(value: Answerable<A>, ...args: A): Promise<string> {
  return Promise.resolve(typeof value === 'function' ? value(...args) : value)
}

/** The steps in the order every host asks them (PROTOCOL.md 6.1). */
const STEPS: readonly Step[] = [Step.QUESTION, Step.ROOM_CODE, Step.NICKNAME]

/**
 * Runs the joiner's side of the handshake; returns the Welcome or throws `JoinRefusedError`.
 *
 * What is known before the host asks (a value, not a function) goes out at once, in the host's order
 * of steps: the host reads each in its turn, so every step given in advance saves a round trip, the
 * whole handshake one when all three are. A function is asked when its step comes (it is shown the
 * question and the attempts left), and the known values after it follow its answer at once.
 */
export async function handshake(
  channel: FrameChannel,
  credentials: JoinCredentials,
  token: string,
  keys: MemberKeyPair,
  signal: AbortSignal
): Promise<Welcome> {
  const register = (nickname: string): AnyFrame =>
    frame('register', {
      nickname,
      publicKey: asBufferSource(keys.publicKey.spki),
      signingKey: asBufferSource(keys.signing.publicKey.raw),
      signingKeyBinding: asBufferSource(keys.binding)
    })
  const answerTo = async (step: Step, question: string, attemptsLeft: number): Promise<AnyFrame> => {
    if (step === Step.QUESTION) {
      return frame('answer', { answer: await ask(credentials.answer, question, { attemptsLeft }) })
    }
    if (step === Step.ROOM_CODE) {
      return frame('roomCode', { code: (await ask(credentials.code, { attemptsLeft })).trim() })
    }
    return register(await ask(credentials.nickname, {}))
  }
  const credentialFor: Partial<Record<Step, unknown>> = {
    [Step.QUESTION]: credentials.answer,
    [Step.ROOM_CODE]: credentials.code,
    [Step.NICKNAME]: credentials.nickname
  }
  const known = (step: Step): boolean => typeof credentialFor[step] === 'string'
  /** How many steps, in their order, the host has asked, and this joiner has answered, so far. */
  let challenged = 0
  let answered = 0
  const sendKnown = async (): Promise<void> => {
    for (let step = STEPS[answered]; step !== undefined && known(step); step = STEPS[++answered]) {
      channel.send(await answerTo(step, '', 0))
    }
  }
  channel.send(frame('hello', { version: WIRE_VERSION, token }))
  await sendKnown()
  for (;;) {
    const received = await channel.read(signal)
    switch (received.kind) {
      case 'challenge': {
        const { step, question, attemptsLeft } = received.body
        if (step !== STEPS[challenged++]) {
          throw new JoinRefusedError(Reason.UNEXPECTED_FRAME, 'the host asked the handshake out of order')
        }
        // Answered in advance: the host has it already, and asks only because every host asks.
        if (challenged <= answered) break
        channel.send(await answerTo(step, question, attemptsLeft))
        answered++
        await sendKnown()
        break
      }
      case 'refusal': {
        const { reason, message, attemptsLeft, retry, retryAfter } = received.body
        // Only a nickname may be tried again, and only once the host has asked for one.
        if (retry && challenged < STEPS.length) {
          throw new JoinRefusedError(
            Reason.UNEXPECTED_FRAME,
            'the host offered a retry before asking the nickname'
          )
        }
        if (!retry || typeof credentials.nickname !== 'function') {
          throw new JoinRefusedError(reason, message || describeReason(reason), attemptsLeft, retryAfter)
        }
        const nickname = await ask(credentials.nickname, { problem: message, reason: reasonCode(reason) })
        channel.send(register(nickname))
        break
      }
      case 'welcome':
        return received.body
      default:
        throw new JoinRefusedError(
          Reason.UNEXPECTED_FRAME,
          `unexpected ${received.kind} during the handshake`
        )
    }
  }
}
