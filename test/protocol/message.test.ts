import assert from 'node:assert/strict'
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto'
import { before, describe, it } from 'node:test'
import { asBufferSource, fromHex, randomBytes, toBase64Url, utf8 } from '../../src/protocol/bytes.js'
import {
  MAX_CIPHERTEXT_BYTES,
  MAX_MESSAGE_BYTES,
  MESSAGE_SIGNATURE_BYTES
} from '../../src/protocol/constants.js'
import { DecryptionError, InvalidInputError, InvalidSignatureError } from '../../src/protocol/errors.js'
import { decodeFrame, encodeFrame, frame } from '../../src/protocol/frame.js'
import { generateMemberKeyPair, type MemberKeyPair } from '../../src/protocol/member-keys.js'
import {
  encodeContent,
  type MessageSender,
  MessageTooLargeError,
  messageHeader,
  openDelivered,
  openDeliveredContent,
  type SenderKeyLookup,
  sealMessage,
  sentAt,
  verifyMessageSignature
} from '../../src/protocol/message.js'
import { fingerprint } from '../../src/protocol/rsa.js'
import {
  decryptWithSenderKey,
  encryptWithSenderKey,
  generateSenderKey,
  type SenderKey
} from '../../src/protocol/sender-key.js'
import {
  additionalData,
  audienceDigest,
  type MessageHeader,
  messageNonce,
  peerSetDigest,
  signatureInput
} from '../../src/protocol/signing.js'
import { Content, type Deliver, Frame, type Post } from '../../src/protocol/wire/securechat.js'

const subtle = globalThis.crypto.subtle
const ROOM = randomBytes(16)
const OTHER_ROOM = randomBytes(16)
const ALICE = '12D3KooWAliceAliceAliceAliceAliceAliceAliceAliceAlic'
const BOB = '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBobBobBo'
const CAROL = '12D3KooWCarolCarolCarolCarolCarolCarolCarolCarolCar'
const EVE = '12D3KooWEveEveEveEveEveEveEveEveEveEveEveEveEveEveEv'
/** A send time in ms, and the sender's counter for it: its clock in ms. */
const T = 1_767_225_600_123
const C = T
/** Member indices, as the host hands them out. */
const INDEX = { alice: 1, bob: 2, carol: 3 } as const
/** The room as Bob and Carol know it, the sender aside. */
const ROOM_VIEW = [BOB, CAROL]

type Name = 'alice' | 'bob' | 'carol' | 'eve'
let keys: Record<Name, MemberKeyPair>
let roomDigest: Uint8Array

before(async () => {
  const [alice, bob, carol, eve] = await Promise.all([
    generateMemberKeyPair(),
    generateMemberKeyPair(),
    generateMemberKeyPair(),
    generateMemberKeyPair()
  ])
  keys = { alice: alice!, bob: bob!, carol: carol!, eve: eve! }
  roomDigest = await recipientsDigest(ROOM_VIEW)
})

/** The digest Alice's messages sign: of Alice and the recipients named (every sealed message here is hers). */
const recipientsDigest = (ids: readonly string[]): Promise<Uint8Array> => audienceDigest(ALICE, ids)

const PEER_IDS: Record<Name, string> = { alice: ALICE, bob: BOB, carol: CAROL, eve: EVE }

/** A sender as a receiver knows it: its PeerId and its (verified) signing key. */
function senderOf(name: Name): MessageSender {
  return { peerId: PEER_IDS[name], signingKey: keys[name].signing.publicKey }
}

interface SealOverrides {
  counter?: number
  signer?: MemberKeyPair
  senderKey?: SenderKey
  announce?: SenderKey
  recipientsDigest?: Uint8Array
}

function seal(text: string, overrides: SealOverrides = {}): Promise<Post> {
  return sealMessage({
    roomId: ROOM,
    sender: ALICE,
    counter: overrides.counter ?? C,
    text,
    recipients: [
      { id: BOB, publicKey: keys.bob.publicKey },
      { id: CAROL, publicKey: keys.carol.publicKey }
    ],
    signingKey: (overrides.signer ?? keys.alice).signing.privateKey,
    ...(overrides.senderKey === undefined ? {} : { senderKey: overrides.senderKey }),
    ...(overrides.announce === undefined ? {} : { announce: overrides.announce }),
    ...(overrides.recipientsDigest === undefined ? {} : { audienceDigest: overrides.recipientsDigest })
  })
}

