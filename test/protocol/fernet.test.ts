import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { type FernetFailure, InvalidInputError, InvalidTokenError } from '../../src/protocol/errors.js'
import { Fernet, MAX_CLOCK_SKEW, MAX_TOKEN_LENGTH } from '../../src/protocol/fernet.js'
import { readVectors } from '../helpers/vectors.js'

interface GenerateVector {
  token: string
  now: string
  iv: number[]
  src: string
  secret: string
}

interface VerifyVector {
  token: string
  now: string
  ttl_sec: number
  src: string
  secret: string
}

interface InvalidVector {
  desc: string
  token: string
  now: string
  ttl_sec: number
  secret: string
}

/**
 * The reason each official invalid vector must be refused with. The block-size vector is malformed
 * rather than a padding failure: its length is checked, and refused, before the MAC or AES run.
 */
const EXPECTED_REASON: Record<string, FernetFailure> = {
  'incorrect mac': 'mac',
  'too short': 'malformed',
  'invalid base64': 'malformed',
  'payload size not multiple of block size': 'malformed',
  'payload padding error': 'padding',
  'far-future TS (unacceptable clock skew)': 'future',
  'expired TTL': 'expired',
  'incorrect IV (causes padding error)': 'padding'
}

const decoder = new TextDecoder()

/** An independent base64url (padded) encoder, so the format checks do not trust the code under test. */
function nodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replaceAll('+', '-').replaceAll('/', '_')
}

function nodeDecode(token: string): Uint8Array {
  return new Uint8Array(Buffer.from(token, 'base64url'))
}

async function assertRefused(promise: Promise<unknown>, reasons: readonly FernetFailure[]): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof InvalidTokenError, `expected InvalidTokenError, got ${String(err)}`)
    assert.ok(reasons.includes(err.reason), `reason ${err.reason} not in [${reasons.join(', ')}]`)
    return true
  })
}

function bytesOf(length: number, fill = 0): Uint8Array {
  return new Uint8Array(length).fill(fill)
}

describe('Fernet official vectors', () => {
  const generate = readVectors<GenerateVector[]>('fernet/generate.json')
  const verify = readVectors<VerifyVector[]>('fernet/verify.json')
  const invalid = readVectors<InvalidVector[]>('fernet/invalid.json')

  if ('skip' in generate) {
    it('generate vectors', { skip: generate.skip }, () => {})
  } else {
    it('generate.json is not empty', () => assert.ok(generate.vectors.length > 0))
    for (const [i, v] of generate.vectors.entries()) {
      it(`generate #${i}: encrypt with the given IV and time reproduces the token`, async () => {
        const token = await new Fernet(v.secret).encrypt(v.src, {
          now: new Date(v.now),
          iv: Uint8Array.from(v.iv)
        })
        assert.equal(token, v.token)
      })
    }
  }

  if ('skip' in verify) {
    it('verify vectors', { skip: verify.skip }, () => {})
  } else {
    it('verify.json is not empty', () => assert.ok(verify.vectors.length > 0))
    for (const [i, v] of verify.vectors.entries()) {
      it(`verify #${i}: decrypt with the given TTL and time yields the source`, async () => {
        const plaintext = await new Fernet(v.secret).decrypt(v.token, {
          ttlSeconds: v.ttl_sec,
          now: new Date(v.now)
        })
        assert.equal(decoder.decode(plaintext), v.src)
      })
    }
  }

  if ('skip' in invalid) {
    it('invalid vectors', { skip: invalid.skip }, () => {})
  } else {
    it('invalid.json is not empty', () => assert.ok(invalid.vectors.length > 0))
    for (const v of invalid.vectors) {
      it(`invalid: ${v.desc}`, async () => {
        const expected = EXPECTED_REASON[v.desc]
        assert.ok(expected !== undefined, `no expected reason mapped for vector "${v.desc}"`)
        await assertRefused(
          new Fernet(v.secret).decrypt(v.token, { ttlSeconds: v.ttl_sec, now: new Date(v.now) }),
          [expected]
        )
      })
    }
  }
})

