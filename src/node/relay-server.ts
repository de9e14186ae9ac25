/**
 * @module A circuit relay v2 server (`securechat relay`) on the project's node factory: its limits,
 * its allow list and per-source caps, and its reservations and circuits as events.
 *
 * The relay carries Noise ciphertext between a dialer and a host that holds a reservation on it; it
 * runs no securechat protocol and learns PeerIds, IP addresses, timing and sizes, nothing more.
 */
import type { PrivateKey } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'
import { parsePeerId } from './bans.js'
import {
  RELAY_CIRCUIT_DATA_BYTES,
  RELAY_CIRCUIT_DURATION_MS,
  RELAY_DEFAULT_PORT,
  RELAY_HOP_TIMEOUT_MS,
  RELAY_MAX_CIRCUITS_PER_HOST,
  RELAY_MAX_CONNECTIONS_PER_SOURCE,
  RELAY_MAX_HELD_BYTES,
  RELAY_MAX_HOP_STREAMS_PER_CONNECTION,
  RELAY_MAX_RESERVATIONS,
  RELAY_MAX_RESERVATIONS_PER_SOURCE,
  RELAY_RESERVATION_TTL_MS
} from './constants.js'
import { RelayConfigError } from './errors.js'
import { EventFeed } from './events.js'
import { createListeningNode, defaultListenAddresses } from './libp2p.js'
import { CircuitWatch } from './relay-circuits.js'
import type { CircuitLimit, RelayEvent } from './relay-events.js'
import { RelayGater, type RelayRefusals } from './relay-gater.js'
import { type ReservationMap, ReservationWatch } from './relay-reservations.js'

export interface RelayServerOptions {
  /** Listen multiaddrs. @default every IPv4 and IPv6 interface, TCP port RELAY_DEFAULT_PORT */
  listen?: string[]
  /** Addresses to advertise besides those listened on (a public IP in front of a NAT or a container). */
  announce?: string[]
  /** The relay's identity; keep it (`loadOrCreateIdentity`) so hosts' relay addresses stay valid. A fresh one when absent. */
  privateKey?: PrivateKey
  /** @default RELAY_RESERVATION_TTL_MS */
  reservationTtlMs?: number
  /** @default RELAY_MAX_RESERVATIONS */
  maxReservations?: number
  /** @default RELAY_MAX_RESERVATIONS_PER_SOURCE */
  maxReservationsPerSource?: number
  /** @default RELAY_MAX_CONNECTIONS_PER_SOURCE */
  maxConnectionsPerSource?: number
  /** How long one relayed connection may last. @default RELAY_CIRCUIT_DURATION_MS */
  circuitDurationMs?: number
  /** Bytes one relayed connection may carry, both directions together. @default RELAY_CIRCUIT_DATA_BYTES */
  circuitDataBytes?: number
  /** No duration or data limit on relayed connections (a private relay, best with `allow`). @default false */
  unlimited?: boolean
  /** Serve only these hosts (PeerIds): their reservations, and circuits to them. @default anyone */
  allow?: string[]
  /** @default RELAY_HOP_TIMEOUT_MS */
  hopTimeoutMs?: number
  /** @default RELAY_MAX_HOP_STREAMS_PER_CONNECTION */
  maxHopStreamsPerConnection?: number
  /** @default RELAY_MAX_CIRCUITS_PER_HOST */
  maxCircuitsPerHost?: number
  /** Dialers' bytes open circuits may hold in all before the heaviest is cut. @default RELAY_MAX_HELD_BYTES */
  maxHeldBytes?: number
  /** Passed to the node factory (its defaults when absent). */
  maxConnections?: number
  inboundConnectionThreshold?: number
}

/** What a relay was started with, for its screen. */
export interface RelaySettings {
  /** The limits each relayed connection is held to, or null (`unlimited`). */
  limit: CircuitLimit | null
  reservationTtlMs: number
  maxReservations: number
  maxReservationsPerSource: number
  maxConnectionsPerSource: number
  /** The hosts it serves, or null for anyone. */
  allow: string[] | null
}

/** A reservation the relay holds now. */
export interface HeldReservation {
  peerId: string
  address: string
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback
  if (!Number.isSafeInteger(chosen) || chosen < 1) {
    throw new RelayConfigError(`${name} must be a whole number of at least 1, not ${String(value)}`)
  }
  return chosen
}

/** A running relay: its node, its addresses, what it holds now, and its events. */
export class RelayServer {
  readonly node: Libp2p
  readonly peerId: string
  readonly settings: RelaySettings
  private readonly feed = new EventFeed<RelayEvent>()
  private readonly gater: RelayGater
  private readonly reservationWatch: ReservationWatch
  private readonly circuitWatch: CircuitWatch
  private stopped = false

  /** Use `createRelayServer`. */
  constructor(node: Libp2p, gater: RelayGater, settings: RelaySettings & { maxHeldBytes: number }) {
    const { maxHeldBytes, ...shown } = settings
    const ttlMs = settings.reservationTtlMs
    this.node = node
    this.peerId = node.peerId.toString()
    this.gater = gater
    this.settings = shown
    const emit = (event: RelayEvent): void => this.feed.emit(event)
    this.reservationWatch = new ReservationWatch({ reservations: this.reservationMap, ttlMs, emit })
    this.circuitWatch = new CircuitWatch(node, {
      emit,
      limitOf: () => this.settings.limit,
      holdsReservation: (host) => this.reservations.some((r) => r.peerId === host),
      maxHeldBytes
    })
    this.circuitWatch.start()
    node.addEventListener('peer:disconnect', (event) => this.reservationWatch.disconnected(event.detail))
    gater.attach({
      connections: (peer) => node.getConnections(peer),
      reservationsFrom: (source, except) => this.reservationWatch.heldFrom(source, except),
      reservationRequested: (peer, address) => this.reservationWatch.requested(peer, address),
      emit
    })
  }