/**
 * What the host sends one recipient: the shared fields, the room's sequence number, the sender's
 * member index, its own wrapped key only; and the recipient list only when it is not the whole room
 * (`named`).
 */
function deliverFor(
  post: Post,
  recipient: string,
  seq = 1,
  { sender = INDEX.alice, named = false }: { sender?: number; named?: boolean } = {}
): Deliver {
  const wrapped = post.keys.find((k) => k.recipient === recipient)
  if (post.epoch === 0) assert.ok(wrapped, `no key for ${recipient}`)
  return {
    seq,
    sender,
    counter: post.counter,
    recipients: named ? [...post.recipients] : [],
    ciphertext: post.ciphertext,
    wrappedKey: wrapped?.key ?? new Uint8Array(0),
    signature: post.signature,
    epoch: post.epoch
  }
}

/** The digest a receiver checks: of the Deliver's list when it names one, else of the room it knows. */
function receivedDigest(deliver: Deliver, roomView: readonly string[] = ROOM_VIEW): Promise<Uint8Array> {
  return recipientsDigest(deliver.recipients.length > 0 ? deliver.recipients : roomView)
}

interface OpenOptions {
  roomId?: Uint8Array
  sender?: MessageSender
  digest?: Uint8Array
  senderKeys?: SenderKeyLookup
}

/** `openDelivered` as `receiver`, from Alice in ROOM, against the digest of the room it knows. */
async function openAs(deliver: Deliver, receiver: Name, options: OpenOptions = {}): Promise<string> {
  return openDelivered(
    options.roomId ?? ROOM,
    deliver,
    options.sender ?? senderOf('alice'),
    options.digest ?? (await receivedDigest(deliver)),
    keys[receiver].privateKey,
    { senderKeys: options.senderKeys }
  )
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

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return new Uint8Array(hash.digest())
}