describe('Fernet keys', () => {
  it('generateKey gives 32 fresh bytes as padded URL-safe base64', () => {
    const a = Fernet.generateKey()
    const b = Fernet.generateKey()
    assert.notEqual(a, b)
    assert.equal(a.length, 44)
    assert.match(a, /^[A-Za-z0-9_-]{43}=$/)
    assert.equal(nodeDecode(a).byteLength, 32)
    assert.equal(nodeBase64Url(nodeDecode(a)), a)
  })

  it('a raw key and its base64 form are the same key', async () => {
    const raw = crypto.getRandomValues(new Uint8Array(32))
    const token = await new Fernet(raw).encrypt('same key')
    assert.equal(decoder.decode(await new Fernet(nodeBase64Url(raw)).decrypt(token)), 'same key')
  })

  it('copies a raw key, so later changes to the caller’s array do not matter', async () => {
    const raw = crypto.getRandomValues(new Uint8Array(32))
    const fernet = new Fernet(raw)
    const token = await new Fernet(raw.slice()).encrypt('x')
    raw.fill(0)
    assert.equal(decoder.decode(await fernet.decrypt(token)), 'x')
  })

  it('rejects keys that are not exactly 32 bytes, raw or encoded', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }).filter((b) => b.byteLength !== 32),
        (bytes) => {
          assert.throws(() => new Fernet(bytes), InvalidInputError)
          assert.throws(() => new Fernet(nodeBase64Url(bytes)), InvalidInputError)
        }
      )
    )
  })

  it('rejects arbitrary strings that are not the canonical encoding of 32 bytes', () => {
    const isCanonicalKey = (s: string): boolean =>
      /^[A-Za-z0-9_-]{43}=$/.test(s) && nodeBase64Url(nodeDecode(s)) === s
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }).filter((s) => !isCanonicalKey(s)),
        (s) => {
          assert.throws(() => new Fernet(s), InvalidInputError)
        }
      )
    )
  })

  it('rejects unpadded, standard-alphabet, whitespace-laden and non-canonical key encodings', () => {
    const zeros = nodeBase64Url(bytesOf(32))
    assert.doesNotThrow(() => new Fernet(zeros))
    assert.throws(() => new Fernet(zeros.slice(0, -1)), InvalidInputError)
    assert.throws(() => new Fernet(`${zeros.slice(0, -2)}B=`), InvalidInputError)
    assert.throws(() => new Fernet(` ${zeros}`), InvalidInputError)
    assert.throws(() => new Fernet(Buffer.from(bytesOf(32, 0xff)).toString('base64')), InvalidInputError)
    assert.throws(() => new Fernet(42 as unknown as string), InvalidInputError)
  })
})

