import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { asBufferSource, concatBytes, fromHex, randomBytes, utf8 } from '../../src/protocol/bytes.js'
import { IV_BYTES, MAX_CIPHERTEXT_BYTES, MAX_MESSAGE_BYTES } from '../../src/protocol/constants.js'
import { DecryptionError, InvalidInputError, InvalidSignatureError } from '../../src/protocol/errors.js'
import { decodeFrame, encodeFrame, frame } from '../../src/protocol/frame.js'
import {
  encodeContent,
  MessageTooLargeError,
  openDelivered,
  postHeader,
  sealMessage,
  verifyMessageSignature
} from '../../src/protocol/message.js'
import { fingerprint, generateRsaKeyPair, PSS_SALT_LENGTH, type RsaKeyPair } from '../../src/protocol/rsa.js'
import { additionalData, type MessageHeader, signatureInput } from '../../src/protocol/signing.js'
import { Content, type Deliver, Frame, type Post } from '../../src/protocol/wire/securechat.js'

const subtle = globalThis.crypto.subtle
const ROOM = randomBytes(16)
const OTHER_ROOM = randomBytes(16)
const ALICE = '12D3KooWAliceAliceAliceAliceAliceAliceAliceAliceAlic'
const BOB = '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBobBobBo'
const CAROL = '12D3KooWCarolCarolCarolCarolCarolCarolCarolCarolCar'
const EVE = '12D3KooWEveEveEveEveEveEveEveEveEveEveEveEveEveEveEv'
const T = 1_767_225_600_123

let keys: Record<'alice' | 'bob' | 'carol' | 'eve', RsaKeyPair>

before(async () => {
  const [alice, bob, carol, eve] = await Promise.all([
    generateRsaKeyPair(),
    generateRsaKeyPair(),
    generateRsaKeyPair(),
    generateRsaKeyPair()
  ])
  keys = { alice: alice!, bob: bob!, carol: carol!, eve: eve! }
})

function seal(text: string, overrides: { counter?: number; signer?: RsaKeyPair } = {}): Promise<Post> {
  return sealMessage({
    roomId: ROOM,
    sender: ALICE,
    counter: overrides.counter ?? 1,
    timestamp: T,
    text,
    recipients: [
      { id: BOB, publicKey: keys.bob.publicKey },
      { id: CAROL, publicKey: keys.carol.publicKey }
    ],
    signingKey: (overrides.signer ?? keys.alice).privateKey
  })
}

/** What the host sends one recipient: the shared fields, the room's sequence number, its own key only. */
function deliverFor(post: Post, recipient: string, seq = 1, sender = ALICE): Deliver {
  const wrapped = post.keys.find((k) => k.recipient === recipient)
  assert.ok(wrapped, `no key for ${recipient}`)
  return {
    seq,
    sender,
    counter: post.counter,
    timestamp: post.timestamp,
    recipients: [...post.recipients],
    iv: post.iv,
    ciphertext: post.ciphertext,
    wrappedKey: wrapped.key,
    signature: post.signature,
    epoch: post.epoch
  }
}

async function rejectsSignature(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof InvalidSignatureError, `got ${String(err)}`)
    return true
  })
}

async function rejectsDecryption(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof DecryptionError, `got ${String(err)}`)
    return true
  })
}

function flipped(bytes: Uint8Array, at = 0): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes)
  out[at] = (out[at] as number) ^ 0x01
  return out
}