describe('sealMessage → openDelivered', () => {
  it('every recipient reads the text', async () => {
    const post = await seal('hello, room')
    assert.deepEqual(post.recipients, [BOB, CAROL])
    assert.deepEqual(
      post.keys.map((k) => k.recipient),
      [BOB, CAROL]
    )
    assert.equal(post.counter, C)
    // The counter is the sender's clock in ms: it is the message's timestamp too.
    assert.equal(sentAt(post.counter), T)
    assert.equal(post.epoch, 0)
    assert.equal(post.signature.byteLength, MESSAGE_SIGNATURE_BYTES)
    for (const k of post.keys) assert.equal(k.key.byteLength, 256)
    // Bob gets it as a message for the whole room (no list); Carol with the list named.
    assert.equal(await openAs(deliverFor(post, BOB), 'bob'), 'hello, room')
    assert.equal(await openAs(deliverFor(post, CAROL, 2, { named: true }), 'carol'), 'hello, room')
  })

  it('handles empty, non-ASCII and long text', async () => {
    for (const text of ['', 'héllo wörld 👋🏽 — 你好', 'x'.repeat(20_000)]) {
      const post = await seal(text)
      assert.equal(await openAs(deliverFor(post, BOB), 'bob'), text)
    }
  })

  it('the Post is a valid frame, and so is each Deliver', async () => {
    const post = await seal('framed')
    assert.deepEqual(decodeFrame(encodeFrame(frame('post', post))), frame('post', post))
    for (const deliver of [deliverFor(post, BOB, 9), deliverFor(post, BOB, 9, { named: true })]) {
      assert.deepEqual(decodeFrame(encodeFrame(frame('deliver', deliver))), frame('deliver', deliver))
    }
  })

  it('the seq a host assigns is not signed: any seq opens', async () => {
    const post = await seal('seq is routing')
    assert.equal(await openAs(deliverFor(post, BOB, 12345), 'bob'), 'seq is routing')
  })

  it("the sender's index is routing too: what is checked is the PeerId and key it names", async () => {
    const post = await seal('index is routing')
    // The receiver resolves the index to a member; only that member's PeerId and key are checked.
    assert.equal(await openAs(deliverFor(post, BOB, 1, { sender: 77 }), 'bob'), 'index is routing')
    await rejectsSignature(
      openAs(deliverFor(post, BOB, 1, { sender: INDEX.carol }), 'bob', { sender: senderOf('carol') })
    )
  })

  it('a non-recipient cannot open it', async () => {
    const post = await seal('not for eve')
    assert.equal(
      post.keys.find((k) => k.recipient === EVE),
      undefined
    )
    // Eve holds a copy of Bob's Deliver: the signature is fine, the wrapped key is not hers.
    await rejectsDecryption(openAs(deliverFor(post, BOB), 'eve'))
  })

  it("a recipient given another recipient's wrapped key cannot open it", async () => {
    const post = await seal('mixed up')
    await rejectsDecryption(openAs(deliverFor(post, CAROL), 'bob'))
  })

  it('a wrapped key from another message does not open this one', async () => {
    const first = await seal('first')
    const second = await seal('second', { counter: C + 1 })
    const mixed = { ...deliverFor(second, BOB), wrappedKey: deliverFor(first, BOB).wrappedKey }
    await rejectsDecryption(openAs(mixed, 'bob'))
  })

  it('a signature by another key is InvalidSignatureError', async () => {
    // Eve signs a message claiming to be Alice.
    const forged = await seal('I am alice', { signer: keys.eve })
    await rejectsSignature(openAs(deliverFor(forged, BOB), 'bob'))
    // And a genuine message checked against the wrong sender key.
    const genuine = await seal('from alice')
    await rejectsSignature(
      openAs(deliverFor(genuine, BOB), 'bob', {
        sender: { peerId: ALICE, signingKey: keys.carol.signing.publicKey }
      })
    )
    // Alice's RSA key does not sign messages any more: only her P-256 signing key does.
    assert.notEqual(genuine.signature.byteLength, keys.alice.publicKey.modulusLength / 8)
  })

  it('signs the recipients digest it is given, which must be that of its recipients', async () => {
    const given = await seal('digest given', { recipientsDigest: roomDigest })
    assert.equal(await openAs(deliverFor(given, BOB), 'bob'), 'digest given')
    // A digest of another set (the caller's stale view of the room) fails at every receiver.
    const stale = await seal('stale digest', { recipientsDigest: await recipientsDigest([BOB]) })
    await rejectsSignature(openAs(deliverFor(stale, BOB), 'bob'))
    await rejectsSignature(openAs(deliverFor(stale, CAROL, 1, { named: true }), 'carol'))
  })

  it('refuses a message over MAX_MESSAGE_BYTES with MessageTooLargeError', async () => {
    // Content = tag (1 byte) + length varint (3 bytes) + text: 4 bytes of framing at this size.
    const largest = 'a'.repeat(MAX_MESSAGE_BYTES - 4)
    assert.equal(encodeContent(largest).byteLength, MAX_MESSAGE_BYTES)
    const post = await seal(largest)
    assert.ok(post.ciphertext.byteLength <= MAX_CIPHERTEXT_BYTES)
    assert.deepEqual(decodeFrame(encodeFrame(frame('post', post))), frame('post', post))
    assert.equal(await openAs(deliverFor(post, BOB), 'bob'), largest)

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
        counter: C,
        text: 'alone',
        recipients: [],
        signingKey: keys.alice.signing.privateKey
      }),
      InvalidInputError
    )
  })

  it("sentAt: the counter is the sender's clock in ms since the Unix epoch", () => {
    assert.equal(sentAt(C), T)
    assert.equal(sentAt(T + 1), T + 1)
    assert.equal(sentAt(1), 1)
  })
})

