import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { concatBytes, utf8 } from '../../src/protocol/bytes.js'
import {
  MAX_ANSWER_BYTES,
  MAX_CIPHERTEXT_BYTES,
  MAX_CODE_LENGTH,
  MAX_MEMBER_INDEX,
  MAX_MEMBERS,
  MAX_NICKNAME_LENGTH,
  MAX_PEER_ID_LENGTH,
  MAX_PUBLIC_KEY_BYTES,
  MAX_QUESTION_LENGTH,
  MAX_REASON_MESSAGE_LENGTH,
  MAX_RECIPIENTS,
  MAX_SIGNATURE_BYTES,
  MAX_TOKEN_LENGTH,
  MAX_WRAPPED_KEY_BYTES,
  MESSAGE_SIGNATURE_BYTES,
  PROTOCOL_ID,
  PROTOCOL_VERSION,
  RETIRED_PROTOCOL_IDS,
  SIGNING_KEY_BYTES,
  WIRE_VERSION
} from '../../src/protocol/constants.js'
import {
  type AnyFrame,
  decodeFrame,
  encodeDeliverCommon,
  encodeDeliverFrame,
  encodeFrame,
  FRAME_KINDS,
  FrameError,
  type FrameKind,
  type FrameOf,
  frame,
  validateFrame
} from '../../src/protocol/frame.js'
import {
  type Deliver,
  Frame,
  type Member,
  type Post,
  Reason,
  type Refusal,
  Step
} from '../../src/protocol/wire/securechat.js'

const bytes = (length: number, fill = 0xab): Uint8Array<ArrayBuffer> => new Uint8Array(length).fill(fill)
const PEER_A = '12D3KooWAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
const PEER_B = '12D3KooWBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
const PEER_C = '12D3KooWCccccccccccccccccccccccccccccccccccccccccccc'

/** A sender's counter: its clock in milliseconds (1 January 2026, 00:00:00.123 UTC). */
const COUNTER = 1_767_225_600_123

function member(peerId: string, nickname: string, index = 1): Member {
  return {
    peerId,
    nickname,
    publicKey: bytes(294, 0x30),
    fingerprint: '04217 88310 57203 19944 60025 31867',
    signingKey: bytes(SIGNING_KEY_BYTES, 0x31),
    signingKeyBinding: bytes(256, 0x32),
    index
  }
}

function post(overrides: Partial<Post> = {}): Post {
  return {
    fileOffer: false,
    counter: COUNTER,
    recipients: [PEER_B, PEER_C],
    ciphertext: bytes(48, 2),
    keys: [
      { recipient: PEER_B, key: bytes(256, 3) },
      { recipient: PEER_C, key: bytes(256, 4) }
    ],
    signature: bytes(MESSAGE_SIGNATURE_BYTES, 5),
    epoch: 0,
    ...overrides
  }
}

function deliver(overrides: Partial<Deliver> = {}): Deliver {
  return {
    seq: 42,
    sender: 1,
    counter: COUNTER,
    recipients: [PEER_B, PEER_C],
    ciphertext: bytes(48, 2),
    wrappedKey: bytes(256, 3),
    signature: bytes(MESSAGE_SIGNATURE_BYTES, 5),
    epoch: 0,
    ...overrides
  }
}

const SIGNING = { signingKey: bytes(SIGNING_KEY_BYTES, 0x31), signingKeyBinding: bytes(256, 0x32) }

function refusal(overrides: Partial<Refusal> = {}): Refusal {
  return {
    reason: Reason.LOCKED_OUT,
    message: 'locked out',
    attemptsLeft: 0,
    retry: false,
    retryAfter: 600_000,
    ...overrides
  }
}

/** One valid example of every kind, each with every field given (decoding fills in the defaults). */
const SAMPLES: { [K in FrameKind]: FrameOf<K> } = {
  hello: frame('hello', { version: WIRE_VERSION, token: 'gAAAAABp-token==' }),
  challenge: frame('challenge', { step: Step.QUESTION, question: 'Whose room is it?', attemptsLeft: 5 }),
  answer: frame('answer', { answer: 'Ada Lovelace' }),
  roomCode: frame('roomCode', { code: '123456' }),
  register: frame('register', { nickname: 'alice', publicKey: bytes(294, 0x30), ...SIGNING }),
  welcome: frame('welcome', {
    roomId: bytes(16, 9),
    roomName: 'the room',
    you: member(PEER_A, 'alice', 1),
    members: [member(PEER_B, 'bob', 2), member(PEER_C, 'carol', 3)],
    nextSeq: 12,
    hostIsMember: true,
    resumeToken: 'gAAAAABp-resume==',
    hostEpoch: bytes(8, 7)
  }),
  refusal: frame('refusal', refusal()),
  post: frame('post', post()),
  deliver: frame('deliver', deliver()),
  ack: frame('ack', { counter: 7, seq: 42 }),
  rejected: frame('rejected', {
    counter: 8,
    reason: Reason.BAD_COUNTER,
    message: 'counter did not increase'
  }),
  memberJoined: frame('memberJoined', { member: member(PEER_C, 'carol', 3) }),
  memberLeft: frame('memberLeft', { peerId: PEER_B, nickname: 'bob', reason: Reason.LEFT }),
  goodbye: frame('goodbye', { reason: Reason.KICKED, message: 'bye' }),
  resume: frame('resume', {
    token: 'gAAAAABp-resume==',
    lastSeq: 41,
    timestamp: 1_700_000_000_000,
    publicKey: bytes(294, 0x30),
    signature: bytes(256, 1),
    ...SIGNING
  }),
  resumed: frame('resumed', {
    welcome: {
      roomId: bytes(16, 9),
      roomName: 'the room',
      you: member(PEER_A, 'alice', 1),
      members: [member(PEER_B, 'bob', 2)],
      nextSeq: 42,
      hostIsMember: false,
      resumeToken: 'gAAAAABp-fresh==',
      hostEpoch: bytes(8, 7)
    },
    missed: 3,
    gapUnknown: false,
    replayed: 2
  }),
  presence: frame('presence', { peerId: PEER_B, away: true }),
  credential: frame('credential', { resumeToken: 'gAAAAABp-fresh==' })
}

