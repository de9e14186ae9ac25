import assert from 'node:assert/strict'
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify
} from 'node:crypto'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import { concatBytes, fromBase64Url, fromHex, toBase64Url, utf8 } from '../../src/protocol/bytes.js'
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

/**
 * RFC 6979 appendix A.2.5: the P-256 key, and its signatures with SHA-256 of "sample" and "test".
 * Those were made with a deterministic nonce; any ECDSA verifier accepts them, which is what this
 * checks (WebCrypto's own signatures use a fresh nonce each time).
 */
const RFC6979_P256 = {
  d: 'C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721',
  ux: '60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6',
  uy: '7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299',
  signatures: [
    {
      message: 'sample',
      r: 'EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716',
      s: 'F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8'
    },
    {
      message: 'test',
      r: 'F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367',
      s: '019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083'
    }
  ]
}

/** The PKCS#8 of a P-256 private key given by its scalar and public point, made by node:crypto. */
function pkcs8Of(d: string, ux: string, uy: string): Uint8Array {
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    d: toBase64Url(hex(d), { pad: false }),
    x: toBase64Url(hex(ux), { pad: false }),
    y: toBase64Url(hex(uy), { pad: false })
  }
  return new Uint8Array(
    createPrivateKey({ key: jwk, format: 'jwk' }).export({ format: 'der', type: 'pkcs8' })
  )
}

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

/** P-256's field prime p, its curve's b, and the order n of its group (SEC 2 §2.4.2). */
const P256_P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

const u256 = (value: bigint): Uint8Array => fromHex(value.toString(16).padStart(64, '0'))
const fromU256 = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex')}`)

function powModP(base: bigint, exponent: bigint): bigint {
  let result = 1n
  let b = base % P256_P
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P256_P
    b = (b * b) % P256_P
  }
  return result
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

describe('P-256 signing keys: sign and verify', () => {
  const data = utf8('a message header and its ciphertext')

  it('a fresh pair: a 65-byte uncompressed point, 64-byte signatures that verify', async () => {
    assert.equal(alice.publicKey.raw.byteLength, SIGNING_KEY_BYTES)
    assert.equal(alice.publicKey.raw[0], 0x04, 'uncompressed (SEC 1 2.3.3)')
    assert.notDeepEqual(alice.publicKey.raw, bob.publicKey.raw)
    const signature = await alice.privateKey.sign(data)
    assert.equal(signature.byteLength, MESSAGE_SIGNATURE_BYTES)
    assert.equal(await alice.publicKey.verify(signature, data), true)
    // A fresh nonce each time: two signatures of the same data differ, and both verify.
    const again = await alice.privateKey.sign(data)
    assert.notDeepEqual(again, signature)
    assert.equal(await alice.publicKey.verify(again, data), true)
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
    // A 256-byte RSA-PSS signature (what 1.0.0 sent) is no P-256 signature.
    assert.equal(await alice.publicKey.verify(new Uint8Array(256).fill(1), data), false)
  })

  it('s and n − s both verify (ECDSA is malleable: 9.1); r or s of 0 or at least n never does', async () => {
    const signature = await alice.privateKey.sign(data)
    const r = fromU256(signature.subarray(0, 32))
    const s = fromU256(signature.subarray(32))
    const sig = (rr: bigint, ss: bigint) => concatBytes(u256(rr), u256(ss))
    assert.equal(await alice.publicKey.verify(sig(r, P256_N - s), data), true)
    for (const [rr, ss] of [
      [0n, s],
      [r, 0n],
      [P256_N, s],
      [r, P256_N],
      [r + P256_N, s],
      [r, s + P256_N]
    ] as const) {
      if (rr >= 2n ** 256n || ss >= 2n ** 256n) continue
      assert.equal(await alice.publicKey.verify(sig(rr, ss), data), false)
    }
  })

  it('a signature made by node:crypto verifies, and ours verifies in node:crypto', async () => {
    const signature = await alice.privateKey.sign(data)
    const raw = alice.publicKey.raw
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: toBase64Url(raw.subarray(1, 33), { pad: false }),
      y: toBase64Url(raw.subarray(33), { pad: false })
    }
    const nodePublic = createPublicKey({ key: jwk, format: 'jwk' })
    const p1363 = { key: nodePublic, dsaEncoding: 'ieee-p1363' as const }
    assert.equal(nodeVerify('sha256', data, p1363, signature), true)
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const point = other.publicKey.export({ format: 'jwk' })
    const theirs = await SigningPublicKey.fromRaw(
      concatBytes(Uint8Array.of(4), fromBase64Url(point.x as string), fromBase64Url(point.y as string))
    )
    const nodeSignature = nodeSign('sha256', data, { key: other.privateKey, dsaEncoding: 'ieee-p1363' })
    assert.equal(await theirs.verify(new Uint8Array(nodeSignature), data), true)
  })

  for (const vector of RFC6979_P256.signatures) {
    it(`verifies RFC 6979 A.2.5 (P-256, SHA-256, "${vector.message}")`, async () => {
      const publicKey = await SigningPublicKey.fromRaw(
        concatBytes(Uint8Array.of(4), hex(RFC6979_P256.ux), hex(RFC6979_P256.uy))
      )
      const signature = concatBytes(hex(vector.r), hex(vector.s))
      assert.equal(await publicKey.verify(signature, utf8(vector.message)), true)
      assert.equal(await publicKey.verify(flipped(signature, 10), utf8(vector.message)), false)
      assert.equal(await publicKey.verify(signature, utf8(`${vector.message}.`)), false)
      // Its private key, imported, has that public key and signs what the public key verifies.
      const pair = await importSigningPrivateKey(pkcs8Of(RFC6979_P256.d, RFC6979_P256.ux, RFC6979_P256.uy))
      assert.deepEqual(pair.publicKey.raw, publicKey.raw)
      const ours = await pair.privateKey.sign(utf8(vector.message))
      assert.equal(await publicKey.verify(ours, utf8(vector.message)), true)
    })
  }
})

