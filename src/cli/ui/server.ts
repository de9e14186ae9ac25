/**
 * @module The local page server of `--ui`: HTTP on 127.0.0.1 (and ::1) only, a free port, the page's
 * files, the one WebSocket the page talks over, and file uploads. Every request is checked
 * (access.ts) before anything else is looked at; the page's messages are handed to whoever handles
 * the current phase (prompts, the session, the start page).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { type WebSocket, WebSocketServer } from 'ws'
import { log } from '../io.js'
import {
  AccessKeys,
  allowedHosts,
  allowedOrigins,
  cookieName,
  cookieValues,
  offeredPageKey,
  PAGE_KEY_HEADER,
  PAGE_PROTOCOL
} from './access.js'
import { answer, FORBIDDEN_BODY, PAGE_DIR, securityHeaders, servePageFile } from './page-files.js'
import {
  BadPageMessage,
  badMessageEvent,
  type PageEvent,
  type PageMessage,
  type PageMessageType,
  parsePageMessage,
  UI_PROTOCOL_VERSION,
  type UiMode
} from './page-messages.js'
import { ReplayLog } from './replay-log.js'
import { receiveUpload, type UploadedFile, UploadRefused, uploadName, uploadSize } from './upload.js'

export interface UiServerOptions {
  mode: UiMode
  /** The largest upload taken (the room's largest file). */
  maxUploadBytes: number
  /** Where the page's files are. @default dist/ui/ */
  pageDir?: URL
  /** Pages connected at once. @default 8 */
  maxPages?: number
}

/** The largest message a page may send: a message is at most 64 KiB of text, JSON-escaped. */
const MAX_PAGE_MESSAGE_BYTES = 256 * 1024
/** A page further behind than this (a frozen tab) is closed; it reconnects and is replayed to. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024
/** Uploads being received at once. */
const MAX_UPLOADS = 4
/** How long closing waits for the pages to take their last events. */
const CLOSE_WAIT_MS = 1000

/** What handles each kind of page message now; a kind with no handler is not expected now. */
export type PageHandlers = {
  [T in PageMessageType]?: (message: Extract<PageMessage, { type: T }>, page: Page) => void
}

/** One connected page. */
export interface Page {
  send(event: PageEvent): void
}

/** Takes an upload once it is whole; resolves when it is handed to the room (or throws UploadRefused). */
export type UploadHandler = (file: UploadedFile) => Promise<void>

export class UiServer {
  readonly port: number
  private readonly servers: Server[]
  private readonly keys = new AccessKeys()
  private readonly replay = new ReplayLog()
  private readonly wss: WebSocketServer
  private readonly pages = new Set<WebSocket>()
  private readonly hosts: ReadonlySet<string>
  private readonly origins: ReadonlySet<string>
  private readonly options: UiServerOptions
  private mode: UiMode
  private handlers: PageHandlers = {}
  private uploadHandler: UploadHandler | undefined
  private uploads = 0

