/** `securechat p2p host`: opens a room, shows its invitation and room code, and runs the chat. */

import { RoomStoreError } from '../node/errors.js'
import { createRoomHost, defaults, hashAnswer, type RoomHost, type RoomHostOptions } from '../node/index.js'
import { defaultListenAddresses } from '../node/libp2p.js'
import { currentRelayEvents } from '../node/reach.js'
import { RoomStore, type StoredRoom } from '../node/room-store.js'
import { describeNicknameProblem, nicknameProblem, normaliseNickname } from '../protocol/nickname.js'
import { ChatScreen } from './chat-screen.js'
import { colourEnabled, Style } from './colours.js'
import { formatDuration } from './duration.js'
import { CliError, ExitCode, type ExitCodeValue, UsageError } from './exit-codes.js'
import { type FileFlags, memberFileOptions } from './file-options.js'
import { localDateTime, spacedCode } from './format.js'
import { type Io, log, writeJson } from './io.js'
import { codeEvent, invitationEvent } from './json-mode.js'
import { Terminal } from './prompt.js'
import { askNewAnswer, askQuestion, checkAnswer, givenAnswer, questionProblem } from './secrets.js'
import { currentCode, hostSession, watchCode } from './session.js'
import { runSession } from './session-runner.js'
import { type PageLauncher, pageLauncher, withPage } from './ui/launch.js'
import { emitter, sessionFaces } from './ui/page-face.js'
import type { UiServer } from './ui/server.js'

export interface HostFlags extends FileFlags {
  port?: number
  listen?: string[]
  announce?: string[]
  public?: boolean
  /** Circuit relays to keep a reservation on. */
  relay?: string[]
  /** Ask the router to forward the port (UPnP); `--no-upnp` turns it off. */
  upnp?: boolean
  question?: string
  answerFile?: string
  nick?: string
  ttl?: number
  maxUses?: number
  relayOnly?: boolean
  room?: string
  json?: boolean
  maxConnections?: number
  inboundThreshold?: number
  /** mDNS announcement on the LAN; `--no-mdns` turns it off. */
  mdns?: boolean
  /** The largest file the host relays (--max-file-size). */
  maxFileSize?: number
  /** Chat in a page served on loopback (ui/). */
  ui?: boolean
  /** With `--ui`: open the browser (`--no-open` turns it off). */
  open?: boolean
}

/**
 * A room opened from the page of `securechat ui`: its server, and what the page gave that a flag
 * cannot (the answer is never a flag; the room's name is no flag either).
 */
export interface StartedFromPage {
  server: UiServer
  answer: string
  roomName?: string
}

/** Puts `port` into every listen address that leaves the port to the system (`/tcp/0`). */
export function withPort(listen: string[], port: number | undefined): string[] {
  if (port === undefined) return listen
  return listen.map((address) => address.replace(/\/tcp\/0(?=\/|$)/, `/tcp/${port}`))
}

/** How long a host started with --relay waits for a reservation before printing its invitation. */
const FIRST_RESERVATION_WAIT_MS = 5000

/** Resolves once every relay holds a reservation for the room, or after `waitMs`. */
function firstReservation(room: RoomHost, waitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      off()
      resolve()
    }
    const timer = setTimeout(done, waitMs)
    const off = room.on('relay', () => {
      if (room.relays.every((r) => r.reserved)) done()
    })
    if (room.relays.every((r) => r.reserved)) done()
  })
}

/** The TCP port the node actually bound, from its first TCP address. */
function boundPort(room: RoomHost): number | undefined {
  for (const address of room.node.getMultiaddrs()) {
    const match = /\/tcp\/(\d+)/.exec(address.toString())
    if (match?.[1] !== undefined) return Number(match[1])
  }
  return undefined
}

interface RoomSecrets {
  question: string
  answerHash: string
  nickname: string
}

/**
 * Question, answer and nickname: from the flags (and the start page's answer), the stored room, or
 * (interactive only) prompts.
 */
async function roomSecrets(
  flags: HostFlags,
  stored: StoredRoom | undefined,
  io: Io,
  terminal: Terminal | undefined,
  pageAnswer: string | undefined
): Promise<RoomSecrets> {
  const nickname = normaliseNickname(flags.nick ?? stored?.nickname ?? 'host')
  const nickProblem = nicknameProblem(nickname)
  if (nickProblem !== undefined) throw new UsageError(`--nick: ${describeNicknameProblem(nickProblem)}`)

  let question = flags.question?.trim() ?? stored?.question
  if (question !== undefined) {
    const problem = questionProblem(question)
    if (problem !== undefined) throw new UsageError(`--question: ${problem}`)
  } else if (terminal === undefined) {
    throw new UsageError('the host needs --question in --json mode (nothing is asked in machine mode)')
  } else {
    question = await askQuestion(terminal)
  }

  if (pageAnswer !== undefined) checkAnswer(pageAnswer, 'the page')
  const answer = pageAnswer ?? givenAnswer(flags.answerFile, io.env)
  const questionChanged = stored !== undefined && question !== stored.question
  if (answer === undefined && stored !== undefined && !questionChanged) {
    log('reusing the stored question and answer of room %s', stored.roomName)
    return { question, answerHash: stored.answerHash, nickname }
  }
  let chosen = answer
  if (chosen === undefined) {
    if (terminal === undefined) {
      throw new UsageError(
        'the host needs the answer in --json mode: give --answer-file <path> or set SECURECHAT_ANSWER'
      )
    }
    chosen = await askNewAnswer(terminal)
  }
  return { question, answerHash: await hashAnswer(chosen), nickname }
}

