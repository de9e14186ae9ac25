import { MAX_NICKNAME_LENGTH } from './constants.js'

/**
 * Letters, digits and marks of any script, plus `_ . -`; no spaces or controls, so a nickname can
 * never impersonate another by invisible characters or break a terminal line.
 */
const NICKNAME = /^[\p{L}\p{N}\p{M}_.-]+$/u

export type NicknameProblem = 'empty' | 'too-long' | 'characters'

/** NFC-normalises a nickname so that visually equal names compare equal. */
export function normaliseNickname(nickname: string): string {
  return nickname.normalize('NFC').trim()
}

export function nicknameProblem(nickname: string): NicknameProblem | undefined {
  if (nickname.length === 0) return 'empty'
  if ([...nickname].length > MAX_NICKNAME_LENGTH) return 'too-long'
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
    case 'characters':
      return 'a nickname may hold letters, digits, "_", "." and "-" only'
  }
}