/** Hand-built protobuf, for what the encoder will not write (unknown enum values, huge varints). */
function varint(value: bigint | number): number[] {
  let rest = BigInt(value)
  const out: number[] = []
  do {
    const low = Number(rest & 0x7fn)
    rest >>= 7n
    out.push(rest > 0n ? low | 0x80 : low)
  } while (rest > 0n)
  return out
}
function varintField(field: number, value: bigint | number): number[] {
  return [...varint(field << 3), ...varint(value)]
}
function bytesField(field: number, content: ArrayLike<number>): number[] {
  return [...varint((field << 3) | 2), ...varint(content.length), ...Array.from(content)]
}
/** A Frame holding sub-message `field` (1-based, as in the .proto) made of `content`. */
function rawFrame(field: number, content: number[]): Uint8Array {
  return Uint8Array.from(bytesField(field, content))
}

function assertMalformed(input: Uint8Array | Uint8ArrayList, what: string): void {
  assert.throws(
    () => decodeFrame(input),
    (err: unknown) => {
      assert.ok(err instanceof FrameError, `${what}: expected FrameError, got ${String(err)}`)
      assert.equal(err.name, 'FrameError')
      assert.equal(err.reason, Reason.MALFORMED, what)
      return true
    },
    what
  )
}

/** Encodes whatever body it is given (the encoder does not check limits), then expects a refusal. */
function assertRefused<K extends FrameKind>(kind: K, body: NonNullable<Frame[K]>, what: string): void {
  assertMalformed(encodeFrame({ kind, body } as AnyFrame), what)
}

function isValidDecoded(result: AnyFrame): void {
  assert.ok(FRAME_KINDS.includes(result.kind))
  assert.ok(result.body != null)
  validateFrame(result)
}

