/**
 * The nickname rules of PROTOCOL.md 6.5: which names are admitted, and when two names are one.
 *
 * Three notions, from strictest to loosest:
 * - the **display form** (`normaliseNickname`): NFC, trimmed; what is stored, sent and shown.
 * - the **key** (`nicknameKey`): the same name to a reader, ignoring width, ligatures and case
 *   (`ALICE`, `alice`, fullwidth `ａｌｉｃｅ`). Use it to look a member up by the name typed.
 * - **look-alike** (`confusableWith`, `lookAlike`): the names would be taken for each other on
 *   screen (Cyrillic `аlice`, `rn` for `m`, capital `I` for `l`), per the confusable skeletons of
 *   Unicode TR39. This is what uniqueness in a room compares; it includes equal keys.
 */
import { MAX_NICKNAME_LENGTH } from './constants.js'
import { compatibilityFold } from './fold.js'
import { MAX_COMBINING_MARKS, scriptProblem } from './scripts.js'
import { skeleton } from './skeleton.js'

/**
 * Letters, digits and marks of any script, plus `_ . -`; no spaces or controls, so a nickname cannot
 * break a terminal line or hide a bidirectional override.
 */
const NICKNAME = /^[\p{L}\p{N}\p{M}_.-]+$/u

/**
 * Code points that show nothing, yet some are letters or marks and so pass `NICKNAME`: appended to
 * a name they make a second name that displays the same. Default_Ignorable_Code_Point covers the
 * joiners, the variation selectors, the combining grapheme joiner, Khmer's inherent vowels
 * (U+17B4, U+17B5) and the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0; named again here, as
 * TR39 lists them apart). U+16FE4 KHITAN SMALL SCRIPT FILLER is a filler Unicode does not class as
 * ignorable.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u115F\u1160\u3164\uFFA0\u{16FE4}]/u

const WHITE_SPACE = /[\s\p{White_Space}]+/gu

/** Map-then-fold settles within three rounds for every character (checked over all of them); the bound only guarantees an end. */
const MAX_SKELETON_ROUNDS = 8

export type NicknameProblem =
  | 'empty'
  | 'too-long'
  | 'invisible'
  | 'characters'
  | 'mixed-script'
  | 'foreign-mark'
  | 'stacked-marks'

/** NFC-normalises and trims a nickname: the display form, the one stored and sent from then on. */
export function normaliseNickname(nickname: string): string {
  return nickname.normalize('NFC').trim()
}

/**
 * What is wrong with a normalised nickname (`normaliseNickname`), or `undefined` when it is admissible.
 *
 * Besides the characters, the name must be of one script and carry only marks of its letters
 * (`scriptProblem`: TR39 section 5). That is what stops an impostor who arrives first: `lookAlike`
 * only compares with the names present, so Cyrillic `аlice` joining before `alice` would pass it,
 * and the real `alice` be refused as its look-alike. Mixed-script and foreign-mark names are refused
 * whoever is in the room.
 */
export function nicknameProblem(nickname: string): NicknameProblem | undefined {
  if (nickname.length === 0) return 'empty'
  if ([...nickname].length > MAX_NICKNAME_LENGTH) return 'too-long'
  if (INVISIBLE.test(nickname)) return 'invisible'
  if (!NICKNAME.test(nickname)) return 'characters'
  return scriptProblem(nickname)
}

export function describeNicknameProblem(problem: NicknameProblem): string {
  switch (problem) {
    case 'empty':
      return 'a nickname is required'
    case 'too-long':
      return `a nickname has at most ${MAX_NICKNAME_LENGTH} characters`
    case 'invisible':
      return 'a nickname may not hold invisible characters (joiners, variation selectors, fillers)'
    case 'characters':
      return 'a nickname may hold letters, digits, "_", "." and "-" only'
    case 'mixed-script':
      return 'a nickname is written in one script (Latin, Cyrillic, Greek, …), or Latin with Chinese, Japanese or Korean'
    case 'foreign-mark':
      return 'a nickname may put accents and marks only on letters of their own script'
    case 'stacked-marks':
      return `a letter may carry at most ${MAX_COMBINING_MARKS} marks, none twice`
  }
}