  private constructor(servers: Server[], port: number, options: UiServerOptions) {
    this.servers = servers
    this.port = port
    this.options = options
    this.mode = options.mode
    this.hosts = allowedHosts(port)
    this.origins = allowedOrigins(port)
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_PAGE_MESSAGE_BYTES,
      perMessageDeflate: false,
      // The page offers `securechat` and its key; the answer names only the first.
      handleProtocols: (offered) => (offered.has(PAGE_PROTOCOL) ? PAGE_PROTOCOL : false)
    })
    for (const server of servers) {
      server.on('request', (req, res) => void this.request(req, res))
      server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head))
    }
  }

  /**
   * Listens on 127.0.0.1 on a free port, and on ::1 on the same port where the machine has IPv6
   * loopback. Never on any other address: the page holds the room.
   */
  static async start(options: UiServerOptions): Promise<UiServer> {
    const v4 = boundedServer()
    await listen(v4, '127.0.0.1', 0)
    const port = (v4.address() as AddressInfo).port
    const servers = [v4]
    const v6 = boundedServer()
    try {
      await listen(v6, '::1', port)
      servers.push(v6)
    } catch (err) {
      // No IPv6 loopback, or the port taken there: the link names 127.0.0.1 anyway.
      log('page server: not on [::1]:%d (%s)', port, (err as NodeJS.ErrnoException).code ?? 'error')
    }
    log('page server listening on loopback port %d', port)
    return new UiServer(servers, port, options)
  }

  /**
   * The link that opens the page: its one-time token, or a new one if that was spent. Never logged;
   * printed once, as the `ui` event or a line of its own.
   */
  link(): string {
    return `http://127.0.0.1:${this.port}/open?token=${this.keys.linkToken ?? this.keys.renew()}`
  }

  /** A new link (the old one stops working, used or not); open pages keep their session. */
  newLink(): string {
    return `http://127.0.0.1:${this.port}/open?token=${this.keys.renew()}`
  }

  get currentMode(): UiMode {
    return this.mode
  }

  /** The start page became a room (or went back): the pages hear `ui-hello` again, the replay restarts. */
  setMode(mode: UiMode): void {
    this.mode = mode
    this.replay.clear()
    for (const ws of this.pages) this.sendText(ws, JSON.stringify(this.hello()))
  }

  /** Sends `event` to every page now and keeps it for the pages to come. */
  publish(event: PageEvent): void {
    const text = this.replay.add(event)
    for (const ws of this.pages) this.sendText(ws, text)
  }

  /** Who handles the page's messages from now on (replacing the previous handlers). */
  handle(handlers: PageHandlers): void {
    this.handlers = handlers
  }

  /** Who takes uploads from now on; undefined refuses them (no room yet). */
  takeUploads(handler: UploadHandler | undefined): void {
    this.uploadHandler = handler
  }

  /** Closes every page (after its last events) and stops listening. */
  async close(): Promise<void> {
    const closed = [...this.pages].map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve())
          ws.close(1001, 'securechat ended')
        })
    )
    const timer = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())
    await Promise.race([Promise.all(closed), timer])
    for (const ws of this.pages) ws.terminate()
    this.wss.close()
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve())
            server.closeAllConnections()
          })
      )
    )
  }

  private hello(): PageEvent {
    return { type: 'ui-hello', mode: this.mode, version: UI_PROTOCOL_VERSION }
  }

  /** True when the request names this server by a loopback name (a rebinding site's name its own). */
  private hostAllowed(req: IncomingMessage): boolean {
    return this.hosts.has((req.headers.host ?? '').toLowerCase())
  }

  /** True when the request carries the session cookie the link was exchanged for. */
  private hasSession(req: IncomingMessage): boolean {
    return this.keys.admits(cookieValues(req.headers.cookie, cookieName(this.port)))
  }

  private async request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(securityHeaders(this.port))) res.setHeader(name, value)
    try {
      if (!this.hostAllowed(req)) return answer(res, 403, FORBIDDEN_BODY)
      const url = new URL(req.url ?? '/', 'http://page.invalid')
      if (url.pathname === '/open' && req.method === 'GET') return this.open(url, res)
      if (!this.hasSession(req)) return answer(res, 403, FORBIDDEN_BODY)
      if (url.pathname === '/upload') return await this.upload(req, res, url)
      if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'Method not allowed.')
      await servePageFile(res, url.pathname, req.method === 'HEAD', this.options.pageDir ?? PAGE_DIR)
    } catch (err) {
      log.error('page server: %s', (err as Error).message)
      if (!res.headersSent) answer(res, 500, 'Internal error.')
      else res.destroy()
    }
  }

  /** The printed link: its token, once, for the session cookie; then on to the page itself. */
  private open(url: URL, res: ServerResponse): void {
    const granted = this.keys.exchange(url.searchParams.get('token') ?? '')
    if (granted === undefined) {
      log('page server: a link with a wrong or spent token was refused')
      answer(res, 403, FORBIDDEN_BODY)
      return
    }
    log('page server: the link was opened')
    res.writeHead(303, {
      // The page key in the fragment: the browser keeps it and sends it to no server.
      Location: `/#key=${granted.pageKey}`,
      'Set-Cookie': `${cookieName(this.port)}=${granted.session}; HttpOnly; SameSite=Strict; Path=/`,
      'Content-Type': 'text/plain; charset=utf-8'
    })
    res.end('See /\n')
  }

  private async upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const reply = (status: number, body: Record<string, unknown>): void => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' })
      res.end(`${JSON.stringify(body)}\n`)
    }
    try {
      if (req.method !== 'POST') throw new UploadRefused(405, 'usage', 'an upload is a POST')
      // A browser sends Origin with every POST: one from another site is a forgery, cookie or not.
      if (!this.origins.has(req.headers.origin ?? ''))
        throw new UploadRefused(403, 'forbidden', FORBIDDEN_BODY)
      // The cookie reaches other loopback ports too; the page key only this tab has.
      const key = req.headers[PAGE_KEY_HEADER]
      if (!this.keys.admitsPage(typeof key === 'string' ? key : undefined))
        throw new UploadRefused(403, 'forbidden', FORBIDDEN_BODY)
      const handler = this.uploadHandler
      if (handler === undefined) throw new UploadRefused(409, 'not-in-room', 'not in a room yet')
      const name = uploadName(url.searchParams.get('name'))
      const size = uploadSize(req, this.options.maxUploadBytes)
      if (this.uploads >= MAX_UPLOADS)
        throw new UploadRefused(429, 'too-many-transfers', 'too many uploads at once')
      this.uploads++
      try {
        await handler(await receiveUpload(req, name, size))
      } finally {
        this.uploads--
      }
      reply(202, { ok: true })
    } catch (err) {
      if (!(err instanceof UploadRefused)) throw err
      reply(err.status, { ok: false, code: err.code, message: err.message })
      // What is left of a refused body is not read: the connection goes (Connection: close).
      req.resume()
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
    }
    socket.on('error', () => {})
    const path = new URL(req.url ?? '/', 'http://page.invalid').pathname
    if (
      !this.hostAllowed(req) ||
      !this.origins.has(req.headers.origin ?? '') ||
      !this.hasSession(req) ||
      !this.keys.admitsPage(offeredPageKey(req.headers['sec-websocket-protocol'])) ||
      path !== '/ws'
    ) {
      log('page server: a WebSocket upgrade was refused')
      refuse(403, 'Forbidden')
      return
    }
    if (this.pages.size >= (this.options.maxPages ?? 8)) {
      refuse(503, 'Service Unavailable')
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws))
  }

  private connected(ws: WebSocket): void {
    this.pages.add(ws)
    log('page connected (%d open)', this.pages.size)
    const page: Page = { send: (event) => this.sendText(ws, JSON.stringify(event)) }
    this.sendText(ws, JSON.stringify(this.hello()))
    for (const text of this.replay.entries()) this.sendText(ws, text)
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        page.send(badMessageEvent('messages are JSON text'))
        return
      }
      this.dispatch(data.toString(), page)
    })
    ws.on('error', (err) => log('page connection: %s', err.message))
    // Closing the tab closes this connection, and nothing else: the room stays.
    ws.on('close', () => {
      this.pages.delete(ws)
      log('page disconnected (%d open)', this.pages.size)
    })
  }

  private dispatch(text: string, page: Page): void {
    let message: PageMessage
    try {
      message = parsePageMessage(text)
    } catch (err) {
      if (!(err instanceof BadPageMessage)) throw err
      page.send(badMessageEvent(err.message))
      return
    }
    const handler = this.handlers[message.type] as ((m: PageMessage, p: Page) => void) | undefined
    if (handler === undefined) {
      page.send(badMessageEvent(`a "${message.type}" is not expected now`))
      return
    }
    handler(message, page)
  }

  private sendText(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log('page connection too far behind: closed (it may reconnect)')
      ws.terminate()
      return
    }
    ws.send(text)
  }
}

/** Connections one listener takes at once: a few tabs and uploads need far fewer. */
const MAX_PAGE_CONNECTIONS = 64
/** A request's headers must all come within this (a page's do at once). */
const PAGE_HEADERS_TIMEOUT_MS = 5000

/**
 * An HTTP server whose connections are bounded in number and in how long their headers may take:
 * anyone on the machine can connect to loopback, and a pile of half-sent requests would otherwise
 * hold sockets (and file descriptors) the process needs for its room.
 */
function boundedServer(): Server {
  const server = createServer({ headersTimeout: PAGE_HEADERS_TIMEOUT_MS })
  server.maxConnections = MAX_PAGE_CONNECTIONS
  return server
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
