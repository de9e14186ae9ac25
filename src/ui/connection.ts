/**
 * @module The page's one WebSocket to its process (`/ws` on the page's own origin, so the session
 * cookie goes with it). A dropped socket is opened again with a growing, jittered delay; each new
 * socket starts with `ui-hello` and the replay of every event, so the page rebuilds from scratch.
 */
import { type PageMessage, type ProcessMessage, parseProcessMessage } from './protocol.js'

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'stopped' | 'gone'

export interface ConnectionHandlers {
  message(message: ProcessMessage): void
  state(state: ConnectionState, detail: { attempt: number; delayMs?: number }): void
}

/** The first retry waits this long, each next one twice as long, up to MAX_DELAY_MS. */
const FIRST_DELAY_MS = 250
const MAX_DELAY_MS = 5_000
/**
 * Tries before the page gives up (about a minute and a half): the process is on this machine, so
 * one alive answers at once, and one that has not for so long has ended (each run has its own port).
 */
const MAX_ATTEMPTS = 20

export class Connection {
  private readonly url: string
  private readonly handlers: ConnectionHandlers
  private socket: WebSocket | undefined
  private attempt = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false

  constructor(url: string, handlers: ConnectionHandlers) {
    this.url = url
    this.handlers = handlers
  }

  /** `ws://<this page's host:port>/ws`: the process serves the page and the socket on one origin. */
  static pageUrl(location: Location): string {
    return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`
  }

  open(): void {
    if (this.stopped) return
    this.handlers.state(this.attempt === 0 ? 'connecting' : 'reconnecting', { attempt: this.attempt })
    const socket = new WebSocket(this.url, pageProtocols())
    this.socket = socket
    socket.addEventListener('open', () => {
      this.attempt = 0
      this.handlers.state('open', { attempt: 0 })
    })
    socket.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data !== 'string') return
      const message = parseProcessMessage(event.data)
      if (message !== undefined) this.handlers.message(message)
    })
    // `error` is always followed by `close`, where the retry is planned.
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return
      this.socket = undefined
      this.retry()
    })
  }

  /**
   * Sends one message; false when the socket is not open (nothing is queued: a line typed while the
   * process is out of reach stays in the input, and a prompt is asked again after the replay).
   */
  send(message: PageMessage): boolean {
    if (this.socket === undefined || this.socket.readyState !== WebSocket.OPEN) return false
    this.socket.send(JSON.stringify(message))
    return true
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN
  }

  /** No more reconnecting: the session is over (the process said `closed`, and exits). */
  stop(): void {
    this.stopped = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.handlers.state('stopped', { attempt: this.attempt })
  }

  private retry(): void {
    if (this.stopped) return
    this.attempt++
    if (this.attempt > MAX_ATTEMPTS) {
      this.stopped = true
      this.handlers.state('gone', { attempt: this.attempt })
      return
    }
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (this.attempt - 1))
    // Jitter, so several tabs of one process do not knock at the same instant.
    const delayMs = Math.round(base * (0.75 + Math.random() * 0.5))
    this.handlers.state('reconnecting', { attempt: this.attempt, delayMs })
    this.timer = setTimeout(() => this.open(), delayMs)
  }
}

/** Where this tab keeps the page key its link gave it (per origin and per tab: no other port sees it). */
const KEY_STORAGE = 'securechat-page-key'

/**
 * The page key: taken from the URL's fragment when the link was just opened (and the fragment then
 * cleared from the address bar), else from this tab's storage (a reload).
 */
export function pageKey(): string {
  const fromFragment = /^#key=([A-Za-z0-9_-]+)$/.exec(location.hash)?.[1]
  if (fromFragment !== undefined) {
    sessionStorage.setItem(KEY_STORAGE, fromFragment)
    history.replaceState(null, '', location.pathname)
  }
  return sessionStorage.getItem(KEY_STORAGE) ?? ''
}

/** The WebSocket subprotocols the page offers: its name, and its key (what the process checks). */
function pageProtocols(): string[] {
  return ['securechat', `key.${pageKey()}`]
}