describe('sealMessage → openDelivered', () => {
  it('every recipient reads the text', async () => {
    const post = await seal('hello, room')
    assert.deepEqual(post.recipients, [BOB, CAROL])
    assert.deepEqual(
      post.keys.map((k) => k.recipient),
      [BOB, CAROL]
    )
    assert.equal(post.counter, 1)
    assert.equal(post.timestamp, T)
    assert.equal(post.iv.byteLength, IV_BYTES)
    assert.equal(post.signature.byteLength, 256)
    for (const k of post.keys) assert.equal(k.key.byteLength, 256)
    assert.equal(
      await openDelivered(ROOM, deliverFor(post, BOB), keys.alice.publicKey, keys.bob.privateKey),
      'hello, room'
    )
    assert.equal(
      await openDelivered(ROOM, deliverFor(post, CAROL, 2), keys.alice.publicKey, keys.carol.privateKey),
      'hello, room'
    )
  })

  it('handles empty, non-ASCII and long text', async () => {
    for (const text of ['', 'héllo wörld 👋🏽 — 你好', 'x'.repeat(20_000)]) {
      const post = await seal(text)
      assert.equal(
        await openDelivered(ROOM, deliverFor(post, BOB), keys.alice.publicKey, keys.bob.privateKey),
        text
      )
    }
  })

  it('the Post is a valid frame, and so is each Deliver', async () => {
    const post = await seal('framed')
    assert.deepEqual(decodeFrame(encodeFrame(frame('post', post))), frame('post', post))
    const deliver = deliverFor(post, BOB, 9)
    assert.deepEqual(decodeFrame(encodeFrame(frame('deliver', deliver))), frame('deliver', deliver))
  })

  it('the seq a host assigns is not signed: any seq opens', async () => {
    const post = await seal('seq is routing')
    assert.equal(
      await openDelivered(ROOM, deliverFor(post, BOB, 12345), keys.alice.publicKey, keys.bob.privateKey),
      'seq is routing'
    )
  })

  it('a non-recipient cannot open it', async () => {
    const post = await seal('not for eve')
    assert.equal(
      post.keys.find((k) => k.recipient === EVE),
      undefined
    )
    // Eve holds a copy of Bob's Deliver: the signature is fine, the wrapped key is not hers.
    await rejectsDecryption(
      openDelivered(ROOM, deliverFor(post, BOB), keys.alice.publicKey, keys.eve.privateKey)
    )
  })

  it("a recipient given another recipient's wrapped key cannot open it", async () => {
    const post = await seal('mixed up')
    await rejectsDecryption(
      openDelivered(ROOM, deliverFor(post, CAROL), keys.alice.publicKey, keys.bob.privateKey)
    )
  })

  it('a wrapped key from another message does not open this one', async () => {
    const first = await seal('first')
    const second = await seal('second', { counter: 2 })
    const mixed = { ...deliverFor(second, BOB), wrappedKey: deliverFor(first, BOB).wrappedKey }
    await rejectsDecryption(openDelivered(ROOM, mixed, keys.alice.publicKey, keys.bob.privateKey))
  })

  it('a signature by another key is InvalidSignatureError', async () => {
    // Eve signs a message claiming to be Alice.
    const forged = await seal('I am alice', { signer: keys.eve })
    await rejectsSignature(
      openDelivered(ROOM, deliverFor(forged, BOB), keys.alice.publicKey, keys.bob.privateKey)
    )
    // And a genuine message checked against the wrong sender key.
    const genuine = await seal('from alice')
    await rejectsSignature(
      openDelivered(ROOM, deliverFor(genuine, BOB), keys.carol.publicKey, keys.bob.privateKey)
    )
  })

  it('refuses a message over MAX_MESSAGE_BYTES with MessageTooLargeError', async () => {
    // Content = tag (1 byte) + length varint (3 bytes) + text: 4 bytes of framing at this size.
    const largest = 'a'.repeat(MAX_MESSAGE_BYTES - 4)
    assert.equal(encodeContent(largest).byteLength, MAX_MESSAGE_BYTES)
    const post = await seal(largest)
    assert.ok(post.ciphertext.byteLength <= MAX_CIPHERTEXT_BYTES)
    assert.deepEqual(decodeFrame(encodeFrame(frame('post', post))), frame('post', post))
    assert.equal(
      await openDelivered(ROOM, deliverFor(post, BOB), keys.alice.publicKey, keys.bob.privateKey),
      largest
    )

    const isTooLarge = (err: unknown): boolean => {
      assert.ok(err instanceof MessageTooLargeError, `got ${String(err)}`)
      assert.ok(err instanceof InvalidInputError)
      assert.equal(err.name, 'MessageTooLargeError')
      return true
    }
    await assert.rejects(seal('a'.repeat(MAX_MESSAGE_BYTES - 3)), isTooLarge)
    await assert.rejects(seal('a'.repeat(MAX_MESSAGE_BYTES * 2)), isTooLarge)
    // Counted in UTF-8 bytes: fewer characters than the limit, more bytes.
    const wide = 'é'.repeat(MAX_MESSAGE_BYTES / 2)
    assert.ok(wide.length < MAX_MESSAGE_BYTES)
    await assert.rejects(seal(wide), isTooLarge)
  })

  it('refuses to seal for nobody', async () => {
    await assert.rejects(
      sealMessage({
        roomId: ROOM,
        sender: ALICE,
        counter: 1,
        timestamp: T,
        text: 'alone',
        recipients: [],
        signingKey: keys.alice.privateKey
      }),
      InvalidInputError
    )
  })
})

