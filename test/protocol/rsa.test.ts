import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import { asBufferSource, concatBytes, fromBase64Url, utf8 } from '../../src/protocol/bytes.js'
import { InvalidInputError } from '../../src/protocol/errors.js'
import {
  DEFAULT_MODULUS_LENGTH,
  exportPrivateKey,
  exportPublicKey,
  fingerprint,
  fromPem,
  generateRsaKeyPair,
  importPrivateKey,
  importPublicKey,
  MAX_PKCS8_BYTES,
  MAX_SPKI_BYTES,
  memberKeys,
  PEM_PRIVATE_KEY,
  PEM_PUBLIC_KEY,
  publicKeyOf,
  type RsaKeyPair,
  type RsaModulusLength,
  shortFingerprint,
  sign,
  toPem,
  verify
} from '../../src/protocol/rsa.js'

const subtle = globalThis.crypto.subtle
const FINGERPRINT = /^\d{5}( \d{5}){5}$/

async function rejectsInput(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(
    promise,
    (err: Error) => err instanceof InvalidInputError && err.name === 'InvalidInputError'
  )
}

// Minimal DER, enough to build SPKIs WebCrypto would not generate (odd sizes, bad exponents).
function derLength(length: number): Uint8Array {
  if (length < 0x80) return new Uint8Array([length])
  const bytes: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return new Uint8Array([0x80 | bytes.length, ...bytes])
}
const tlv = (tag: number, content: Uint8Array): Uint8Array =>
  concatBytes(new Uint8Array([tag]), derLength(content.byteLength), content)
const derInteger = (magnitude: Uint8Array): Uint8Array =>
  tlv(0x02, (magnitude[0] as number) & 0x80 ? concatBytes(new Uint8Array([0]), magnitude) : magnitude)
const RSA_ALGORITHM_ID = new Uint8Array([
  0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
])
function rsaSpki(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  const rsaPublicKey = tlv(0x30, concatBytes(derInteger(modulus), derInteger(exponent)))
  return tlv(0x30, concatBytes(RSA_ALGORITHM_ID, tlv(0x03, concatBytes(new Uint8Array([0]), rsaPublicKey))))
}
/** An odd number of exactly `bits` bits; public-key import never checks that it factors. */
function fakeModulus(bits: number): Uint8Array {
  const modulus = new Uint8Array(bits / 8).fill(0xa5)
  modulus[0] = 0xc5
  modulus[modulus.length - 1] = 0xa7
  return modulus
}
const F4 = new Uint8Array([1, 0, 1])

/** WebCrypto will make keys this module refuses; used to check that it does refuse them. */
async function legacyKeyPair(modulusLength: number, exponent: Uint8Array) {
  const params = { name: 'RSA-PSS', hash: 'SHA-256', modulusLength, publicExponent: asBufferSource(exponent) }
  const pair = await subtle.generateKey(params, true, ['sign', 'verify'])
  return {
    spki: new Uint8Array(await subtle.exportKey('spki', pair.publicKey)),
    pkcs8: new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey))
  }
}

/** Independent of the module: node:crypto's SHA-256 and BigInt arithmetic. */
function referenceFingerprint(data: Uint8Array): string {
  const digest = createHash('sha256').update(data).digest()
  const groups: string[] = []
  for (let i = 0; i < 6; i++) {
    const value = BigInt('0x' + digest.subarray(i * 5, i * 5 + 5).toString('hex')) % 100000n
    groups.push(value.toString().padStart(5, '0'))
  }
  return groups.join(' ')
}

let alice: RsaKeyPair
let bob: RsaKeyPair

before(async () => {
  ;[alice, bob] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()])
})

