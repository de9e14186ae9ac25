/**
 * The interactive chat: messages, joins and leaves appear above the input line (which keeps what is
 * being typed), each nickname in its own colour, with HH:MM timestamps. The host's prompt carries
 * the room code and its countdown. A file transfer under way shows its progress in one status line
 * just above the input line. Ctrl-C, Ctrl-D or /quit leaves and the room is told.
 */
import * as defaults from '../node/constants.js'
import type { RoomEvent } from '../node/index.js'
import { NickColours, type Style } from './colours.js'
import { ExitCode } from './exit-codes.js'
import { type FileEvent, FileView, isFileEvent } from './file-view.js'
import { clock, localDateTime, spacedCode } from './format.js'
import { describeCode } from './io.js'
import type { Terminal } from './prompt.js'
import { terminalQr } from './qr.js'
import { displayText } from './sanitize.js'
import { type ChatSession, currentCode, type IssuedInvitation, type RoomCode, watchCode } from './session.js'
import type { Face, Input, InputError, SessionEnd, ShownResult } from './session-runner.js'

export interface ChatScreenOptions {
  style: Style
  /** The stream behind the terminal, for the QR code's width check. */
  stdout: { isTTY?: boolean; columns?: number }
  /** Offers up to this many bytes are accepted without asking (--accept-files); -1 or absent: none. */
  acceptFilesUpTo?: number
}

/** The chat screen face: the session's life is session-runner.ts's; this draws it and reads the terminal. */
/** The port of `host:port`. */
function portOf(hostPort: string): string {
  return hostPort.slice(hostPort.lastIndexOf(':') + 1)
}

/** A relay's address shortened for a notice: its host part and the end of its PeerId. */
function shortRelay(address: string): string {
  const peer = /\/p2p\/([^/]+)$/.exec(address)?.[1] ?? ''
  const at = address.replace(/\/p2p\/[^/]+$/, '')
  return peer === '' ? at : `${at} (…${peer.slice(-6)})`
}

export class ChatScreen implements Face {
  private readonly session: ChatSession
  private readonly terminal: Terminal
  private readonly style: Style
  private readonly stdout: ChatScreenOptions['stdout']
  private readonly colours = new NickColours()
  private readonly files: FileView
  private code: RoomCode | undefined
  private stopCode: (() => void) | undefined
  private ticker: NodeJS.Timeout | undefined

  constructor(session: ChatSession, terminal: Terminal, options: ChatScreenOptions) {
    this.session = session
    this.terminal = terminal
    this.style = options.style
    this.stdout = options.stdout
    this.files = new FileView({ nick: (nick) => this.nick(nick), acceptUpTo: options.acceptFilesUpTo })
    for (const person of session.who()) this.colours.colourOf(person.nick)
  }

  /** Shows an invitation: the string, a QR code when the terminal can show one, its terms. */
  showInvitation(issued: IssuedInvitation): void {
    const s = this.style
    const uses = issued.maxUses === undefined ? 'any number of uses' : `at most ${issued.maxUses} use(s)`
    this.terminal.print(
      `${s.bold('Invitation')} ${s.dim(`(id ${issued.id}; valid until ${localDateTime(issued.expiresAt)}; ${uses})`)}`
    )
    this.terminal.print(s.dim('Send it privately: with the answer and the room code, it lets someone in.'))
    this.terminal.print('')
    this.terminal.print(issued.invitation)
    this.terminal.print('')
    const qr = terminalQr(issued.invitation, this.stdout, { colour: s.enabled })
    if (qr !== undefined) {
      for (const line of qr) this.terminal.print(line)
      this.terminal.print('')
    }
    this.terminal.print(`${s.dim('It leads to:')} ${issued.addresses.join('  ')}`)
    if (issued.withheld.length > 0) {
      this.terminal.print(
        s.dim(`Public addresses left out (add --public to offer them): ${issued.withheld.join('  ')}`)
      )
    }
  }

  readonly lineOrder = 'as-they-come'
  readonly inputEnd = 'leave'

  onLine(handler: (line: string) => void): void {
    this.terminal.onInput(handler)
  }

  onInputEnd(handler: () => void): void {
    this.terminal.onEnd(handler)
  }

  onInterrupt(handler: () => void): void {
    this.terminal.onInterrupt(handler)
  }

  start(): void {
    this.startPrompt()
  }

