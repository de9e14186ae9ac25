import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { MAX_NICKNAME_LENGTH, MAX_REASON_MESSAGE_LENGTH } from '../../src/protocol/constants.js'
import {
  confusableWith,
  describeLookAlike,
  describeNicknameProblem,
  lookAlike,
  type NicknameProblem,
  nicknameKey,
  nicknameProblem,
  nicknameSkeleton,
  normaliseNickname
} from '../../src/protocol/nickname.js'

/** What the host does with a Register's nickname: normalise, then check. */
const problemOf = (raw: string): NicknameProblem | undefined => nicknameProblem(normaliseNickname(raw))

/** Genuine names of many scripts: admitted, and no two of them look alike. */
const DISTINCT = [
  'alice',
  'Bob_42',
  'a.b-c_d',
  'x',
  '_',
  'Zoë',
  'Zoe',
  'José',
  'Jose',
  'Łukasz',
  'Lukasz',
  'Дмитрий',
  'Dmitry',
  'Σωκράτης',
  'Sokratis',
  '太郎',
  '花子',
  'محمد',
  'علي',
  'नमस्ते',
  'שלום',
  'Ἀθηνᾶ',
  '김철수',
  'さくら',
  '١٢٣',
  'n'.repeat(MAX_NICKNAME_LENGTH)
]

describe('nickname rules', () => {
  it('accepts letters, digits and marks of any script, and _ . -', () => {
    for (const name of DISTINCT) assert.equal(problemOf(name), undefined, name)
  })

  it('refuses an empty name', () => {
    assert.equal(nicknameProblem(''), 'empty')
    assert.equal(problemOf(''), 'empty')
    assert.equal(problemOf('   '), 'empty')
  })

  it('refuses spaces, controls, punctuation, symbols and emoji', () => {
    for (const name of [
      'alice smith',
      'alice\tsmith',
      'alice\nbob',
      'a\u0000b',
      'a\u001bb',
      'a\u2800b', // braille blank: a symbol, so refused as one
      'a\u3000b', // ideographic space
      'alice!',
      'al@ce',
      'a/b',
      'a:b',
      'a,b',
      '<alice>',
      '"alice"',
      'a+b',
      'a$',
      '😀',
      'a😀',
      'a\u00a0b' // no-break space
    ]) {
      assert.equal(problemOf(name), 'characters', JSON.stringify(name))
    }
  })

  it('refuses invisible characters: ignorables, joiners, variation selectors and fillers', () => {
    for (const invisible of [
      '\u034f', // combining grapheme joiner
      '\ufe0f', // variation selector 16
      '\u{e0100}', // variation selector 17
      '\u3164', // Hangul filler
      '\u115f', // Hangul choseong filler
      '\u1160', // Hangul jungseong filler
      '\uffa0', // halfwidth Hangul filler
      '\u17b4', // Khmer vowel inherent aq
      '\u17b5', // Khmer vowel inherent aa
      '\u180b', // Mongolian free variation selector
      '\u{16fe4}', // Khitan small script filler
      '\u200b', // zero-width space
      '\u200c', // zero-width non-joiner
      '\u200d', // zero-width joiner
      '\u2060', // word joiner
      '\u202e', // right-to-left override
      '\u00ad' // soft hyphen
    ]) {
      for (const name of [`alice${invisible}`, `a${invisible}b`, `${invisible}alice`, invisible]) {
        assert.equal(problemOf(name), 'invisible', JSON.stringify(name))
      }
    }
    // U+FEFF is white space to String.prototype.trim, so only an inner one is left to refuse.
    assert.equal(problemOf('a\ufeffb'), 'invisible')
    assert.equal(problemOf('alice\ufeff'), undefined)
  })

  it('admits no default-ignorable code point anywhere in Unicode', () => {
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const char = String.fromCodePoint(cp)
      if (/\p{Default_Ignorable_Code_Point}/u.test(char)) {
        assert.notEqual(nicknameProblem(`a${char}`), undefined, cp.toString(16))
      }
    }
  })

  it('counts length in code points, not UTF-16 units', () => {
    assert.equal(problemOf('n'.repeat(MAX_NICKNAME_LENGTH)), undefined)
    assert.equal(problemOf('n'.repeat(MAX_NICKNAME_LENGTH + 1)), 'too-long')
    // U+1D400 MATHEMATICAL BOLD CAPITAL A is a letter outside the BMP: two UTF-16 units each.
    const astral = '\u{1D400}'.repeat(MAX_NICKNAME_LENGTH)
    assert.equal(astral.length, MAX_NICKNAME_LENGTH * 2)
    assert.equal(problemOf(astral), undefined)
    assert.equal(problemOf(`${astral}\u{1D400}`), 'too-long')
    assert.equal(problemOf('\u{20000}'.repeat(MAX_NICKNAME_LENGTH)), undefined)
  })

  it('checks length after NFC, so a decomposed name is measured composed', () => {
    const decomposed = 'e\u0301'.repeat(MAX_NICKNAME_LENGTH) // 64 code points, 32 after NFC
    assert.equal([...decomposed].length, MAX_NICKNAME_LENGTH * 2)
    assert.equal(nicknameProblem(decomposed), 'too-long')
    assert.equal(problemOf(decomposed), undefined)
  })

  it('trims surrounding whitespace before checking', () => {
    assert.equal(normaliseNickname('  alice \n'), 'alice')
    assert.equal(problemOf('  alice '), undefined)
  })

  it('describes every problem', () => {
    assert.equal(describeNicknameProblem('empty'), 'a nickname is required')
    assert.match(describeNicknameProblem('too-long'), new RegExp(`at most ${MAX_NICKNAME_LENGTH} characters`))
    assert.match(describeNicknameProblem('characters'), /letters, digits/)
    assert.match(describeNicknameProblem('invisible'), /invisible characters/)
  })
})