  /** Every address the relay listens on or announces, each ending in `/p2p/<its PeerId>`: give one to a host. */
  get addresses(): string[] {
    return this.node.getMultiaddrs().map((a) => a.toString())
  }

  get reservations(): HeldReservation[] {
    return [...this.reservationMap.entries()].map(([peer, r]) => ({
      peerId: peer.toString(),
      address: r.addr.toString()
    }))
  }

  /** Circuits open now. */
  get circuits(): number {
    return this.circuitWatch.open
  }

  /** How many connections, reservations and circuits the relay's own rules refused. */
  get refused(): Readonly<RelayRefusals> {
    return this.gater.refused
  }

  on: EventFeed<RelayEvent>['on'] = (type, handler) => this.feed.on(type, handler)
  once: EventFeed<RelayEvent>['once'] = (type, options) => this.feed.once(type, options)

  /** Every event from now on, until the relay stops (see `EventFeed.events`). */
  events(options: { signal?: AbortSignal; maxUnread?: number } = {}): AsyncGenerator<RelayEvent> {
    return this.feed.events(options)
  }

  /** Stops the node: every circuit and reservation ends; then a `closed` event. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.circuitWatch.stop()
    this.reservationWatch.stop()
    await this.node.stop()
    this.feed.emit({ type: 'closed', reason: 'stopped' })
  }

  private get reservationMap(): ReservationMap {
    return (this.node.services as { relay: { reservations: ReservationMap } }).relay.reservations
  }
}

/** The settings of `options`, defaults filled in and checked. */
function relaySettings(options: RelayServerOptions): RelaySettings {
  const limit: CircuitLimit | null =
    options.unlimited === true
      ? null
      : {
          durationMs: positive('circuitDurationMs', options.circuitDurationMs, RELAY_CIRCUIT_DURATION_MS),
          bytes: positive('circuitDataBytes', options.circuitDataBytes, RELAY_CIRCUIT_DATA_BYTES)
        }
  let allow: string[] | null = null
  if (options.allow !== undefined) {
    allow = options.allow.map((text) => {
      const peerId = parsePeerId(text)
      if (peerId === undefined) throw new RelayConfigError(`not a PeerId: "${text.slice(0, 80)}"`)
      return peerId
    })
  }
  return {
    limit,
    reservationTtlMs: positive('reservationTtlMs', options.reservationTtlMs, RELAY_RESERVATION_TTL_MS),
    maxReservations: positive('maxReservations', options.maxReservations, RELAY_MAX_RESERVATIONS),
    maxReservationsPerSource: positive(
      'maxReservationsPerSource',
      options.maxReservationsPerSource,
      RELAY_MAX_RESERVATIONS_PER_SOURCE
    ),
    maxConnectionsPerSource: positive(
      'maxConnectionsPerSource',
      options.maxConnectionsPerSource,
      RELAY_MAX_CONNECTIONS_PER_SOURCE
    ),
    allow
  }
}

/** Starts a relay on the project's node factory, with the limits, allow list and caps of `options`. */
export async function createRelayServer(options: RelayServerOptions = {}): Promise<RelayServer> {
  const settings = relaySettings(options)
  const { limit } = settings
  const gater = new RelayGater({
    ...(settings.allow === null ? {} : { allow: new Set(settings.allow) }),
    maxReservationsPerSource: settings.maxReservationsPerSource,
    maxConnectionsPerSource: settings.maxConnectionsPerSource
  })
  const node = await createListeningNode({
    listen: options.listen ?? defaultListenAddresses(RELAY_DEFAULT_PORT),
    announce: options.announce,
    privateKey: options.privateKey,
    maxConnections: options.maxConnections,
    inboundConnectionThreshold: options.inboundConnectionThreshold,
    connectionGater: gater.gater,
    relayServer: {
      hopTimeout: positive('hopTimeoutMs', options.hopTimeoutMs, RELAY_HOP_TIMEOUT_MS),
      maxInboundHopStreams: positive(
        'maxHopStreamsPerConnection',
        options.maxHopStreamsPerConnection,
        RELAY_MAX_HOP_STREAMS_PER_CONNECTION
      ),
      maxOutboundStopStreams: positive(
        'maxCircuitsPerHost',
        options.maxCircuitsPerHost,
        RELAY_MAX_CIRCUITS_PER_HOST
      ),
      reservations: {
        maxReservations: settings.maxReservations,
        reservationTtl: settings.reservationTtlMs,
        applyDefaultLimit: limit !== null,
        ...(limit === null
          ? {}
          : { defaultDurationLimit: limit.durationMs, defaultDataLimit: BigInt(limit.bytes) })
      }
    }
  })
  return new RelayServer(node, gater, {
    ...settings,
    maxHeldBytes: positive('maxHeldBytes', options.maxHeldBytes, RELAY_MAX_HELD_BYTES)
  })
}
