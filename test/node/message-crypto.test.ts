// node:crypto's per-message operations against WebCrypto's: each opens and checks what the other made, and both refuse the same tampering.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { nodeMessageCrypto } from '../../src/node/message-crypto.js'
import { randomBytes } from '../../src/protocol/bytes.js'
import { DecryptionError } from '../../src/protocol/errors.js'
import { generateMemberKeyPair, type MemberKeyPair } from '../../src/protocol/member-keys.js'
import { openDelivered, sealMessage } from '../../src/protocol/message.js'
import { type MessageCrypto, webMessageCrypto } from '../../src/protocol/message-crypto.js'
import { generateSenderKey, type SenderKey } from '../../src/protocol/sender-key.js'
import { audienceDigest } from '../../src/protocol/signing.js'
import { generateSigningKeyPair, type SigningKeyPair } from '../../src/protocol/signing-key.js'
import type { Deliver } from '../../src/protocol/wire/securechat.js'

const both: [string, MessageCrypto][] = [
  ['WebCrypto', webMessageCrypto],
  ['node:crypto', nodeMessageCrypto]
]
/** The order of the P-256 group (SEC 2 §2.4.2). */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

const flip = (bytes: Uint8Array, at: number): Uint8Array => {
  const copy = bytes.slice()
  copy[at] = (copy[at] as number) ^ 0x01
  return copy
}
const toBig = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`)
const fromBig = (n: bigint): Uint8Array =>
  Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'))

describe('per-message crypto: node:crypto and WebCrypto agree', () => {
  let signer: SigningKeyPair
  let other: SigningKeyPair
  let key: SenderKey
  let otherKey: SenderKey
  const data = randomBytes(300)
  const iv = randomBytes(12)
  const aad = randomBytes(80)
  const plaintext = randomBytes(160)

  before(async () => {
    ;[signer, other, key, otherKey] = await Promise.all([
      generateSigningKeyPair(),
      generateSigningKeyPair(),
      generateSenderKey(1),
      generateSenderKey(1)
    ])
  })

  for (const [signedBy, signing] of both) {
    for (const [checkedBy, checking] of both) {
      it(`a signature made by ${signedBy} holds for ${checkedBy}, and only for its own data and key`, async () => {
        const signature = await signing.sign(signer.privateKey, data)
        assert.equal(signature.byteLength, 64)
        assert.equal(await checking.verify(signer.publicKey, signature, data), true)
        assert.equal(await checking.verify(signer.publicKey, signature, flip(data, 7)), false)
        assert.equal(await checking.verify(signer.publicKey, flip(signature, 3), data), false)
        assert.equal(await checking.verify(signer.publicKey, flip(signature, 40), data), false)
        assert.equal(await checking.verify(other.publicKey, signature, data), false)
      })

      it(`what ${signedBy} encrypts, ${checkedBy} opens, and refuses once anything is changed or cut`, async () => {
        const sealed = await signing.encrypt(key, iv, plaintext, aad)
        assert.equal(sealed.byteLength, plaintext.byteLength + 16)
        assert.deepEqual(await checking.decrypt(key, iv, sealed, aad), plaintext)
        const refusals: [string, () => Promise<Uint8Array>][] = [
          ['a changed ciphertext byte', () => checking.decrypt(key, iv, flip(sealed, 5), aad)],
          ['a changed tag byte', () => checking.decrypt(key, iv, flip(sealed, sealed.byteLength - 1), aad)],
          [
            'a tag cut to 12 bytes',
            () => checking.decrypt(key, iv, sealed.subarray(0, sealed.byteLength - 4), aad)
          ],
          ['the tag alone, cut', () => checking.decrypt(key, iv, sealed.subarray(0, 15), aad)],
          ['nothing at all', () => checking.decrypt(key, iv, new Uint8Array(0), aad)],
          ['other additional data', () => checking.decrypt(key, iv, sealed, flip(aad, 0))],
          ['another nonce', () => checking.decrypt(key, flip(iv, 11), sealed, aad)],
          ['another key', () => checking.decrypt(otherKey, iv, sealed, aad)]
        ]
        for (const [what, refused] of refusals) {
          await assert.rejects(refused(), DecryptionError, what)
        }
      })
    }
  }

  it('both refuse malformed signatures alike: wrong lengths, zeros, r or s out of range', async () => {
    const signature = await nodeMessageCrypto.sign(signer.privateKey, data)
    const r = signature.subarray(0, 32)
    const s = signature.subarray(32)
    const malformed: [string, Uint8Array][] = [
      ['63 bytes', signature.subarray(0, 63)],
      ['65 bytes', Uint8Array.of(...signature, 0)],
      ['the DER form', new Uint8Array(72).fill(0x30)],
      ['all zeros', new Uint8Array(64)],
      ['r = 0', Uint8Array.of(...new Uint8Array(32), ...s)],
      ['r = n', Uint8Array.of(...fromBig(N), ...s)],
      ['s = n', Uint8Array.of(...r, ...fromBig(N))],
      ['r + n, s as it was', Uint8Array.of(...fromBig((toBig(r) + N) % 2n ** 256n), ...s)]
    ]
    for (const [what, bad] of malformed) {
      for (const [name, crypto] of both) {
        assert.equal(await crypto.verify(signer.publicKey, bad, data), false, `${name}: ${what}`)
      }
    }
  })

  it('both give the same answer for the twin signature (r, n − s), which ECDSA itself accepts', async () => {
    const signature = await webMessageCrypto.sign(signer.privateKey, data)
    const twin = Uint8Array.of(...signature.subarray(0, 32), ...fromBig(N - toBig(signature.subarray(32))))
    const answers = await Promise.all(both.map(([, crypto]) => crypto.verify(signer.publicKey, twin, data)))
    assert.deepEqual(answers, [true, true])
  })

  it("node:crypto's results are in buffers of their own, not views into a shared pool", async () => {
    const signature = await nodeMessageCrypto.sign(signer.privateKey, data)
    const sealed = await nodeMessageCrypto.encrypt(key, iv, plaintext, aad)
    const opened = await nodeMessageCrypto.decrypt(key, iv, sealed, aad)
    for (const bytes of [signature, sealed, opened]) assert.equal(bytes.buffer.byteLength, bytes.byteLength)
  })
})

describe('a whole message sealed through one and opened through the other', () => {
  let alice: MemberKeyPair
  let bob: MemberKeyPair

  before(async () => {
    ;[alice, bob] = await Promise.all([generateMemberKeyPair(), generateMemberKeyPair()])
  })

  for (const [sealedBy, sealing] of both) {
    for (const [openedBy, opening] of both) {
      it(`sealed by ${sealedBy}, opened by ${openedBy}`, async () => {
        const roomId = randomBytes(16)
        const senderKey = await generateSenderKey(3)
        const digest = await audienceDigest('alice', ['bob'])
        const post = await sealMessage({
          roomId,
          sender: 'alice',
          counter: 1_700_000_000_000,
          text: 'across implementations',
          recipients: [{ id: 'bob', publicKey: bob.publicKey }],
          audienceDigest: digest,
          signingKey: alice.signing.privateKey,
          senderKey,
          crypto: sealing
        })
        const deliver: Deliver = {
          seq: 1,
          sender: 1,
          counter: post.counter,
          recipients: [],
          ciphertext: post.ciphertext,
          wrappedKey: new Uint8Array(0),
          signature: post.signature,
          epoch: post.epoch
        }
        const from = { peerId: 'alice', signingKey: alice.signing.publicKey }
        const options = { senderKeys: () => senderKey, crypto: opening }
        assert.equal(
          await openDelivered(roomId, deliver, from, digest, bob.privateKey, options),
          'across implementations'
        )
      })
    }
  }
})