/**
 * The same name to a reader: the display form, compatibility-folded (NFKC, case fold, NFKC), so
 * "Alice", "ALICE" and fullwidth "ａｌｉｃｅ" share one key. Locale-independent. A comparison key
 * only, never shown; finding a member by the name someone typed uses it.
 */
export function nicknameKey(nickname: string): string {
  // Trimmed again: NFKC turns a few isolated-form letters into a space and a mark (U+FC5E).
  return compatibilityFold(normaliseNickname(nickname)).trim()
}

/**
 * The case-insensitive confusable skeleton: TR39 `skeleton` of the key, folded again, until that
 * changes nothing. Folding after mapping matters since some prototypes are capitals (`0` → `O`)
 * and folding can reach a character that maps further (stigma `ϛ` → final `ς`, which folds to
 * `σ`, → `o`). White space,
 * which only NFKC of a few compatibility letters brings in (U+FC5E → space + marks), is dropped, as
 * no nickname holds any. Equal for `alice`, `ALICE`, Cyrillic `аlice`, Greek `ο` for `o`, `B0B` and
 * `bob`; idempotent.
 *
 * It is one of the two comparisons `confusableWith` makes, not the whole of it: a single
 * case-insensitive key cannot also see capital `I` as `l` without making every `i` an `l`. Decide
 * uniqueness with `confusableWith` or `lookAlike`, not by comparing this alone.
 */
export function nicknameSkeleton(nickname: string): string {
  let current = nicknameKey(nickname)
  for (let round = 0; round < MAX_SKELETON_ROUNDS; round++) {
    const next = compatibilityFold(skeleton(current)).replace(WHITE_SPACE, '')
    if (next === current) break
    current = next
  }
  return current
}

/** TR39's own, case-sensitive skeleton of the display form: the one that sees `AIice` (capital i) as `Alice`. */
function caseSkeleton(nickname: string): string {
  return skeleton(normaliseNickname(nickname))
}

/** Both comparison keys of one name, computed once when it is compared with many. */
function lookAlikeKeys(nickname: string): readonly [string, string] {
  return [nicknameSkeleton(nickname), caseSkeleton(nickname)]
}

function keysMatch(a: readonly [string, string], b: readonly [string, string]): boolean {
  return a[0] === b[0] || a[1] === b[1]
}

/**
 * Whether two nicknames would be taken for each other on screen: their case-insensitive skeletons
 * (`nicknameSkeleton`) are equal, or their case-sensitive TR39 skeletons are. Reflexive and
 * symmetric; not transitive (`AIice` looks like `Alice`, which is `alice` in another case, yet
 * `AIice` and `alice` are told apart by their first letter). Equal keys (`nicknameKey`) always
 * count as look-alikes.
 */
export function confusableWith(a: string, b: string): boolean {
  return keysMatch(lookAlikeKeys(a), lookAlikeKeys(b))
}

/**
 * The first of `present` that `nickname` would be taken for (`confusableWith`), or `undefined`.
 * What the host checks a `Register` against: every member's nickname, away members included.
 */
export function lookAlike(nickname: string, present: Iterable<string>): string | undefined {
  const keys = lookAlikeKeys(nickname)
  for (const other of present) if (keysMatch(keys, lookAlikeKeys(other))) return other
  return undefined
}

/**
 * Why `nickname` is refused beside `existing` (which `lookAlike` found): "taken" when they are the
 * same name (equal keys), else which name it looks like. Both are valid nicknames, so the message
 * is safe to show, and two of them fit a `Refusal.message`.
 */
export function describeLookAlike(nickname: string, existing: string): string {
  const name = normaliseNickname(nickname)
  if (nicknameKey(name) === nicknameKey(existing)) return `the nickname "${name}" is taken`
  return `"${name}" looks like "${normaliseNickname(existing)}", who is already here`
}