  /** Readline echoed the line as typed: it is erased and, where it stays, shown in the chat's format. */
  entered(line: string, input: Input): void {
    this.terminal.eraseEntered(line)
    switch (input.kind) {
      case 'empty':
        this.terminal.refresh()
        return
      case 'message':
        this.line(Date.now(), `<${this.nick(this.session.nickname ?? '')}> ${displayText(input.text)}`)
        return
      case 'command':
        this.terminal.print(this.style.dim(`> ${displayText(line.trim())}`))
        return
      case 'invalid':
        return
    }
  }

  showError(error: InputError): void {
    this.notice(error.unsent === true ? `not sent: ${error.message}` : error.message, true)
  }

  showEnd(end: SessionEnd): void {
    switch (end.kind) {
      case 'leaving':
        this.terminal.print(
          this.style.dim(
            this.session.role === 'member'
              ? 'Leaving the room…'
              : end.restarting
                ? `Stopping; the room is kept. Its members wait up to ${Math.round(defaults.RESUME_TTL_MS / 60_000)} min for it to come back (/quit closes it for good).`
                : 'Closing the room…'
          )
        )
        return
      case 'left':
        return
      case 'closed':
        this.notice(
          end.exitCode === ExitCode.OK
            ? `The room was closed by the host.`
            : `You are no longer in the room: ${describeCode(end.event.reason)}.`,
          end.exitCode !== ExitCode.OK
        )
    }
  }

  close(): void {
    this.stopCode?.()
    if (this.ticker !== undefined) clearInterval(this.ticker)
    this.terminal.close()
  }

  private startPrompt(): void {
    const host = this.session.host
    if (host === undefined) {
      this.terminal.showPrompt(this.prompt())
      return
    }
    void currentCode(host.room).then((code) => {
      this.code = code
      this.terminal.showPrompt(this.prompt())
      if (!this.terminal.interactive) this.terminal.print(this.codeLine(code))
    })
    this.stopCode = watchCode(host.room, (code) => {
      this.code = code
      // Without a live prompt, each new code is printed as a line.
      if (!this.terminal.interactive) this.terminal.print(this.codeLine(code))
      else this.terminal.updatePrompt(this.prompt())
    })
    if (this.terminal.interactive) {
      this.ticker = setInterval(() => this.terminal.updatePrompt(this.prompt()), 1000)
      this.ticker.unref()
    }
  }

  private codeLine(code: RoomCode): string {
    return `${this.style.bold('Room code')} ${spacedCode(code.code)} ${this.style.dim(`(valid ${code.secondsLeft}s)`)}`
  }