describe('Fernet encrypt and decrypt', () => {
  const fernet = new Fernet(Fernet.generateKey())

  it('round-trips arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (data) => {
        assert.deepEqual(await fernet.decrypt(await fernet.encrypt(data)), data)
      })
    )
  })

  it('encodes strings as UTF-8', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }), async (text) => {
        assert.equal(decoder.decode(await fernet.decrypt(await fernet.encrypt(text))), text)
      })
    )
  })

  it('tokens are padded URL-safe base64 of version, timestamp, IV, whole blocks and MAC', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        async (data, seconds) => {
          const token = await fernet.encrypt(data, { now: seconds * 1000 })
          assert.match(token, /^[A-Za-z0-9_-]*={0,2}$/)
          assert.equal(token.length % 4, 0)
          const bytes = nodeDecode(token)
          assert.equal(nodeBase64Url(bytes), token)
          assert.equal(bytes[0], 0x80)
          assert.equal(Buffer.from(bytes).readBigUInt64BE(1), BigInt(seconds))
          assert.equal(bytes.byteLength, 1 + 8 + 16 + 16 * (Math.floor(data.byteLength / 16) + 1) + 32)
          assert.equal(await fernet.extractTimestamp(token), seconds)
        }
      )
    )
  })

  it('uses a fresh random IV for each token', async () => {
    const now = Date.now()
    const a = nodeDecode(await fernet.encrypt('same', { now }))
    const b = nodeDecode(await fernet.encrypt('same', { now }))
    assert.notDeepEqual(a.subarray(9, 25), b.subarray(9, 25))
  })

  it('refuses a token made under another key as a MAC failure', async () => {
    const token = await new Fernet(Fernet.generateKey()).encrypt('secret')
    await assertRefused(fernet.decrypt(token), ['mac'])
    await assertRefused(fernet.extractTimestamp(token), ['mac'])
  })

  it('refuses any single flipped bit in a token’s bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (data, index, bit) => {
          const bytes = nodeDecode(await fernet.encrypt(data))
          const at = index % bytes.byteLength
          bytes[at] = (bytes[at] as number) ^ (1 << bit)
          // The version byte is checked before the MAC; every other byte is covered by (or is) the MAC.
          await assertRefused(fernet.decrypt(nodeBase64Url(bytes)), [at === 0 ? 'version' : 'mac'])
        }
      )
    )
  })

  it('refuses any change to a token’s text', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_='
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(),
        fc.constantFrom(...alphabet),
        async (data, index, replacement) => {
          const token = await fernet.encrypt(data)
          const at = index % token.length
          fc.pre(token[at] !== replacement)
          const altered = token.slice(0, at) + replacement + token.slice(at + 1)
          await assertRefused(fernet.decrypt(altered), ['malformed', 'version', 'mac'])
        }
      )
    )
  })

  it('refuses every truncation of a token', async () => {
    const bytes = nodeDecode(await fernet.encrypt('truncate me, please: more than one block'))
    for (let length = 0; length < bytes.byteLength; length++) {
      const truncated = nodeBase64Url(bytes.subarray(0, length))
      await assertRefused(fernet.decrypt(truncated), ['malformed', 'mac'])
    }
  })

  it('only ever refuses arbitrary input with InvalidTokenError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map(nodeBase64Url)),
        async (text) => {
          await assertRefused(fernet.decrypt(text, { ttlSeconds: 60 }), [
            'malformed',
            'version',
            'mac',
            'expired',
            'future',
            'padding'
          ])
        }
      )
    )
  })

  it('refuses empty, wrong-version and unpadded tokens before touching the MAC', async () => {
    const token = await fernet.encrypt('hello')
    await assertRefused(fernet.decrypt(''), ['malformed'])
    const bytes = nodeDecode(token)
    bytes[0] = 0x81
    await assertRefused(fernet.decrypt(nodeBase64Url(bytes)), ['version'])
    const padded = await fernet.encrypt(bytesOf(1))
    assert.ok(padded.endsWith('='))
    await assertRefused(fernet.decrypt(padded.replace(/=+$/, '')), ['malformed'])
  })

  it('refuses text longer than MAX_TOKEN_LENGTH as malformed without decoding it', async () => {
    await assertRefused(fernet.decrypt('A'.repeat(MAX_TOKEN_LENGTH + 4)), ['malformed'])
    await assertRefused(fernet.extractTimestamp('A'.repeat(MAX_TOKEN_LENGTH + 4)), ['malformed'])
  })

  it('accepts a token of up to MAX_TOKEN_LENGTH characters', async () => {
    // The largest plaintext whose token still fits: 4 characters per 3 bytes, whole blocks.
    const maxBytes = (MAX_TOKEN_LENGTH / 4) * 3
    const blocks = Math.floor((maxBytes - 57) / 16)
    const data = bytesOf(blocks * 16 - 1, 7)
    const token = await fernet.encrypt(data)
    assert.ok(token.length <= MAX_TOKEN_LENGTH)
    assert.deepEqual(await fernet.decrypt(token), data)
  })

  it('rejects bad options with InvalidInputError', async () => {
    await assert.rejects(fernet.encrypt('x', { iv: bytesOf(15) }), InvalidInputError)
    await assert.rejects(fernet.encrypt('x', { now: -1000 }), InvalidInputError)
    await assert.rejects(fernet.encrypt('x', { now: new Date(Number.NaN) }), InvalidInputError)
    await assert.rejects(fernet.encrypt('x', { now: Number.POSITIVE_INFINITY }), InvalidInputError)
    const token = await fernet.encrypt('x')
    await assert.rejects(fernet.decrypt(token, { ttlSeconds: -1 }), InvalidInputError)
    await assert.rejects(fernet.decrypt(token, { ttlSeconds: 1.5 }), InvalidInputError)
    await assert.rejects(fernet.decrypt(token, { ttlSeconds: Number.NaN }), InvalidInputError)
  })
})