describe('the signature binds every header field and the ciphertext', () => {
  type Tamper = { what: string; deliver?: (d: Deliver) => Deliver; roomId?: Uint8Array }
  const tampers: Tamper[] = [
    { what: 'counter', deliver: (d) => ({ ...d, counter: d.counter + 1 }) },
    { what: 'timestamp', deliver: (d) => ({ ...d, timestamp: d.timestamp + 1 }) },
    { what: 'recipients reordered', deliver: (d) => ({ ...d, recipients: [...d.recipients].reverse() }) },
    { what: 'recipient dropped', deliver: (d) => ({ ...d, recipients: d.recipients.slice(0, 1) }) },
    { what: 'recipient added', deliver: (d) => ({ ...d, recipients: [...d.recipients, EVE] }) },
    { what: 'sender', deliver: (d) => ({ ...d, sender: CAROL }) },
    { what: 'roomId', roomId: OTHER_ROOM },
    { what: 'iv', deliver: (d) => ({ ...d, iv: flipped(d.iv) }) },
    { what: 'ciphertext (body)', deliver: (d) => ({ ...d, ciphertext: flipped(d.ciphertext) }) },
    {
      what: 'ciphertext (tag)',
      deliver: (d) => ({ ...d, ciphertext: flipped(d.ciphertext, d.ciphertext.byteLength - 1) })
    },
    { what: 'ciphertext truncated', deliver: (d) => ({ ...d, ciphertext: d.ciphertext.slice(0, -1) }) },
    { what: 'signature', deliver: (d) => ({ ...d, signature: flipped(d.signature, 100) }) },
    { what: 'signature truncated', deliver: (d) => ({ ...d, signature: d.signature.slice(1) }) }
  ]

  let post: Post
  before(async () => {
    post = await seal('bound', { counter: 5 })
  })

  it('the untouched message verifies', async () => {
    const deliver = deliverFor(post, BOB)
    assert.equal(
      await verifyMessageSignature(postHeader(ROOM, ALICE, post), post, keys.alice.publicKey),
      true
    )
    assert.equal(
      await verifyMessageSignature(postHeader(ROOM, ALICE, deliver), deliver, keys.alice.publicKey),
      true
    )
  })

  for (const tamper of tampers) {
    it(`${tamper.what}: tampered → signature fails`, async () => {
      const original = deliverFor(post, BOB)
      const deliver = tamper.deliver?.(original) ?? original
      const roomId = tamper.roomId ?? ROOM
      assert.equal(
        await verifyMessageSignature(
          postHeader(roomId, deliver.sender, deliver),
          deliver,
          keys.alice.publicKey
        ),
        false
      )
      await rejectsSignature(openDelivered(roomId, deliver, keys.alice.publicKey, keys.bob.privateKey))
    })
  }

  it('the wrapped keys are not signed (each recipient sees only its own)', async () => {
    const other = await seal('bound', { counter: 5 })
    const swapped = { ...post, keys: other.keys }
    assert.equal(
      await verifyMessageSignature(postHeader(ROOM, ALICE, swapped), swapped, keys.alice.publicKey),
      true
    )
  })
})

