import assert from 'node:assert/strict'
import {
  constants,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicEncrypt
} from 'node:crypto'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import { asBufferSource, concatBytes, utf8 } from '../../src/protocol/bytes.js'
import {
  IV_BYTES,
  type OpenableEnvelope,
  open,
  type SealedEnvelope,
  seal,
  TAG_BYTES,
  wrappedKeyFor
} from '../../src/protocol/envelope.js'
import { DecryptionError, InvalidInputError } from '../../src/protocol/errors.js'
import { generateRsaKeyPair, type RsaKeyPair } from '../../src/protocol/rsa.js'

const subtle = globalThis.crypto.subtle
const MESSAGE = 'cannot open envelope'

/** Every failure must look the same: one class, one message, nothing chained. */
async function rejectsDecryption(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof DecryptionError)
    assert.equal(err.name, 'DecryptionError')
    assert.equal(err.message, MESSAGE)
    assert.equal(err.cause, undefined)
    return true
  })
}

/** getRandomValues fills at most 64 KiB per call. */
function bigRandom(length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let offset = 0; offset < length; offset += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(offset, offset + 65536))
  }
  return out
}

function viewFor(envelope: SealedEnvelope, recipient: string): OpenableEnvelope {
  const wrappedKey = wrappedKeyFor(envelope, recipient)
  assert.ok(wrappedKey, `no wrapped key for ${recipient}`)
  return { iv: envelope.iv, ciphertext: envelope.ciphertext, wrappedKey }
}

function flip(bytes: Uint8Array, position: number, xor: number): Uint8Array {
  const out = bytes.slice()
  const index = position % out.length
  out[index] = (out[index] as number) ^ xor
  return out
}

let alice: RsaKeyPair
let bob: RsaKeyPair
let carol: RsaKeyPair
let dave3072: RsaKeyPair

before(async () => {
  ;[alice, bob, carol, dave3072] = await Promise.all([
    generateRsaKeyPair(),
    generateRsaKeyPair(),
    generateRsaKeyPair(),
    generateRsaKeyPair(3072)
  ])
})

const forAlice = () => [{ id: 'alice', publicKey: alice.publicKey }]

describe('seal and open', () => {
  for (const [label, length] of [
    ['an empty message', 0],
    ['a 1-byte message', 1],
    ['a 1 MiB message', 1 << 20]
  ] as const) {
    it(`round-trips ${label}`, async () => {
      const plaintext = bigRandom(length)
      const envelope = await seal(plaintext, forAlice())
      assert.equal(envelope.iv.byteLength, IV_BYTES)
      assert.equal(envelope.ciphertext.byteLength, length + TAG_BYTES)
      assert.equal(envelope.keys.length, 1)
      assert.equal(envelope.keys[0]?.wrappedKey.byteLength, 256)
      assert.deepEqual(await open(viewFor(envelope, 'alice'), alice.privateKey), plaintext)
    })
  }

  it('round-trips arbitrary messages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (plaintext) => {
        const envelope = await seal(plaintext, forAlice())
        assert.deepEqual(await open(viewFor(envelope, 'alice'), alice.privateKey), plaintext)
      }),
      { numRuns: 25 }
    )
  })

  it('uses a fresh key and IV for every message', async () => {
    const plaintext = utf8('same words twice')
    const [first, second] = await Promise.all([seal(plaintext, forAlice()), seal(plaintext, forAlice())])
    assert.notDeepEqual(first.iv, second.iv)
    assert.notDeepEqual(first.ciphertext, second.ciphertext)
    assert.notDeepEqual(first.keys[0]?.wrappedKey, second.keys[0]?.wrappedKey)
  })

  it('seals under the nonce it is given (derived by the caller), which opens it', async () => {
    const iv = Uint8Array.from({ length: IV_BYTES }, (_, i) => i + 1)
    const plaintext = utf8('under a derived nonce')
    const envelope = await seal(plaintext, forAlice(), { iv })
    assert.deepEqual(envelope.iv, iv)
    assert.deepEqual(await open(viewFor(envelope, 'alice'), alice.privateKey), plaintext)
    // The nonce is bound: the same envelope under any other nonce does not open.
    await rejectsDecryption(open({ ...viewFor(envelope, 'alice'), iv: flip(iv, 11, 1) }, alice.privateKey))
    // A fresh key per envelope still: the same nonce and text give another ciphertext.
    const again = await seal(plaintext, forAlice(), { iv })
    assert.notDeepEqual(again.ciphertext, envelope.ciphertext)
  })

  it('refuses a given nonce of any length but 12 bytes', async () => {
    for (const length of [0, 8, IV_BYTES - 1, IV_BYTES + 1, 16]) {
      await assert.rejects(seal(utf8('x'), forAlice(), { iv: new Uint8Array(length) }), InvalidInputError)
    }
  })

  it('accepts input in a view over a larger buffer', async () => {
    const backing = utf8('..hello..')
    const envelope = await seal(backing.subarray(2, 7), forAlice())
    const view = viewFor(envelope, 'alice')
    const ivBacking = concatBytes(new Uint8Array(3), view.iv)
    const opened = await open({ ...view, iv: ivBacking.subarray(3) }, alice.privateKey)
    assert.deepEqual(opened, utf8('hello'))
  })
})

