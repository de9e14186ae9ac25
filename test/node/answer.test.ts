import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  DEFAULT_SCRYPT_PARAMS,
  formatAnswerHash,
  hashAnswer,
  MAX_SCRYPT_N,
  needsRehash,
  parseAnswerHash,
  verifyAnswer
} from '../../src/node/answer-hash.js'
import { MAX_ANSWER_LENGTH, normaliseAnswer } from '../../src/protocol/answer.js'
import { InvalidInputError } from '../../src/protocol/errors.js'

/** Low cost keeps the suite fast; one test below uses the defaults. */
const FAST = { N: 1024, r: 8, p: 1 }

describe('normaliseAnswer', () => {
  const same: Array<[string, string]> = [
    [' Fluffy  THE\tCat ', 'fluffy the cat'],
    ['\u00a0fluffy\u2003the\u3000cat\n\r\u0085', 'fluffy the cat'], // NBSP, em space, ideographic space, NEL
    ['ＦＬＵＦＦＹ', 'fluffy'], // full-width
    ['ﬁsh', 'fish'], // ligature
    ['Ⅻ', 'xii'], // Roman numeral compatibility character
    ['café', 'cafe\u0301'], // precomposed vs combining accent
    ['CAFÉ', 'café'],
    // German: ß and capital ẞ fold to "ss", so every spelling of Straße matches.
    ['Straße', 'strasse'],
    ['STRASSE', 'strasse'],
    ['STRAẞE', 'strasse'],
    // Greek: final sigma is decided by position, however it was typed.
    ['ΟΔΟΣ', 'οδοσ'],
    ['Ὀδυσσεύς', 'ὈΔΥΣΣΕΎΣ']
  ]
  for (const [a, b] of same) {
    test(`${JSON.stringify(a)} matches ${JSON.stringify(b)}`, () => {
      assert.equal(normaliseAnswer(a), normaliseAnswer(b))
    })
  }

  test('produces the expected canonical forms', () => {
    assert.equal(normaliseAnswer(' Fluffy  THE\tCat '), 'fluffy the cat')
    assert.equal(normaliseAnswer('Straße'), 'strasse')
    assert.equal(normaliseAnswer('ﬁ'), 'fi')
    assert.equal(normaliseAnswer('ＡＢＣ１２３'), 'abc123')
    assert.equal(normaliseAnswer('ΟΔΟΣ'), 'οδος')
  })

  test('keeps differences that are part of the answer', () => {
    assert.notEqual(normaliseAnswer('fluffy the cat'), normaliseAnswer('fluffythecat'))
    assert.notEqual(normaliseAnswer('resume'), normaliseAnswer('résumé'))
  })

  test('refuses empty, whitespace-only and over-long answers', () => {
    for (const bad of ['', ' ', '\t\n\u3000\u00a0'])
      assert.throws(() => normaliseAnswer(bad), InvalidInputError)
    assert.equal(normaliseAnswer('a'.repeat(MAX_ANSWER_LENGTH)).length, MAX_ANSWER_LENGTH)
    assert.throws(() => normaliseAnswer('a'.repeat(MAX_ANSWER_LENGTH + 1)), InvalidInputError)
    // Length counts code points, so an astral answer at the limit is allowed.
    assert.doesNotThrow(() => normaliseAnswer('😀'.repeat(MAX_ANSWER_LENGTH)))
    // Expansion by NFKC counts: U+FDFA becomes 18 characters.
    assert.throws(() => normaliseAnswer('\ufdfa'.repeat(20)), InvalidInputError)
    assert.throws(() => normaliseAnswer(' '.repeat(10_000)), InvalidInputError)
  })

  test('refuses lone surrogates, which UTF-8 would turn into U+FFFD', () => {
    assert.throws(() => normaliseAnswer('a\ud800b'), InvalidInputError)
    assert.throws(() => normaliseAnswer('\udc00'), InvalidInputError)
  })

  test('errors never quote the answer', () => {
    for (const bad of [
      `secret${'x'.repeat(2000)}`,
      `secret${'y'.repeat(MAX_ANSWER_LENGTH)}`,
      'secret\ud800'
    ]) {
      const err = captureSync(() => normaliseAnswer(bad))
      assert.ok(err instanceof InvalidInputError)
      assert.ok(!err.message.includes('secret'), err.message)
    }
  })

  test('property: idempotent', () => {
    const answers = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme-composite', maxLength: 40 })
    )
    fc.assert(
      fc.property(answers, (raw) => {
        let once: string
        try {
          once = normaliseAnswer(raw)
        } catch (err) {
          assert.ok(err instanceof InvalidInputError)
          return
        }
        assert.equal(normaliseAnswer(once), once)
      }),
      { numRuns: 2000 }
    )
  })
})

