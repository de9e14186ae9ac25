/**
 * @module The page's entry: one socket to the securechat process, and every message it sends
 * dispatched to the part of the page it concerns. The page holds no key and makes no decision: it
 * shows the process's events and sends what the person typed or clicked, as the terminal would.
 */
import { Attention } from './attention.js'
import { ChatLog } from './chat-log.js'
import { Composer } from './composer.js'
import { Connection, type ConnectionState } from './connection.js'
import { byId, h } from './dom.js'
import { HostPanel } from './host-panel.js'
import { JoinPrompts, StartPage } from './joining.js'
import { Members } from './members.js'
import { NickPainter } from './nicks.js'
import { type Mode, type PageMessage, type ProcessMessage, UI_PROTOCOL_VERSION } from './protocol.js'
import { isNoticeEvent, LINE_ERROR_CODES, lineKind, noticeOf } from './text.js'
import { isFileMessage, Transfers } from './transfers.js'

type View = 'loading' | 'start' | 'join' | 'room'

/**
 * Events that come within this long of the one before, after a `ui-hello`, are the replay of what
 * happened before the socket opened: drawn, but not read out, notified or counted as unread.
 */
const REPLAY_QUIET_MS = 100
/**
 * After this many failed reconnects (about 2 s) the process has likely ended (a join it gave up,
 * a crash): the banner says so rather than promise a reconnect.
 */
const GONE_AFTER_ATTEMPTS = 3

class App {
  private readonly paint = new NickPainter()
  private readonly attention = new Attention(byId<HTMLButtonElement>('notify-button'))
  private readonly log = new ChatLog(byId<HTMLOListElement>('log'), byId('live'), this.paint, this.attention)
  private readonly members = new Members(byId<HTMLUListElement>('members'), byId('member-count'), this.paint)
  private readonly connection = new Connection(Connection.pageUrl(window.location), {
    message: (message) => this.handle(message),
    state: (state, detail) => this.connectionState(state, detail.attempt)
  })
  private readonly transfers = new Transfers(this.log, this.paint, (line) => this.sendLine(line, true))
  private readonly hostPanel = new HostPanel((line) => this.sendLine(line, true))
  private readonly prompts = new JoinPrompts((message) => this.send(message))
  private readonly start = new StartPage((message) => this.send(message))
  private readonly composer = new Composer(
    { line: (text) => this.sendLine(text, false), file: (file) => void this.transfers.upload(file) },
    byId('chat')
  )
  private readonly banner = byId('banner')
  private mode: Mode | undefined
  private role: 'host' | 'member' = 'member'
  private view: View = 'loading'
  private socketDown = false
  private socketAttempts = 0
  private processGone = false
  private roomReconnecting = false
  private closedReason: string | undefined
  private replayTimer: ReturnType<typeof setTimeout> | undefined

