import { MAX_NICKNAME_LENGTH } from './constants.js'

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

export type NicknameProblem = 'empty' | 'too-long' | 'invisible' | 'characters'

/** NFC-normalises a nickname so that visually equal names compare equal. */
export function normaliseNickname(nickname: string): string {
  return nickname.normalize('NFC').trim()
}

export function nicknameProblem(nickname: string): NicknameProblem | undefined {
  if (nickname.length === 0) return 'empty'
  if ([...nickname].length > MAX_NICKNAME_LENGTH) return 'too-long'
  if (INVISIBLE.test(nickname)) return 'invisible'
  if (!NICKNAME.test(nickname)) return 'characters'
  return undefined
}

/** Uniqueness is case-insensitive: "Alice" and "alice" are the same person to a reader. */
export function nicknameKey(nickname: string): string {
  return normaliseNickname(nickname).toLocaleLowerCase('und')
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
  }
}
