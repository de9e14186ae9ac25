/**
 * @module Which inbound connections the host keeps: those that carry a member or a handshake past a
 * valid token. The rest are strangers' and are let go: after a grace, after their streams were all
 * refused, and oldest first when one address holds too many of them.
 */
import type { Connection } from '@libp2p/interface'
import type { Logger } from '@libp2p/logger'
import { connectionSource } from './addresses.js'

export interface ConnectionGuardOptions {
  /** Unvouched connections one source address may hold; past it the oldest is closed. */
  maxUnvouchedPerSource: number
  /** How long a connection may stay without a vouched stream. */
  graceMs: number
  /** How long a graceful close may take before the connection is aborted. */
  closeTimeoutMs: number
  log: Logger
}

interface Tracked {
  connection: Connection
  source: string
  /** Streams on it that are a member's, or a handshake's past a valid token or resume credential. */
  vouched: number
  /** Streams open on it at all (waiting for their first frame, in a handshake, or a member's). */
  streams: number
  /** Whether it ever carried a vouched stream: only then does it earn a fresh grace when idle. */
  everVouched: boolean
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * A stranger's connection costs the host its Noise and Yamux state whether or not it ever sends a
 * frame, so holding one open must need a reason: a member on it, or a handshake that showed a valid
 * invitation or resume credential ("vouched"). Everything else is closed after `graceMs`, or as soon as
 * its last stream was refused, and a source's unvouched connections are capped by closing the oldest,
 * so a stranger sharing an address (a home NAT, a relay) cannot hold the others' places.
 */
export class ConnectionGuard {
  private readonly tracked = new Map<string, Tracked>()
  private readonly options: ConnectionGuardOptions

  constructor(options: ConnectionGuardOptions) {
    this.options = options
  }

  /** A new inbound connection: tracked, and the source's oldest unvouched one closed if over the cap. */
  opened(connection: Connection): void {
    if (connection.direction !== 'inbound') return
    const entry: Tracked = {
      connection,
      source: connectionSource(connection),
      vouched: 0,
      streams: 0,
      everVouched: false,
      timer: undefined
    }
    this.tracked.set(connection.id, entry)
    this.arm(entry)
    connection.addEventListener('close', () => this.forget(connection.id), { once: true })
    const unvouched = [...this.tracked.values()].filter((t) => t.source === entry.source && t.vouched === 0)
    if (unvouched.length > this.options.maxUnvouchedPerSource) {
      // Least progress first: a connection that never opened a stream before one that is opening its
      // handshake (a joiner a few round trips from its Hello), oldest first within each.
      const victim = unvouched.find((t) => t.streams === 0 && t !== entry) ?? (unvouched[0] as Tracked)
      this.options.log('closing an idle connection from %s: over the per-source cap', victim.source)
      this.drop(victim, 'too many idle connections from one source')
    }
  }

  streamOpened(connection: Connection): void {
    const entry = this.tracked.get(connection.id)
    if (entry !== undefined) entry.streams++
  }

  /** A stream showed a valid token or resume credential, or became a member's. */
  vouch(connection: Connection): void {
    const entry = this.tracked.get(connection.id)
    if (entry === undefined) return
    entry.vouched++
    entry.everVouched = true
    clearTimeout(entry.timer)
    entry.timer = undefined
  }

  /**
   * A stream ended. `rejected`: it sent what no honest peer sends (a malformed frame, a forged or stale
   * token, nothing at all), so unless another stream on the connection is vouched the connection goes
   * now, and each such try costs the sender a new connection. Otherwise, once nothing vouched is
   * left, the connection gets a grace.
   */
  streamEnded(connection: Connection, how: { vouched: boolean; rejected: boolean }): void {
    const entry = this.tracked.get(connection.id)
    if (entry === undefined) return
    entry.streams = Math.max(0, entry.streams - 1)
    if (how.vouched) entry.vouched = Math.max(0, entry.vouched - 1)
    if (entry.vouched > 0) return
    if (how.rejected) {
      this.drop(entry, 'it sent what no honest peer sends')
      return
    }
    // A connection that never vouched keeps the deadline it got when it opened: refused streams do
    // not buy it time. One that carried a member or a handshake gets a fresh grace once idle.
    if (entry.streams === 0 && entry.everVouched) this.arm(entry)
  }

  /** Closes a connection at once (one that sent something malformed or a forged token). */
  reject(connection: Connection, why: string): void {
    const entry = this.tracked.get(connection.id)
    if (entry !== undefined) this.drop(entry, why)
  }

  /** Stops every timer (the host is closing). */
  stop(): void {
    for (const entry of this.tracked.values()) clearTimeout(entry.timer)
    this.tracked.clear()
  }

  /** Connections tracked now (for tests and diagnostics). */
  get size(): number {
    return this.tracked.size
  }

  private arm(entry: Tracked): void {
    clearTimeout(entry.timer)
    entry.timer = setTimeout(() => {
      if (entry.vouched === 0) this.drop(entry, 'no room stream within the grace period')
    }, this.options.graceMs)
    entry.timer.unref?.()
  }

  /** Closes gracefully, so a refusal already written still reaches the peer; aborts if that stalls. */
  private drop(entry: Tracked, why: string): void {
    this.forget(entry.connection.id)
    this.options.log('closing connection %s from %s: %s', entry.connection.id, entry.source, why)
    const { connection } = entry
    connection
      .close({ signal: AbortSignal.timeout(this.options.closeTimeoutMs) })
      .catch(() => connection.abort(new Error(why)))
  }

  private forget(id: string): void {
    const entry = this.tracked.get(id)
    if (entry === undefined) return
    clearTimeout(entry.timer)
    this.tracked.delete(id)
  }
}
