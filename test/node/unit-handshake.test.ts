// Unit tests of the admission handshake over a stream pair: the host's runHandshake with fake Gates against the joiner's handshake.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { TimeoutError } from '@libp2p/interface'
import type { FrameChannel } from '../../src/node/channel.js'
import { JoinRefusedError, RefusedError, TokenRefusedError } from '../../src/node/errors.js'
import { type Admission, type Gates, runHandshake } from '../../src/node/gatekeeper.js'
import type { InvitationRecord } from '../../src/node/invitations.js'
import { handshake, type JoinCredentials } from '../../src/node/join-handshake.js'
import { asBufferSource } from '../../src/protocol/bytes.js'
import {
  MAX_ANSWER_BYTES,
  MAX_CODE_LENGTH,
  MAX_HANDSHAKE_FRAME_BYTES,
  MAX_NICKNAME_LENGTH,
  MAX_PUBLIC_KEY_BYTES,
  MAX_SIGNATURE_BYTES,
  MAX_TOKEN_LENGTH,
  READ_AHEAD_FRAME_LIMITS,
  WIRE_VERSION
} from '../../src/protocol/constants.js'
import { ReasonError } from '../../src/protocol/errors.js'
import { encodeFrame, FrameError, frame } from '../../src/protocol/frame.js'
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

