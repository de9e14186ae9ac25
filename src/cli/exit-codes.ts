/** The process's exit status, one per outcome a script may want to tell apart. */
export const ExitCode = {
  /** A normal leave (/quit, Ctrl-C, Ctrl-D, SIGINT/SIGTERM), or the host closed the room. */
  OK: 0,
  /** Anything else: a lost connection, an unexpected failure. */
  ERROR: 1,
  /** A usage error: a bad flag or value, a malformed invitation, a missing answer in --json mode. */
  USAGE: 2,
  /** The host refused: invitation, answer, code, nickname, lockout, ban, kick, locked room. */
  REFUSED: 3,
  /** The host could not be reached at any address of the invitation. */
  UNREACHABLE: 4
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** A failure the CLI reports as one line: `code` is the stable machine code of the `error` event. */
export class CliError extends Error {
  static override readonly name: string = 'CliError'
  override name = 'CliError'
  readonly exitCode: ExitCodeValue
  readonly code: string
  readonly details: Record<string, unknown>
  constructor(message: string, exitCode: ExitCodeValue, code: string, details: Record<string, unknown> = {}) {
    super(message)
    this.exitCode = exitCode
    this.code = code
    this.details = details
  }
}

export class UsageError extends CliError {
  static override readonly name: string = 'UsageError'
  override name = 'UsageError'
  constructor(message: string, code = 'usage') {
    super(message, ExitCode.USAGE, code)
  }
}

/** The person gave up at a prompt (Ctrl-C, Ctrl-D, end of input). */
export class CancelledError extends CliError {
  static override readonly name: string = 'CancelledError'
  override name = 'CancelledError'
  constructor(message = 'cancelled') {
    super(message, ExitCode.ERROR, 'cancelled')
  }
}
