/**
 * @module Who may use the local page server: the one-time token of the printed link, the session
 * cookie it is exchanged for, and the `Host` and `Origin` a request must name.
 *
 * The server listens on loopback, which every user and every web page on the machine can reach: a
 * page on any site can make the browser send requests to 127.0.0.1, and a rebinding DNS name can
 * even make them same-origin for that site. So nothing is served without the cookie, the cookie only
 * comes from the link the process printed, and `Host` (and, on the WebSocket, `Origin`) must be this
 * server's own loopback name: a rebinding site's requests carry its own name.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** 128 random bits as base64url: the link's token and the session secret. */
export function randomSecret(): string {
  return randomBytes(16).toString('base64url')
}

/**
 * Compares a secret in constant time. Both sides are hashed first, so the buffers compared are of
 * equal length whatever was sent, and a wrong length says nothing either.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest()
  const b = createHash('sha256').update(expected, 'utf8').digest()
  return timingSafeEqual(a, b)
}

/** The names a request may give in `Host`: this server's loopback addresses and `localhost`. */
export function allowedHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `[::1]:${port}`, `localhost:${port}`])
}

/** The origins a page of this server has; a WebSocket from any other is refused. */
export function allowedOrigins(port: number): ReadonlySet<string> {
  return new Set([...allowedHosts(port)].map((host) => `http://${host}`))
}

/**
 * The cookie's name carries the port: cookies are not kept apart by port (RFC 6265, 8.5), so two
 * processes on one machine (a host and a joiner, say) would otherwise overwrite each other's.
 */
export function cookieName(port: number): string {
  return `securechat_ui_${port}`
}

/** Every value of cookie `name` in a `Cookie` header (a browser may send a name twice). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined) return []
  const values: string[] = []
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    if (part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim())
  }
  return values
}

/** Page keys kept at once: one per use of a link, the oldest forgotten first. */
const PAGE_KEYS_KEPT = 16

/**
 * The secrets of one server: the link's token, spent by its first use; the session secret the
 * browser that used it holds as a cookie; and the page key each use of a link hands that tab in the
 * URL's fragment. A cookie is no secret from other ports of 127.0.0.1 (browsers keep cookies apart
 * by host, not by port, RFC 6265 8.5): anything listening on another loopback port that the browser
 * is sent to receives it. So the cookie only opens the page's files, the same for everyone, and
 * everything of the room (the WebSocket, uploads) needs the page key too, which a fragment never
 * carries to any server and the tab keeps in its own per-origin storage. A new link (`renew`) makes
 * a new token; pages already open keep their keys.
 */
export class AccessKeys {
  private token: string | undefined = randomSecret()
  private session: string | undefined
  private readonly pageKeys: string[] = []

  /** The token of the current link, or undefined once it is spent. */
  get linkToken(): string | undefined {
    return this.token
  }

  /** A fresh token (the previous one, spent or not, stops working). */
  renew(): string {
    this.token = randomSecret()
    return this.token
  }

  /**
   * Spends the token if `given` is it; returns the session secret for the cookie and a new page key
   * for the fragment, or undefined.
   */
  exchange(given: string): { session: string; pageKey: string } | undefined {
    const token = this.token
    // A spent token is compared against a fresh random value, so the time taken says nothing.
    const matches = sameSecret(given, token ?? randomSecret())
    if (!matches || token === undefined) return undefined
    this.token = undefined
    this.session ??= randomSecret()
    const pageKey = randomSecret()
    this.pageKeys.push(pageKey)
    if (this.pageKeys.length > PAGE_KEYS_KEPT) this.pageKeys.shift()
    return { session: this.session, pageKey }
  }

  /** True when one of `values` is the session secret. */
  admits(values: string[]): boolean {
    const session = this.session
    let admitted = false
    // Every value is compared, so how many were sent and which matched takes the same time.
    for (const value of values) admitted = sameSecret(value, session ?? randomSecret()) || admitted
    return admitted && session !== undefined
  }

  /** True when `given` is one of the page keys handed out. */
  admitsPage(given: string | undefined): boolean {
    if (given === undefined) return false
    let admitted = false
    for (const key of this.pageKeys) admitted = sameSecret(given, key) || admitted
    return admitted
  }
}

/** The WebSocket subprotocol a page names itself by, and the one its key rides in (`key.<page key>`). */
export const PAGE_PROTOCOL = 'securechat'
const KEY_PROTOCOL_PREFIX = 'key.'

/** The page key a WebSocket upgrade offers among its subprotocols, if any. */
export function offeredPageKey(header: string | undefined): string | undefined {
  const offered = (header ?? '').split(',').map((p) => p.trim())
  return offered.find((p) => p.startsWith(KEY_PROTOCOL_PREFIX))?.slice(KEY_PROTOCOL_PREFIX.length)
}

/** The header an upload carries the page key in (a custom header: no other site may send it). */
export const PAGE_KEY_HEADER = 'x-securechat-key'