describe('frame round trip', () => {
  it('speaks /securechat/2.3.0; 1.0.0 and 2.0.0 to 2.2.0 are retired, and Hello carries wire version 2', () => {
    assert.equal(PROTOCOL_VERSION, '2.3.0')
    assert.equal(PROTOCOL_ID, '/securechat/2.3.0')
    assert.deepEqual(RETIRED_PROTOCOL_IDS, [
      '/securechat/1.0.0',
      '/securechat/2.0.0',
      '/securechat/2.1.0',
      '/securechat/2.2.0'
    ])
    assert.ok(!RETIRED_PROTOCOL_IDS.includes(PROTOCOL_ID))
    assert.equal(WIRE_VERSION, 2)
    assert.equal(MESSAGE_SIGNATURE_BYTES, 64)
    assert.equal(SIGNING_KEY_BYTES, 65)
    assert.equal(MAX_MEMBER_INDEX, 2 ** 32 - 1)
  })

  it('has a sample of every kind', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), [...FRAME_KINDS].sort())
    assert.equal(FRAME_KINDS.length, 18)
  })

  for (const kind of FRAME_KINDS) {
    it(`${kind} survives encodeFrame → decodeFrame`, () => {
      const sample = SAMPLES[kind] as AnyFrame
      const encoded = encodeFrame(sample)
      const decoded = decodeFrame(encoded)
      assert.equal(decoded.kind, kind)
      assert.deepEqual(decoded, sample)
      // Also from a chunked Uint8ArrayList, as lpStream hands it over.
      const list = new Uint8ArrayList(encoded.subarray(0, 3), encoded.subarray(3))
      assert.deepEqual(decodeFrame(list), sample)
    })
  }

  it('puts the kind in the Frame field numbered as in the schema', () => {
    // field n, wire type 2 → tag (n << 3) | 2
    FRAME_KINDS.forEach((kind, i) => {
      const encoded = encodeFrame(SAMPLES[kind] as AnyFrame)
      assert.equal(encoded[0], ((i + 1) << 3) | 2, kind)
    })
  })

  it('accepts every Reason in a refusal, and every Step but STEP_UNSPECIFIED in a challenge', () => {
    for (const reason of Object.values(Reason)) {
      if (typeof reason !== 'string' || reason === Reason.REASON_UNSPECIFIED) continue
      const f = frame('refusal', refusal({ reason }))
      assert.deepEqual(decodeFrame(encodeFrame(f)), f)
    }
    for (const step of [Step.QUESTION, Step.ROOM_CODE, Step.NICKNAME]) {
      const f = frame('challenge', { step, question: '', attemptsLeft: 0 })
      assert.deepEqual(decodeFrame(encodeFrame(f)), f)
    }
  })

  it('accepts every field exactly at its limit', () => {
    const ids = Array.from({ length: MAX_RECIPIENTS }, (_, i) => `peer-${i}`.padEnd(MAX_PEER_ID_LENGTH, 'x'))
    const atLimit: AnyFrame[] = [
      frame('hello', { version: WIRE_VERSION, token: 't'.repeat(MAX_TOKEN_LENGTH) }),
      frame('challenge', { step: Step.QUESTION, question: 'q'.repeat(MAX_QUESTION_LENGTH), attemptsLeft: 5 }),
      frame('answer', { answer: 'é'.repeat(MAX_ANSWER_BYTES / 2) }),
      frame('roomCode', { code: '1'.repeat(MAX_CODE_LENGTH) }),
      frame('register', {
        nickname: 'n'.repeat(MAX_NICKNAME_LENGTH * 4),
        publicKey: bytes(MAX_PUBLIC_KEY_BYTES),
        signingKey: bytes(SIGNING_KEY_BYTES),
        signingKeyBinding: bytes(MAX_SIGNATURE_BYTES)
      }),
      frame('welcome', {
        ...SAMPLES.welcome.body,
        you: { ...member(PEER_A, 'alice', MAX_MEMBER_INDEX), signingKeyBinding: bytes(MAX_SIGNATURE_BYTES) },
        members: Array.from({ length: MAX_MEMBERS }, (_, i) => member(`peer-${i}`, `n${i}`, i + 1))
      }),
      frame('memberJoined', { member: member(PEER_C, 'carol', MAX_MEMBER_INDEX) }),
      frame('refusal', refusal({ message: 'm'.repeat(MAX_REASON_MESSAGE_LENGTH) })),
      frame(
        'post',
        post({
          recipients: ids,
          keys: ids.map((recipient) => ({ recipient, key: bytes(MAX_WRAPPED_KEY_BYTES) })),
          ciphertext: bytes(MAX_CIPHERTEXT_BYTES),
          counter: Number.MAX_SAFE_INTEGER
        })
      ),
      frame(
        'deliver',
        deliver({
          sender: MAX_MEMBER_INDEX,
          recipients: ids,
          ciphertext: bytes(MAX_CIPHERTEXT_BYTES),
          wrappedKey: bytes(MAX_WRAPPED_KEY_BYTES)
        })
      ),
      frame('resume', { ...SAMPLES.resume.body, signingKeyBinding: bytes(MAX_SIGNATURE_BYTES) }),
      frame('ack', { counter: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER }),
      frame('goodbye', { reason: Reason.HOST_CLOSING, message: 'g'.repeat(MAX_REASON_MESSAGE_LENGTH) })
    ]
    for (const f of atLimit) assert.deepEqual(decodeFrame(encodeFrame(f)), f, f.kind)
  })
})

describe('frame: exactly one field', () => {
  it('refuses an empty frame (no field set)', () => {
    assertMalformed(new Uint8Array(0), 'empty')
    assertMalformed(encodeFrame({ kind: 'hello', body: undefined } as unknown as AnyFrame), 'undefined body')
  })

  it('refuses a frame with only unknown fields', () => {
    assertMalformed(Uint8Array.from(varintField(15, 1)), 'field 15')
    assertMalformed(Uint8Array.from(bytesField(99, [1, 2, 3])), 'field 99')
  })

  it('refuses two fields set, for every pair of kinds', () => {
    for (const a of FRAME_KINDS) {
      for (const b of FRAME_KINDS) {
        if (a === b) continue
        const both = Frame.encode({ [a]: SAMPLES[a].body, [b]: SAMPLES[b].body } as Partial<Frame>)
        assert.throws(() => decodeFrame(both), FrameError, `${a}+${b}`)
      }
    }
  })

  it('says how many it found', () => {
    const both = Frame.encode({ ack: SAMPLES.ack.body, goodbye: SAMPLES.goodbye.body })
    assert.throws(() => decodeFrame(both), /exactly one message, not 2/)
    assert.throws(() => decodeFrame(new Uint8Array(0)), /exactly one message, not 0/)
  })

  it('refuses bytes that are not protobuf', () => {
    assertMalformed(Uint8Array.from([0x0a]), 'tag without length')
    assertMalformed(Uint8Array.from([0x0a, 0x05, 0x08]), 'length past the end')
    assertMalformed(Uint8Array.from([0x0f]), 'wire type 7')
    assertMalformed(
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      'varint'
    )
  })
})