/** The joiner's own record in a Welcome, as the host sends it back. */
function youOf(keys: MemberKeyPair, nickname = 'alice'): NonNullable<Welcome['you']> {
  return {
    peerId: 'joiner',
    nickname,
    publicKey: keys.publicKey.spki as Uint8Array<ArrayBuffer>,
    fingerprint: 'f'.repeat(64),
    signingKey: keys.signing.publicKey.raw as Uint8Array<ArrayBuffer>,
    signingKeyBinding: keys.binding as Uint8Array<ArrayBuffer>,
    index: 1
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
      const checked: string[] = []
      const rules = gates({
        checkCode: async (code) => {
          checked.push(code)
          return code === '123456'
        }
      })
      const { admission, welcome } = await run(rules, credentials)
      // Sent ahead with the answer, the code is checked only once the answer has passed.
      assert.deepEqual(checked, reason === Reason.WRONG_ANSWER ? [] : ['654321'])
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

  it('what the joiner knows goes out at once: the host finds all four frames before it asks anything', async () => {
    const [joiner, host] = await channelPair()
    const joined = handshake(joiner, CREDENTIALS, TOKEN, keys, AbortSignal.timeout(10_000))
    const kinds: string[] = []
    for (let i = 0; i < 4; i++) kinds.push((await host.read(AbortSignal.timeout(10_000))).kind)
    assert.deepEqual(kinds, ['hello', 'answer', 'roomCode', 'register'])
    // Every host still asks each step; the joiner, having answered, only waits for the Welcome.
    for (const step of [Step.QUESTION, Step.ROOM_CODE, Step.NICKNAME]) {
      host.send(frame('challenge', { step, question: 'Which river?', attemptsLeft: 5 }))
    }
    host.send(frame('welcome', { ...WELCOME, you: youOf(keys) }))
    assert.equal((await joined).resumeToken, 'credential')
  })

  it('all four sent ahead at their field limits fit what a host holds unread before admission', async () => {
    const frames = [
      frame('hello', { version: WIRE_VERSION, token: '€'.repeat(MAX_TOKEN_LENGTH) }),
      frame('answer', { answer: 'a'.repeat(MAX_ANSWER_BYTES) }),
      frame('roomCode', { code: '€'.repeat(MAX_CODE_LENGTH) }),
      frame('register', {
        nickname: '€'.repeat(MAX_NICKNAME_LENGTH * 4),
        publicKey: new Uint8Array(MAX_PUBLIC_KEY_BYTES).fill(1),
        signingKey: asBufferSource(keys.signing.publicKey.raw),
        signingKeyBinding: new Uint8Array(MAX_SIGNATURE_BYTES).fill(2)
      })
    ]
    const bytes = frames.map((f) => encodeFrame(f).byteLength)
    for (const size of bytes) assert.ok(size <= MAX_HANDSHAKE_FRAME_BYTES, `a frame of ${size} bytes`)
    const total = bytes.reduce((a, b) => a + b + 2, 0)
    assert.ok(total <= READ_AHEAD_FRAME_LIMITS * MAX_HANDSHAKE_FRAME_BYTES, `${total} bytes in all`)
    // Sent as the joiner sends them, in one write, to a channel with the host's limits before admission.
    const [joiner, host] = await channelPair({}, { maxFrameBytes: MAX_HANDSHAKE_FRAME_BYTES })
    for (const f of frames) joiner.send(f)
    const kinds: string[] = []
    for (let i = 0; i < frames.length; i++) kinds.push((await host.read(AbortSignal.timeout(10_000))).kind)
    assert.deepEqual(kinds, ['hello', 'answer', 'roomCode', 'register'])
  })

  it('a step to be asked holds back the ones after it until it is answered, then they follow at once', async () => {
    const [joiner, host] = await channelPair()
    const asked: string[] = []
    const credentials: JoinCredentials = {
      ...CREDENTIALS,
      code: ({ attemptsLeft }) => {
        asked.push(`code with ${attemptsLeft} left`)
        return ' 123456 '
      }
    }
    const joined = handshake(joiner, credentials, TOKEN, keys, AbortSignal.timeout(10_000))
    const read = async () => host.read(AbortSignal.timeout(10_000))
    assert.equal((await read()).kind, 'hello')
    assert.equal((await read()).kind, 'answer')
    host.send(frame('challenge', { step: Step.QUESTION, question: 'Which river?', attemptsLeft: 5 }))
    host.send(frame('challenge', { step: Step.ROOM_CODE, question: '', attemptsLeft: 4 }))
    const code = await read()
    assert.deepEqual(asked, ['code with 4 left'], 'the code is asked when its challenge came, not before')
    assert.equal(code.kind === 'roomCode' && code.body.code, '123456')
    // The nickname was known: its Register came right behind the code, unasked.
    const register = await read()
    assert.equal(register.kind === 'register' && register.body.nickname, 'alice')
    host.send(frame('challenge', { step: Step.NICKNAME, question: '', attemptsLeft: 4 }))
    host.send(frame('welcome', { ...WELCOME, you: youOf(keys) }))
    await joined
  })

  it('a host asking the steps out of their order, twice, or once too often is refused, answered ahead or not', async () => {
    const challenge = (step: Step) => frame('challenge', { step, question: '', attemptsLeft: 5 })
    const retry = frame('refusal', {
      reason: Reason.NICKNAME_TAKEN,
      message: 'taken',
      attemptsLeft: 5,
      retry: true,
      retryAfter: 0
    })
    const hosts = [
      [challenge(Step.NICKNAME)],
      [challenge(Step.QUESTION), challenge(Step.QUESTION)],
      [
        challenge(Step.QUESTION),
        challenge(Step.ROOM_CODE),
        challenge(Step.NICKNAME),
        challenge(Step.NICKNAME)
      ],
      // A retry is only for a nickname, once it was asked for.
      [challenge(Step.QUESTION), retry]
    ]
    const nickname = () => 'alice'
    for (const frames of hosts) {
      for (const credentials of [CREDENTIALS, { ...CREDENTIALS, answer: () => 'The Thames', nickname }]) {
        const [joiner, host] = await channelPair()
        const joined = handshake(joiner, credentials, TOKEN, keys, AbortSignal.timeout(10_000))
        assert.equal((await host.read(AbortSignal.timeout(10_000))).kind, 'hello')
        for (const f of frames) host.send(f)
        await assert.rejects(
          joined,
          (err) => err instanceof JoinRefusedError && err.code === 'unexpected-frame'
        )
      }
    }
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
