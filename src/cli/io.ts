/** The process's streams and environment, passed down rather than reached for, so each part says what it uses. */
import { logger } from '@libp2p/logger'
import { describeReason } from '../protocol/reasons.js'
import { Reason } from '../protocol/wire/securechat.js'
import { ExitCode, type ExitCodeValue } from './exit-codes.js'

export interface Io {
  stdin: NodeJS.ReadStream
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  env: Record<string, string | undefined>
}

export function processIo(): Io {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }
}

/** `DEBUG=securechat:*` shows these; nothing secret (answers, codes, tokens, invitations, keys) goes in. */
export const log = logger('securechat:cli')

/** One JSON Lines event on stdout. */
export function writeJson(io: Io, event: { type: string } & Record<string, unknown>): void {
  io.stdout.write(`${JSON.stringify(event)}\n`)
}

/** The words for a reason code such as `banned` (the codes of src/protocol/reasons.ts). */
export function describeCode(code: string): string {
  const reason = (Reason as unknown as Record<string, unknown>)[code.toUpperCase().replaceAll('-', '_')]
  return typeof reason === 'string' ? describeReason(reason as Reason) : code
}

/** How the process ends when the room ends it: the host closing is a normal end, a ban or kick a refusal. */
export function closedExitCode(reason: string): ExitCodeValue {
  if (reason === 'left' || reason === 'host-closing') return ExitCode.OK
  if (reason === 'banned' || reason === 'kicked') return ExitCode.REFUSED
  return ExitCode.ERROR
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
let signalHandler: ((signal: NodeJS.Signals) => void) | undefined
let signalsInstalled = false

/**
 * Installs the process's SIGINT/SIGTERM/SIGHUP listeners once, at start-up, so a signal is never
 * the default kill: it goes to the running session (which leaves the room), and before there is one
 * it ends the process with 0, there being nothing to leave yet.
 */
export function installSignalHandling(): void {
  if (signalsInstalled) return
  signalsInstalled = true
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (signalHandler !== undefined) signalHandler(signal)
      else {
        log('%s before the room was up: exiting', signal)
        process.exit(ExitCode.OK)
      }
    })
  }
}

/** Routes termination signals to `handler` (the running session); returns the release. */
export function onTerminationSignal(handler: (signal: NodeJS.Signals) => void): () => void {
  installSignalHandling()
  signalHandler = handler
  return () => {
    if (signalHandler === handler) signalHandler = undefined
  }
}