describe('the wire scan: refused before the decoder runs', () => {
  const token = Array.from(utf8('gAAAAAtoken'))
  const hello = [...varintField(1, 1), ...bytesField(2, token)]

  it('a decode bomb (half a million empty post fields) is refused at its second field, in linear time', (t) => {
    const bomb = new Uint8Array(1024 * 1024 - 16)
    for (let i = 0; i < bomb.length; i += 2) bomb[i] = 0x42
    const started = performance.now()
    assert.throws(() => decodeFrame(bomb), /post given 2 times/)
    t.diagnostic(
      `refused in ${(performance.now() - started).toFixed(2)} ms (it cost the decoder ~1 s before the scan)`
    )
  })

  it('a singular field given twice, at any depth, is refused', () => {
    assertMalformed(rawFrame(1, [...hello, ...varintField(1, 1)]), 'hello.version twice')
    assertMalformed(rawFrame(1, [...hello, ...bytesField(2, token)]), 'hello.token twice')
    const member = [...bytesField(1, [0x61]), ...bytesField(2, [0x62]), ...bytesField(2, [0x63])]
    assertMalformed(rawFrame(12, bytesField(1, member)), 'memberJoined.member.nickname twice')
    const indexTwice = [...bytesField(1, [0x61]), ...varintField(7, 1), ...varintField(7, 2)]
    assertMalformed(rawFrame(12, bytesField(1, indexTwice)), 'memberJoined.member.index twice')
    assert.throws(() => decodeFrame(rawFrame(12, bytesField(1, indexTwice))), /Member\.index given 2 times/)
  })

  it('a known field with the wrong wire type is refused', () => {
    assertMalformed(rawFrame(1, [...bytesField(1, [1]), ...bytesField(2, token)]), 'hello.version as bytes')
    assertMalformed(rawFrame(1, [...varintField(1, 1), ...varintField(2, 5)]), 'hello.token as a varint')
    assertMalformed(Uint8Array.from(varintField(1, 1)), 'frame.hello as a varint')
    const indexAsBytes = [...bytesField(1, [0x61]), ...bytesField(7, [1])]
    assertMalformed(rawFrame(12, bytesField(1, indexAsBytes)), 'member.index as bytes')
  })

  it('a frame of /securechat/1.0.0 is refused, not misread', () => {
    // 1.0.0 named a Deliver's sender by its PeerId (a string in field 2); 2.0.0 by a varint index.
    const v1Deliver = [
      ...varintField(1, 42),
      ...bytesField(2, Array.from(utf8(PEER_A))),
      ...varintField(3, 7),
      ...bytesField(9, new Array(MESSAGE_SIGNATURE_BYTES).fill(5))
    ]
    assertMalformed(rawFrame(9, v1Deliver), 'a 1.0.0 deliver')
    assert.throws(() => decodeFrame(rawFrame(9, v1Deliver)), /Deliver\.sender has wire type 2/)
    // 1.0.0's Post had eight fields (its epoch was field 8); 2.0.0's has six.
    const v1Post = [...varintField(1, 7), ...bytesField(5, new Array(16).fill(2)), ...varintField(8, 1)]
    assertMalformed(rawFrame(8, v1Post), 'a 1.0.0 post')
    assert.throws(() => decodeFrame(rawFrame(8, v1Post)), /unknown field 8 in Post/)
  })

  it('an unknown field anywhere is refused (a padded post, or a field of a later version)', () => {
    assertMalformed(rawFrame(1, [...hello, ...bytesField(99, new Array(64).fill(0))]), 'hello padded')
    assertMalformed(rawFrame(4, [...bytesField(1, [0x31]), ...varintField(7, 1)]), 'roomCode field 7')
  })

  it('a repeated field past its bound is refused while scanning', () => {
    const recipient = bytesField(2, Array.from(utf8('12D3KooW')))
    const recipients = Array.from({ length: MAX_RECIPIENTS + 1 }, () => recipient).flat()
    assertMalformed(rawFrame(8, recipients), '257 post.recipients')
    assert.throws(() => decodeFrame(rawFrame(8, recipients)), /Post\.recipients given 257 times/)
    const deliverRecipient = bytesField(4, Array.from(utf8('12D3KooW')))
    const deliverRecipients = Array.from({ length: MAX_RECIPIENTS + 1 }, () => deliverRecipient).flat()
    assert.throws(() => decodeFrame(rawFrame(9, deliverRecipients)), /Deliver\.recipients given 257 times/)
  })

  it('a truncated varint or a length running past its message is refused', () => {
    assertMalformed(Uint8Array.from([0x0a, 0x80]), 'truncated length')
    assertMalformed(Uint8Array.from([0x0a, 0x05, 0x08]), 'length past the end')
    assertMalformed(Uint8Array.from([0x0a, 0x0b, ...new Array(11).fill(0xff)]), 'an 11-byte varint')
  })
})

