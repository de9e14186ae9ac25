/**
 * Machine mode: every room event is one JSON line on stdout; every stdin line is a message, or a
 * slash command whose result is an event too. The end of stdin changes nothing (a bot may have
 * nothing to say); SIGINT or SIGTERM leaves the room cleanly and exits 0. The session's life is
 * session-runner.ts's; this face only writes the events and reads the lines.
 */
import { createInterface, type Interface } from 'node:readline'
import type { RoomEvent } from '../node/index.js'
import { ExitCode } from './exit-codes.js'
import { describeCode, type Io, writeJson } from './io.js'
import type { IssuedInvitation, RoomCode } from './session.js'
import type { Face, InputError, SessionEnd, ShownResult } from './session-runner.js'

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

export function resultEvent(result: ShownResult): { type: string } & Record<string, unknown> {
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

/** The events that tell how a session ended (none for `leaving`: `left` follows). */
export function endEvents(end: SessionEnd): Array<{ type: string } & Record<string, unknown>> {
  switch (end.kind) {
    case 'leaving':
      return []
    case 'left':
      return [{ type: 'closed', reason: end.restarting ? 'restarting' : 'left' }]
    case 'closed':
      // A kick or ban is a refusal, reported as every refusal is (README, "Error codes").
      return end.exitCode === ExitCode.REFUSED
        ? [
            { ...end.event },
            { type: 'error', code: end.event.reason, message: describeCode(end.event.reason) }
          ]
        : [{ ...end.event }]
  }
}

export interface JsonFaceOptions {
  /** Writes the opening events, once signals and room events are taken care of. */
  onStart?: () => void
  /** Extra cleanup when the session ends (the host's code timer). */
  onEnd?: () => void
}

/** The JSON Lines face: each event one line on stdout, each stdin line handed to the runner in order. */
export class JsonFace implements Face {
  readonly lineOrder = 'in-order'
  readonly inputEnd = 'stay'
  private readonly io: Io
  private readonly options: JsonFaceOptions
  private readonly input: Interface

  constructor(io: Io, options: JsonFaceOptions = {}) {
    this.io = io
    this.options = options
    this.input = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false })
  }

  onLine(handler: (line: string) => void): void {
    this.input.on('line', handler)
  }

  onInputEnd(handler: () => void): void {
    this.input.on('close', handler)
  }

  start(): void {
    this.options.onStart?.()
  }

  show(event: RoomEvent): void {
    this.emit({ ...event })
  }

  showResult(result: ShownResult): void {
    this.emit(resultEvent(result))
  }

  showError(error: InputError): void {
    this.emit({ type: 'error', code: error.code, message: error.message })
  }

  showEnd(end: SessionEnd): void {
    for (const event of endEvents(end)) this.emit(event)
  }

  close(): void {
    this.options.onEnd?.()
    this.input.close()
  }

  private emit(event: { type: string } & Record<string, unknown>): void {
    writeJson(this.io, event)
  }
}