describe('the signature binds every header field and the ciphertext', () => {
  interface Tamper {
    what: string
    deliver?: (d: Deliver) => Deliver
    roomId?: Uint8Array
    sender?: () => MessageSender
    /** The room as the receiver knows it (for a Deliver without a list). */
    roomView?: readonly string[]
  }
  const wholeRoom = (d: Deliver): Deliver => ({ ...d, recipients: [] })
  const tampers: Tamper[] = [
    { what: 'counter', deliver: (d) => ({ ...d, counter: d.counter + 1 }) },
    { what: 'counter (an earlier one)', deliver: (d) => ({ ...d, counter: d.counter - 1 }) },
    { what: 'epoch', deliver: (d) => ({ ...d, epoch: d.epoch + 1 }) },
    { what: 'epoch (the largest)', deliver: (d) => ({ ...d, epoch: 2 ** 32 - 1 }) },
    { what: 'recipient dropped', deliver: (d) => ({ ...d, recipients: d.recipients.slice(0, 1) }) },
    { what: 'recipient added', deliver: (d) => ({ ...d, recipients: [...d.recipients, EVE] }) },
    { what: 'recipient replaced', deliver: (d) => ({ ...d, recipients: [BOB, EVE] }) },
    { what: 'room view with a member added', deliver: wholeRoom, roomView: [BOB, CAROL, EVE] },
    { what: 'room view with a member removed', deliver: wholeRoom, roomView: [BOB] },
    { what: 'room view including the sender', deliver: wholeRoom, roomView: [ALICE, BOB, CAROL] },
    {
      what: 'sender (the host names another member)',
      deliver: (d) => ({ ...d, sender: INDEX.carol }),
      sender: () => senderOf('carol')
    },
    { what: 'sender PeerId', sender: () => ({ peerId: CAROL, signingKey: keys.alice.signing.publicKey }) },
    { what: 'roomId', roomId: OTHER_ROOM },
    { what: 'ciphertext (body)', deliver: (d) => ({ ...d, ciphertext: flipped(d.ciphertext) }) },
    {
      what: 'ciphertext (tag)',
      deliver: (d) => ({ ...d, ciphertext: flipped(d.ciphertext, d.ciphertext.byteLength - 1) })
    },
    { what: 'ciphertext truncated', deliver: (d) => ({ ...d, ciphertext: d.ciphertext.slice(0, -1) }) },
    {
      what: 'ciphertext extended',
      deliver: (d) => ({ ...d, ciphertext: Uint8Array.from([...d.ciphertext, 0]) })
    },
    { what: 'signature (R)', deliver: (d) => ({ ...d, signature: flipped(d.signature, 5) }) },
    { what: 'signature (S)', deliver: (d) => ({ ...d, signature: flipped(d.signature, 40) }) },
    { what: 'signature truncated', deliver: (d) => ({ ...d, signature: d.signature.slice(1) }) },
    {
      what: 'signature extended',
      deliver: (d) => ({ ...d, signature: Uint8Array.from([...d.signature, 0]) })
    },
    {
      what: 'signature zeroed',
      deliver: (d) => ({ ...d, signature: new Uint8Array(MESSAGE_SIGNATURE_BYTES) })
    }
  ]

  let post: Post
  before(async () => {
    post = await seal('bound', { counter: C + 5 })
  })

  it('the untouched message verifies, as a Post and as either form of Deliver', async () => {
    const alice = keys.alice.signing.publicKey
    assert.equal(
      await verifyMessageSignature(messageHeader(ROOM, ALICE, post, roomDigest), post, alice),
      true
    )
    for (const deliver of [deliverFor(post, BOB), deliverFor(post, BOB, 1, { named: true })]) {
      const header = messageHeader(ROOM, ALICE, deliver, await receivedDigest(deliver))
      assert.equal(await verifyMessageSignature(header, deliver, alice), true)
      assert.equal(await openAs(deliver, 'bob'), 'bound')
    }
  })

  it('the order of the recipients is not signed, only the set: another order verifies', async () => {
    const reordered = { ...deliverFor(post, BOB, 1, { named: true }), recipients: [CAROL, BOB] }
    assert.equal(await openAs(reordered, 'bob'), 'bound')
    assert.equal(
      await openAs(deliverFor(post, BOB), 'bob', { digest: await recipientsDigest([CAROL, BOB]) }),
      'bound'
    )
  })

  for (const tamper of tampers) {
    it(`${tamper.what}: tampered → signature fails`, async () => {
      const original = deliverFor(post, BOB, 1, { named: true })
      const deliver = tamper.deliver?.(original) ?? original
      const roomId = tamper.roomId ?? ROOM
      const sender = tamper.sender?.() ?? senderOf('alice')
      const digest = await receivedDigest(deliver, tamper.roomView)
      assert.equal(
        await verifyMessageSignature(
          messageHeader(roomId, sender.peerId, deliver, digest),
          deliver,
          sender.signingKey
        ),
        false
      )
      await rejectsSignature(openAs(deliver, 'bob', { roomId, sender, digest }))
    })
  }

  it('the wrapped keys are not signed (each recipient sees only its own)', async () => {
    const other = await seal('bound', { counter: C + 5 })
    const swapped = { ...post, keys: other.keys }
    assert.equal(
      await verifyMessageSignature(
        messageHeader(ROOM, ALICE, swapped, roomDigest),
        swapped,
        keys.alice.signing.publicKey
      ),
      true
    )
  })
})