describe('frame limits → FrameError(MALFORMED)', () => {
  const tooManyIds = Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => `peer-${i}`)

  it('hello', () => {
    assertRefused('hello', { version: 1, token: 't'.repeat(MAX_TOKEN_LENGTH + 1) }, 'token too long')
  })

  it('challenge', () => {
    assertRefused(
      'challenge',
      { step: Step.QUESTION, question: 'q'.repeat(MAX_QUESTION_LENGTH + 1), attemptsLeft: 1 },
      'question too long'
    )
    assertRefused('challenge', { step: Step.STEP_UNSPECIFIED, question: '', attemptsLeft: 1 }, 'no step')
    assertMalformed(rawFrame(2, varintField(1, 4)), 'step 4')
    assertMalformed(rawFrame(2, varintField(1, 2 ** 31)), 'step 2^31')
    assertMalformed(rawFrame(2, varintField(1, (1n << 64n) - 1n)), 'step -1')
  })

  it('answer: counted in UTF-8 bytes, not characters', () => {
    assertRefused('answer', { answer: 'a'.repeat(MAX_ANSWER_BYTES + 1) }, 'answer too long')
    const twoByteChars = 'é'.repeat(MAX_ANSWER_BYTES / 2 + 1)
    assert.ok(twoByteChars.length < MAX_ANSWER_BYTES)
    assertRefused('answer', { answer: twoByteChars }, 'answer too many bytes')
  })

  it('roomCode', () => {
    assertRefused('roomCode', { code: '1'.repeat(MAX_CODE_LENGTH + 1) }, 'code too long')
  })

  it('register', () => {
    assertRefused(
      'register',
      { nickname: 'n'.repeat(MAX_NICKNAME_LENGTH * 4 + 1), publicKey: bytes(294), ...SIGNING },
      'nickname too long'
    )
    assertRefused(
      'register',
      { nickname: 'alice', publicKey: bytes(MAX_PUBLIC_KEY_BYTES + 1), ...SIGNING },
      'public key too long'
    )
    const base = SAMPLES.register.body
    assertRefused('register', { ...base, signingKey: bytes(SIGNING_KEY_BYTES - 1) }, 'signing key 31 bytes')
    assertRefused('register', { ...base, signingKey: bytes(SIGNING_KEY_BYTES + 1) }, 'signing key 33 bytes')
    assertRefused('register', { ...base, signingKey: bytes(0) }, 'no signing key (a 1.0.0 register)')
    assertRefused(
      'register',
      { ...base, signingKeyBinding: bytes(MAX_SIGNATURE_BYTES + 1) },
      'signing key binding too long'
    )
  })

  it('welcome', () => {
    const base = SAMPLES.welcome.body
    assertRefused('welcome', { ...base, roomId: bytes(15) }, 'roomId 15 bytes')
    assertRefused('welcome', { ...base, roomId: bytes(17) }, 'roomId 17 bytes')
    assertRefused('welcome', { ...base, roomName: 'r'.repeat(MAX_QUESTION_LENGTH + 1) }, 'roomName')
    assertRefused('welcome', { ...base, you: undefined }, 'no you')
    assertRefused(
      'welcome',
      { ...base, you: { ...member(PEER_A, 'a'), peerId: 'p'.repeat(MAX_PEER_ID_LENGTH + 1) } },
      'you.peerId'
    )
    assertRefused(
      'welcome',
      { ...base, members: [{ ...member(PEER_B, 'b'), nickname: 'n'.repeat(MAX_NICKNAME_LENGTH * 4 + 1) }] },
      'members[0].nickname'
    )
    assertRefused(
      'welcome',
      { ...base, members: [{ ...member(PEER_B, 'b'), publicKey: bytes(MAX_PUBLIC_KEY_BYTES + 1) }] },
      'members[0].publicKey'
    )
    assertRefused(
      'welcome',
      { ...base, members: [{ ...member(PEER_B, 'b'), fingerprint: '0'.repeat(65) }] },
      'members[0].fingerprint'
    )
    assertRefused(
      'welcome',
      { ...base, members: [{ ...member(PEER_B, 'b'), signingKey: bytes(SIGNING_KEY_BYTES - 1) }] },
      'members[0].signingKey 31 bytes'
    )
    assertRefused(
      'welcome',
      { ...base, you: { ...member(PEER_A, 'a'), signingKey: bytes(0) } },
      'you.signingKey missing'
    )
    assertRefused(
      'welcome',
      { ...base, members: [{ ...member(PEER_B, 'b'), signingKeyBinding: bytes(MAX_SIGNATURE_BYTES + 1) }] },
      'members[0].signingKeyBinding'
    )
    assertRefused('welcome', { ...base, members: [member(PEER_B, 'b', 0)] }, 'members[0].index 0')
    assertRefused('welcome', { ...base, you: member(PEER_A, 'a', 0) }, 'you.index 0')
    assertRefused(
      'resumed',
      { ...SAMPLES.resumed.body, welcome: { ...base, members: [member(PEER_B, 'b', 0)] } },
      'resumed.welcome.members[0].index 0'
    )
    assertRefused(
      'welcome',
      { ...base, members: Array.from({ length: MAX_MEMBERS + 1 }, (_, i) => member(`p${i}`, `n${i}`)) },
      'too many members'
    )
  })

  it('refusal', () => {
    assertRefused('refusal', refusal({ reason: Reason.REASON_UNSPECIFIED }), 'no reason')
    assertRefused('refusal', refusal({ message: 'm'.repeat(MAX_REASON_MESSAGE_LENGTH + 1) }), 'message')
    assertMalformed(rawFrame(7, varintField(1, 99)), 'reason 99')
    assertMalformed(rawFrame(7, varintField(1, 38)), 'reason 38')
    assertMalformed(rawFrame(7, [...varintField(1, 13), ...varintField(5, 2n ** 60n)]), 'retryAfter 2^60')
  })

  it('post: counter, ciphertext, signature', () => {
    assertRefused('post', post({ counter: 0 }), 'counter 0')
    assertRefused('post', post({ ciphertext: bytes(15) }), 'ciphertext shorter than a GCM tag')
    assertRefused('post', post({ ciphertext: bytes(MAX_CIPHERTEXT_BYTES + 1) }), 'ciphertext too long')
    // A P-256 signature (r ‖ s) is exactly 64 bytes: shorter, longer (a 1.0.0 RSA-PSS one) or none is refused.
    assertRefused('post', post({ signature: bytes(MESSAGE_SIGNATURE_BYTES - 1) }), 'signature 63 bytes')
    assertRefused('post', post({ signature: bytes(MESSAGE_SIGNATURE_BYTES + 1) }), 'signature 65 bytes')
    assertRefused('post', post({ signature: bytes(256) }), 'an RSA-PSS signature')
    assertRefused('post', post({ signature: bytes(0) }), 'no signature')
    assertMalformed(rawFrame(8, varintField(1, 2n ** 53n)), 'counter 2^53')
  })

  it('post: the epoch decides the wrapped keys', () => {
    // A sender key's message (epoch > 0) wraps none; a fresh content key (epoch 0) one per recipient.
    const underSenderKey = post({ epoch: 3, keys: [] })
    assert.deepEqual(decodeFrame(encodeFrame(frame('post', underSenderKey))), frame('post', underSenderKey))
    assertRefused('post', post({ epoch: 3 }), 'keys under a sender key')
    assertRefused('post', post({ keys: [] }), 'no keys at epoch 0')
  })

  it('post: recipients and keys', () => {
    assertRefused(
      'post',
      post({ recipients: tooManyIds, keys: tooManyIds.map((recipient) => ({ recipient, key: bytes(256) })) }),
      'too many recipients'
    )
    assertRefused(
      'post',
      post({ keys: [...post().keys, { recipient: PEER_A, key: bytes(256) }] }),
      'more keys than recipients'
    )
    assertRefused('post', post({ keys: post().keys.slice(1) }), 'fewer keys than recipients')
    assertRefused(
      'post',
      post({
        recipients: [PEER_B, PEER_B],
        keys: [
          { recipient: PEER_B, key: bytes(256) },
          { recipient: PEER_B, key: bytes(256) }
        ]
      }),
      'duplicate recipients'
    )
    assertRefused(
      'post',
      post({
        recipients: ['p'.repeat(MAX_PEER_ID_LENGTH + 1)],
        keys: [{ recipient: PEER_B, key: bytes(256) }]
      }),
      'recipient id too long'
    )
    assertRefused(
      'post',
      post({
        recipients: [PEER_B],
        keys: [{ recipient: 'p'.repeat(MAX_PEER_ID_LENGTH + 1), key: bytes(256) }]
      }),
      'keys[].recipient too long'
    )
    assertRefused(
      'post',
      post({ recipients: [PEER_B], keys: [{ recipient: PEER_B, key: bytes(MAX_WRAPPED_KEY_BYTES + 1) }] }),
      'wrapped key too long'
    )
    // More keys than MAX_RECIPIENTS is cut off while decoding, before anything is checked.
    const manyKeys = Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => ({
      recipient: `p${i}`,
      key: bytes(1)
    }))
    assertRefused('post', post({ recipients: [], keys: manyKeys }), 'too many keys')
  })

  it('deliver', () => {
    assertRefused('deliver', deliver({ recipients: tooManyIds }), 'too many recipients')
    assertRefused('deliver', deliver({ recipients: [PEER_B, PEER_B] }), 'duplicate recipients')
    assertRefused('deliver', deliver({ ciphertext: bytes(MAX_CIPHERTEXT_BYTES + 1) }), 'ciphertext too long')
    assertRefused(
      'deliver',
      deliver({ wrappedKey: bytes(MAX_WRAPPED_KEY_BYTES + 1) }),
      'wrapped key too long'
    )
    assertRefused('deliver', deliver({ signature: bytes(MESSAGE_SIGNATURE_BYTES + 1) }), 'signature 65 bytes')
    assertRefused('deliver', deliver({ signature: bytes(MESSAGE_SIGNATURE_BYTES - 1) }), 'signature 63 bytes')
    assertRefused('deliver', deliver({ signature: bytes(0) }), 'no signature')
    // Member indices start at 1: 0 (or no sender at all) names nobody.
    assertRefused('deliver', deliver({ sender: 0 }), 'sender 0')
    // No recipient list: the whole room as the receiver knows it.
    const wholeRoom = deliver({ recipients: [] })
    assert.deepEqual(decodeFrame(encodeFrame(frame('deliver', wholeRoom))), frame('deliver', wholeRoom))
  })

  it('resume: the signing key and its binding', () => {
    const base = SAMPLES.resume.body
    assertRefused('resume', { ...base, signingKey: bytes(SIGNING_KEY_BYTES - 1) }, 'signing key 31 bytes')
    assertRefused('resume', { ...base, signingKey: bytes(0) }, 'no signing key (a 1.0.0 resume)')
    assertRefused(
      'resume',
      { ...base, signingKeyBinding: bytes(MAX_SIGNATURE_BYTES + 1) },
      'signing key binding too long'
    )
    assertRefused('resume', { ...base, signature: bytes(MAX_SIGNATURE_BYTES + 1) }, 'signature too long')
  })

  it('ack and rejected', () => {
    assertMalformed(rawFrame(10, varintField(2, 2n ** 63n)), 'seq 2^63')
    assertRefused('rejected', { counter: 1, reason: Reason.REASON_UNSPECIFIED, message: '' }, 'no reason')
    assertRefused(
      'rejected',
      { counter: 1, reason: Reason.BAD_SIGNATURE, message: 'm'.repeat(MAX_REASON_MESSAGE_LENGTH + 1) },
      'message too long'
    )
    assertMalformed(rawFrame(11, [...varintField(1, 1), ...varintField(2, 1000)]), 'reason 1000')
  })

  it('memberJoined, memberLeft, goodbye', () => {
    assertRefused('memberJoined', { member: undefined }, 'no member')
    assertRefused('memberJoined', { member: member(PEER_B, 'b', 0) }, 'member.index 0')
    assertRefused(
      'memberJoined',
      { member: { ...member(PEER_B, 'b'), signingKey: bytes(SIGNING_KEY_BYTES + 1) } },
      'member.signingKey 33 bytes'
    )
    assertRefused(
      'memberJoined',
      { member: { ...member(PEER_B, 'b'), peerId: 'p'.repeat(MAX_PEER_ID_LENGTH + 1) } },
      'member.peerId'
    )
    assertRefused(
      'memberLeft',
      { peerId: PEER_B, nickname: 'n'.repeat(MAX_NICKNAME_LENGTH * 4 + 1), reason: Reason.LEFT },
      'nickname too long'
    )
    assertRefused(
      'memberLeft',
      { peerId: 'p'.repeat(MAX_PEER_ID_LENGTH + 1), nickname: 'b', reason: Reason.LEFT },
      'peerId too long'
    )
    assertRefused(
      'memberLeft',
      { peerId: PEER_B, nickname: 'b', reason: Reason.REASON_UNSPECIFIED },
      'no reason'
    )
    assertMalformed(rawFrame(13, varintField(3, 77)), 'memberLeft reason 77')
    assertRefused('goodbye', { reason: Reason.REASON_UNSPECIFIED, message: '' }, 'no reason')
    assertRefused(
      'goodbye',
      { reason: Reason.KICKED, message: 'm'.repeat(MAX_REASON_MESSAGE_LENGTH + 1) },
      'message too long'
    )
    assertMalformed(rawFrame(14, varintField(1, 99)), 'goodbye reason 99')
  })
})