describe('wire layout, as docs/PROTOCOL.md states it', () => {
  const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
  const u64 = (n: number): number[] => [...u32(Math.floor(n / 2 ** 32)), ...u32(n >>> 0)]
  const lp = (bytes: Uint8Array): number[] => [...u32(bytes.byteLength), ...bytes]
  const header: MessageHeader = {
    roomId: Uint8Array.from({ length: 16 }, (_, i) => i),
    sender: 'QmSender',
    counter: 2 ** 40 + 3,
    timestamp: T,
    recipients: ['b', 'cé']
  }
  const headerLayout = [
    ...lp(header.roomId),
    ...lp(utf8('QmSender')),
    ...u64(2 ** 40 + 3),
    ...u64(T),
    ...u32(2),
    ...lp(utf8('b')),
    ...lp(utf8('cé'))
  ]

  it('signature input: domain, header, iv, ciphertext', () => {
    const iv = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i)
    const ciphertext = Uint8Array.from({ length: 20 }, (_, i) => i * 3)
    const expected = Uint8Array.from([
      ...utf8('securechat/1.0.0 signature'),
      0,
      ...headerLayout,
      ...lp(iv),
      ...lp(ciphertext)
    ])
    assert.deepEqual(signatureInput(header, iv, ciphertext), expected)
    // Spot checks against the prose: big-endian counts and lengths.
    assert.deepEqual([...expected.subarray(27, 31)], [0, 0, 0, 16])
  })

  it('AES-GCM additional data: domain, header', () => {
    const expected = Uint8Array.from([...utf8('securechat/1.0.0 aad'), 0, ...headerLayout])
    assert.deepEqual(additionalData(header), expected)
  })

  it('a Post opens with nothing but standard primitives', async () => {
    const post = await seal('interop')
    const wrapped = post.keys.find((k) => k.recipient === BOB)
    assert.ok(wrapped)
    // keys[i]: RSA-OAEP-SHA256 of the raw 32-byte AES key.
    const rawKey = new Uint8Array(
      await subtle.decrypt(
        { name: 'RSA-OAEP' },
        await keys.bob.privateKey.oaepKey(),
        asBufferSource(wrapped.key)
      )
    )
    assert.equal(rawKey.byteLength, 32)
    const aesKey = await subtle.importKey('raw', rawKey, { name: 'AES-GCM' }, false, ['decrypt'])
    const headerForPost = postHeader(ROOM, ALICE, post)
    // ciphertext: AES-256-GCM with a 16-byte tag, the header as additional data, a Content protobuf inside.
    const plaintext = new Uint8Array(
      await subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: post.iv,
          tagLength: 128,
          additionalData: asBufferSource(additionalData(headerForPost))
        },
        aesKey,
        post.ciphertext
      )
    )
    assert.equal(plaintext.byteLength + 16, post.ciphertext.byteLength)
    assert.deepEqual(plaintext, Uint8Array.from([0x0a, 7, ...utf8('interop')]))
    assert.equal(Content.decode(plaintext).text, 'interop')
    // signature: RSA-PSS-SHA256, 32-byte salt, over the signature input.
    const input = signatureInput(headerForPost, post.iv, post.ciphertext)
    assert.equal(
      await subtle.verify(
        { name: 'RSA-PSS', saltLength: PSS_SALT_LENGTH },
        await keys.alice.publicKey.pssKey(),
        post.signature,
        asBufferSource(input)
      ),
      true
    )
    assert.equal(PSS_SALT_LENGTH, 32)
    assert.deepEqual(concatBytes(input.subarray(0, 27)), utf8('securechat/1.0.0 signature\0'))
  })

  it('matches the worked examples of docs/PROTOCOL.md section 13', async () => {
    const hex = (text: string): Uint8Array => fromHex(text.replace(/\s+/g, ''))
    const example: MessageHeader = {
      roomId: Uint8Array.from({ length: 16 }, (_, i) => i),
      sender: 'QmSender',
      counter: 1,
      timestamp: 1_767_225_600_123,
      recipients: ['QmBob']
    }
    const headerHex = `
      00 00 00 10 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
      00 00 00 08 51 6d 53 65 6e 64 65 72
      00 00 00 00 00 00 00 01
      00 00 01 9b 76 da a8 7b
      00 00 00 01
      00 00 00 05 51 6d 42 6f 62`
    assert.equal(hex(headerHex).byteLength, 61)
    assert.deepEqual(
      additionalData(example),
      hex(`73 65 63 75 72 65 63 68 61 74 2f 31 2e 30 2e 30 20 61 61 64 00 ${headerHex}`)
    )
    assert.deepEqual(
      signatureInput(example, new Uint8Array(12).fill(0xaa), Uint8Array.of(1, 2, 3)),
      hex(`73 65 63 75 72 65 63 68 61 74 2f 31 2e 30 2e 30 20 73 69 67 6e 61 74 75 72 65 00 ${headerHex}
        00 00 00 0c aa aa aa aa aa aa aa aa aa aa aa aa
        00 00 00 03 01 02 03`)
    )
    assert.deepEqual(Frame.encode({ ack: { counter: 1, seq: 42 } }), hex('52 04 08 01 10 2a'))
    assert.deepEqual(Content.encode({ text: 'hi' }), hex('0a 02 68 69'))
    assert.equal(await fingerprint(Uint8Array.of(1, 2, 3)), '39090 91155 94255 74219 04413 31964')
  })
})