describe('the recipients digest a receiver checks', () => {
  let post: Post
  before(async () => {
    post = await seal('for bob and carol')
  })

  it('a Deliver for the whole room opens against that room, in whatever order it is held', async () => {
    const deliver = deliverFor(post, BOB)
    assert.equal(
      await openAs(deliver, 'bob', { digest: await recipientsDigest([BOB, CAROL]) }),
      'for bob and carol'
    )
    assert.equal(
      await openAs(deliver, 'bob', { digest: await recipientsDigest([CAROL, BOB]) }),
      'for bob and carol'
    )
  })

  it('with one member added to the room the receiver knows: InvalidSignatureError', async () => {
    const digest = await recipientsDigest([BOB, CAROL, EVE])
    await rejectsSignature(openAs(deliverFor(post, BOB), 'bob', { digest }))
    await rejectsSignature(openAs(deliverFor(post, CAROL), 'carol', { digest }))
  })

  it('with one member removed from the room the receiver knows: InvalidSignatureError', async () => {
    await rejectsSignature(openAs(deliverFor(post, BOB), 'bob', { digest: await recipientsDigest([BOB]) }))
    await rejectsSignature(
      openAs(deliverFor(post, CAROL), 'carol', { digest: await recipientsDigest([CAROL]) })
    )
  })

  it('a message sealed for a subset does not pass for the whole room, nor the reverse', async () => {
    const forBob = await sealMessage({
      roomId: ROOM,
      sender: ALICE,
      counter: C + 1,
      text: 'bob only',
      recipients: [{ id: BOB, publicKey: keys.bob.publicKey }],
      signingKey: keys.alice.signing.privateKey
    })
    // The host drops its list, so that Bob takes it for the whole room.
    await rejectsSignature(openAs(deliverFor(forBob, BOB), 'bob'))
    assert.equal(await openAs(deliverFor(forBob, BOB, 1, { named: true }), 'bob'), 'bob only')
    // And a whole-room message delivered with a shorter list.
    await rejectsSignature(openAs({ ...deliverFor(post, BOB), recipients: [BOB] }, 'bob'))
  })

  it('a different epoch or counter: InvalidSignatureError', async () => {
    const deliver = deliverFor(post, BOB)
    await rejectsSignature(openAs({ ...deliver, epoch: 1 }, 'bob'))
    await rejectsSignature(openAs({ ...deliver, counter: deliver.counter + 1 }, 'bob'))
    await rejectsSignature(openAs({ ...deliver, counter: deliver.counter - 1 }, 'bob'))
  })
})