describe('frame fuzzing: decodeFrame returns a valid frame or throws FrameError, nothing else', () => {
  function decodesOrFrameError(input: Uint8Array): void {
    let result: AnyFrame
    try {
      result = decodeFrame(input)
    } catch (err) {
      if (err instanceof FrameError) {
        assert.equal(err.reason, Reason.MALFORMED)
        return
      }
      throw err
    }
    isValidDecoded(result)
  }

  it('arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), decodesOrFrameError), { numRuns: 5000 })
  })

  it('a valid Frame tag followed by arbitrary bytes', () => {
    const tagged = fc
      .tuple(fc.integer({ min: 1, max: FRAME_KINDS.length }), fc.uint8Array({ maxLength: 2048 }))
      .map(([field, body]) => Uint8Array.from(bytesField(field, body)))
    fc.assert(fc.property(tagged, decodesOrFrameError), { numRuns: 5000 })
  })

  it('mutated valid frames', () => {
    const encodedSamples = FRAME_KINDS.map((kind) => encodeFrame(SAMPLES[kind] as AnyFrame))
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({
        op: fc.constant('insert' as const),
        at: fc.nat(),
        extra: fc.uint8Array({ maxLength: 16 })
      }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() })
    )
    type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never
    function apply(input: Uint8Array, m: Mutation): Uint8Array {
      const at = input.length === 0 ? 0 : m.at % input.length
      const out = input.slice()
      switch (m.op) {
        case 'flip':
          if (out.length > 0) out[at] = (out[at] as number) ^ (1 << m.bit)
          return out
        case 'set':
          if (out.length > 0) out[at] = m.value
          return out
        case 'insert':
          return concatBytes(input.subarray(0, at), m.extra, input.subarray(at))
        case 'delete':
          return concatBytes(input.subarray(0, at), input.subarray(at + m.count))
        case 'truncate':
          return input.subarray(0, at)
      }
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...encodedSamples),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (sample, mutations) => decodesOrFrameError(mutations.reduce(apply, sample))
      ),
      { numRuns: 5000 }
    )
  })

  it('frames spliced together', () => {
    const encodedSamples = FRAME_KINDS.map((kind) => encodeFrame(SAMPLES[kind] as AnyFrame))
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...encodedSamples), { minLength: 2, maxLength: 4 }),
        fc.uint8Array({ maxLength: 8 }),
        (parts, glue) => {
          const input = concatBytes(...parts, glue)
          decodesOrFrameError(input)
        }
      ),
      { numRuns: 1000 }
    )
  })

  it('encodeFrame then decodeFrame is the identity on generated valid frames', () => {
    const id = fc.string({ unit: 'binary', minLength: 1, maxLength: MAX_PEER_ID_LENGTH / 2 })
    const generatedPost = fc
      .record({
        counter: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        recipients: fc.uniqueArray(id, { maxLength: 8 }),
        ciphertext: fc.uint8Array({ minLength: 16, maxLength: 512 }),
        signature: fc.uint8Array({ minLength: MESSAGE_SIGNATURE_BYTES, maxLength: MESSAGE_SIGNATURE_BYTES }),
        keyBytes: fc.uint8Array({ maxLength: MAX_WRAPPED_KEY_BYTES })
      })
      .map(
        ({ keyBytes, ...rest }): AnyFrame =>
          frame('post', {
            ...rest,
            fileOffer: false,
            epoch: 0,
            ciphertext: new Uint8Array(rest.ciphertext),
            signature: new Uint8Array(rest.signature),
            keys: rest.recipients.map((recipient) => ({ recipient, key: new Uint8Array(keyBytes) }))
          })
      )
    const generatedText = fc.oneof(
      // Limits count UTF-16 units; a code point is at most two, so half the limit in code points fits.
      fc
        .string({ unit: 'binary', maxLength: MAX_TOKEN_LENGTH / 2 })
        .map((token): AnyFrame => frame('hello', { version: 1, token })),
      fc
        .string({ unit: 'binary', maxLength: MAX_CODE_LENGTH / 2 })
        .map((code): AnyFrame => frame('roomCode', { code })),
      fc
        .string({ unit: 'binary', maxLength: MAX_REASON_MESSAGE_LENGTH / 2 })
        .map((message): AnyFrame => frame('goodbye', { reason: Reason.KICKED, message }))
    )
    fc.assert(
      fc.property(fc.oneof(generatedPost, generatedText), (f) => {
        // Lone surrogates do not survive UTF-8; only well-formed strings are expected back unchanged.
        const strings = JSON.stringify(f.body)
        fc.pre(!/\\ud[89a-f]/i.test(strings))
        assert.deepEqual(decodeFrame(encodeFrame(f)), f)
      }),
      { numRuns: 1000 }
    )
  })
})

