/**
 * Normalisation of the security answer, so that what a person would call "the same answer" hashes
 * the same: width, ligatures, case and spacing are not part of the secret.
 *
 * Pipeline: NFKC → case fold → NFKC (`compatibilityFold`, which explains the folding) → whitespace
 * runs to one space → trim.
 */
import { InvalidInputError } from './errors.js'
import { compatibilityFold } from './fold.js'

/** In Unicode code points, after normalisation. */
export const MAX_ANSWER_LENGTH = 256

/** Raw input is refused above this before any work, since NFKC can expand a string many-fold. */
const MAX_RAW_ANSWER_LENGTH = MAX_ANSWER_LENGTH * 4

// JavaScript's \s and Unicode's White_Space differ at the edges (U+0085 vs U+FEFF); take both.
const WHITESPACE_RUN = /[\s\p{White_Space}]+/gu
const LONE_SURROGATE = /\p{Cs}/u

export function normaliseAnswer(answer: string): string {
  if (typeof answer !== 'string') throw new InvalidInputError('security answer must be a string')
  if (answer.length > MAX_RAW_ANSWER_LENGTH) throw tooLong()
  // A lone surrogate would become U+FFFD in UTF-8, making different answers hash alike.
  if (LONE_SURROGATE.test(answer)) throw new InvalidInputError('security answer is not well-formed Unicode')
  const normalised = collapseWhitespace(compatibilityFold(answer))
  if (normalised === '') throw new InvalidInputError('security answer is empty')
  if (codePointLength(normalised) > MAX_ANSWER_LENGTH) throw tooLong()
  return normalised
}

function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_RUN, ' ').trim()
}

function codePointLength(text: string): number {
  let length = 0
  for (const _ of text) length++
  return length
}

function tooLong(): InvalidInputError {
  return new InvalidInputError(`security answer is longer than ${MAX_ANSWER_LENGTH} characters`)
}
