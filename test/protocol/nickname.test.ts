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
  'สมชาย',
  'สมศักดิ์',
  '김민준',
  '山田たろう',
  'ヤマダ太郎',
  'Taroたろう',
  'ラーメン',
  'مُحَمَّد',
  'שָׁלוֹם',
  'Мари́я',
  'Nguyễn',
  'Ọ̀ṣọ́',
  'བསྒྲུབས',
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
    assert.match(describeNicknameProblem('mixed-script'), /one script/)
    assert.match(describeNicknameProblem('foreign-mark'), /their own script/)
    assert.match(describeNicknameProblem('stacked-marks'), /at most 3 marks, none twice/)
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
    // One script per name (section `nickname scripts and marks`), Common characters in each.
    const common = '019_.-'.split('')
    const name = fc.oneof(
      ...[[...'abcXYZéß', 'e\u0301'], [...'ЖжДд'], [...'太郎花'], [...'たナ太']].map((script) =>
        fc.array(fc.constantFrom(...script, ...common), { minLength: 1, maxLength: MAX_NICKNAME_LENGTH / 2 })
      )
    )
    fc.assert(
      fc.property(name, (chars) => {
        const name = chars.join('')
        assert.equal(problemOf(name), undefined)
        assert.equal(nicknameProblem(nicknameKey(name)), undefined)
      }),
      { numRuns: 500 }
    )
  })
})