  run(): void {
    const toggle = byId<HTMLButtonElement>('side-toggle')
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true'
      toggle.setAttribute('aria-expanded', String(open))
      byId('side').classList.toggle('open', open)
    })
    byId<HTMLButtonElement>('who-button').addEventListener('click', () => this.sendLine('/who', true))
    this.connection.open()
  }

  private send(message: PageMessage): boolean {
    return this.connection.send(message)
  }

  /**
   * A line as typed: a message shows at once as the page's own, a command as typed (as the
   * terminal echoes it). `quiet` lines come from buttons, whose results speak for themselves.
   */
  private sendLine(text: string, quiet: boolean): boolean {
    if (!this.send({ type: 'line', text })) return false
    const kind = lineKind(text, this.role)
    if (kind.kind === 'message') this.log.ownMessage(kind.text)
    else if (kind.kind === 'command' && !quiet)
      this.log.notice({ icon: '>', text: text.trim(), alert: false })
    return true
  }

  private connectionState(state: ConnectionState, attempt: number): void {
    this.socketDown = state === 'reconnecting'
    this.socketAttempts = attempt
    if (state === 'gone') {
      this.processGone = true
      this.composer.setEnabled(false, 'The securechat process has ended.')
    }
    this.updateBanner()
  }

  private updateBanner(): void {
    const text = this.processGone
      ? 'The securechat process has ended; this page can be closed.'
      : this.socketDown
        ? this.socketAttempts < GONE_AFTER_ATTEMPTS
          ? 'Connection to the securechat process lost; reconnecting…'
          : 'The securechat process is not answering (it may have ended); trying again…'
        : this.roomReconnecting
          ? 'Connection to the host lost; reconnecting…'
          : ''
    this.banner.textContent = text
    this.banner.hidden = text === ''
  }

  private setView(view: View): void {
    if (this.view === view) return
    this.view = view
    byId('loading').hidden = view !== 'loading'
    byId('start-view').hidden = view !== 'start'
    byId('join-view').hidden = view !== 'join'
    byId('room-view').hidden = view !== 'room'
    if (view === 'room' && this.closedReason === undefined) this.composer.focus()
  }

  /** Each new socket: the process says who it serves, then replays everything, so the page starts over. */
  private hello(mode: Mode): void {
    this.mode = mode
    this.role = mode === 'host' ? 'host' : 'member'
    this.log.reset()
    this.members.reset()
    this.paint.reset()
    this.transfers.reset()
    this.hostPanel.reset()
    this.prompts.reset()
    this.start.say('')
    this.roomReconnecting = false
    this.updateBanner()
    this.hostPanel.setVisible(mode === 'host')
    this.view = 'loading'
    this.setView(mode === 'start' ? 'start' : mode === 'member' ? 'join' : 'room')
  }

  private handle(message: ProcessMessage): void {
    if (message.type === 'ui-hello') {
      if (message.version !== UI_PROTOCOL_VERSION) {
        // A page from another build would misread the events: better to say so than to guess.
        this.connection.stop()
        this.banner.textContent = `This page speaks version ${UI_PROTOCOL_VERSION} of the page protocol, the securechat process ${message.version}: open a new link from this securechat.`
        this.banner.hidden = false
        return
      }
      this.hello(message.mode)
      this.replaying(true)
      return
    }
    if (this.log.replaying) this.replaying(true)
    if (isFileMessage(message)) {
      this.transfers.show(message)
      return
    }
    if (isNoticeEvent(message)) this.notice(message)
    switch (message.type) {
      case 'prompt':
        this.setView('join')
        this.prompts.prompt(message)
        return
      case 'prompt-done':
        this.prompts.done(message)
        return
      case 'ready':
        this.ready(message)
        return
      case 'joined':
        this.role = 'member'
        this.log.setOwnNick(message.nick)
        this.members.add({ ...message, self: true })
        for (const m of message.members) this.members.add(m)
        this.setTitle(`${message.nick} in ${message.room}`)
        this.setView('room')
        return
      case 'invitation':
        this.hostPanel.setVisible(true)
        this.hostPanel.invitation(message)
        this.setView('room')
        return
      case 'code':
        this.hostPanel.roomCode(message)
        return
      case 'message':
        this.log.message(message.from, message.text, message.ts, message.seq)
        return
      case 'own-message':
        this.log.sent(message.from, message.text, message.ts, message.seq)
        return
      case 'who':
        this.members.replace(message.members)
        this.log.block(
          `${message.members.length} in the room:`,
          message.members.map((m) => [
            this.paint.nick(m.nick),
            m.host || m.self
              ? ` (${[m.host ? 'host' : '', m.self ? 'you' : ''].filter(Boolean).join(', ')})`
              : '',
            ' ',
            h('code', { class: 'fingerprint' }, m.fingerprint)
          ])
        )
        return
      case 'help':
        this.log.block(
          'Commands (any other line is a message; start it with // to send a "/"):',
          message.commands.map((c) => [c.usage, ' — ', c.summary])
        )
        return
      case 'ok':
        this.ok(message)
        return
      case 'error':
        this.error(message)
        return
    }
  }

  /** `replaying(true)` on each event of a replay: the replay ends once the events pause. */
  private replaying(on: boolean): void {
    this.log.replaying = on
    if (this.replayTimer !== undefined) clearTimeout(this.replayTimer)
    if (on) this.replayTimer = setTimeout(() => this.replaying(false), REPLAY_QUIET_MS)
  }

  private notice(message: Parameters<typeof noticeOf>[0]): void {
    switch (message.type) {
      case 'member-joined':
        this.members.add(message)
        break
      case 'member-away':
      case 'member-back':
        this.members.setAway(message.peerId, message.type === 'member-away')
        break
      case 'reconnecting':
      case 'back':
        this.roomReconnecting = message.type === 'reconnecting'
        this.updateBanner()
        break
      case 'closed':
        this.closed(message.reason)
        break
    }
    this.log.notice(noticeOf(message))
    // The colour is freed once the line that says it left is drawn in it.
    if (message.type === 'member-left') {
      this.members.remove(message.peerId)
      this.paint.release(message.nick)
    }
  }

  private ready(message: Extract<ProcessMessage, { type: 'ready' }>): void {
    this.role = message.role
    if (message.role !== 'host') return
    this.hostPanel.setVisible(true)
    this.hostPanel.listening(message.listening ?? [])
    this.members.setActions({
      kick: (nick) => this.sendLine(`/kick ${nick}`, true),
      ban: (nick) => this.sendLine(`/ban ${nick}`, true)
    })
    if (message.nick !== null && message.relayOnly !== true) {
      this.log.setOwnNick(message.nick)
      this.members.add({
        nick: message.nick,
        peerId: message.peerId,
        fingerprint: message.fingerprint ?? '',
        self: true,
        host: true
      })
    } else {
      this.composer.setEnabled(true, 'Relay only: you cannot read or send messages; commands work.')
    }
    this.setTitle(message.room === null || message.room === undefined ? 'hosting' : `hosting ${message.room}`)
    this.setView('room')
  }

  private ok(message: Extract<ProcessMessage, { type: 'ok' }>): void {
    switch (message.command) {
      case 'lock':
      case 'unlock':
        this.hostPanel.setLocked(message.command === 'lock')
        break
      case 'revoke':
        this.hostPanel.revoked(String(message.id))
        break
      case 'accept':
      case 'reject':
      case 'cancel':
        this.transfers.answered(message.command, Number(message.id))
        return
    }
    this.log.notice({ icon: '*', text: message.message, alert: false })
  }

  private error(message: Extract<ProcessMessage, { type: 'error' }>): void {
    // A kick or ban is said by `closed`, then once more as a refusal: once is enough on a page.
    if (message.code === this.closedReason) return
    if (this.view === 'start') this.start.say(message.message)
    if (this.view === 'join') this.prompts.error(message.message)
    if (
      message.command === undefined &&
      !LINE_ERROR_CODES.has(message.code) &&
      this.log.unsent(message.message)
    ) {
      return
    }
    this.log.notice({ icon: '!', text: message.message, alert: true })
  }

  /** The session is over; the process exits, so the socket is not opened again. */
  private closed(reason: string): void {
    this.closedReason = reason
    this.roomReconnecting = false
    this.composer.setEnabled(false, 'You are no longer in the room.')
    this.connection.stop()
    this.updateBanner()
  }

  private setTitle(what: string): void {
    this.attention.setTitle(`securechat — ${what}`)
    byId('whoami').textContent = what
  }
}

new App().run()