  /** "[123 456 · 17s] host> " for the host, "alice> " for a member. */
  private prompt(): string {
    const me = this.session.nickname
    const name = me === undefined ? 'relay' : this.style.colour(me, this.colours.colourOf(me))
    if (this.session.host === undefined || this.code === undefined) return `${name}> `
    const left = Math.max(0, Math.ceil((this.code.expiresAt - Date.now()) / 1000))
    const code = `${spacedCode(this.code.code)} · ${String(left).padStart(2, ' ')}s`
    const locked = this.session.host.locked ? ' locked' : ''
    return `${this.style.dim('[code ')}${this.style.bold(code)}${this.style.dim(`${locked}]`)} ${name}> `
  }

  private nick(nick: string): string {
    const safe = displayText(nick)
    return this.style.colour(safe, this.colours.colourOf(nick))
  }

  private line(ts: number, text: string): void {
    this.terminal.print(`${this.style.dim(clock(ts))} ${text}`)
  }

  private notice(text: string, alert = false): void {
    this.line(Date.now(), alert ? this.style.alert(`! ${text}`) : this.style.dim(`* ${text}`))
  }

  show(event: RoomEvent): void {
    if (isFileEvent(event)) {
      this.showFile(event)
      return
    }
    switch (event.type) {
      case 'message':
        this.line(event.ts, `<${this.nick(event.from)}> ${displayText(event.text)}`)
        return
      case 'member-joined':
        this.line(
          Date.now(),
          `${this.style.dim('→')} ${this.nick(event.nick)} ${this.style.dim(`joined (key ${event.fingerprint})`)}`
        )
        return
      case 'member-left':
        this.line(
          Date.now(),
          `${this.style.dim('←')} ${this.nick(event.nick)} ${this.style.dim(`left (${describeCode(event.reason)})`)}`
        )
        this.colours.release(event.nick)
        return
      case 'error':
        this.notice(displayText(event.message), true)
        return
      case 'refused':
        this.notice(`a join from ${event.address} was refused: ${describeCode(event.reason)}`)
        return
      case 'member-away':
        this.line(
          Date.now(),
          this.style.dim(`… ${displayText(event.nick)} lost the connection; their place is kept`)
        )
        return
      case 'member-back':
        this.line(Date.now(), `${this.style.dim('↺')} ${this.nick(event.nick)} ${this.style.dim('is back')}`)
        return
      case 'reconnecting':
        if (event.cause === 'relay-limit') {
          this.notice(
            "the relayed connection to the host ended: relays limit each connection's time and data (libp2p's default: 2 minutes, 128 KiB), or the relay went away; resuming, nothing is lost",
            true
          )
        }
        this.notice(
          `connection to the host lost; reconnecting (attempt ${event.attempt}, in ${Math.max(1, Math.round(event.delayMs / 1000))} s)`,
          true
        )
        return
      case 'connection':
        this.notice(
          event.connection === 'direct'
            ? event.cause === 'upgraded'
              ? 'now connected straight to the host; the relay is no longer used'
              : 'connected straight to the host'
            : 'connected to the host through the relay again'
        )
        return
      case 'upnp':
        this.notice(
          event.state === 'mapped'
            ? `router opened port ${portOf(event.internal)} → ${event.external}; invitations offer it once another peer confirms it`
            : `the router would not forward port ${portOf(event.internal)} (${displayText(event.reason ?? 'refused')}); joiners from outside need a relay (--relay)`,
          event.state === 'refused'
        )
        return
      case 'relay':
        this.notice(
          event.state === 'reserved'
            ? `the relay ${shortRelay(event.relay)} holds a place for the room: joiners behind other NATs can reach you through it`
            : `lost the place on the relay ${shortRelay(event.relay)}${event.reason === undefined ? '' : ` (${displayText(event.reason)})`}; asking again`,
          event.state === 'lost'
        )
        return
      case 'back':
        this.notice(
          event.gapUnknown
            ? 'back in the room; the host restarted, so messages sent meanwhile may be missing'
            : event.missed > 0
              ? `back in the room; ${event.missed} message(s) were missed`
              : 'back in the room; nothing was missed'
        )
        return
      default:
        return
    }
  }

  /** A transfer's line above the input line, and its progress in the status line just over it. */
  private showFile(event: FileEvent): void {
    const shown = this.files.line(event)
    this.terminal.setStatus(this.files.status(this.terminal.columns))
    if (shown === undefined) return
    if (shown.alert) this.notice(shown.text, true)
    else this.line(Date.now(), shown.text)
  }

  showResult(result: ShownResult): void {
    const s = this.style
    switch (result.kind) {
      case 'help': {
        const width = Math.max(...result.commands.map((c) => c.usage.length))
        for (const c of result.commands)
          this.terminal.print(`  ${c.usage.padEnd(width)}  ${s.dim(c.summary)}`)
        this.terminal.print(
          s.dim('  Any other line is a message to everyone; start it with // to send a "/".')
        )
        return
      }
      case 'who': {
        this.terminal.print(`${result.members.length} in the room:`)
        const width = Math.max(...result.members.map((m) => displayText(m.nick).length))
        for (const m of result.members) {
          const tags = [m.host ? 'host' : '', m.self ? 'you' : ''].filter((t) => t !== '').join(', ')
          const pad = ' '.repeat(Math.max(0, width - displayText(m.nick).length))
          this.terminal.print(
            `  ${this.nick(m.nick)}${pad}  ${m.fingerprint}${tags === '' ? '' : s.dim(`  (${tags})`)}`
          )
        }
        return
      }
      case 'code':
        this.code = result.code
        this.terminal.print(this.codeLine(result.code))
        return
      case 'invitation':
        this.showInvitation(result.invitation)
        return
      // A result may repeat what was typed (a path, a nickname): shown as text, like anything typed.
      case 'ok':
        this.notice(displayText(result.message))
        this.terminal.updatePrompt(this.prompt())
        return
      case 'error':
        this.notice(displayText(result.message), true)
        return
    }
  }
}
