/**
 * Machine mode: every room event is one JSON line on stdout; every stdin line is a message, or a
 * slash command whose result is an event too. The end of stdin changes nothing (a bot may have
 * nothing to say); SIGINT or SIGTERM leaves the room cleanly and exits 0.
 */
import { createInterface } from 'node:readline'
import type { RoomEvent } from '../node/index.js'
import { ReasonError } from '../protocol/errors.js'
import { reasonCode } from '../protocol/reasons.js'
import { type CommandResult, runCommand } from './actions.js'
import { parseInput } from './commands.js'
import { ExitCode, type ExitCodeValue } from './exit-codes.js'
import { closedExitCode, describeCode, type Io, log, onTerminationSignal, writeJson } from './io.js'
import type { ChatSession, IssuedInvitation, RoomCode } from './session.js'

export function invitationEvent(issued: IssuedInvitation): { type: 'invitation' } & Record<string, unknown> {
  return {
    type: 'invitation',
    id: issued.id,
    invitation: issued.invitation,
    addresses: issued.addresses,
    expiresAt: issued.expiresAt,
    maxUses: issued.maxUses ?? null
  }
}

export function codeEvent(code: RoomCode): { type: 'code' } & Record<string, unknown> {
  return { type: 'code', code: code.code, expiresAt: code.expiresAt, secondsLeft: code.secondsLeft }
}

export function resultEvent(result: Exclude<CommandResult, { kind: 'quit' }>): {
  type: string
} & Record<string, unknown> {
  switch (result.kind) {
    case 'help':
      return {
        type: 'help',
        commands: result.commands.map((c) => ({ usage: c.usage, summary: c.summary, hostOnly: c.hostOnly }))
      }
    case 'who':
      return { type: 'who', members: result.members }
    case 'code':
      return codeEvent(result.code)
    case 'invitation':
      return invitationEvent(result.invitation)
    case 'ok':
      return { type: 'ok', command: result.command, message: result.message, ...result.detail }
    case 'error':
      return { type: 'error', code: result.code, message: result.message, command: result.command }
  }
}

/** The stable code of a failed send: the room's own reason where there is one (README, "Sending"). */
export function sendErrorCode(err: Error): string {
  if (err.name === 'RoomClosedError') return 'not-in-room'
  if (err.name === 'MessageTooLargeError') return 'message-too-large'
  if (err.name === 'NobodyToSendToError') return 'nobody-to-send-to'
  if (err instanceof ReasonError) return reasonCode(err.reason)
  return 'send-failed'
}

export interface JsonSessionOptions {
  /** Writes the opening events, once signals and room events are taken care of. */
  onStart?: () => void
  /** Extra cleanup when the session ends (the host's code timer). */
  onEnd?: () => void
}

/** Runs the session until it is left or ended; resolves with the exit code. */
export function runJsonSession(
  session: ChatSession,
  io: Io,
  options: JsonSessionOptions = {}
): Promise<ExitCodeValue> {
  const emit = (event: { type: string } & Record<string, unknown>): void => writeJson(io, event)
  return new Promise<ExitCodeValue>((resolve) => {
    let ending = false
    const input = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false })

    const end = (code: ExitCodeValue): void => {
      offSignals()
      offEvents()
      options.onEnd?.()
      input.close()
      resolve(code)
    }

    const leave = async (why: string, final = false): Promise<void> => {
      if (ending) return
      ending = true
      log('leaving the room (%s)', why)
      try {
        await session.close({ final })
      } catch (err) {
        log.error('closing failed: %s', (err as Error).message)
      }
      emit({ type: 'closed', reason: session.restartable && !final ? 'restarting' : 'left' })
      end(ExitCode.OK)
    }

    const offEvents = session.onEvent((event: RoomEvent) => {
      if (event.type === 'closed') {
        if (ending) return
        ending = true
        emit({ ...event })
        const code = closedExitCode(event.reason)
        if (code === ExitCode.REFUSED)
          emit({ type: 'error', code: event.reason, message: describeCode(event.reason) })
        end(code)
        return
      }
      // Once leaving, what the closing connection reports is no news.
      if (!ending) emit({ ...event })
    })

    const offSignals = onTerminationSignal((signal) => void leave(signal))
    options.onStart?.()

    const handle = async (line: string): Promise<void> => {
      if (ending) return
      const parsed = parseInput(line, session.role)
      switch (parsed.kind) {
        case 'empty':
          return
        case 'invalid':
          emit({ type: 'error', code: parsed.code, message: parsed.message })
          return
        case 'message':
          if (!session.canSend) {
            emit({
              type: 'error',
              code: 'relay-only',
              message: 'a relay-only host is not a member and cannot send'
            })
            return
          }
          try {
            await session.send(parsed.text)
          } catch (err) {
            // A message the host rejected is already reported by the room's own `error` event.
            if ((err as Error).name !== 'MessageRejectedError') {
              emit({ type: 'error', code: sendErrorCode(err as Error), message: (err as Error).message })
            }
          }
          return
        case 'command': {
          let result: CommandResult
          try {
            result = await runCommand(parsed.command, session)
          } catch (err) {
            emit({ type: 'error', code: 'command-failed', message: (err as Error).message })
            return
          }
          if (result.kind === 'quit') await leave('/quit', true)
          else emit(resultEvent(result))
        }
      }
    }

    let queue = Promise.resolve()
    input.on('line', (line) => {
      queue = queue.then(() => handle(line))
    })
    input.on('close', () => {
      if (!ending) log('stdin ended: staying in the room until SIGINT or SIGTERM')
    })
  })
}
