/**
 * @module Who the relay serves: the allow list (`--allow`), and its per-source caps on connections
 * and reservations, which circuit-relay-v2 does not have. Each is a connection gater rule, so a
 * refusal costs the relay no more than the check: a connection over its source's cap is refused
 * before Noise starts, a reservation or circuit before the library does anything for it.
 */
import type { Connection, ConnectionGater, MultiaddrConnection, PeerId } from '@libp2p/interface'
import { sourceAddress } from './addresses.js'
import type { RelayEvent } from './relay-events.js'

export interface RelayPolicy {
  /** PeerIds that may hold a reservation and be reached through the relay; anyone when absent. */
  allow?: ReadonlySet<string>
  maxReservationsPerSource: number
  maxConnectionsPerSource: number
}

/** What the gater looks at once the node and its relay service exist. */
export interface RelayView {
  connections(peer?: PeerId): Connection[]
  /** Reservations held for hosts connected from `source`, other than `except`'s. */
  reservationsFrom(source: string, except: PeerId): number
  /** A reservation request the gater let through (the library decides the rest). */
  reservationRequested(peer: PeerId, address: string): void
  emit(event: RelayEvent): void
}

/** How many times each rule refused, since the relay started. */
export interface RelayRefusals {
  connections: number
  reservations: number
  circuits: number
}

export class RelayGater {
  readonly refused: RelayRefusals = { connections: 0, reservations: 0, circuits: 0 }
  private readonly policy: RelayPolicy
  private view: RelayView | undefined

  constructor(policy: RelayPolicy) {
    this.policy = policy
  }

  /** Connects the rules to the running node; until then every inbound request is refused. */
  attach(view: RelayView): void {
    this.view = view
  }

  /** The rules, for `createSecureChatNode({ connectionGater })` (combined there with the pending cap). */
  get gater(): ConnectionGater {
    return {
      denyInboundConnection: (maConn) => this.overSourceCap(maConn),
      denyInboundUpgradedConnection: (_peer, maConn) => this.overSourceCap(maConn),
      denyInboundRelayReservation: (peer) => this.denyReservation(peer),
      denyOutboundRelayedConnection: (from, to) => this.denyCircuit(from, to)
    }
  }

  /** True when the connection's source already has its share of the relay's connections open. */
  private overSourceCap(maConn: MultiaddrConnection): boolean {
    const view = this.view
    if (view === undefined) return true
    const source = sourceAddress(maConn.remoteAddr)
    let open = 0
    for (const connection of view.connections()) {
      if (sourceAddress(connection.remoteAddr) === source) open++
    }
    if (open < this.policy.maxConnectionsPerSource) return false
    this.refused.connections++
    return true
  }

  private denyReservation(peer: PeerId): boolean {
    const view = this.view
    if (view === undefined) return true
    const addresses = view.connections(peer).map((c) => c.remoteAddr)
    const address = addresses[0]?.toString() ?? ''
    const refuse = (reason: 'not-allowed' | 'source-full'): true => {
      this.refused.reservations++
      view.emit({ type: 'reservation', state: 'refused', peerId: peer.toString(), address, reason })
      return true
    }
    if (this.policy.allow !== undefined && !this.policy.allow.has(peer.toString()))
      return refuse('not-allowed')
    // A host connected from two sources counts against both.
    for (const source of new Set(addresses.map(sourceAddress))) {
      if (view.reservationsFrom(source, peer) >= this.policy.maxReservationsPerSource)
        return refuse('source-full')
    }
    view.reservationRequested(peer, address)
    return false
  }

  /** Circuits to a host not on the allow list are refused (it holds no reservation either). */
  private denyCircuit(from: PeerId, to: PeerId): boolean {
    if (this.policy.allow === undefined || this.policy.allow.has(to.toString())) return false
    this.refused.circuits++
    this.view?.emit({
      type: 'circuit',
      state: 'refused',
      from: from.toString(),
      to: to.toString(),
      reason: 'not-allowed'
    })
    return true
  }
}
