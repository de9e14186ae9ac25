/**
 * @module The joiner's side of the admission handshake, the mirror of the host's `gatekeeper.ts`:
 * Hello with the token, then whatever the host asks (answer, room code, nickname) until a Welcome.
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

/** Runs the joiner's side of the handshake; returns the Welcome or throws `JoinRefusedError`. */
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
  channel.send(frame('hello', { version: WIRE_VERSION, token }))
  for (;;) {
    const received = await channel.read(signal)
    switch (received.kind) {
      case 'challenge': {
        const { step, question, attemptsLeft } = received.body
        if (step === Step.QUESTION) {
          channel.send(frame('answer', { answer: await ask(credentials.answer, question, { attemptsLeft }) }))
        } else if (step === Step.ROOM_CODE) {
          channel.send(frame('roomCode', { code: (await ask(credentials.code, { attemptsLeft })).trim() }))
        } else {
          channel.send(register(await ask(credentials.nickname, {})))
        }
        break
      }
      case 'refusal': {
        const { reason, message, attemptsLeft, retry, retryAfter } = received.body
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
