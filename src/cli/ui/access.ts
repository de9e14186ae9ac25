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

/**
 * The secrets of one server: the link's token, spent by its first use, and the session secret the
 * browser that used it holds as a cookie. A new link (`renew`) makes a new token; pages already open
 * keep their session.
 */
export class AccessKeys {
  private token: string | undefined = randomSecret()
  private session: string | undefined

  /** The token of the current link, or undefined once it is spent. */
  get linkToken(): string | undefined {
    return this.token
  }

  /** A fresh token (the previous one, spent or not, stops working). */
  renew(): string {
    this.token = randomSecret()
    return this.token
  }

  /** Spends the token if `given` is it; returns the session secret for the cookie, or undefined. */
  exchange(given: string): string | undefined {
    const token = this.token
    // A spent token is compared against a fresh random value, so the time taken says nothing.
    const matches = sameSecret(given, token ?? randomSecret())
    if (!matches || token === undefined) return undefined
    this.token = undefined
    this.session ??= randomSecret()
    return this.session
  }

  /** True when one of `values` is the session secret. */
  admits(values: string[]): boolean {
    const session = this.session
    let admitted = false
    // Every value is compared, so how many were sent and which matched takes the same time.
    for (const value of values) admitted = sameSecret(value, session ?? randomSecret()) || admitted
    return admitted && session !== undefined
  }
}