describe('several recipients', () => {
  let envelope: SealedEnvelope
  const plaintext = utf8('to the whole room')

  before(async () => {
    envelope = await seal(plaintext, [
      { id: 'alice', publicKey: alice.publicKey },
      { id: 'bob', publicKey: bob.publicKey },
      { id: 'dave', publicKey: dave3072.publicKey }
    ])
  })

  it('lists one wrapped key per recipient, in order, sized to each modulus', () => {
    assert.deepEqual(
      envelope.keys.map((entry) => [entry.recipient, entry.wrappedKey.byteLength]),
      [
        ['alice', 256],
        ['bob', 256],
        ['dave', 384]
      ]
    )
    assert.equal(wrappedKeyFor(envelope, 'carol'), undefined)
  })

  it('lets each recipient open it with its own wrapped key', async () => {
    assert.deepEqual(await open(viewFor(envelope, 'alice'), alice.privateKey), plaintext)
    assert.deepEqual(await open(viewFor(envelope, 'bob'), bob.privateKey), plaintext)
    assert.deepEqual(await open(viewFor(envelope, 'dave'), dave3072.privateKey), plaintext)
  })

  it('does not let a recipient use another recipient’s wrapped key', async () => {
    await rejectsDecryption(open(viewFor(envelope, 'alice'), bob.privateKey))
    await rejectsDecryption(open(viewFor(envelope, 'bob'), alice.privateKey))
  })

  it('does not let a non-recipient open it with any of the wrapped keys', async () => {
    await rejectsDecryption(open(viewFor(envelope, 'alice'), carol.privateKey))
    await rejectsDecryption(open(viewFor(envelope, 'bob'), carol.privateKey))
    // A 384-byte wrapped key cannot even be tried under a 2048-bit key.
    await rejectsDecryption(open(viewFor(envelope, 'dave'), carol.privateKey))
  })

  it('refuses no recipients and duplicate ids', async () => {
    await assert.rejects(seal(plaintext, []), InvalidInputError)
    await assert.rejects(
      seal(plaintext, [
        { id: 'alice', publicKey: alice.publicKey },
        { id: 'alice', publicKey: bob.publicKey }
      ]),
      InvalidInputError
    )
  })
})

describe('tamper detection', () => {
  const plaintext = utf8('transfer 10 coins to bob')
  let view: OpenableEnvelope

  before(async () => {
    view = viewFor(await seal(plaintext, forAlice()), 'alice')
  })

  it('opens the untouched envelope (the control case)', async () => {
    assert.deepEqual(await open(view, alice.privateKey), plaintext)
  })

  it('detects a change to any byte of the IV, ciphertext, tag or wrapped key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('iv', 'ciphertext', 'wrappedKey'),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (field, position, xor) => {
          await rejectsDecryption(
            open({ ...view, [field]: flip(view[field], position, xor) }, alice.privateKey)
          )
        }
      ),
      { numRuns: 50 }
    )
  })

  it('detects a change to any byte of the tag', async () => {
    const bodyLength = view.ciphertext.byteLength - TAG_BYTES
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: TAG_BYTES - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (offset, xor) => {
          const ciphertext = flip(view.ciphertext, bodyLength + offset, xor)
          await rejectsDecryption(open({ ...view, ciphertext }, alice.privateKey))
        }
      ),
      { numRuns: 50 }
    )
  })

  it('detects truncation and extension of every field', async () => {
    for (const field of ['iv', 'ciphertext', 'wrappedKey'] as const) {
      const bytes = view[field]
      await rejectsDecryption(
        open({ ...view, [field]: bytes.subarray(0, bytes.length - 1) }, alice.privateKey)
      )
      await rejectsDecryption(
        open({ ...view, [field]: concatBytes(bytes, new Uint8Array(1)) }, alice.privateKey)
      )
      await rejectsDecryption(open({ ...view, [field]: new Uint8Array(0) }, alice.privateKey))
    }
    await rejectsDecryption(
      open({ ...view, ciphertext: view.ciphertext.subarray(0, TAG_BYTES - 1) }, alice.privateKey)
    )
    // Dropping the body but keeping the tag is still a forgery.
    await rejectsDecryption(
      open({ ...view, ciphertext: view.ciphertext.subarray(-TAG_BYTES) }, alice.privateKey)
    )
  })

  it('refuses a wrapped AES-128 key even when the ciphertext matches it', async () => {
    const weakKey = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt'])
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES))
    const ciphertext = new Uint8Array(
      await subtle.encrypt({ name: 'AES-GCM', iv }, weakKey, asBufferSource(plaintext))
    )
    const wrappedKey = new Uint8Array(
      await subtle.wrapKey('raw', weakKey, await alice.publicKey.oaepKey(), { name: 'RSA-OAEP' })
    )
    await rejectsDecryption(open({ iv, ciphertext, wrappedKey }, alice.privateKey))
  })
})

