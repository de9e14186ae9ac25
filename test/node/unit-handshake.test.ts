// Unit tests of the admission handshake over a stream pair: the host's runHandshake with fake Gates against the joiner's handshake.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { TimeoutError } from '@libp2p/interface'
import type { FrameChannel } from '../../src/node/channel.js'
import { JoinRefusedError, RefusedError, TokenRefusedError } from '../../src/node/errors.js'
import { type Admission, type Gates, runHandshake } from '../../src/node/gatekeeper.js'
import type { InvitationRecord } from '../../src/node/invitations.js'
import { handshake, type JoinCredentials } from '../../src/node/join-handshake.js'
import { WIRE_VERSION } from '../../src/protocol/constants.js'
import { ReasonError } from '../../src/protocol/errors.js'
import { FrameError, frame } from '../../src/protocol/frame.js'
import { generateMemberKeyPair, type MemberKeyPair, withSigningKey } from '../../src/protocol/member-keys.js'
import { Reason, Step, type Welcome } from '../../src/protocol/wire/securechat.js'
import { channelPair } from '../helpers/pair.js'

const TOKEN = 'a valid token'
const INVITATION: InvitationRecord = {
  id: 'inv',
  createdAt: 0,
  expiresAt: Number.MAX_SAFE_INTEGER,
  maxUses: undefined,
  uses: 0,
  revoked: false
}
const CREDENTIALS: JoinCredentials = { answer: 'The Thames', code: '123456', nickname: 'alice' }
const WELCOME: Omit<Welcome, 'you'> = {
  roomId: new Uint8Array(16),
  roomName: 'unit room',
  members: [],
  nextSeq: 1,
  hostIsMember: false,
  resumeToken: 'credential',
  hostEpoch: new Uint8Array(8)
}

/** Gates that let the right answers through; `overrides` change one rule. */
function gates(overrides: Partial<Gates> = {}): Gates {
  return {
    checkToken: async (token) => {
      if (token !== TOKEN) throw new TokenRefusedError(Reason.TOKEN_INVALID, 'no such invitation')
      return INVITATION
    },
    begin: () => {},
    question: () => 'Which river?',
    checkAnswer: async (answer) => answer === 'The Thames',
    checkCode: async (code) => code === '123456',
    attemptsLeft: () => 3,
    nicknameTaken: () => undefined,
    ...overrides
  }
}

/** The host's side as the host runs it: the handshake, then a Welcome or the refusal it earned. */
async function hostSide(
  channel: FrameChannel,
  rules: Gates,
  options: { stepMs?: number; signal?: AbortSignal } = {}
): Promise<Admission> {
  const signal = options.signal ?? AbortSignal.timeout(10_000)
  try {
    const admission = await runHandshake(
      channel,
      await channel.read(signal),
      rules,
      { stepMs: options.stepMs ?? 10_000, maxNicknameTries: 3 },
      signal
    )
    const you = {
      peerId: 'joiner',
      nickname: admission.nickname,
      publicKey: admission.publicKeySpki as Uint8Array<ArrayBuffer>,
      fingerprint: 'f'.repeat(64),
      signingKey: admission.signingKey.raw as Uint8Array<ArrayBuffer>,
      signingKeyBinding: admission.signingKeyBinding as Uint8Array<ArrayBuffer>,
      index: 1
    }
    channel.send(frame('welcome', { ...WELCOME, you }))
    return admission
  } catch (err) {
    if (err instanceof ReasonError) {
      const retryAfter = err instanceof RefusedError ? err.retryAfter : 0
      channel.send(
        frame('refusal', {
          reason: err.reason,
          message: err.message,
          attemptsLeft: rules.attemptsLeft(),
          retry: false,
          retryAfter
        })
      )
    }
    throw err
  }
}

