/**
 * @module The page as a face of the session (session-runner.ts): it shows what `--json` mode
 * prints, and its lines are `--json` lines. With `--json` too, a tee runs both faces on one session;
 * without, the terminal beside the page is a quiet log.
 */
import { rm } from 'node:fs/promises'
import type { RoomEvent } from '../../node/index.js'
import { parseInput } from '../commands.js'
import { type Io, log, writeJson } from '../io.js'
import { endEvents, JsonFace, type JsonFaceOptions, resultEvent } from '../json-mode.js'
import type { ChatSession } from '../session.js'
import type { Face, InputError, SessionEnd, ShownResult } from '../session-runner.js'
import { humanSize } from '../sizes.js'
import type { PageEvent } from './page-messages.js'
import type { UiServer } from './server.js'
import { type UploadedFile, UploadRefused } from './upload.js'

const PATHS_REFUSED = 'from the page, send a file by dropping it here or with Send file, not by a path'

/** Whether a line is `/send <path>`: a command the terminal may give, the page not. */
function namesAPath(line: string): boolean {
  const parsed = parseInput(line, 'host')
  return parsed.kind === 'command' && parsed.command.name === 'send'
}

/** The page's face: events published to every page (and kept for later ones), lines from any page. */
export class UiFace implements Face {
  // As on the chat screen: a slow send never holds up a /quit clicked after it.
  readonly lineOrder = 'as-they-come'
  // Closing the tab is no end of input: the room stays until /quit or a signal.
  readonly inputEnd = 'stay'
  private readonly ui: UiServer

  constructor(ui: UiServer) {
    this.ui = ui
  }

  onLine(handler: (line: string) => void): void {
    this.ui.handle({
      line: (message, page) => {
        // A page sends files by upload: it cannot name a path, and one that could (a page someone
        // else took over, a bug in it) must not send the person's files off this machine.
        if (namesAPath(message.text)) {
          page.send({ type: 'error', code: 'ui-no-paths', message: PATHS_REFUSED })
          return
        }
        handler(message.text)
      }
    })
  }

  onInputEnd(): void {}

  start(): void {}

  show(event: Exclude<RoomEvent, { type: 'closed' }>): void {
    this.ui.publish({ ...event })
  }

  showResult(result: ShownResult): void {
    this.ui.publish(resultEvent(result))
  }

  showError(error: InputError): void {
    this.ui.publish({ type: 'error', code: error.code, message: error.message })
  }

  showEnd(end: SessionEnd): void {
    for (const event of endEvents(end)) this.ui.publish(event)
  }

  close(): void {
    this.ui.handle({})
    this.ui.takeUploads(undefined)
  }
}

/**
 * The terminal beside the page when not in `--json` mode: no chat, only how the session ended (the
 * link was printed before). Its input is not the room's.
 */
export class QuietLog implements Face {
  readonly lineOrder = 'as-they-come'
  readonly inputEnd = 'stay'
  private readonly io: Io

  constructor(io: Io) {
    this.io = io
  }

  onLine(): void {}
  onInputEnd(): void {}
  start(): void {}
  show(): void {}
  showResult(): void {}
  showError(): void {}
  close(): void {}

  showEnd(end: SessionEnd): void {
    if (end.kind === 'leaving') return
    const reason = end.kind === 'left' ? (end.restarting ? 'restarting' : 'left') : end.event.reason
    this.io.stdout.write(`securechat: the session ended (${reason}).\n`)
  }
}

/** Several faces on one session: each shows everything, lines come from all of them. */
export class TeeFace implements Face {
  readonly lineOrder: Face['lineOrder']
  readonly inputEnd: Face['inputEnd']
  private readonly faces: Face[]
  private readonly hooks: JsonFaceOptions

  constructor(faces: Face[], hooks: JsonFaceOptions = {}) {
    this.faces = faces
    this.hooks = hooks
    // A bot's lines are paired with their results in order, so one in-order face makes all so.
    this.lineOrder = faces.some((f) => f.lineOrder === 'in-order') ? 'in-order' : 'as-they-come'
    this.inputEnd = faces.every((f) => f.inputEnd === 'leave') ? 'leave' : 'stay'
  }

  onLine(handler: (line: string) => void): void {
    for (const face of this.faces) face.onLine(handler)
  }

  onInputEnd(handler: () => void): void {
    for (const face of this.faces) face.onInputEnd(handler)
  }

  start(): void {
    for (const face of this.faces) face.start()
    this.hooks.onStart?.()
  }

  show(event: Exclude<RoomEvent, { type: 'closed' }>): void {
    for (const face of this.faces) face.show(event)
  }

  showResult(result: ShownResult): void {
    for (const face of this.faces) face.showResult(result)
  }

  showError(error: InputError): void {
    for (const face of this.faces) face.showError(error)
  }

  showEnd(end: SessionEnd): void {
    for (const face of this.faces) face.showEnd(end)
  }

  close(): void {
    this.hooks.onEnd?.()
    for (const face of this.faces) face.close()
  }
}

/** Where the opening events of a session go: stdout in `--json` mode, and the page with `--ui`. */
export type Emit = (event: PageEvent) => void

export function emitter(io: Io, json: boolean, ui: UiServer | undefined): Emit {
  return (event) => {
    if (json) writeJson(io, event)
    ui?.publish(event)
  }
}

/**
 * The face (or faces) a machine or page session runs with, and the session as they need it: with a
 * page, each own message is told to it as `own-message` (a `--json` script knows its own lines; a
 * page must show those of the other face too), and a file dropped on the page is sent.
 */
export function sessionFaces(
  io: Io,
  json: boolean,
  ui: UiServer | undefined,
  session: ChatSession,
  hooks: JsonFaceOptions
): { face: Face; session: ChatSession } {
  if (ui === undefined) return { face: new JsonFace(io, hooks), session }
  const face = new TeeFace([json ? new JsonFace(io) : new QuietLog(io), new UiFace(ui)], hooks)
  ui.takeUploads((file) => sendUpload(session, file, (result) => face.showResult(result)))
  return { face, session: withOwnMessages(session, ui) }
}

function withOwnMessages(session: ChatSession, ui: UiServer): ChatSession {
  return {
    ...session,
    send: async (text) => {
      const ts = Date.now()
      const sent = await session.send(text)
      ui.publish({
        type: 'own-message',
        from: session.nickname ?? '',
        peerId: session.peerId,
        text,
        seq: sent.seq,
        ts
      })
      return sent
    }
  }
}

const RELAY_ONLY = 'a relay-only host is not a member and cannot send or receive files'

/**
 * Sends an uploaded file as `/send` would, under the page's name, and removes the temporary copy
 * once the send ends. The result is shown as `/send`'s `ok`, without the temporary path.
 */
async function sendUpload(
  session: ChatSession,
  file: UploadedFile,
  show: (result: ShownResult) => void
): Promise<void> {
  const files = session.files
  if (files === undefined) {
    await rm(file.path, { force: true })
    throw new UploadRefused(409, 'relay-only', RELAY_ONLY)
  }
  log('sending an uploaded file of %d bytes', file.size)
  // Its failures are events already (session.ts), as for /send.
  void files
    .send(file.path, file.name)
    .catch(() => {})
    .finally(() => rm(file.path, { force: true }))
  show({
    kind: 'ok',
    command: 'send',
    message: `offering ${file.name} (${humanSize(file.size)}) to the room…`,
    detail: { name: file.name, size: file.size }
  })
}
