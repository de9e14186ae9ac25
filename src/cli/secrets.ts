/**
 * Where the security answer comes from: --answer-file, then SECURECHAT_ANSWER, then a hidden prompt.
 * Never a command-line argument (other users can read those in the process list). The names of the
 * joiner's other secret inputs are here too, so the help can name them without loading the room.
 */
import { readFileSync, statSync } from 'node:fs'
import { normaliseAnswer } from '../protocol/answer.js'
import { MAX_QUESTION_LENGTH } from '../protocol/constants.js'
import { UsageError } from './exit-codes.js'
import { log } from './io.js'
import type { Terminal } from './prompt.js'

export const ANSWER_ENV = 'SECURECHAT_ANSWER'
export const INVITATION_ENV = 'SECURECHAT_INVITATION'
export const CODE_ENV = 'SECURECHAT_CODE'
const MAX_ANSWER_FILE_BYTES = 4096

/**
 * The text of a small file named by a flag, for a secret kept off the command line. A missing,
 * unreadable or oversized file is a usage error naming the flag and path, never the content.
 */
export function readSecretFile(path: string, flag: string, maxBytes: number): string {
  try {
    if (statSync(path).size > maxBytes) {
      throw new UsageError(`${flag} ${path} is larger than ${maxBytes} bytes`)
    }
    return readFileSync(path, 'utf8')
  } catch (err) {
    if (err instanceof UsageError) throw err
    throw new UsageError(`cannot read ${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
  }
}

/** The answer from --answer-file (its first line) or the environment, or undefined. */
export function givenAnswer(
  answerFile: string | undefined,
  env: Record<string, string | undefined>
): string | undefined {
  if (answerFile !== undefined) {
    const text = readSecretFile(answerFile, '--answer-file', MAX_ANSWER_FILE_BYTES)
    const answer = text.split(/\r?\n/)[0] ?? ''
    checkAnswer(answer, '--answer-file')
    log('answer taken from --answer-file')
    return answer
  }
  const fromEnv = env[ANSWER_ENV]
  if (fromEnv !== undefined && fromEnv !== '') {
    checkAnswer(fromEnv, ANSWER_ENV)
    log('answer taken from %s', ANSWER_ENV)
    return fromEnv
  }
  return undefined
}

/** Throws a usage error naming the source (never the answer) when the answer cannot be used. */
export function checkAnswer(answer: string, source: string): void {
  try {
    normaliseAnswer(answer)
  } catch (err) {
    throw new UsageError(`the answer from ${source} is not usable: ${(err as Error).message}`)
  }
}

function answerProblem(answer: string): string | undefined {
  try {
    normaliseAnswer(answer)
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

/** The host chooses the answer: typed hidden, twice, until both agree. */
export async function askNewAnswer(terminal: Terminal): Promise<string> {
  for (;;) {
    const first = await terminal.ask('Answer joiners must give (hidden): ', { hidden: true })
    const problem = answerProblem(first)
    if (problem !== undefined) {
      terminal.print(`That answer cannot be used: ${problem}. Try again.`)
      continue
    }
    const second = await terminal.ask('The same answer again (hidden): ', { hidden: true })
    if (second === first) return first
    terminal.print('The two answers differ. Try again.')
  }
}

/** A question is one line of at most MAX_QUESTION_LENGTH characters, with no control characters. */
export function questionProblem(question: string): string | undefined {
  const trimmed = question.trim()
  if (trimmed === '') return 'the security question is empty'
  if ([...trimmed].length > MAX_QUESTION_LENGTH)
    return `the security question is longer than ${MAX_QUESTION_LENGTH} characters`
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\x00-\x1f\x7f]/.test(trimmed)) return 'the security question must be one line of text'
  return undefined
}

export async function askQuestion(terminal: Terminal): Promise<string> {
  terminal.print('Joiners must answer a security question: ask something only they know.')
  for (;;) {
    const question = (await terminal.ask('Security question: ')).trim()
    const problem = questionProblem(question)
    if (problem === undefined) return question
    terminal.print(`${problem}. Try again.`)
  }
}