describe('encodeDeliverFrame (the host encodes the shared part of a message once)', () => {
  it('makes frames that decode as encodeFrame of the whole does, whatever the coded fields and key', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.nat({ max: 2 ** 40 }),
          counter: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
          epoch: fc.nat({ max: 2 ** 32 })
        }),
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 600 }), { minLength: 1, maxLength: 8 }),
        fc.uint8Array({ minLength: 16, maxLength: 3000 }),
        fc.boolean(),
        (coded, keys, ciphertext, wholeRoom) => {
          const { wrappedKey: _unused, ...named } = deliver()
          // A message for the whole room goes without its recipient list.
          const shared = wholeRoom ? { ...named, recipients: [] } : named
          const common = encodeDeliverCommon({ ...shared, ciphertext })
          for (const key of keys) {
            // Same fields; only their order differs (coded first, the wrapped key last), as protobuf allows.
            const expected = decodeFrame(
              encodeFrame(frame('deliver', { ...shared, ...coded, ciphertext, wrappedKey: key }))
            )
            const decoded = decodeFrame(encodeDeliverFrame(common, coded, key))
            assert.deepEqual(decoded, expected)
            assert.deepEqual(decoded.kind === 'deliver' && decoded.body.wrappedKey, key)
          }
        }
      ),
      { numRuns: 200 }
    )
  })
})