describe('Fernet time checks', () => {
  const fernet = new Fernet(Fernet.generateKey())
  const MAX_SECONDS = 2 ** 40

  it('accepts a token exactly ttl seconds old and refuses it one second later', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: MAX_SECONDS }),
        fc.integer({ min: 0, max: 10 ** 7 }),
        async (issued, ttlSeconds) => {
          const token = await fernet.encrypt('t', { now: issued * 1000 })
          const deadline = (issued + ttlSeconds) * 1000
          // Our clock is rounded down to whole seconds, so the whole last second still counts.
          assert.equal(decoder.decode(await fernet.decrypt(token, { ttlSeconds, now: deadline + 999 })), 't')
          await assertRefused(fernet.decrypt(token, { ttlSeconds, now: deadline + 1000 }), ['expired'])
        }
      )
    )
  })

  it(`accepts a timestamp up to ${MAX_CLOCK_SKEW} s ahead and refuses one further ahead`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: MAX_CLOCK_SKEW + 1, max: MAX_SECONDS }),
        fc.integer({ min: 0, max: 10 ** 7 }),
        async (issued, ttlSeconds) => {
          const token = await fernet.encrypt('t', { now: new Date(issued * 1000) })
          const edge = (issued - MAX_CLOCK_SKEW) * 1000
          assert.equal(decoder.decode(await fernet.decrypt(token, { ttlSeconds, now: edge })), 't')
          await assertRefused(fernet.decrypt(token, { ttlSeconds, now: edge - 1 }), ['future'])
        }
      )
    )
  })

  it('checks neither age nor skew without a TTL, as the spec and cryptography do', async () => {
    const old = await fernet.encrypt('old', { now: 0 })
    const ahead = await fernet.encrypt('ahead', { now: Date.now() + 3600_000 })
    assert.equal(decoder.decode(await fernet.decrypt(old)), 'old')
    assert.equal(decoder.decode(await fernet.decrypt(ahead)), 'ahead')
  })

  it('checks the MAC before the time, so a forged stale token is a MAC failure', async () => {
    const bytes = nodeDecode(await fernet.encrypt('x', { now: 0 }))
    const last = bytes.byteLength - 1
    bytes[last] = (bytes[last] as number) ^ 1
    await assertRefused(fernet.decrypt(nodeBase64Url(bytes), { ttlSeconds: 1, now: Date.now() }), ['mac'])
  })

  it('extracts the timestamp of the official generate vector', async (t) => {
    const generate = readVectors<GenerateVector[]>('fernet/generate.json')
    if ('skip' in generate) return t.skip(generate.skip)
    const v = generate.vectors[0]
    assert.ok(v !== undefined)
    assert.equal(await new Fernet(v.secret).extractTimestamp(v.token), Math.floor(Date.parse(v.now) / 1000))
  })
})
