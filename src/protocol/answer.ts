/**
 * Normalisation of the security answer, so that what a person would call "the same answer" hashes
 * the same: width, ligatures, case and spacing are not part of the secret.
 *
 * Pipeline: NFKC → case fold → NFKC → whitespace runs to one space → trim.
 *
 * Case folding: JavaScript has no full Unicode case fold, so it is approximated by
 * `toLowerCase().toUpperCase().toLowerCase()` (locale-independent, unlike `toLocale*Case`). The
 * upper-case pass applies the one-to-many mappings a plain `toLowerCase` skips, so "Straße",
 * "STRASSE" and "strasse" match (ß → SS → ss), and capital ẞ reaches the same place through the
 * first `toLowerCase`. Greek sigma ends up contextual (σ inside a word, ς at its end) however it was
 * typed. One deliberate leniency beyond Unicode folding: dotless ı matches i. The second NFKC
 * re-composes anything the case mapping decomposed (İ → i + U+0307).
 */
import { InvalidInputError } from './errors.js'

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
  const normalised = collapseWhitespace(caseFold(answer.normalize('NFKC')).normalize('NFKC'))
  if (normalised === '') throw new InvalidInputError('security answer is empty')
  if (codePointLength(normalised) > MAX_ANSWER_LENGTH) throw tooLong()
  return normalised
}

function caseFold(text: string): string {
  return text.toLowerCase().toUpperCase().toLowerCase()
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
