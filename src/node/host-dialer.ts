/**
 * @module Racing a joiner's dials to the host: every direct address at once, the relayed ones after a head start.
 */
import type { AbortOptions, Connection, Logger, Startable } from '@libp2p/interface'
import type { TransportManager } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'
import { RELAYED_DIAL_HEAD_START_MS } from './constants.js'

export interface HostDialerComponents {
  transportManager: TransportManager
  logger: { forComponent(name: string): Logger }
}

export interface RaceOptions extends AbortOptions {
  /** How long the direct addresses have to themselves before the relayed ones are tried too. @default RELAYED_DIAL_HEAD_START_MS */
  headStartMs?: number
}

export interface HostDialer {
  /**
   * The first connection that comes up: each direct address dialled at once, each relayed one after
   * `headStartMs` (or at once when every direct one has failed). The dials that lose are aborted, and a
   * connection that came up anyway is closed.
   */
  race(direct: Multiaddr[], relayed: Multiaddr[], options?: RaceOptions): Promise<Connection>
}

/**
 * libp2p's dial queue tries a peer's addresses one after another and merges a second dial to the same
 * peer into the first, so a relayed address would wait for every direct one to time out (a LAN address
 * from another network never answers). This dials each address through the transports itself; the
 * connections it makes are libp2p's own as soon as they open.
 */
export class DefaultHostDialer implements HostDialer, Startable {
  readonly [Symbol.toStringTag] = 'securechat:host-dialer'
  private readonly components: HostDialerComponents
  private readonly log: Logger

  constructor(components: HostDialerComponents) {
    this.components = components
    this.log = components.logger.forComponent('securechat:host-dialer')
  }

  start(): void {}
  stop(): void {}

  async race(direct: Multiaddr[], relayed: Multiaddr[], options: RaceOptions = {}): Promise<Connection> {
    // One controller per dial: aborting a dial's signal after it won would tear its connection down.
    const dials = new Map<Multiaddr, AbortController>()
    const abortLosers = (won: Multiaddr): void => {
      for (const [address, controller] of dials) if (address !== won) controller.abort()
    }
    const headStart = options.headStartMs ?? RELAYED_DIAL_HEAD_START_MS
    const errors: Error[] = []
    let winner: Connection | undefined
    let pending = direct.length + relayed.length
    if (pending === 0) throw new AggregateError([], 'no address to dial')

    options.signal?.throwIfAborted()
    return new Promise<Connection>((resolve, reject) => {
      let relayedTimer: ReturnType<typeof setTimeout> | undefined
      const onAbort = (): void => {
        clearTimeout(relayedTimer)
        for (const controller of dials.values()) controller.abort(options.signal?.reason)
        reject(options.signal?.reason)
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const startRelayed = (): void => {
        clearTimeout(relayedTimer)
        relayedTimer = undefined
        for (const address of relayed.splice(0)) dialOne(address)
      }
      const settleOne = (): void => {
        pending--
        // Every direct address failed: the relay need not wait out the head start.
        if (relayedTimer !== undefined && pending === relayed.length) startRelayed()
        if (pending === 0 && winner === undefined) {
          options.signal?.removeEventListener('abort', onAbort)
          reject(new AggregateError(errors, errors.map((e) => e.message).join('; ') || 'every dial failed'))
        }
      }
      const dialOne = (address: Multiaddr): void => {
        // Never the caller's signal itself: libp2p keeps the dial's signal with the connection it
        // makes, so a caller's timeout firing later would close the connection the race won.
        const controller = new AbortController()
        dials.set(address, controller)
        this.components.transportManager.dial(address, { signal: controller.signal }).then(
          (connection) => {
            if (winner === undefined) {
              winner = connection
              clearTimeout(relayedTimer)
              abortLosers(address)
              options.signal?.removeEventListener('abort', onAbort)
              this.log('reached the host at %a', connection.remoteAddr)
              resolve(connection)
            } else if (winner !== connection) {
              void connection.close().catch(() => {})
            }
            settleOne()
          },
          (err: unknown) => {
            errors.push(err as Error)
            this.log('dial to %a failed: %s', address, (err as Error).message)
            settleOne()
          }
        )
      }
      for (const address of direct) dialOne(address)
      if (relayed.length > 0) {
        if (direct.length === 0) startRelayed()
        else relayedTimer = setTimeout(startRelayed, headStart)
      }
    })
  }
}

/** The libp2p service factory, as `services: { hostDialer: hostDialer() }`. */
export function hostDialer(): (components: HostDialerComponents) => HostDialer {
  return (components) => new DefaultHostDialer(components)
}