describe('P-256 signing keys: import and export', () => {
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

  it('refuses a public key of any length but 65 bytes, a compressed or malformed point, one off the curve', async () => {
    for (const length of [0, 1, 32, 33, 64, 66, 91]) {
      await rejectsInput(
        SigningPublicKey.fromRaw(new Uint8Array(length).fill(4)),
        /65-byte uncompressed point/
      )
    }
    const compressedTag = alice.publicKey.raw.slice()
    compressedTag[0] = 0x02
    await rejectsInput(SigningPublicKey.fromRaw(compressedTag), /65-byte uncompressed point/)
    // The right shape, but y changed: the point is not on the curve.
    await rejectsInput(SigningPublicKey.fromRaw(flipped(alice.publicKey.raw, 64)), /not a P-256 public key/)
  })

  it('one point, one encoding: a coordinate written at or above the field prime is refused', async () => {
    // (0, √b) is on the curve (x = 0: y² = b, and p ≡ 3 mod 4 gives the root); so is (0, p − √b).
    const y = powModP(P256_B, (P256_P + 1n) / 4n)
    assert.equal((y * y) % P256_P, P256_B)
    const point = (x: bigint, yy: bigint) => concatBytes(Uint8Array.of(4), u256(x), u256(yy))
    await SigningPublicKey.fromRaw(point(0n, y))
    await SigningPublicKey.fromRaw(point(0n, P256_P - y))
    // x = p is x = 0 again, modulo p: the same key under other bytes (another fingerprint, another
    // binding input) if it were taken.
    await rejectsInput(SigningPublicKey.fromRaw(point(P256_P, y)), /not a P-256 public key/)
  })

  it('refuses a private key that is not P-256 PKCS#8', async () => {
    await rejectsInput(SigningPrivateKey.fromPkcs8(new Uint8Array(0)), /not a P-256 private key/)
    await rejectsInput(SigningPrivateKey.fromPkcs8(new Uint8Array(48).fill(1)), /not a P-256 private key/)
    await rejectsInput(importSigningPrivateKey(aliceRsa.privateKey.pkcs8), /not a P-256 private key/)
    const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' })
    await rejectsInput(importSigningPrivateKey(new Uint8Array(ed25519)), /not a P-256 private key/)
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
      /65-byte/
    )
    await rejectsInput(verifiedSigningKey(aliceRsa.publicKey, new Uint8Array(0), binding), /65-byte/)
  })
})
