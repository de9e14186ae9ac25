import assert from 'node:assert/strict'
import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify
} from 'node:crypto'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import { concatBytes, fromHex, toBase64Url, utf8 } from '../../src/protocol/bytes.js'
import { MESSAGE_SIGNATURE_BYTES, SIGNING_KEY_BYTES } from '../../src/protocol/constants.js'
import { InvalidInputError } from '../../src/protocol/errors.js'
import { generateRsaKeyPair, PSS_SALT_LENGTH, type RsaKeyPair } from '../../src/protocol/rsa.js'
import {
  bindingInput,
  bindSigningKey,
  generateSigningKeyPair,
  importSigningPrivateKey,
  type SigningKeyPair,
  SigningPrivateKey,
  SigningPublicKey,
  verifiedSigningKey
} from '../../src/protocol/signing-key.js'

const hex = (text: string): Uint8Array => fromHex(text.replace(/\s+/g, ''))
/** PKCS#8 of an Ed25519 seed (RFC 8410 §7): a fixed 16-byte prefix, then the 32-byte seed. */
const pkcs8OfSeed = (seed: Uint8Array): Uint8Array =>
  concatBytes(hex('302e020100300506032b657004220420'), seed)

/** RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte). */
const RFC8032 = [
  {
    name: 'TEST 1',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'
  },
  {
    name: 'TEST 2',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'
  }
]

function flipped(bytes: Uint8Array, at = 0): Uint8Array {
  const out = bytes.slice()
  out[at] = (out[at] as number) ^ 0x01
  return out
}

async function rejectsInput(promise: Promise<unknown>, pattern?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof InvalidInputError, `got ${String(err)}`)
    if (pattern !== undefined) assert.match(err.message, pattern)
    return true
  })
}

let alice: SigningKeyPair
let bob: SigningKeyPair
let aliceRsa: RsaKeyPair
let bobRsa: RsaKeyPair

before(async () => {
  ;[alice, bob, aliceRsa, bobRsa] = await Promise.all([
    generateSigningKeyPair(),
    generateSigningKeyPair(),
    generateRsaKeyPair(),
    generateRsaKeyPair()
  ])
})