describe('nickname scripts and marks (TR39 restriction rules)', () => {
  it('accepts one script per name, and Latin with Han and kana, Han and Bopomofo, or Han and Hangul', () => {
    for (const name of [
      'alice',
      'Дмитрий',
      'Σωκράτης',
      'नमस्ते',
      'สมชาย',
      '김민준',
      '山田たろう',
      'ヤマダ太郎',
      'Taroたろう',
      'Li李',
      '王小明ㄅㄆ',
      'Kim김민준',
      '金김민준',
      'ラーメン', // the prolonged sound mark is Common, with Hiragana and Katakana as its scripts
      '١٢٣', // Arabic-Indic digits are Arabic
      'محمد١٢',
      '_42',
      'alice_1.2-3',
      '\u{1d41a}lice' // mathematical letters are Common: the same key as alice, so "taken" beside it
    ]) {
      assert.equal(problemOf(name), undefined, name)
    }
  })

  it('finds every letter of Unicode in one script: a letter repeated is never mixed-script', () => {
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const letter = String.fromCodePoint(cp)
      if (/\p{L}/u.test(letter))
        assert.notEqual(nicknameProblem(letter + letter), 'mixed-script', cp.toString(16))
    }
  })

  it('refuses a name that mixes scripts, even with no look-alike present', () => {
    for (const name of [
      '\u0430lice', // Cyrillic а, then Latin: the impostor who arrives before alice
      'alic\u0435', // Cyrillic е last
      'p\u0430yp\u0430l',
      'b\u03bfb', // Greek omicron
      '\u10e7ou', // Georgian
      'Dmitryй',
      'Σokrates',
      'alice\u0661', // Arabic-Indic one
      'abc\u0966', // Devanagari zero
      '김さくら', // Hangul with kana is no one language's writing
      'ㄅさくら', // Bopomofo with kana
      'Ж太郎',
      '\u0d30alice' // Malayalam
    ]) {
      assert.equal(problemOf(name), 'mixed-script', JSON.stringify(name))
      assert.equal(lookAlike(name, []), undefined, 'no one present to look like')
    }
  })

  it('refuses the combining marks of another script on a letter', () => {
    // The review's look-alikes of alice: each passed next to it, as skeletons keep marks.
    for (const mark of ['\u0358', '\u05c4', '\u0591', '\u0e47', '\u0bcd', '\u1dfb']) {
      assert.equal(problemOf(`alic${mark}e`), 'foreign-mark', mark.codePointAt(0)?.toString(16))
      assert.equal(problemOf(`alice${mark}`), 'foreign-mark', mark.codePointAt(0)?.toString(16))
    }
    for (const name of [
      '\u0301alice', // a mark on nothing
      'alice_\u0301', // on an underscore
      'a1\u0301', // on a digit
      'ali\u0307ce', // a dot above on i: shows plain i
      'al\u0131\u0307ce', // dotless ı with a dot above: i again
      'al\u0131\u0308ce', // dotless ı with a diaeresis: ï
      'o\u0338', // an overlay: ø
      'l\u0335', // an overlay: ƚ
      'e\u0305', // overline, the twin of a macron
      'a\u0363', // a medieval superscript letter
      'a\u035c', // a double mark, spanning two letters
      'a\u20dd', // an enclosing circle, for symbols
      'a\u064e', // Arabic fatha
      '\u0645\u0301', // an acute on an Arabic letter
      '\u0915\u0e31', // a Thai vowel on a Devanagari letter
      '\u0928\u09cd' // a Bengali virama on a Devanagari letter
    ]) {
      assert.equal(problemOf(name), 'foreign-mark', JSON.stringify(name))
    }
  })

  it('refuses more than 3 marks on a letter, or one mark twice, counted decomposed', () => {
    for (const name of [
      `a${'\u0300'.repeat(16)}`, // the review's stack: à and 15 more graves after NFC
      'a\u0300\u0300',
      '\u00e1\u0301', // á, then the acute again
      'e\u0301\u0300\u0301',
      'a\u0323\u0300\u0301\u0302', // four different marks
      '\u1ea1\u0300\u0301\u0302', // ạ is a and a dot below: four again
      '\u0e01\u0e34\u0e34' // a Thai vowel twice
    ]) {
      assert.equal(problemOf(name), 'stacked-marks', JSON.stringify(name))
    }
    assert.equal(problemOf('\u1f04\u0345'), undefined, 'ᾄ: breathing, accent and iota subscript are 3')
    assert.equal(problemOf('a\u0323\u0300\u0301'), undefined, '3 different marks')
  })

  it("accepts the marks of the letter's own script", () => {
    for (const name of [
      'Zoe\u0308',
      'Мари\u0301я', // a Russian stress mark
      'Ọ̀ṣọ́', // Yoruba
      'Nguye\u0302\u0303n', // Vietnamese, decomposed
      'Di\u0301ne\u0301',
      'a\u0328\u0301', // Navajo ą́
      'مُحَمَّد',
      'שָׁלוֹם',
      'नमस्ते',
      'हिन्दी',
      'สมศักดิ์',
      'தமிழ்',
      'བསྒྲུབས',
      'ကျွန်'
    ]) {
      assert.equal(problemOf(name), undefined, name)
    }
  })

  it('an accepted name stays accepted once normalised, and normalising it again changes nothing (property)', () => {
    const piece = fc.constantFrom(
      ...'abzAZ09_.-éıiЖжαΣ太たナ김ㄅनकกมم١'.split(''),
      '\u0301',
      '\u0300',
      '\u0308',
      '\u0307',
      '\u0323',
      '\u0345',
      '\u094d',
      '\u093f',
      '\u0e31',
      '\u0e49',
      '\u064e',
      '\u3099',
      '\u0338'
    )
    let accepted = 0
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), (pieces) => {
        const raw = pieces.join('')
        if (nicknameProblem(raw) === undefined) {
          accepted++
          assert.equal(nicknameProblem(raw.normalize('NFC')), undefined, JSON.stringify(raw))
        }
        const name = normaliseNickname(raw)
        if (problemOf(raw) === undefined) {
          assert.equal(normaliseNickname(name), name)
          assert.equal(nicknameProblem(name.normalize('NFC')), undefined, JSON.stringify(name))
        }
      }),
      { numRuns: 2000 }
    )
    assert.ok(accepted > 100, `enough accepted names were tried (${accepted})`)
  })

  it('refuses a Latin name with one Cyrillic letter anywhere (property)', () => {
    const latin = fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéñ0123456789_.-'.split('')
    )
    const cyrillic = fc.constantFrom(...'аеорсухіјѕԁАВЕКМНОРСТХЖж'.split(''))
    fc.assert(
      fc.property(
        fc.array(latin, { minLength: 1, maxLength: MAX_NICKNAME_LENGTH - 1 }),
        cyrillic,
        fc.nat(),
        (chars, letter, position) => {
          fc.pre(chars.some((c) => /\p{L}/u.test(c)))
          const at = position % (chars.length + 1)
          const name = [...chars.slice(0, at), letter, ...chars.slice(at)].join('')
          assert.equal(problemOf(name), 'mixed-script', name)
        }
      ),
      { numRuns: 1000 }
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

  /** Impostors that mix scripts: refused by themselves (`nickname scripts and marks`), whoever is present. */
  const MIXED = new Set([
    '\u0430lice',
    'p\u0430yp\u0430l',
    '\u0440\u0430\u0443\u0440\u0430l',
    'b\u03bfb',
    '\u10e7ou'
  ])

  it('finds every look-alike pair, both ways', () => {
    for (const [impostor, victim, why] of LOOK_ALIKES) {
      const alone = MIXED.has(impostor) ? 'mixed-script' : undefined
      assert.equal(problemOf(impostor), alone, `${why}: refused by itself only if it mixes scripts`)
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
