/**
 * @module One session's life, whatever face shows it: room events and lines in, commands, signals,
 * leaving or being closed, the exit code.
 */
import type { RoomEvent } from '../node/index.js'
import { ReasonError } from '../protocol/errors.js'
import { reasonCode } from '../protocol/reasons.js'
import { type CommandResult, runCommand } from './actions.js'
import { type ParsedInput, parseInput } from './commands.js'
import { ExitCode, type ExitCodeValue } from './exit-codes.js'
import { closedExitCode, log, onTerminationSignal } from './io.js'
import type { ChatSession } from './session.js'

/** A command's result for a face to show; `/quit` never reaches a face, the runner leaves instead. */
export type ShownResult = Exclude<CommandResult, { kind: 'quit' }>

/**
 * A line as the runner will treat it. A message a relay-only host cannot send is already `invalid`
 * here (code `relay-only`), so a face never has to know that rule.
 */
export type Input =
  | Exclude<ParsedInput, { kind: 'invalid' }>
  | { kind: 'invalid'; code: string; message: string }

/** A line that went wrong: not understood, not sent, or a command that threw. */
export interface InputError {
  /** The stable machine code (README, "Machine mode": commands and sending). */
  code: string
  message: string
  /** True when a message was not sent (the chat screen says "not sent: …"). */
  unsent?: boolean
}

/** How the session ends, in the order a face hears it. */
export type SessionEnd =
  /** Leaving by this side's choice (a signal, Ctrl-C or Ctrl-D, /quit), before the room is told. */
  | { kind: 'leaving'; restarting: boolean }
  /** Left: the room is closed (or, `restarting`, kept for the members to wait for). */
  | { kind: 'left'; restarting: boolean }
  /** The room ended the session (the host closed, a kick or ban, the connection lost for good). */
  | { kind: 'closed'; event: Extract<RoomEvent, { type: 'closed' }>; exitCode: ExitCodeValue }

/**
 * What shows a session and reads its input: JSON Lines (json-mode.ts) or the chat screen
 * (chat-screen.ts). A face renders; every decision about the session's life is the runner's.
 */
export interface Face {
  /**
   * `in-order`: each line waits for the one before (a bot pairs results with its lines);
   * `as-they-come`: each line is handled at once, so a slow send never holds up a `/quit` typed after it.
   */
  readonly lineOrder: 'in-order' | 'as-they-come'
  /**
   * What the end of input means. `leave`: Ctrl-D or the end of piped input leaves, once the lines
   * read are handled. `stay`: nothing (a bot may simply have nothing to say).
   */
  readonly inputEnd: 'leave' | 'stay'
  /** Takes every line read from now on. */
  onLine(handler: (line: string) => void): void
  /** Called once when input ends (at once if it has already). */
  onInputEnd(handler: () => void): void
  /** Ctrl-C typed at a terminal, where it is a key rather than a signal; faces without one leave it out. */
  onInterrupt?(handler: () => void): void
  /** Called once everything listens: the opening lines, the prompt. */
  start(): void
  /** A line was read and is about to be handled (the chat screen redraws it in its own format). */
  entered?(line: string, input: Input): void
  /** A room event, any but `closed` (which ends the session: see `showEnd`). */
  show(event: Exclude<RoomEvent, { type: 'closed' }>): void
  showResult(result: ShownResult): void
  showError(error: InputError): void
  showEnd(end: SessionEnd): void
  /** The session is over: stop timers, release the input. */
  close(): void
}

const RELAY_ONLY = 'a relay-only host is not a member and cannot send'

/** Runs `session` shown by `face` until it is left or ended; resolves with the exit code. */
export function runSession(session: ChatSession, face: Face): Promise<ExitCodeValue> {
  return new Promise<ExitCodeValue>((resolve) => {
    // Set once, by whichever comes first: a leave or the room's `closed`. What follows is no news.
    let ending = false

    const end = (code: ExitCodeValue): void => {
      offSignals()
      offEvents()
      face.close()
      resolve(code)
    }

    /** `final` closes a kept room for good (/quit); anything else keeps it for a restart. */
    const leave = async (why: string, final = false): Promise<void> => {
      if (ending) return
      ending = true
      const restarting = session.restartable && !final
      log('leaving the room (%s)', why)
      face.showEnd({ kind: 'leaving', restarting })
      try {
        await session.close({ final })
      } catch (err) {
        log.error('closing failed: %s', (err as Error).message)
      }
      face.showEnd({ kind: 'left', restarting })
      end(ExitCode.OK)
    }

    const offEvents = session.onEvent((event: RoomEvent) => {
      if (ending) return
      if (event.type !== 'closed') {
        face.show(event)
        return
      }
      ending = true
      const exitCode = closedExitCode(event.reason)
      face.showEnd({ kind: 'closed', event, exitCode })
      end(exitCode)
    })

    const handle = async (line: string): Promise<void> => {
      if (ending) return
      const input = classify(line, session)
      face.entered?.(line, input)
      switch (input.kind) {
        case 'empty':
          return
        case 'invalid':
          face.showError({ code: input.code, message: input.message })
          return
        case 'message':
          try {
            await session.send(input.text)
          } catch (err) {
            // A message the host rejected is already reported by the room's own `error` event.
            if ((err as Error).name !== 'MessageRejectedError') {
              face.showError({
                code: sendErrorCode(err as Error),
                message: (err as Error).message,
                unsent: true
              })
            }
          }
          return
        case 'command': {
          let result: CommandResult
          try {
            result = await runCommand(input.command, session)
          } catch (err) {
            face.showError({ code: 'command-failed', message: (err as Error).message })
            return
          }
          if (result.kind === 'quit') await leave('/quit', true)
          else face.showResult(result)
        }
      }
    }

    const offSignals = onTerminationSignal((signal) => void leave(signal))
    face.onInterrupt?.(() => void leave('interrupt'))

    const pending = new Set<Promise<void>>()
    let last: Promise<void> = Promise.resolve()
    face.onLine((line) => {
      const work = (face.lineOrder === 'in-order' ? last.then(() => handle(line)) : handle(line)).catch(
        (err: unknown) => log.error('handling a line failed: %s', (err as Error).message)
      )
      last = work
      pending.add(work)
      void work.finally(() => pending.delete(work))
    })
    face.onInputEnd(() => {
      if (face.inputEnd === 'stay') {
        if (!ending) log('stdin ended: staying in the room until SIGINT or SIGTERM')
        return
      }
      // Piped input may end right after its last lines: those are handled before leaving.
      void Promise.allSettled([...pending]).then(() => leave('end of input'))
    })
    face.start()
  })
}

function classify(line: string, session: ChatSession): Input {
  const parsed = parseInput(line, session.role)
  if (parsed.kind === 'message' && !session.canSend) {
    return { kind: 'invalid', code: 'relay-only', message: RELAY_ONLY }
  }
  return parsed
}

/** The stable code of a failed send: the room's own reason where there is one (README, "Sending"). */
export function sendErrorCode(err: Error): string {
  if (err.name === 'RoomClosedError') return 'not-in-room'
  if (err.name === 'MessageTooLargeError') return 'message-too-large'
  if (err.name === 'NobodyToSendToError') return 'nobody-to-send-to'
  if (err instanceof ReasonError) return reasonCode(err.reason)
  return 'send-failed'
}