describe('Ed25519 signing keys: sign and verify', () => {
  const data = utf8('a message header and its ciphertext')

  it('a fresh pair: a 32-byte public key, 64-byte signatures that verify', async () => {
    assert.equal(alice.publicKey.raw.byteLength, SIGNING_KEY_BYTES)
    assert.notDeepEqual(alice.publicKey.raw, bob.publicKey.raw)
    const signature = await alice.privateKey.sign(data)
    assert.equal(signature.byteLength, MESSAGE_SIGNATURE_BYTES)
    assert.equal(await alice.publicKey.verify(signature, data), true)
    // Ed25519 is deterministic (RFC 8032 §5.1.6): the same key and data, the same signature.
    assert.deepEqual(await alice.privateKey.sign(data), signature)
  })

  it('signs and verifies arbitrary data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const signature = await alice.privateKey.sign(bytes)
        assert.equal(await alice.publicKey.verify(signature, bytes), true)
      }),
      { numRuns: 50 }
    )
  })

  it('a signature does not verify under another key, nor for other data', async () => {
    const signature = await alice.privateKey.sign(data)
    assert.equal(await bob.publicKey.verify(signature, data), false)
    assert.equal(await alice.publicKey.verify(signature, utf8('another message')), false)
    assert.equal(await alice.publicKey.verify(signature, flipped(data, 3)), false)
    assert.equal(await alice.publicKey.verify(signature, data.subarray(1)), false)
    assert.equal(await alice.publicKey.verify(signature, concatBytes(data, new Uint8Array(1))), false)
  })

  it('any flipped bit of a signature makes it fail', async () => {
    const signature = await alice.privateKey.sign(data)
    for (let at = 0; at < MESSAGE_SIGNATURE_BYTES; at++) {
      assert.equal(await alice.publicKey.verify(flipped(signature, at), data), false, `byte ${at}`)
    }
  })

  it('a malformed signature is simply false, never a throw', async () => {
    const signature = await alice.privateKey.sign(data)
    // 63 bytes: one short (from either end).
    assert.equal(await alice.publicKey.verify(signature.subarray(1), data), false)
    assert.equal(await alice.publicKey.verify(signature.subarray(0, 63), data), false)
    assert.equal(await alice.publicKey.verify(concatBytes(signature, new Uint8Array(1)), data), false)
    assert.equal(await alice.publicKey.verify(new Uint8Array(0), data), false)
    assert.equal(await alice.publicKey.verify(new Uint8Array(MESSAGE_SIGNATURE_BYTES), data), false)
    assert.equal(
      await alice.publicKey.verify(new Uint8Array(MESSAGE_SIGNATURE_BYTES).fill(0xff), data),
      false
    )
    // A 256-byte RSA-PSS signature (what 1.0.0 sent) is no Ed25519 signature.
    assert.equal(await alice.publicKey.verify(new Uint8Array(256).fill(1), data), false)
  })

  it('a signature made by node:crypto verifies, and ours verifies in node:crypto', async () => {
    const signature = await alice.privateKey.sign(data)
    const x = toBase64Url(alice.publicKey.raw, { pad: false })
    const nodePublic = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })
    assert.equal(nodeVerify(null, data, nodePublic, signature), true)
    const other = generateKeyPairSync('ed25519')
    const raw = other.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
    const theirs = await SigningPublicKey.fromRaw(new Uint8Array(raw))
    assert.equal(await theirs.verify(new Uint8Array(nodeSign(null, data, other.privateKey)), data), true)
  })

  for (const vector of RFC8032) {
    it(`matches RFC 8032 section 7.1, ${vector.name}`, async () => {
      const pair = await importSigningPrivateKey(pkcs8OfSeed(hex(vector.seed)))
      assert.deepEqual(pair.publicKey.raw, hex(vector.publicKey))
      assert.deepEqual(await pair.privateKey.sign(hex(vector.message)), hex(vector.signature))
      const publicKey = await SigningPublicKey.fromRaw(hex(vector.publicKey))
      assert.equal(await publicKey.verify(hex(vector.signature), hex(vector.message)), true)
      assert.equal(await publicKey.verify(flipped(hex(vector.signature), 10), hex(vector.message)), false)
    })
  }
})

describe('Ed25519 signing keys: import and export', () => {
  it('a private key imported from its PKCS#8 has the same public key, and signs for it', async () => {
    const imported = await importSigningPrivateKey(alice.privateKey.pkcs8)
    assert.deepEqual(imported.publicKey.raw, alice.publicKey.raw)
    assert.deepEqual(imported.privateKey.pkcs8, alice.privateKey.pkcs8)
    assert.deepEqual((await alice.privateKey.publicKey()).raw, alice.publicKey.raw)
    const data = utf8('signed after a restart')
    assert.equal(await alice.publicKey.verify(await imported.privateKey.sign(data), data), true)
    const fromPkcs8 = await SigningPrivateKey.fromPkcs8(alice.privateKey.pkcs8)
    assert.deepEqual((await fromPkcs8.publicKey()).raw, alice.publicKey.raw)
  })

  it('a public key from its raw bytes verifies as the original', async () => {
    const again = await SigningPublicKey.fromRaw(alice.publicKey.raw)
    assert.deepEqual(again.raw, alice.publicKey.raw)
    const data = utf8('same key')
    assert.equal(await again.verify(await alice.privateKey.sign(data), data), true)
  })

  it('keeps its own copy of the bytes it is given', async () => {
    const raw = alice.publicKey.raw.slice()
    const key = await SigningPublicKey.fromRaw(raw)
    raw.fill(0)
    assert.deepEqual(key.raw, alice.publicKey.raw)
    const pkcs8 = alice.privateKey.pkcs8.slice()
    const privateKey = await SigningPrivateKey.fromPkcs8(pkcs8)
    pkcs8.fill(0)
    assert.deepEqual(privateKey.pkcs8, alice.privateKey.pkcs8)
  })

  it('refuses a public key of any length but 32 bytes', async () => {
    for (const length of [0, 1, 31, 33, 64, 294]) {
      await rejectsInput(SigningPublicKey.fromRaw(new Uint8Array(length).fill(9)), /32 bytes/)
    }
  })

  it('refuses a private key that is not Ed25519 PKCS#8', async () => {
    await rejectsInput(SigningPrivateKey.fromPkcs8(new Uint8Array(0)), /not an Ed25519 private key/)
    await rejectsInput(SigningPrivateKey.fromPkcs8(new Uint8Array(48).fill(1)), /not an Ed25519 private key/)
    await rejectsInput(importSigningPrivateKey(aliceRsa.privateKey.pkcs8), /not an Ed25519 private key/)
    await rejectsInput(importSigningPrivateKey(alice.privateKey.pkcs8.subarray(0, 40)))
  })
})