describe('nickname normalisation and uniqueness key', () => {
  it('normalises to NFC', () => {
    const composed = 'Zo\u00eb'
    const decomposed = 'Zoe\u0308'
    assert.notEqual(composed, decomposed)
    assert.equal(normaliseNickname(decomposed), composed)
    assert.equal(normaliseNickname(composed), composed)
    assert.equal(nicknameKey(decomposed), nicknameKey(composed))
  })

  it('is case-insensitive', () => {
    assert.equal(nicknameKey('Alice'), nicknameKey('alice'))
    assert.equal(nicknameKey('ALICE'), 'alice')
    assert.equal(nicknameKey('ÉMILE'), nicknameKey('émile'))
    // Lower-casing is contextual for sigma: a final capital Σ becomes ς, as it is typed.
    assert.equal(nicknameKey('ΣΩΚΡΆΤΗΣ'), nicknameKey('σωκράτης'))
    assert.equal(nicknameKey('ДМИТРИЙ'), nicknameKey('дмитрий'))
    assert.equal(nicknameKey('  Alice '), 'alice')
  })

  it('ignores width and compatibility forms', () => {
    assert.equal(nicknameKey('ａｌｉｃｅ'), 'alice') // fullwidth
    assert.equal(nicknameKey('ＡＬＩＣＥ'), 'alice')
    assert.equal(nicknameKey('\ufb01ona'), 'fiona') // the ligature fi
    assert.equal(nicknameKey('Straße'), nicknameKey('STRASSE'))
  })

  it('does not depend on the locale (no Turkish dotless i)', () => {
    assert.equal(nicknameKey('I'), 'i')
    assert.equal(nicknameKey('TITLE'), 'title')
  })

  it('keeps different names apart', () => {
    assert.notEqual(nicknameKey('alice'), nicknameKey('alice2'))
    assert.notEqual(nicknameKey('alice'), nicknameKey('alíce'))
    assert.notEqual(nicknameKey('a.b'), nicknameKey('a-b'))
  })

  it('is idempotent, and its own key (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (raw) => {
        const once = normaliseNickname(raw)
        assert.equal(normaliseNickname(once), once)
        const key = nicknameKey(raw)
        assert.equal(nicknameKey(key), key)
      }),
      { numRuns: 1000 }
    )
  })

  it('a valid name stays valid once normalised (property)', () => {
    const validChar = fc.constantFrom(...'abcXYZ019_.-éßЖж太ß'.split(''), 'e\u0301')
    fc.assert(
      fc.property(fc.array(validChar, { minLength: 1, maxLength: MAX_NICKNAME_LENGTH / 2 }), (chars) => {
        const name = chars.join('')
        assert.equal(problemOf(name), undefined)
        assert.equal(nicknameProblem(nicknameKey(name)), undefined)
      }),
      { numRuns: 500 }
    )
  })
})

