/**
 * A page's side of the local UI server without a browser: raw HTTP requests (any `Host`, `Origin`
 * or `Cookie`, which fetch would not let a test set) and the page's WebSocket, whose events are
 * collected and awaited with a bound, as the CLI helper does for stdout.
 */
import { request } from 'node:http'
import WebSocket from 'ws'
import type { CliProcess, JsonEvent } from './cli.js'

const WAIT_MS = 60_000

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One HTTP request to 127.0.0.1:`port`; `host` defaults to the right one. */
export function http(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
        agent: false
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      }
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** The page's link from a process's `ui` event: the URL, its port and its path with the token. */
export async function pageLink(
  cli: CliProcess
): Promise<{ url: string; port: number; path: string; token: string }> {
  const event = await cli.event('ui')
  const url = new URL(event['url'] as string)
  return {
    url: url.href,
    port: Number(url.port),
    path: url.pathname + url.search,
    token: url.searchParams.get('token') ?? ''
  }
}

/** The page key each session cookie's link handed out (in its redirect's fragment), by cookie. */
const pageKeys = new Map<string, string>()

/** The page key the link that gave `cookie` handed its tab: what a browser's page would send. */
export function pageKeyFor(cookie: string): string {
  return pageKeys.get(cookie) ?? ''
}

/**
 * Spends the link's token; returns the `Cookie` header value a browser would send from then on (the
 * page key of the redirect's fragment is kept for it: `pageKeyFor`).
 */
export async function sessionCookie(port: number, path: string): Promise<string> {
  const reply = await http(port, path)
  if (reply.status !== 303) throw new Error(`the link answered ${reply.status}, not 303`)
  const set = reply.headers['set-cookie']?.[0] ?? ''
  const cookie = set.split(';')[0] ?? ''
  const key = /#key=([A-Za-z0-9_-]+)$/.exec(String(reply.headers.location))?.[1]
  if (key !== undefined) pageKeys.set(cookie, key)
  return cookie
}

/** The page's WebSocket, its events in order. */
export class PageSocket {
  readonly events: JsonEvent[] = []
  readonly ws: WebSocket
  private readonly listeners = new Set<() => void>()
  closed = false

  private constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data) => {
      this.events.push(JSON.parse(data.toString()) as JsonEvent)
      this.changed()
    })
    ws.on('close', () => {
      this.closed = true
      this.changed()
    })
  }

  /**
   * Opens `ws://127.0.0.1:port/ws` with this cookie and Origin (the page's own unless told), and the
   * page key of that cookie's link (another given `key`) as the page offers it.
   */
  static open(
    port: number,
    cookie: string,
    origin = `http://127.0.0.1:${port}`,
    key = pageKeyFor(cookie)
  ): Promise<PageSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['securechat', `key.${key}`], {
        headers: { Cookie: cookie },
        origin
      })
      const page = new PageSocket(ws)
      ws.once('open', () => resolve(page))
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
      ws.once('error', reject)
    })
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message))
  }

  /** Waits for the first event (seen or to come) of `type` matching `predicate`, after index `from`. */
  event(type: string, predicate: (e: JsonEvent) => boolean = () => true, from = 0): Promise<JsonEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.slice(from).find((e) => e.type === type && predicate(e))
        if (found === undefined) return false
        done()
        resolve(found)
        return true
      }
      const timer = setTimeout(() => {
        done()
        reject(
          new Error(
            `timed out waiting for a page "${type}" event; got ${JSON.stringify(this.events.slice(-10))}`
          )
        )
      }, WAIT_MS)
      const listener = (): void => {
        check()
      }
      const done = (): void => {
        clearTimeout(timer)
        this.listeners.delete(listener)
      }
      this.listeners.add(listener)
      check()
    })
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve())
      this.ws.close()
    })
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener()
  }
}