describe('additional data', () => {
  const plaintext = utf8('hello room')
  const context = utf8('room:42|from:bob|seq:7')
  let view: OpenableEnvelope

  before(async () => {
    view = viewFor(await seal(plaintext, forAlice(), { additionalData: context }), 'alice')
  })

  it('opens with the same additional data', async () => {
    assert.deepEqual(await open(view, alice.privateKey, { additionalData: context }), plaintext)
  })

  it('detects missing, different or added additional data', async () => {
    await rejectsDecryption(open(view, alice.privateKey))
    await rejectsDecryption(open(view, alice.privateKey, { additionalData: utf8('room:43|from:bob|seq:7') }))
    await rejectsDecryption(open(view, alice.privateKey, { additionalData: context.subarray(1) }))
    const plain = viewFor(await seal(plaintext, forAlice()), 'alice')
    await rejectsDecryption(open(plain, alice.privateKey, { additionalData: context }))
  })

  it('detects a change to any byte of the additional data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (position, xor) => {
        await rejectsDecryption(
          open(view, alice.privateKey, { additionalData: flip(context, position, xor) })
        )
      }),
      { numRuns: 50 }
    )
  })
})

describe('wire algorithms (checked with node:crypto, independently of open)', () => {
  const plaintext = utf8('interop check')
  const aad = utf8('context')

  it('wraps a 32-byte AES-256-GCM key with RSA-OAEP-SHA256', async () => {
    const view = viewFor(await seal(plaintext, forAlice(), { additionalData: aad }), 'alice')
    const privateKey = createPrivateKey({
      key: Buffer.from(alice.privateKey.pkcs8),
      format: 'der',
      type: 'pkcs8'
    })
    const rawKey = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      view.wrappedKey
    )
    assert.equal(rawKey.byteLength, 32)
    const body = view.ciphertext.subarray(0, -TAG_BYTES)
    const decipher = createDecipheriv('aes-256-gcm', rawKey, view.iv)
    decipher.setAAD(aad)
    decipher.setAuthTag(view.ciphertext.subarray(-TAG_BYTES))
    assert.deepEqual(new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()])), plaintext)
  })

  it('refuses a key wrapped with PKCS#1 v1.5 or with OAEP-SHA1', async () => {
    const view = viewFor(await seal(plaintext, forAlice()), 'alice')
    const privateKey = createPrivateKey({
      key: Buffer.from(alice.privateKey.pkcs8),
      format: 'der',
      type: 'pkcs8'
    })
    const rawKey = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      view.wrappedKey
    )
    const publicKey = createPublicKey({ key: Buffer.from(alice.publicKey.spki), format: 'der', type: 'spki' })
    const v15 = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, rawKey)
    await rejectsDecryption(open({ ...view, wrappedKey: v15 }, alice.privateKey))
    const sha1 = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      rawKey
    )
    await rejectsDecryption(open({ ...view, wrappedKey: sha1 }, alice.privateKey))
    // The same raw key re-wrapped correctly does open: the refusals above are about the padding alone.
    const sha256 = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      rawKey
    )
    assert.deepEqual(await open({ ...view, wrappedKey: sha256 }, alice.privateKey), plaintext)
  })
})
