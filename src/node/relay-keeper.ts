/**
 * @module Keeps a circuit relay v2 reservation on each relay a host names, and makes it again when it is lost.
 */

import { setMaxListeners } from 'node:events'
import type {
  ComponentLogger,
  Libp2pEvents,
  Logger,
  PeerId,
  Startable,
  TypedEventTarget
} from '@libp2p/interface'
import type { AddressManager, ConnectionManager, TransportManager } from '@libp2p/interface-internal'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { relayedAddress } from './addresses.js'
import {
  RELAY_RETRY_INITIAL_MS,
  RELAY_RETRY_MAX_MS,
  RESERVATION_TIMEOUT_MS,
  STABLE_RESERVATION_MS
} from './constants.js'
import { RelayAddressError } from './errors.js'

export interface RelayKeeperInit {
  /** The relays, each a multiaddr ending in `/p2p/<relay PeerId>`. */
  relays: string[]
  /** Backoff between attempts at a lost reservation: first delay and cap, doubling in between. @default { initial: RELAY_RETRY_INITIAL_MS, max: RELAY_RETRY_MAX_MS } */
  retry?: { initial?: number; max?: number }
  /** One attempt (dial the relay, reserve) may take this long. @default RESERVATION_TIMEOUT_MS */
  attemptTimeoutMs?: number
}