describe('generateRsaKeyPair', () => {
  it('defaults to 2048 bits', async () => {
    assert.equal(DEFAULT_MODULUS_LENGTH, 2048)
    assert.equal(alice.publicKey.modulusLength, 2048)
    assert.equal(alice.privateKey.modulusLength, 2048)
    assert.equal(alice.publicKey.modulusBytes, 256)
    assert.equal((await sign(alice.privateKey, utf8('x'))).byteLength, 256)
  })

  for (const bits of [3072, 4096] as const) {
    it(`makes a ${bits}-bit key on request`, async () => {
      const pair = await generateRsaKeyPair(bits)
      assert.equal(pair.publicKey.modulusLength, bits)
      assert.equal(pair.privateKey.modulusLength, bits)
      const signature = await sign(pair.privateKey, utf8('hello'))
      assert.equal(signature.byteLength, bits / 8)
      assert.equal(await verify(pair.publicKey, signature, utf8('hello')), true)
      const reimported = await importPublicKey(exportPublicKey(pair.publicKey))
      assert.equal(reimported.modulusLength, bits)
    })
  }

  it('refuses other sizes', async () => {
    for (const bits of [1024, 2047, 2049, 8192, 0]) {
      await rejectsInput(generateRsaKeyPair(bits as RsaModulusLength))
    }
  })

  it('makes distinct keys', () => {
    assert.notDeepEqual(alice.publicKey.spki, bob.publicKey.spki)
  })
})

describe('algorithms (never PKCS#1 v1.5)', () => {
  it('imports the one key pair as RSA-OAEP and RSA-PSS, both with SHA-256', async () => {
    const keys = [
      [await alice.publicKey.oaepKey(), 'RSA-OAEP', ['encrypt', 'wrapKey']],
      [await alice.privateKey.oaepKey(), 'RSA-OAEP', ['decrypt', 'unwrapKey']],
      [await alice.publicKey.pssKey(), 'RSA-PSS', ['verify']],
      [await alice.privateKey.pssKey(), 'RSA-PSS', ['sign']]
    ] as const
    for (const [key, name, usages] of keys) {
      const algorithm = key.algorithm as RsaHashedKeyAlgorithm
      assert.equal(algorithm.name, name)
      assert.equal(algorithm.hash.name, 'SHA-256')
      assert.deepEqual([...key.usages].sort(), [...usages].sort())
    }
    assert.equal((await alice.privateKey.oaepKey()).extractable, false)
    assert.equal((await alice.privateKey.pssKey()).extractable, false)
  })

  it('caches the imported CryptoKeys', async () => {
    assert.equal(await alice.publicKey.oaepKey(), await alice.publicKey.oaepKey())
    assert.equal(await alice.privateKey.pssKey(), await alice.privateKey.pssKey())
  })

  it('memberKeys exposes the same pairs as WebCrypto keys', async () => {
    const keys = await memberKeys(alice)
    assert.equal(keys.encrypt.publicKey.algorithm.name, 'RSA-OAEP')
    assert.equal(keys.encrypt.privateKey.algorithm.name, 'RSA-OAEP')
    assert.equal(keys.sign.publicKey.algorithm.name, 'RSA-PSS')
    assert.equal(keys.sign.privateKey.algorithm.name, 'RSA-PSS')
    assert.deepEqual(keys.publicKeySpki, alice.publicKey.spki)
  })

  it('does not accept a PKCS#1 v1.5 signature, nor a PSS one with another salt length', async () => {
    const data = asBufferSource(utf8('payload'))
    const pkcs1 = await subtle.importKey(
      'pkcs8',
      asBufferSource(exportPrivateKey(alice.privateKey)),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign']
    )
    const v15 = new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', pkcs1, data))
    assert.equal(await verify(alice.publicKey, v15, data), false)
    const saltless = new Uint8Array(
      await subtle.sign({ name: 'RSA-PSS', saltLength: 0 }, await alice.privateKey.pssKey(), data)
    )
    assert.equal(await verify(alice.publicKey, saltless, data), false)
  })
})