describe('hashAnswer / verifyAnswer', () => {
  test('round trip, with normalisation inside', async () => {
    const stored = await hashAnswer(' Fluffy  THE\tCat ', FAST)
    assert.equal(await verifyAnswer('fluffy the cat', stored), true)
    assert.equal(await verifyAnswer('FLUFFY THE CAT', stored), true)
    assert.equal(await verifyAnswer(' Fluffy  THE\tCat ', stored), true)
  })

  test('refuses a wrong answer, and an unnormalisable one without throwing', async () => {
    const stored = await hashAnswer('fluffy the cat', FAST)
    assert.equal(await verifyAnswer('fluffy the dog', stored), false)
    assert.equal(await verifyAnswer('fluffythecat', stored), false)
    assert.equal(await verifyAnswer('', stored), false)
    assert.equal(await verifyAnswer('x'.repeat(5000), stored), false)
  })

  test('stores params, a 16-byte salt and a 32-byte key in a self-describing string', async () => {
    const stored = await hashAnswer('fluffy', FAST)
    assert.match(stored, /^scrypt\$N=1024,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    const parsed = parseAnswerHash(stored)
    assert.deepEqual(parsed.params, FAST)
    assert.equal(parsed.salt.byteLength, 16)
    assert.equal(parsed.key.byteLength, 32)
    assert.equal(formatAnswerHash(parsed), stored)
  })

  test('the same answer hashes differently each time (salt)', async () => {
    const [a, b] = await Promise.all([hashAnswer('fluffy', FAST), hashAnswer('fluffy', FAST)])
    assert.notEqual(a, b)
    assert.notDeepEqual(parseAnswerHash(a).salt, parseAnswerHash(b).salt)
  })

  test('default parameters round trip', async () => {
    const stored = await hashAnswer('Fluffy the cat')
    assert.deepEqual(parseAnswerHash(stored).params, { ...DEFAULT_SCRYPT_PARAMS })
    assert.equal(await verifyAnswer('fluffy the cat', stored), true)
    assert.equal(needsRehash(stored), false)
  })

  test('raised parameters still verify an old hash, which then needs a rehash', async () => {
    const old = await hashAnswer('fluffy', FAST)
    const raised = { N: 2048, r: 8, p: 2 }
    const fresh = await hashAnswer('fluffy', raised)
    assert.deepEqual(parseAnswerHash(fresh).params, raised)
    assert.equal(await verifyAnswer('fluffy', old), true)
    assert.equal(await verifyAnswer('fluffy', fresh), true)
    assert.equal(needsRehash(old, raised), true)
    assert.equal(needsRehash(fresh, raised), false)
    assert.equal(needsRehash(fresh, FAST), false)
    assert.equal(needsRehash(fresh), true, 'below the defaults')
    assert.equal(needsRehash(await hashAnswer('fluffy', { ...FAST, r: 4 }), FAST), true)
  })

  test('refuses out-of-range parameters to hash with', async () => {
    for (const bad of [
      { N: 1000 },
      { N: 1 },
      { N: MAX_SCRYPT_N * 2 },
      { r: 0 },
      { r: 33 },
      { p: 0 },
      { p: 17 },
      { N: 2 ** 20, r: 8 },
      { N: 2 ** 18, r: 8, p: 16 }
    ]) {
      await assert.rejects(hashAnswer('fluffy', bad), InvalidInputError, JSON.stringify(bad))
    }
  })

  test('malformed stored strings throw InvalidInputError, whatever the answer', async () => {
    const good = await hashAnswer('fluffy', FAST)
    const [, params, salt, key] = good.split('$') as [string, string, string, string]
    const bad = [
      '',
      'scrypt',
      good.replace(/^scrypt/, 'bcrypt'),
      `${good}$extra`,
      `scrypt$${params}$${salt}`,
      `scrypt$N=1024,r=8$${salt}$${key}`,
      `scrypt$r=8,N=1024,p=1$${salt}$${key}`,
      `scrypt$N=1000,r=8,p=1$${salt}$${key}`, // not a power of two
      `scrypt$N=01024,r=8,p=1$${salt}$${key}`,
      `scrypt$N=1024,r=8,p=1 $${salt}$${key}`,
      `scrypt$N=4294967296,r=8,p=1$${salt}$${key}`,
      `scrypt$N=1048576,r=999,p=999$${salt}$${key}`, // would hang the host
      `scrypt$N=1048576,r=8,p=1$${salt}$${key}`, // 1 GiB
      `scrypt$N=-1024,r=8,p=1$${salt}$${key}`,
      `scrypt$${params}$${salt}!$${key}`,
      `scrypt$${params}$$${key}`,
      `scrypt$${params}$${salt.slice(0, 10)}$${key}`, // salt too short
      `scrypt$${params}$${salt}$${key.slice(0, 20)}`, // key too short
      `scrypt$${params}$${salt}$${key}AAAA`, // key too long
      `scrypt$${params}$${salt}$${key}${'A'.repeat(600)}`,
      `scrypt$${params}$${salt}$${key.slice(0, -1)}+`
    ]
    for (const stored of bad) {
      await assert.rejects(verifyAnswer('fluffy', stored), InvalidInputError, stored)
      await assert.rejects(verifyAnswer('', stored), InvalidInputError, stored)
      assert.throws(() => needsRehash(stored), InvalidInputError, stored)
    }
    await assert.rejects(verifyAnswer('fluffy', undefined as unknown as string), InvalidInputError)
  })

  test('the answer never appears in an error', async () => {
    const answer = 'Tr0ub4dor-secret-answer'
    const errors: unknown[] = [
      await verifyAnswer(answer, 'scrypt$N=3,r=8,p=1$AAAA$AAAA').catch((e: unknown) => e),
      await verifyAnswer(answer, 'garbage').catch((e: unknown) => e),
      await hashAnswer(answer, { N: 3 }).catch((e: unknown) => e),
      await hashAnswer(`${answer}${' x'.repeat(MAX_ANSWER_LENGTH)}`, FAST).catch((e: unknown) => e),
      await hashAnswer(`${answer}\ud800`, FAST).catch((e: unknown) => e)
    ]
    for (const err of errors) {
      assert.ok(err instanceof InvalidInputError)
      const seen = `${err.message} ${err.stack ?? ''} ${String(err.cause ?? '')}`.toLowerCase()
      assert.ok(!seen.includes('tr0ub4dor'), seen)
    }
  })

  test('property: verify(hash(x)) for random answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), async (raw) => {
        let stored: string
        try {
          stored = await hashAnswer(raw, { N: 16, r: 1, p: 1 })
        } catch (err) {
          assert.ok(err instanceof InvalidInputError) // empty after normalisation
          return
        }
        assert.equal(await verifyAnswer(raw, stored), true)
        assert.equal(await verifyAnswer(normaliseAnswer(raw), stored), true)
        assert.equal(await verifyAnswer(`${raw}x`, stored), false)
      }),
      { numRuns: 25 }
    )
  })
})

function captureSync(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return undefined
}