describe('under a sender key (epoch > 0)', () => {
  let senderKey: SenderKey
  let otherKey: SenderKey
  let lookup: SenderKeyLookup
  const asked: Array<[string, number]> = []

  before(async () => {
    ;[senderKey, otherKey] = await Promise.all([generateSenderKey(5), generateSenderKey(6)])
    lookup = (sender, epoch) => {
      asked.push([sender, epoch])
      if (sender !== ALICE) return undefined
      return epoch === senderKey.epoch ? senderKey : epoch === otherKey.epoch ? otherKey : undefined
    }
  })

  it('the announcement carries the key, wrapped for every recipient (epoch 0)', async () => {
    const announcement = await seal('', { announce: senderKey })
    assert.equal(announcement.epoch, 0)
    assert.equal(announcement.keys.length, 2)
    for (const name of ['bob', 'carol'] as const) {
      const deliver = deliverFor(announcement, PEER_IDS[name])
      const opened = await openDeliveredContent(
        ROOM,
        deliver,
        senderOf('alice'),
        roomDigest,
        keys[name].privateKey
      )
      assert.equal(opened.text, '')
      assert.deepEqual(opened.senderKey, { epoch: 5, key: senderKey.raw })
    }
  })

  it('a message under it wraps no key, names its epoch, and opens with the key the sender named', async () => {
    asked.length = 0
    const post = await seal('under the sender key', { senderKey })
    assert.equal(post.epoch, 5)
    assert.deepEqual(post.keys, [])
    assert.equal(post.signature.byteLength, MESSAGE_SIGNATURE_BYTES)
    const deliver = deliverFor(post, BOB)
    assert.equal(deliver.wrappedKey.byteLength, 0)
    assert.deepEqual(decodeFrame(encodeFrame(frame('deliver', deliver))), frame('deliver', deliver))
    assert.equal(await openAs(deliver, 'bob', { senderKeys: lookup }), 'under the sender key')
    assert.equal(await openAs(deliver, 'carol', { senderKeys: lookup }), 'under the sender key')
    assert.deepEqual(asked, [
      [ALICE, 5],
      [ALICE, 5]
    ])
    // Its nonce is derived from its counter: the same text at the next counter is another ciphertext.
    const next = await seal('under the sender key', { senderKey, counter: C + 1 })
    assert.notDeepEqual(next.ciphertext, post.ciphertext)
  })

  it('relabelled with another epoch whose key the receiver holds: InvalidSignatureError', async () => {
    const deliver = deliverFor(await seal('epoch 5', { senderKey }), BOB)
    await rejectsSignature(openAs({ ...deliver, epoch: 6 }, 'bob', { senderKeys: lookup }))
    await rejectsSignature(openAs({ ...deliver, epoch: 0 }, 'bob', { senderKeys: lookup }))
  })

  it('its plaintext is the UTF-8 of the line alone, and one that is not UTF-8 is DecryptionError', async () => {
    const post = await seal('héllo', { senderKey })
    const header = messageHeader(ROOM, ALICE, post, roomDigest)
    const plain = await decryptWithSenderKey(
      senderKey.key,
      messageNonce(post.counter),
      post.ciphertext,
      additionalData(header)
    )
    assert.deepEqual(plain, utf8('héllo'), 'no Content around it')
    // Signed properly, but the plaintext is not UTF-8: dropped, never shown as replacement characters.
    const counter = C + 7
    const badHeader = { ...header, counter }
    const { ciphertext } = await encryptWithSenderKey(
      senderKey,
      Uint8Array.of(0x68, 0xff, 0x69),
      additionalData(badHeader),
      messageNonce(counter)
    )
    const signature = await keys.alice.signing.privateKey.sign(signatureInput(badHeader, ciphertext))
    const bad = deliverFor(
      { ...post, counter, ciphertext: asBufferSource(ciphertext), signature: asBufferSource(signature) },
      BOB
    )
    await rejectsDecryption(openAs(bad, 'bob', { senderKeys: lookup }))
  })

  it('without the key, or with another key of that epoch: DecryptionError (the signature holds)', async () => {
    const deliver = deliverFor(await seal('no key here', { senderKey }), BOB)
    await rejectsDecryption(openAs(deliver, 'bob'))
    await rejectsDecryption(openAs(deliver, 'bob', { senderKeys: () => undefined }))
    const impostor = await generateSenderKey(5)
    await rejectsDecryption(openAs(deliver, 'bob', { senderKeys: () => impostor }))
  })

  it('a tampered counter, digest or ciphertext under a sender key: InvalidSignatureError', async () => {
    const deliver = deliverFor(await seal('bound too', { senderKey }), BOB)
    const options = { senderKeys: lookup }
    await rejectsSignature(openAs({ ...deliver, counter: deliver.counter + 1 }, 'bob', options))
    await rejectsSignature(openAs(deliver, 'bob', { ...options, digest: await recipientsDigest([BOB]) }))
    await rejectsSignature(openAs({ ...deliver, ciphertext: flipped(deliver.ciphertext) }, 'bob', options))
  })
})