describe('key import and export', () => {
  it('round-trips SPKI', async () => {
    const spki = exportPublicKey(alice.publicKey)
    assert.equal(spki[0], 0x30)
    const imported = await importPublicKey(spki)
    assert.deepEqual(exportPublicKey(imported), spki)
    assert.equal(imported.modulusLength, 2048)
  })

  it('round-trips PKCS#8, and the re-imported key signs for the original public key', async () => {
    const pkcs8 = exportPrivateKey(alice.privateKey)
    const imported = await importPrivateKey(pkcs8)
    assert.deepEqual(exportPrivateKey(imported), pkcs8)
    const signature = await sign(imported, utf8('from disk'))
    assert.equal(await verify(alice.publicKey, signature, utf8('from disk')), true)
  })

  it('recovers the public key from the private key', async () => {
    const recovered = await publicKeyOf(await importPrivateKey(exportPrivateKey(bob.privateKey)))
    assert.deepEqual(recovered.spki, bob.publicKey.spki)
  })

  it('hands out copies, so the key bytes cannot be altered from outside', async () => {
    const spki = exportPublicKey(alice.publicKey)
    spki.fill(0)
    const pkcs8 = exportPrivateKey(alice.privateKey)
    pkcs8.fill(0)
    assert.notDeepEqual(alice.publicKey.spki, spki)
    assert.notDeepEqual(alice.privateKey.pkcs8, pkcs8)
  })

  it('keeps its own copy of imported bytes', async () => {
    const spki = exportPublicKey(bob.publicKey)
    const imported = await importPublicKey(spki)
    spki.fill(0)
    assert.deepEqual(imported.spki, bob.publicKey.spki)
  })

  it('builds SPKIs the way WebCrypto does (checks the test DER helper)', async () => {
    const jwk = await subtle.exportKey('jwk', await alice.publicKey.pssKey())
    const spki = rsaSpki(fromBase64Url(jwk.n ?? ''), fromBase64Url(jwk.e ?? ''))
    assert.deepEqual(spki, alice.publicKey.spki)
  })
})

describe('importPublicKey rejects', () => {
  it('empty and oversized input', async () => {
    await rejectsInput(importPublicKey(new Uint8Array(0)))
    await rejectsInput(importPublicKey(new Uint8Array(MAX_SPKI_BYTES + 1)))
    const padded = concatBytes(alice.publicKey.spki, new Uint8Array(MAX_SPKI_BYTES))
    await rejectsInput(importPublicKey(padded))
  })

  it('garbage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: MAX_SPKI_BYTES }), async (bytes) => {
        await rejectsInput(importPublicKey(bytes))
      }),
      { numRuns: 100 }
    )
  })

  it('a 1024-bit key', async () => {
    const { spki } = await legacyKeyPair(1024, F4)
    await rejectsInput(importPublicKey(spki))
    await rejectsInput(importPublicKey(rsaSpki(fakeModulus(1024), F4)))
    await rejectsInput(importPublicKey(rsaSpki(fakeModulus(2040), F4)))
  })

  it('keys over 4096 bits, including ones whose SPKI fits the size bound', async () => {
    await rejectsInput(importPublicKey(rsaSpki(fakeModulus(4104), F4)))
    const huge = rsaSpki(fakeModulus(8192), F4)
    assert.ok(huge.byteLength <= MAX_SPKI_BYTES)
    await rejectsInput(importPublicKey(huge))
  })

  it('accepts the fake 2048- and 4096-bit moduli the rejections above are measured against', async () => {
    assert.equal((await importPublicKey(rsaSpki(fakeModulus(2048), F4))).modulusLength, 2048)
    assert.equal((await importPublicKey(rsaSpki(fakeModulus(4096), F4))).modulusLength, 4096)
  })

  it('a public exponent other than 65537', async () => {
    const { spki } = await legacyKeyPair(2048, new Uint8Array([3]))
    await rejectsInput(importPublicKey(spki))
    for (const exponent of [[1], [3], [1, 0, 0, 1], [1, 0, 3]]) {
      await rejectsInput(importPublicKey(rsaSpki(fakeModulus(2048), new Uint8Array(exponent))))
    }
  })

  it('trailing bytes (the encoding must be canonical)', async () => {
    await rejectsInput(importPublicKey(concatBytes(alice.publicKey.spki, new Uint8Array([0]))))
  })

  it('a private key, and a non-RSA public key', async () => {
    await rejectsInput(importPublicKey(alice.privateKey.pkcs8))
    await rejectsInput(importPublicKey(alice.privateKey.pkcs8.subarray(0, MAX_SPKI_BYTES)))
    const ec = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
    await rejectsInput(importPublicKey(new Uint8Array(await subtle.exportKey('spki', ec.publicKey))))
  })
})