function warnLine(io: Io, json: boolean, message: string): void {
  if (json) writeJson(io, { type: 'warning', message })
  else io.stderr.write(`securechat: warning: ${message}\n`)
}

export async function hostCommand(
  flags: HostFlags,
  io: Io,
  fromPage?: StartedFromPage
): Promise<ExitCodeValue> {
  const json = flags.json === true
  const style = new Style(!json && colourEnabled(io.stdout, io.env))
  // A room opened from the page asks nothing: the page gave it all.
  const terminal =
    json || fromPage !== undefined ? undefined : new Terminal({ input: io.stdin, output: io.stdout })
  const page = pageLauncher(io, flags, 'host', flags.maxFileSize ?? defaults.MAX_FILE_SIZE, fromPage?.server)
  try {
    if (page === undefined) return await openRoom(flags, io, { json, style, terminal })
    // In --json mode the `ui` event comes before anything else; scripts rely on it.
    if (json) await page.open()
    return await withPage(page, () => openRoom(flags, io, { json, style, terminal, page, fromPage }))
  } finally {
    terminal?.close()
  }
}

interface HostContext {
  json: boolean
  style: Style
  terminal: Terminal | undefined
  page?: PageLauncher
  fromPage?: StartedFromPage | undefined
}

async function openRoom(flags: HostFlags, io: Io, context: HostContext): Promise<ExitCodeValue> {
  const { json, style, terminal, page, fromPage } = context
  let store: RoomStore | undefined
  let stored: StoredRoom | undefined
  if (flags.room !== undefined) {
    try {
      store = new RoomStore(flags.room, { env: io.env, warn: (m) => warnLine(io, json, m) })
      stored = await store.load()
    } catch (err) {
      if (err instanceof RoomStoreError) {
        throw new CliError(err.message, ExitCode.ERROR, 'room-store')
      }
      throw err
    }
    log('room %s: %s', flags.room, stored === undefined ? 'new' : 'loaded')
  }

  // Checked before anything is asked or opened: a wrong --download-dir is a usage error.
  const files = memberFileOptions(flags, { env: io.env })
  const secrets = await roomSecrets(flags, stored, io, terminal, fromPage?.answer)
  // With the page, the terminal is done with (Ctrl-C is a signal again) before the browser opens.
  if (page !== undefined) terminal?.close()
  const ui = await page?.open()
  if (store !== undefined) {
    if (stored === undefined) {
      stored = await store.create({ roomName: flags.room, ...secrets })
    } else {
      stored = { ...stored, ...secrets }
      store.saveSettings(stored)
    }
  }

  const port = flags.port ?? stored?.port
  const listen =
    flags.listen === undefined
      ? defaultListenAddresses(port ?? defaults.DEFAULT_PORT)
      : withPort(flags.listen, port)
  const roomStore = store
  const options: RoomHostOptions = {
    question: secrets.question,
    answerHash: secrets.answerHash,
    nickname: secrets.nickname,
    listen,
    mdns: flags.mdns !== false,
    announce: flags.announce,
    relays: flags.relay ?? [],
    ...(fromPage?.roomName === undefined ? {} : { roomName: fromPage.roomName }),
    upnp: flags.upnp !== false,
    ...(flags.relayOnly === true ? { relayOnly: true } : {}),
    maxConnections: flags.maxConnections,
    inboundConnectionThreshold: flags.inboundThreshold,
    files,
    fileLimits: { maxFileSize: flags.maxFileSize ?? defaults.MAX_FILE_SIZE },
    ...(stored === undefined
      ? {}
      : {
          roomName: stored.roomName,
          roomId: stored.roomId,
          roomSecret: stored.roomSecret,
          fernetKey: stored.fernetKey,
          keys: stored.keys,
          privateKey: stored.privateKey,
          invitations: stored.invitations,
          banned: stored.banned,
          onBansChange: (banned) => {
            try {
              roomStore?.saveBans(banned)
            } catch (err) {
              warnLine(io, json, `could not save the bans: ${(err as Error).message}`)
            }
          },
          onInvitationsChange: (records) => {
            try {
              roomStore?.saveInvitations(records)
            } catch (err) {
              warnLine(io, json, `could not save the invitations: ${(err as Error).message}`)
            }
          }
        })
  }

  log('opening the room on %s', listen.join(' '))
  let room: RoomHost
  try {
    room = await createRoomHost(options)
  } catch (err) {
    // libp2p reports a failed listen inside a longer message (with the socket error's stack).
    const inUse =
      (err as NodeJS.ErrnoException).code === 'EADDRINUSE' || /EADDRINUSE/.test((err as Error).message)
    if (inUse) {
      throw new CliError(
        `the port is already in use (listening on ${listen.join(', ')}): pass --port <n>, or --port 0 for any free port` +
          (flags.room !== undefined && flags.port === undefined
            ? ` (the room's invitations point at its stored port ${port})`
            : ''),
        ExitCode.ERROR,
        'address-in-use'
      )
    }
    const reason = /(E[A-Z]{3,}[^\n]*)/.exec((err as Error).message)?.[1] ?? (err as Error).message
    throw new CliError(
      `cannot open the room on ${listen.join(', ')}: ${reason}`,
      ExitCode.ERROR,
      'listen-failed'
    )
  }

  if (store !== undefined && stored !== undefined) {
    const bound = boundPort(room)
    if (bound !== undefined && bound !== stored.port) {
      stored = { ...stored, port: bound }
      store.saveSettings(stored)
    }
  }

  const ownFingerprint = room.memberList.find((m) => m.peerId === room.peerId)?.fingerprint
  const session = hostSession(room, {
    defaultTtlMs: flags.ttl ?? defaults.DEFAULT_INVITATION_TTL_MS,
    includePublic: flags.public === true,
    announced: flags.announce ?? [],
    fingerprint: ownFingerprint,
    nickname: secrets.nickname,
    restartable: store !== undefined
  })
  const controls = session.host as NonNullable<typeof session.host>
  // An invitation printed a moment before the relay answers would lead only to the LAN.
  if ((flags.relay ?? []).length > 0) await firstReservation(room, FIRST_RESERVATION_WAIT_MS)
  const issued = await controls.invite({ maxUses: flags.maxUses })
  let current = issued
  /** The first invitation again, token unchanged, whenever the addresses it should offer change. */
  const onAddresses = (show: (next: typeof issued) => void): (() => void) =>
    room.on('addresses', () => {
      const next = controls.reissue(current)
      if (next.invitation === current.invitation) return
      current = next
      show(next)
    })
  if (issued.withheld.length > 0 && json) {
    log('left %d public address(es) out of the invitation (no --public)', issued.withheld.length)
  }

  if (json || ui !== undefined) {
    const firstCode = await currentCode(room)
    let stopCode: (() => void) | undefined
    let stopAddresses: (() => void) | undefined
    const emit = emitter(io, json, ui)
    const faces = sessionFaces(io, json, ui, session, {
      onStart: () => {
        emit(invitationEvent(issued))
        emit(codeEvent(firstCode))
        emit({
          type: 'ready',
          role: 'host',
          peerId: room.peerId,
          nick: session.nickname ?? null,
          fingerprint: ownFingerprint ?? null,
          relayOnly: room.relayOnly,
          room: flags.room ?? null,
          listening: controls.listening()
        })
        // Reservations made before this face listened (the wait above) are said once here.
        for (const event of currentRelayEvents(room.node)) emit({ ...event })
        stopCode = watchCode(room, (code) => emit(codeEvent(code)))
        stopAddresses = onAddresses((next) => emit(invitationEvent(next)))
      },
      onEnd: () => {
        stopCode?.()
        stopAddresses?.()
      }
    })
    return runSession(faces.session, faces.face)
  }

  const screen = new ChatScreen(session, terminal as Terminal, {
    style,
    stdout: io.stdout,
    acceptFilesUpTo: files.acceptUpTo
  })
  const t = terminal as Terminal
  onAddresses((next) => {
    t.print('')
    t.print(style.bold('The invitation now leads to new addresses (same invitation, same token):'))
    screen.showInvitation(next)
  })
  t.print('')
  t.print(
    `${style.bold('The room is open')}${flags.room === undefined ? '' : ` (kept as "${flags.room}")`}. ` +
      (room.relayOnly ? 'You relay only: you cannot read or send messages.' : `You are ${secrets.nickname}.`)
  )
  t.print(`${style.dim('Security question:')} ${secrets.question}`)
  if (ownFingerprint !== undefined) t.print(`${style.dim('Your key fingerprint:')} ${ownFingerprint}`)
  t.print(`${style.dim('Listening on:')} ${controls.listening().join('  ')}`)
  for (const event of currentRelayEvents(room.node)) screen.show(event)
  t.print('')
  screen.showInvitation(issued)
  t.print('')
  const code = await currentCode(room)
  t.print(
    `Joiners also type the ${style.bold('room code')}, now ${style.bold(spacedCode(code.code))}; ` +
      `it changes every 30 s and the prompt below shows the current one.`
  )
  t.print(
    style.dim(
      `The invitation is valid for ${formatDuration(flags.ttl ?? defaults.DEFAULT_INVITATION_TTL_MS)} (until ${localDateTime(issued.expiresAt)}). ` +
        (store === undefined
          ? 'Type /help for commands; /quit, Ctrl-C or Ctrl-D closes the room.'
          : 'Type /help for commands; Ctrl-C or Ctrl-D stops the host (members wait for it to come back), /quit closes the room for good.')
    )
  )
  return runSession(session, screen)
}