describe('the binding: an RSA identity vouches for its signing key', () => {
  it('binding input: the domain, then the raw signing key', () => {
    assert.deepEqual(
      bindingInput(alice.publicKey.raw),
      concatBytes(utf8('securechat/2 signing key\0'), alice.publicKey.raw)
    )
    assert.equal(bindingInput(alice.publicKey.raw).byteLength, 25 + SIGNING_KEY_BYTES)
  })

  it("is verified with the binder's RSA key and gives back the signing key", async () => {
    const binding = await bindSigningKey(aliceRsa.privateKey, alice.publicKey)
    assert.equal(binding.byteLength, aliceRsa.publicKey.modulusLength / 8)
    const key = await verifiedSigningKey(aliceRsa.publicKey, alice.publicKey.raw, binding)
    assert.deepEqual(key.raw, alice.publicKey.raw)
    const data = utf8('vouched for')
    assert.equal(await key.verify(await alice.privateKey.sign(data), data), true)
  })

  it('is RSA-PSS-SHA256 (32-byte salt) over the binding input, as node:crypto checks it', async () => {
    const binding = await bindSigningKey(aliceRsa.privateKey, alice.publicKey)
    const publicKey = createPublicKey({
      key: Buffer.from(aliceRsa.publicKey.spki),
      format: 'der',
      type: 'spki'
    })
    const pss = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH }
    assert.equal(nodeVerify('sha256', bindingInput(alice.publicKey.raw), pss, binding), true)
    assert.equal(nodeVerify('sha256', alice.publicKey.raw, pss, binding), false)
  })

  it('is refused under another RSA key', async () => {
    const binding = await bindSigningKey(aliceRsa.privateKey, alice.publicKey)
    await rejectsInput(verifiedSigningKey(bobRsa.publicKey, alice.publicKey.raw, binding), /not bound/)
  })

  it("is refused for another signing key: a relay cannot pair someone's RSA key with its own", async () => {
    const binding = await bindSigningKey(aliceRsa.privateKey, alice.publicKey)
    await rejectsInput(verifiedSigningKey(aliceRsa.publicKey, bob.publicKey.raw, binding), /not bound/)
    // Bob's own binding, relayed with Alice's RSA key: refused too.
    const bobs = await bindSigningKey(bobRsa.privateKey, bob.publicKey)
    await rejectsInput(verifiedSigningKey(aliceRsa.publicKey, bob.publicKey.raw, bobs), /not bound/)
  })

  it('is refused when tampered with, truncated or missing', async () => {
    const binding = await bindSigningKey(aliceRsa.privateKey, alice.publicKey)
    for (const bad of [flipped(binding, 0), flipped(binding, 255), binding.subarray(1), new Uint8Array(0)]) {
      await rejectsInput(verifiedSigningKey(aliceRsa.publicKey, alice.publicKey.raw, bad))
    }
  })

  it('refuses a malformed signing key before checking anything', async () => {
    const binding = await bindSigningKey(aliceRsa.privateKey, alice.publicKey)
    await rejectsInput(
      verifiedSigningKey(aliceRsa.publicKey, alice.publicKey.raw.subarray(1), binding),
      /32 bytes/
    )
    await rejectsInput(verifiedSigningKey(aliceRsa.publicKey, new Uint8Array(0), binding), /32 bytes/)
  })
})