describe('importPrivateKey rejects', () => {
  it('empty, oversized and garbage input', async () => {
    await rejectsInput(importPrivateKey(new Uint8Array(0)))
    await rejectsInput(importPrivateKey(new Uint8Array(MAX_PKCS8_BYTES + 1)))
    await rejectsInput(importPrivateKey(utf8('not a key')))
    await rejectsInput(importPrivateKey(alice.publicKey.spki))
  })

  it('a 1024-bit key and an exponent other than 65537', async () => {
    await rejectsInput(importPrivateKey((await legacyKeyPair(1024, F4)).pkcs8))
    await rejectsInput(importPrivateKey((await legacyKeyPair(2048, new Uint8Array([3]))).pkcs8))
  })
})

describe('PEM', () => {
  it('round-trips a public and a private key', async () => {
    const publicPem = toPem(alice.publicKey.spki, PEM_PUBLIC_KEY)
    assert.match(publicPem, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/)
    for (const line of publicPem.trimEnd().split('\n')) assert.ok(line.length <= 64)
    const publicKey = await importPublicKey(fromPem(publicPem, PEM_PUBLIC_KEY))
    assert.deepEqual(publicKey.spki, alice.publicKey.spki)

    const privatePem = toPem(alice.privateKey.pkcs8, PEM_PRIVATE_KEY)
    const privateKey = await importPrivateKey(fromPem(privatePem, PEM_PRIVATE_KEY))
    assert.deepEqual(privateKey.pkcs8, alice.privateKey.pkcs8)
  })

  it('round-trips any bytes, and is standard base64 (what OpenSSL reads)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), (der) => {
        const pem = toPem(der, 'TEST DATA')
        assert.deepEqual(fromPem(pem, 'TEST DATA'), der)
        const body = pem.split('\n').slice(1, -2).join('')
        assert.equal(body, Buffer.from(der).toString('base64'))
      })
    )
  })

  it('tolerates surrounding text and CRLF line ends', () => {
    const pem = toPem(bob.publicKey.spki, PEM_PUBLIC_KEY).replaceAll('\n', '\r\n')
    assert.deepEqual(fromPem(`Bob's key:\r\n${pem}trailer`), bob.publicKey.spki)
  })

  it('refuses a wrong label, a missing block, bad base64 and bad labels', () => {
    const pem = toPem(bob.publicKey.spki, PEM_PUBLIC_KEY)
    assert.throws(() => fromPem(pem, PEM_PRIVATE_KEY), InvalidInputError)
    assert.throws(() => fromPem('no pem here'), InvalidInputError)
    assert.throws(() => fromPem(pem.replace('END PUBLIC', 'END PRIVATE')), InvalidInputError)
    assert.throws(() => fromPem('-----BEGIN X-----\nQUJD*\n-----END X-----\n'), InvalidInputError)
    assert.throws(() => fromPem('-----BEGIN X-----\nQUJDRA\n-----END X-----\n'), InvalidInputError)
    assert.throws(() => fromPem('-----BEGIN X-----\n\n-----END X-----\n'), InvalidInputError)
    assert.throws(() => fromPem('x'.repeat(20000)), InvalidInputError)
    assert.throws(() => toPem(new Uint8Array(1), 'bad-label'), InvalidInputError)
    assert.throws(() => toPem(new Uint8Array(1), ''), InvalidInputError)
  })
})