export interface RelayKeeperComponents {
  peerId: PeerId
  transportManager: TransportManager
  connectionManager: ConnectionManager
  addressManager: AddressManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

/** A reservation made or lost; `addresses` are the relayed ones it gives (none when lost). */
export interface RelayStateChange {
  relay: string
  state: 'reserved' | 'lost'
  addresses: string[]
  /** Why an attempt failed or the reservation ended, when known. */
  reason?: string
}

export interface RelayKeeperEvents {
  'relay:state': CustomEvent<RelayStateChange>
}

export interface RelayKeeper extends TypedEventEmitter<RelayKeeperEvents> {
  /** Each relay and whether it holds a reservation for this node now. */
  readonly states: ReadonlyArray<{ relay: string; reserved: boolean }>
}

interface Kept {
  address: Multiaddr
  peerId: string
  reserved: boolean
  /** When the current reservation was made (0 when none). */
  reservedAt: number
  /** What the last event said, so an outage is reported once, not at every retry. */
  said?: 'reserved' | 'lost'
  attempting: boolean
  delay: number
  timer?: ReturnType<typeof setTimeout>
}

/** The relay's own PeerId, from the `/p2p/` at the end of its address. */
export function relayPeerId(address: Multiaddr): string {
  const peerId = address.getComponents().findLast((c) => c.name === 'p2p')?.value
  if (peerId === undefined || address.toString().includes('/p2p-circuit')) {
    throw new RelayAddressError(`a relay address must end in /p2p/<relay PeerId>: ${address.toString()}`)
  }
  return peerId
}

/**
 * libp2p's relay transport renews a reservation before it lapses, but once the connection to a
 * relay drops (the relay restarted, the network changed) it forgets the reservation for good. This
 * service watches the node's relayed addresses, says when a relay's appear or go, and asks again
 * with backoff until the relay takes the reservation back.
 */
export class DefaultRelayKeeper
  extends TypedEventEmitter<RelayKeeperEvents>
  implements RelayKeeper, Startable
{
  readonly [Symbol.toStringTag] = 'securechat:relay-keeper'
  private readonly components: RelayKeeperComponents
  private readonly kept: Kept[]
  private readonly retry: { initial: number; max: number }
  private readonly attemptTimeoutMs: number
  private readonly log: Logger
  private readonly shutdown = new AbortController()
  private started = false

  constructor(components: RelayKeeperComponents, init: RelayKeeperInit) {
    super()
    this.components = components
    this.log = components.logger.forComponent('securechat:relay-keeper')
    this.retry = {
      initial: init.retry?.initial ?? RELAY_RETRY_INITIAL_MS,
      max: init.retry?.max ?? RELAY_RETRY_MAX_MS
    }
    this.attemptTimeoutMs = init.attemptTimeoutMs ?? RESERVATION_TIMEOUT_MS
    this.kept = init.relays.map((text) => {
      const address = multiaddr(text)
      return {
        address,
        peerId: relayPeerId(address),
        reserved: false,
        reservedAt: 0,
        attempting: false,
        delay: this.retry.initial
      }
    })
    setMaxListeners(Number.POSITIVE_INFINITY, this.shutdown.signal)
  }

  get states(): ReadonlyArray<{ relay: string; reserved: boolean }> {
    return this.kept.map((k) => ({ relay: k.address.toString(), reserved: k.reserved }))
  }

  start(): void {
    this.started = true
    this.components.events.addEventListener('transport:listening', this.check)
    this.components.events.addEventListener('self:peer:update', this.check)
    this.components.events.addEventListener('connection:close', this.check)
  }

  afterStart(): void {
    for (const kept of this.kept) void this.attempt(kept)
  }

  stop(): void {
    this.started = false
    this.shutdown.abort()
    this.components.events.removeEventListener('transport:listening', this.check)
    this.components.events.removeEventListener('self:peer:update', this.check)
    this.components.events.removeEventListener('connection:close', this.check)
    for (const kept of this.kept) clearTimeout(kept.timer)
  }

  /** The relayed addresses the node holds through this relay now. */
  private relayedAddresses(kept: Kept): string[] {
    const marker = `/p2p/${kept.peerId}/p2p-circuit`
    return this.components.addressManager
      .getAddresses()
      .map((a) => a.toString())
      .filter((a) => a.includes(marker))
  }

  /** Compares every relay's addresses with what it was last said to hold, and says what changed. */
  private readonly check = (): void => {
    if (!this.started) return
    // The transport updates the address list after the event that told us; look once it has.
    queueMicrotask(() => {
      for (const kept of this.kept) {
        const addresses = this.relayedAddresses(kept)
        if (addresses.length > 0 && !kept.reserved) this.reserved(kept, addresses)
        else if (addresses.length === 0 && kept.reserved) this.lost(kept, 'the reservation ended')
      }
    })
  }

  private reserved(kept: Kept, addresses: string[]): void {
    kept.reserved = true
    kept.reservedAt = Date.now()
    clearTimeout(kept.timer)
    this.log('reservation on %s: %s', kept.peerId, addresses.join(' '))
    // Said with the address the host was given, not the relay's list, which the relay chose.
    const own = relayedAddress(kept.address, this.components.peerId.toString())
    this.say(kept, { relay: kept.address.toString(), state: 'reserved', addresses: [own] })
  }

  private lost(kept: Kept, reason: string): void {
    // A relay that grants and then drops at once gets no fresh start: the backoff goes on growing.
    if (kept.reserved && Date.now() - kept.reservedAt >= STABLE_RESERVATION_MS)
      kept.delay = this.retry.initial
    kept.reserved = false
    this.log('reservation on %s lost: %s', kept.peerId, reason)
    this.say(kept, { relay: kept.address.toString(), state: 'lost', addresses: [], reason })
    this.schedule(kept)
  }

  private say(kept: Kept, change: RelayStateChange): void {
    if (kept.said === change.state && change.state === 'lost') return
    kept.said = change.state
    this.safeDispatchEvent('relay:state', { detail: change })
  }

  private schedule(kept: Kept): void {
    if (!this.started || kept.attempting) return
    clearTimeout(kept.timer)
    // Jitter, so hosts that lost one relay together do not all ask it again at once.
    const wait = Math.round(kept.delay / 2 + Math.random() * (kept.delay / 2))
    kept.delay = Math.min(kept.delay * 2, this.retry.max)
    kept.timer = setTimeout(() => void this.attempt(kept), wait)
    kept.timer.unref?.()
  }

  /**
   * Dials the relay first and asks the transport to listen through it only once it answers: each
   * listen request leaves a listener object behind in libp2p, so they are not spent on a relay
   * that is down.
   */
  private async attempt(kept: Kept): Promise<void> {
    if (!this.started || kept.reserved || kept.attempting) return
    kept.attempting = true
    const signal = AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(this.attemptTimeoutMs)])
    try {
      await this.components.connectionManager.openConnection(kept.address, { signal })
      await this.components.transportManager.listen([kept.address.encapsulate('/p2p-circuit')])
      const addresses = this.relayedAddresses(kept)
      if (addresses.length > 0 && !kept.reserved) this.reserved(kept, addresses)
    } catch (err) {
      if (!this.started) return
      const reason = (err as Error).message.split('\n')[0] ?? 'unknown'
      this.log('reservation attempt on %s failed: %s', kept.peerId, reason)
      this.say(kept, { relay: kept.address.toString(), state: 'lost', addresses: [], reason })
    } finally {
      kept.attempting = false
    }
    if (!kept.reserved) this.schedule(kept)
  }
}

/** The libp2p service factory, as `services: { relayKeeper: relayKeeper({ relays }) }`. */
export function relayKeeper(init: RelayKeeperInit): (components: RelayKeeperComponents) => RelayKeeper {
  return (components) => new DefaultRelayKeeper(components, init)
}