describe('the handshake, host against joiner, over a stream pair', () => {
  let keys: MemberKeyPair

  before(async () => {
    keys = await generateMemberKeyPair()
  })

  const run = async (
    rules: Gates,
    credentials: JoinCredentials = CREDENTIALS,
    token = TOKEN,
    presented: MemberKeyPair = keys
  ) => {
    const [joiner, host] = await channelPair()
    const signal = AbortSignal.timeout(10_000)
    const hosted = hostSide(host, rules)
    const joined = handshake(joiner, credentials, token, presented, signal)
    const [admission, welcome] = await Promise.allSettled([hosted, joined])
    return { admission, welcome }
  }

  it('admits the right answers: the admission on one side, the Welcome on the other', async () => {
    const { admission, welcome } = await run(gates())
    assert.equal(admission.status, 'fulfilled')
    assert.equal(admission.value.nickname, 'alice')
    assert.equal(admission.value.invitation, INVITATION)
    assert.deepEqual(admission.value.publicKeySpki, keys.publicKey.spki)
    assert.equal(welcome.status === 'fulfilled' && welcome.value.resumeToken, 'credential')
  })

  for (const [what, credentials, reason, code] of [
    ['a wrong answer', { ...CREDENTIALS, answer: 'The Seine' }, Reason.WRONG_ANSWER, 'wrong-answer'],
    ['a wrong code', { ...CREDENTIALS, code: '654321' }, Reason.WRONG_CODE, 'wrong-code']
  ] as const) {
    it(`${what} is refused with its own reason, on both sides`, async () => {
      const { admission, welcome } = await run(gates(), credentials)
      assert.equal(admission.status === 'rejected' && (admission.reason as RefusedError).reason, reason)
      assert.ok(welcome.status === 'rejected' && welcome.reason instanceof JoinRefusedError)
      assert.equal(welcome.reason.code, code)
      assert.equal(welcome.reason.attemptsLeft, 3)
    })
  }

  it('a bad token is refused before any attempt is taken', async () => {
    let begun = false
    const begin = () => {
      begun = true
    }
    const { welcome } = await run(gates({ begin }), CREDENTIALS, 'forged')
    assert.equal(welcome.status === 'rejected' && (welcome.reason as JoinRefusedError).code, 'token-invalid')
    assert.equal(begun, false)
  })

  it('a taken nickname is asked again, with the problem, until a free one', async () => {
    const asked: { problem?: string; reason?: string }[] = []
    const nickname = (info: { problem?: string; reason?: string }) => {
      asked.push(info)
      return asked.length === 1 ? 'bob' : 'alice'
    }
    const taken = (nick: string) => (nick === 'bob' ? 'bob is here already' : undefined)
    const { admission } = await run(gates({ nicknameTaken: taken }), { ...CREDENTIALS, nickname })
    assert.equal(admission.status === 'fulfilled' && admission.value.nickname, 'alice')
    assert.deepEqual(asked, [{}, { problem: 'bob is here already', reason: 'nickname-taken' }])
  })

  it('a lockout from begin reaches the joiner as LOCKED_OUT with its retry time', async () => {
    const lockedOut = () => {
      throw new RefusedError(Reason.LOCKED_OUT, 'too many failures', 60_000)
    }
    const { welcome } = await run(gates({ begin: lockedOut }))
    assert.ok(welcome.status === 'rejected' && welcome.reason instanceof JoinRefusedError)
    assert.equal(welcome.reason.code, 'locked-out')
    assert.equal(welcome.reason.retryAfterMs, 60_000)
  })

  it('the joiner is shown the attempts left at each guessed step', async () => {
    const shown: number[] = []
    const credentials: JoinCredentials = {
      ...CREDENTIALS,
      answer: (_question, { attemptsLeft }) => {
        shown.push(attemptsLeft)
        return 'The Thames'
      },
      code: ({ attemptsLeft }) => {
        shown.push(attemptsLeft)
        return '123456'
      }
    }
    let left = 5
    const { admission } = await run(gates({ attemptsLeft: () => left-- }), credentials)
    assert.equal(admission.status, 'fulfilled')
    assert.deepEqual(shown, [5, 4])
  })

  it('a frame out of order is refused as UNEXPECTED_FRAME, on either side', async () => {
    const [joiner, host] = await channelPair()
    const hosted = hostSide(host, gates())
    joiner.send(frame('hello', { version: WIRE_VERSION, token: TOKEN }))
    assert.equal((await joiner.read()).kind, 'challenge')
    joiner.send(frame('roomCode', { code: '123456' }))
    await assert.rejects(hosted, (err) => err instanceof FrameError && err.reason === Reason.UNEXPECTED_FRAME)

    const [joining, rogue] = await channelPair()
    const joined = handshake(joining, CREDENTIALS, TOKEN, keys, AbortSignal.timeout(10_000))
    assert.equal((await rogue.read()).kind, 'hello')
    rogue.send(frame('ack', { counter: 1, seq: 1 }))
    await assert.rejects(joined, (err) => err instanceof JoinRefusedError && err.code === 'unexpected-frame')
  })

  it('a first frame that is not a Hello, or of another wire version, is refused', async () => {
    const [stranger, host] = await channelPair()
    stranger.send(frame('answer', { answer: 'The Thames' }))
    await assert.rejects(
      hostSide(host, gates()),
      (err) => (err as FrameError).reason === Reason.UNEXPECTED_FRAME
    )
    const [future, host2] = await channelPair()
    future.send(frame('hello', { version: WIRE_VERSION + 1, token: TOKEN }))
    await assert.rejects(
      hostSide(host2, gates()),
      (err) => (err as RefusedError).reason === Reason.VERSION_UNSUPPORTED
    )
  })

  it('a key that is not RSA is refused as KEY_INVALID', async () => {
    const [joiner, host] = await channelPair()
    const hosted = hostSide(host, gates())
    const notRsa = { ...keys, publicKey: { spki: new Uint8Array(64) } } as unknown as MemberKeyPair
    const joined = handshake(joiner, CREDENTIALS, TOKEN, notRsa, AbortSignal.timeout(10_000))
    await assert.rejects(hosted, (err) => (err as RefusedError).reason === Reason.KEY_INVALID)
    await assert.rejects(joined, (err) => (err as JoinRefusedError).code === 'key-invalid')
  })

  it('a signing key its RSA key did not bind is refused as KEY_INVALID', async () => {
    // Another member's binding: a real P-256 key and a real RSA-PSS signature, but not by this RSA key.
    const other = await generateMemberKeyPair()
    const borrowed = { ...keys, signing: other.signing, binding: other.binding }
    const unbound = { ...keys, binding: new Uint8Array(256) }
    for (const presented of [borrowed, unbound]) {
      const [joiner, host] = await channelPair()
      const hosted = hostSide(host, gates())
      const joined = handshake(joiner, CREDENTIALS, TOKEN, presented, AbortSignal.timeout(10_000))
      await assert.rejects(hosted, (err) => (err as RefusedError).reason === Reason.KEY_INVALID)
      await assert.rejects(joined, (err) => (err as JoinRefusedError).code === 'key-invalid')
    }
    // The same RSA key with its own fresh binding passes.
    const rebound = await withSigningKey(keys, other.signing)
    const { admission } = await run(gates(), CREDENTIALS, TOKEN, rebound)
    assert.equal(admission.status, 'fulfilled')
  })

  it('a step not answered in time is a TimeoutError', async () => {
    const [joiner, host] = await channelPair()
    joiner.send(frame('hello', { version: WIRE_VERSION, token: TOKEN }))
    await assert.rejects(hostSide(host, gates(), { stepMs: 20 }), TimeoutError)
  })

  it("the caller's signal aborting rethrows its reason, not a TimeoutError", async () => {
    const [joiner, host] = await channelPair()
    const closing = new AbortController()
    const hosted = hostSide(host, gates(), { signal: closing.signal })
    joiner.send(frame('hello', { version: WIRE_VERSION, token: TOKEN }))
    const challenge = await joiner.read()
    assert.equal(challenge.kind === 'challenge' && challenge.body.step, Step.QUESTION)
    const reason = new Error('the host is closing')
    closing.abort(reason)
    await assert.rejects(hosted, (err) => err === reason)
  })
})