describe('wire layout, as docs/PROTOCOL.md states it', () => {
  const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
  const u64 = (n: number): number[] => [...u32(Math.floor(n / 2 ** 32)), ...u32(n >>> 0)]
  const lp = (bytes: Uint8Array): number[] => [...u32(bytes.byteLength), ...bytes]
  const digest = Uint8Array.from({ length: 32 }, (_, i) => 0xc0 + i)
  const header: MessageHeader = {
    roomId: Uint8Array.from({ length: 16 }, (_, i) => i),
    sender: 'QmSender',
    counter: 2 ** 40 + 3,
    epoch: 7,
    recipients: digest
  }
  const headerLayout = [
    ...lp(header.roomId),
    ...lp(utf8('QmSender')),
    ...u64(2 ** 40 + 3),
    ...u32(7),
    ...lp(digest)
  ]

  it('signature input: domain, header (roomId, sender, counter, epoch, recipients digest), ciphertext', () => {
    const ciphertext = Uint8Array.from({ length: 20 }, (_, i) => i * 3)
    const expected = Uint8Array.from([
      ...utf8('securechat/2 signature'),
      0,
      ...headerLayout,
      ...lp(ciphertext)
    ])
    assert.deepEqual(signatureInput(header, ciphertext), expected)
    // Spot checks against the prose: big-endian counts and lengths.
    assert.deepEqual([...expected.subarray(23, 27)], [0, 0, 0, 16])
    assert.deepEqual([...expected.subarray(23 + 20 + 12 + 8, 23 + 20 + 12 + 8 + 4)], [0, 0, 0, 7])
  })

  it('AES-GCM additional data: domain, header', () => {
    const expected = Uint8Array.from([...utf8('securechat/2 aad'), 0, ...headerLayout])
    assert.deepEqual(additionalData(header), expected)
  })

  it('recipients digest: SHA-256 of domain, count, and the ids sorted by their UTF-8 bytes', async () => {
    // UTF-8 order is not UTF-16 order: U+FB00 (ef ac 80) sorts before U+1F600 (f0 9f 98 80) in
    // bytes, after it in UTF-16 (fb00 > d83d), which is how JavaScript compares strings.
    const ids = ['😀', 'cé', 'a', 'ﬀ', 'b']
    assert.deepEqual([...ids].sort(), ['a', 'b', 'cé', '😀', 'ﬀ'])
    const inByteOrder = ['a', 'b', 'cé', 'ﬀ', '😀']
    const expected = sha256(
      utf8('securechat/2 recipients\0'),
      Uint8Array.from(u32(5)),
      ...inByteOrder.map((id) => Uint8Array.from(lp(utf8(id))))
    )
    assert.deepEqual(await peerSetDigest(ids), expected)
    // A message's audience is its sender and its recipients, in one set.
    assert.deepEqual(await audienceDigest('😀', ['cé', 'a', 'ﬀ', 'b']), expected)
    assert.equal(expected.byteLength, 32)
  })

  it('message nonce: four zero bytes, then the counter as a big-endian u64', () => {
    assert.deepEqual(messageNonce(C), Uint8Array.from([0, 0, 0, 0, ...u64(C)]))
    assert.deepEqual(messageNonce(C), fromHex('00000000 0000019b76daa87b'.replace(/\s+/g, '')))
  })

  it('a Post opens and verifies with nothing but standard primitives', async () => {
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
    // The header, its audience digest computed here from the prose (the sender and the recipients),
    // not by audienceDigest.
    const digestHere = sha256(
      utf8('securechat/2 recipients\0'),
      Uint8Array.from(u32(3)),
      ...[ALICE, BOB, CAROL].sort().map((id) => Uint8Array.from(lp(utf8(id))))
    )
    const headerForPost = messageHeader(ROOM, ALICE, post, digestHere)
    const aad = asBufferSource(additionalData(headerForPost))
    // ciphertext: AES-256-GCM with a 16-byte tag under the nonce of the counter, the header as
    // additional data, a Content protobuf inside.
    const nonce = (counter: number) => Uint8Array.from([0, 0, 0, 0, ...u64(counter)])
    const gcm = (counter: number) => ({
      name: 'AES-GCM',
      iv: nonce(counter),
      tagLength: 128,
      additionalData: aad
    })
    const plaintext = new Uint8Array(await subtle.decrypt(gcm(post.counter), aesKey, post.ciphertext))
    assert.equal(plaintext.byteLength + 16, post.ciphertext.byteLength)
    assert.deepEqual(plaintext, Uint8Array.from([0x0a, 7, ...utf8('interop')]))
    assert.equal(Content.decode(plaintext).text, 'interop')
    // Under any other nonce (a neighbouring counter), the tag does not hold.
    await assert.rejects(subtle.decrypt(gcm(post.counter + 1), aesKey, post.ciphertext))
    await assert.rejects(subtle.decrypt(gcm(post.counter - 1), aesKey, post.ciphertext))
    // signature: ECDSA P-256 with SHA-256 (FIPS 186-5), r ‖ s, by the sender's signing key over the
    // signature input; the key is the uncompressed point 04 ‖ x ‖ y.
    const input = signatureInput(headerForPost, post.ciphertext)
    const raw = keys.alice.signing.publicKey.raw
    assert.equal(raw[0], 4)
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: toBase64Url(raw.subarray(1, 33), { pad: false }),
      y: toBase64Url(raw.subarray(33), { pad: false })
    }
    const key = { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' as const }
    assert.equal(nodeVerify('sha256', input, key, post.signature), true)
    assert.equal(nodeVerify('sha256', input, key, flipped(post.signature, 63)), false)
    assert.deepEqual(input.subarray(0, 23), utf8('securechat/2 signature\0'))
  })

  it('matches the worked examples of docs/PROTOCOL.md section 13', async () => {
    const hex = (text: string): Uint8Array => fromHex(text.replace(/\s+/g, ''))
    const bobDigest = hex(
      'f8 1f 6e 15 7e 6c f5 77 0f 2c b0 4b 3f d3 d7 a4 7e d5 64 20 ce 75 24 18 05 34 6a 43 24 67 c0 70'
    )
    assert.deepEqual(await peerSetDigest(['QmBob']), bobDigest)
    assert.deepEqual(
      bobDigest,
      sha256(
        hex(`73 65 63 75 72 65 63 68 61 74 2f 32 20 72 65 63 69 70 69 65 6e 74 73 00
        00 00 00 01  00 00 00 05 51 6d 42 6f 62`)
      )
    )
    const example: MessageHeader = {
      roomId: Uint8Array.from({ length: 16 }, (_, i) => i),
      sender: 'QmSender',
      counter: 1,
      epoch: 0,
      recipients: bobDigest
    }
    const headerHex = `
      00 00 00 10 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
      00 00 00 08 51 6d 53 65 6e 64 65 72
      00 00 00 00 00 00 00 01
      00 00 00 00
      00 00 00 20 f8 1f 6e 15 7e 6c f5 77 0f 2c b0 4b 3f d3 d7 a4
                  7e d5 64 20 ce 75 24 18 05 34 6a 43 24 67 c0 70`
    assert.equal(hex(headerHex).byteLength, 80)
    assert.deepEqual(
      additionalData(example),
      hex(`73 65 63 75 72 65 63 68 61 74 2f 32 20 61 61 64 00 ${headerHex}`)
    )
    assert.deepEqual(
      signatureInput(example, Uint8Array.of(1, 2, 3)),
      hex(`73 65 63 75 72 65 63 68 61 74 2f 32 20 73 69 67 6e 61 74 75 72 65 00 ${headerHex}
        00 00 00 03 01 02 03`)
    )
    assert.deepEqual(messageNonce(1), hex('00 00 00 00 00 00 00 00 00 00 00 01'))
    assert.deepEqual(Frame.encode({ ack: { counter: 1, seq: 42 } }), hex('52 04 08 01 10 2a'))
    assert.deepEqual(Content.encode({ text: 'hi' }), hex('0a 02 68 69'))
    assert.equal(await fingerprint(Uint8Array.of(1, 2, 3)), '39090 91155 94255 74219 04413 31964')
    // The renumbered Post and Deliver: a Deliver's sender is a varint (its member index).
    assert.deepEqual(
      Frame.encode({
        post: {
          counter: 1,
          fileOffer: false,
          recipients: ['b'],
          ciphertext: new Uint8Array(0),
          keys: [],
          signature: new Uint8Array(0),
          epoch: 2
        }
      }),
      hex('42 07 08 01 12 01 62 30 02')
    )
    assert.deepEqual(
      Frame.encode({
        deliver: {
          seq: 1,
          sender: 2,
          counter: 3,
          recipients: [],
          ciphertext: new Uint8Array(0),
          wrappedKey: new Uint8Array(0),
          signature: new Uint8Array(0),
          epoch: 4
        }
      }),
      hex('4a 08 08 01 10 02 18 03 40 04')
    )
  })
})