describe('fingerprint', () => {
  it('is six groups of five digits', async () => {
    assert.match(await fingerprint(alice.publicKey.spki), FINGERPRINT)
  })

  it('is stable across calls and re-imports', async () => {
    const first = await fingerprint(alice.publicKey.spki)
    assert.equal(await fingerprint(alice.publicKey.spki), first)
    const reimported = await importPublicKey(fromPem(toPem(alice.publicKey.spki, PEM_PUBLIC_KEY)))
    assert.equal(await fingerprint(reimported.spki), first)
    assert.equal(await fingerprint((await publicKeyOf(alice.privateKey)).spki), first)
  })

  it('differs across keys', async () => {
    assert.notEqual(await fingerprint(alice.publicKey.spki), await fingerprint(bob.publicKey.spki))
  })

  it('matches an independent computation (SHA-256, 5-byte groups mod 100000)', async () => {
    assert.equal(await fingerprint(new Uint8Array(0)), referenceFingerprint(new Uint8Array(0)))
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        const value = await fingerprint(bytes)
        assert.match(value, FINGERPRINT)
        assert.equal(value, referenceFingerprint(bytes))
      })
    )
  })

  it('has a short form: the first two groups', async () => {
    const full = await fingerprint(bob.publicKey.spki)
    const short = await shortFingerprint(bob.publicKey.spki)
    assert.match(short, /^\d{5} \d{5}$/)
    assert.ok(full.startsWith(short + ' '))
  })
})

describe('sign and verify (RSA-PSS-SHA256)', () => {
  const message = utf8('the room key for epoch 7')
  let signature: Uint8Array

  before(async () => {
    signature = await sign(alice.privateKey, message)
  })

  it('round-trips, including empty and large data', async () => {
    assert.equal(await verify(alice.publicKey, signature, message), true)
    const empty = new Uint8Array(0)
    assert.equal(await verify(alice.publicKey, await sign(alice.privateKey, empty), empty), true)
    const large = new Uint8Array(1 << 20).fill(7)
    assert.equal(await verify(alice.publicKey, await sign(alice.privateKey, large), large), true)
  })

  it('is randomized, and every signature verifies', async () => {
    const again = await sign(alice.privateKey, message)
    assert.notDeepEqual(again, signature)
    assert.equal(await verify(alice.publicKey, again, message), true)
  })

  it('fails under the wrong public key', async () => {
    assert.equal(await verify(bob.publicKey, signature, message), false)
  })

  it('fails for modified data (any byte, any change)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (position, xor) => {
        const tampered = message.slice()
        const index = position % tampered.length
        tampered[index] = (tampered[index] as number) ^ xor
        assert.equal(await verify(alice.publicKey, signature, tampered), false)
      }),
      { numRuns: 50 }
    )
    assert.equal(await verify(alice.publicKey, signature, concatBytes(message, new Uint8Array([0]))), false)
    assert.equal(await verify(alice.publicKey, signature, message.subarray(1)), false)
  })

  it('fails for a modified signature (any byte, any change)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 1, max: 255 }),
        async (index, xor) => {
          const tampered = signature.slice()
          tampered[index] = (tampered[index] as number) ^ xor
          assert.equal(await verify(alice.publicKey, tampered, message), false)
        }
      ),
      { numRuns: 50 }
    )
  })

  it('returns false, without throwing, for a signature of the wrong length or garbage', async () => {
    assert.equal(await verify(alice.publicKey, new Uint8Array(0), message), false)
    assert.equal(await verify(alice.publicKey, signature.subarray(1), message), false)
    assert.equal(await verify(alice.publicKey, concatBytes(signature, new Uint8Array([0])), message), false)
    assert.equal(await verify(alice.publicKey, new Uint8Array(256).fill(0xff), message), false)
    assert.equal(await verify(alice.publicKey, new Uint8Array(256), message), false)
  })

  it('accepts data in a view over a larger buffer', async () => {
    const backing = concatBytes(utf8('xx'), message, utf8('yy'))
    const view = backing.subarray(2, 2 + message.length)
    assert.equal(await verify(alice.publicKey, await sign(alice.privateKey, view), message), true)
  })
})