describe('look-alike nicknames (TR39 confusable skeletons)', () => {
  /** Pairs a reader would take for each other: each is refused while the other is present. */
  const LOOK_ALIKES: readonly (readonly [string, string, string])[] = [
    ['\u0430lice', 'alice', 'Cyrillic а'],
    ['p\u0430yp\u0430l', 'paypal', 'mixed scripts: Cyrillic а inside Latin'],
    ['\u0440\u0430\u0443\u0440\u0430l', 'paypal', 'mixed scripts: Cyrillic р а у inside Latin'],
    ['b\u03bfb', 'bob', 'Greek omicron'],
    ['\u0392\u039f\u0392', 'BOB', 'Greek capitals'],
    ['ALICE', 'alice', 'case'],
    ['Alice', 'alice', 'case'],
    ['rn', 'm', 'r n for m'],
    ['rnallory', 'mallory', 'r n for m'],
    ['ａｌｉｃｅ', 'alice', 'fullwidth'],
    ['\u{1d41a}lice', 'alice', 'mathematical bold a'],
    ['AIice', 'Alice', 'capital I for l'],
    ['B0B', 'BOB', 'zero for O'],
    ['b0b', 'bob', 'zero for o, across case'],
    ['a1ice', 'alice', 'one for l'],
    ['\u017fred', 'fred', 'long s for f'],
    ['\u0251lice', 'alice', 'Latin alpha'],
    ['Zoe\u0308', 'Zoë', 'decomposed diaeresis'],
    ['\u10e7ou', 'you', 'Georgian for y']
  ]

  it('finds every look-alike pair, both ways', () => {
    for (const [impostor, victim, why] of LOOK_ALIKES) {
      assert.equal(problemOf(impostor), undefined, `${why}: the impostor is a valid name by itself`)
      assert.ok(confusableWith(impostor, victim), `${why}: ${impostor} ~ ${victim}`)
      assert.ok(confusableWith(victim, impostor), `${why}: ${victim} ~ ${impostor}`)
      assert.equal(lookAlike(impostor, ['bob_2', victim, 'carol']), victim, why)
    }
  })

  it('gives case- and script-insensitive skeletons', () => {
    assert.equal(nicknameSkeleton('\u0430lice'), 'alice')
    assert.equal(nicknameSkeleton('ALICE'), 'alice')
    assert.equal(nicknameSkeleton('ａｌｉｃｅ'), 'alice')
    assert.equal(nicknameSkeleton('m'), 'rn')
    assert.equal(nicknameSkeleton('B0B'), 'bob')
    assert.equal(nicknameSkeleton('Ϛ'), nicknameSkeleton('σ')) // stigma → ς, which folds to σ, → o
  })

  it('sees capital I as l beside a capitalised name, not beside a lower-case one', () => {
    // One case-insensitive key cannot do both without making every i an l; the pair check can.
    assert.notEqual(nicknameSkeleton('AIice'), nicknameSkeleton('Alice'))
    assert.ok(confusableWith('AIice', 'Alice'))
    assert.ok(!confusableWith('AIice', 'alice'), 'A and a tell them apart')
    assert.ok(!confusableWith('eli', 'ell'))
  })

  it('keeps genuine names of many scripts apart', () => {
    for (const a of DISTINCT) {
      for (const b of DISTINCT) {
        if (a !== b) assert.ok(!confusableWith(a, b), `${a} vs ${b}`)
      }
    }
    assert.equal(lookAlike('dave', DISTINCT), undefined)
    assert.equal(lookAlike('alice', []), undefined)
  })

  it('counts the same name (equal keys) as a look-alike', () => {
    assert.equal(lookAlike('Alice', ['bob', 'alice']), 'alice')
    assert.equal(lookAlike('alice', ['alice']), 'alice')
  })

  it('says why: taken, or whom it looks like', () => {
    assert.equal(describeLookAlike('Alice', 'alice'), 'the nickname "Alice" is taken')
    assert.equal(describeLookAlike('ａｌｉｃｅ', 'alice'), 'the nickname "ａｌｉｃｅ" is taken')
    assert.equal(
      describeLookAlike('\u0430lice', 'alice'),
      '"\u0430lice" looks like "alice", who is already here'
    )
    assert.equal(describeLookAlike(' rn ', 'm'), '"rn" looks like "m", who is already here')
    const longest = describeLookAlike(
      '\u{1d41a}'.repeat(MAX_NICKNAME_LENGTH),
      'a'.repeat(MAX_NICKNAME_LENGTH)
    )
    assert.ok(longest.length <= MAX_REASON_MESSAGE_LENGTH, 'fits a Refusal.message')
  })

  it('is reflexive and symmetric, and its skeleton idempotent (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        (a, b) => {
          assert.ok(confusableWith(a, a))
          assert.equal(confusableWith(a, b), confusableWith(b, a))
          const skeleton = nicknameSkeleton(a)
          assert.equal(nicknameSkeleton(skeleton), skeleton)
        }
      ),
      { numRuns: 1000 }
    )
  })

  it('holds names that differ only in case or width for look-alikes (property)', () => {
    const validChar = fc.constantFrom(...'abcXYZ019_.-éßЖж太'.split(''), 'e\u0301', 'ａ', 'Ｚ')
    fc.assert(
      fc.property(fc.array(validChar, { minLength: 1, maxLength: MAX_NICKNAME_LENGTH / 2 }), (chars) => {
        const name = chars.join('')
        assert.ok(confusableWith(name, name.toUpperCase()), name)
        assert.ok(confusableWith(name, name.normalize('NFKC').toLowerCase()), name)
        assert.equal(lookAlike(name, [nicknameKey(name)]), nicknameKey(name))
      }),
      { numRuns: 500 }
    )
  })
})
