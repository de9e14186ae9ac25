/**
 * Where a joiner's invitation and room code come from. Both are secrets, so each has a way in that is
 * not a process argument: arguments are readable by every user of the machine (`ps`,
 * /proc/PID/cmdline) for as long as the process runs, and stay in the shell's history.
 *
 * - Invitation: the argument, else `--invitation-file <path>` (`-` = the first line of stdin), else
 *   SECURECHAT_INVITATION, else asked at the prompt (never in `--json` mode).
 * - Room code: `--code`, else SECURECHAT_CODE, else asked at the prompt (never in `--json` mode).
 */
import { invitationTarget } from '../node/index.js'
import { InvalidInvitationError } from '../protocol/invitation.js'
import { UsageError } from './exit-codes.js'
import { log } from './io.js'
import type { Terminal } from './prompt.js'
import { CODE_ENV, INVITATION_ENV, readSecretFile } from './secrets.js'

/** Far above any invitation (the codec refuses more than 8192 characters), far below harm. */
const MAX_INVITATION_BYTES = 16 * 1024
const CODE_SHAPE = /^[0-9]{6,8}$/

/** The room code without the spaces a person may type ("123 456"). */
export function cleanCode(code: string): string | undefined {
  const cleaned = code.replace(/[\s-]/g, '')
  return CODE_SHAPE.test(cleaned) ? cleaned : undefined
}

/** The room code from --code or SECURECHAT_CODE, or undefined (then it is asked for). */
export function givenCode(
  flag: string | undefined,
  env: Record<string, string | undefined>
): string | undefined {
  const fromEnv = env[CODE_ENV]
  const [raw, source] = flag !== undefined ? [flag, '--code'] : [fromEnv, CODE_ENV]
  if (raw === undefined || (flag === undefined && raw === '')) return undefined
  const code = cleanCode(raw)
  // The value is not repeated: a near-miss code is still most of a secret.
  if (code === undefined) throw new UsageError(`${source}: the room code is 6 to 8 digits`)
  return code
}

/** Why `text` is not a usable invitation (in words that never quote it), or undefined. */
export function invitationProblem(text: string): string | undefined {
  try {
    invitationTarget(text)
    return undefined
  } catch (err) {
    if (err instanceof InvalidInvitationError) return err.message
    throw err
  }
}

export function checkInvitation(invitation: string): void {
  const problem = invitationProblem(invitation)
  if (problem !== undefined) throw new UsageError(`invalid invitation: ${problem}`, 'invalid-invitation')
}

function firstNonEmptyLine(text: string): string | undefined {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '')
}

/**
 * The first non-empty line of `input`, leaving everything after it unread: in `--json` mode the
 * lines that follow are the messages. What was read past the line goes back with `unshift`, so the
 * next reader of the stream gets it. Undefined if the input ends first.
 */
export function readFirstLine(input: NodeJS.ReadableStream, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0)
    const finish = (): void => {
      input.off('readable', onReadable)
      input.off('end', onEnd)
      input.off('error', onError)
    }
    const onReadable = (): void => {
      for (let chunk = input.read(); chunk !== null; chunk = input.read()) {
        buffered = Buffer.concat([buffered, typeof chunk === 'string' ? Buffer.from(chunk) : chunk])
        for (let newline = buffered.indexOf(0x0a); newline !== -1; newline = buffered.indexOf(0x0a)) {
          const line = buffered.subarray(0, newline).toString('utf8').trim()
          buffered = buffered.subarray(newline + 1)
          if (line === '') continue
          finish()
          // At once, before the stream can see itself drained and end.
          if (buffered.length > 0) input.unshift(buffered)
          resolve(line)
          return
        }
        if (buffered.length > maxBytes) {
          finish()
          reject(new UsageError(`--invitation-file -: no line break in the first ${maxBytes} bytes of stdin`))
          return
        }
      }
    }
    const onEnd = (): void => {
      finish()
      resolve(firstNonEmptyLine(buffered.toString('utf8')))
    }
    const onError = (err: Error): void => {
      finish()
      reject(new UsageError(`--invitation-file -: cannot read stdin: ${err.message}`))
    }
    input.on('readable', onReadable)
    input.on('end', onEnd)
    input.on('error', onError)
  })
}

/**
 * The invitation given as the argument, with --invitation-file or in SECURECHAT_INVITATION, checked;
 * undefined if none was given (the caller asks, or refuses in --json mode).
 */
export async function givenInvitation(
  argument: string | undefined,
  file: string | undefined,
  io: { stdin: NodeJS.ReadableStream; env: Record<string, string | undefined> }
): Promise<string | undefined> {
  if (argument !== undefined && file !== undefined) {
    throw new UsageError('give the invitation once: as the argument or with --invitation-file, not both')
  }
  let invitation: string | undefined
  if (argument !== undefined) {
    invitation = argument
  } else if (file === '-') {
    invitation = await readFirstLine(io.stdin, MAX_INVITATION_BYTES)
    if (invitation === undefined)
      throw new UsageError('--invitation-file -: stdin ended before an invitation')
    log('invitation taken from stdin')
  } else if (file !== undefined) {
    invitation = firstNonEmptyLine(readSecretFile(file, '--invitation-file', MAX_INVITATION_BYTES))
    if (invitation === undefined) throw new UsageError(`--invitation-file ${file} holds no invitation`)
    log('invitation taken from --invitation-file')
  } else {
    const fromEnv = io.env[INVITATION_ENV]?.trim()
    if (fromEnv === undefined || fromEnv === '') return undefined
    invitation = fromEnv
    log('invitation taken from %s', INVITATION_ENV)
  }
  checkInvitation(invitation)
  return invitation
}

/**
 * Asks for the invitation until a usable one is pasted. It is shown as pasted (it is long, and the
 * host's screen shows it too) but kept out of the input history, so the up arrow in the chat cannot
 * send it to the room by mistake.
 */
export async function askInvitation(terminal: Terminal): Promise<string> {
  for (;;) {
    const pasted = (await terminal.ask('Paste the invitation: ', { forget: true })).trim()
    if (pasted === '') continue
    const problem = invitationProblem(pasted)
    if (problem === undefined) return pasted
    terminal.print(`That is not a usable invitation: ${problem}. Paste it again (one line, starting sc1).`)
  }
}

/**
 * Once secrets given as arguments are read, the process title replaces the arguments, so
 * /proc/PID/cmdline stops showing them for the rest of the session (on Linux, libuv overwrites the
 * whole argument area). Best effort only: they were visible while the process started, and the
 * shell keeps them in its history. Hence the other ways in.
 */
export function hideArguments(title: string): void {
  process.title = title
}
