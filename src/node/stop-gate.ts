/**
 * @module Only the relays a node chose may open relayed connections to it (circuit relay v2 STOP streams).
 */
import { RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import type { ComponentLogger, Connection, Logger, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'

export interface StopGateComponents {
  registrar: Registrar
  logger: ComponentLogger
}

export interface StopGateInit {
  /** PeerIds of the relays this node keeps reservations on; none for a node that only dials (a joiner). */
  relays: string[]
}

/**
 * libp2p's relay transport answers a STOP stream from any peer, and takes a peer that opens one
 * without a reservation for a relay it should listen through: it asks that peer for a reservation,
 * keeps a listener for it for good, and offers whatever addresses the peer answers with as its own.
 * A stranger could so put its addresses into the host's invitations, or pile up listeners by the
 * thousand. This gate, put in front of the transport's handler once the node has started, lets
 * through only streams from the relays the node chose, and aborts the others at once.
 */
export class StopGate implements Startable {
  readonly [Symbol.toStringTag] = 'securechat:stop-gate'
  private readonly components: StopGateComponents
  private readonly allowed: Set<string>
  private readonly log: Logger
  refused = 0

  constructor(components: StopGateComponents, init: StopGateInit) {
    this.components = components
    this.allowed = new Set(init.relays)
    this.log = components.logger.forComponent('securechat:stop-gate')
  }

  start(): void {}
  stop(): void {}

  async afterStart(): Promise<void> {
    const { registrar } = this.components
    let record: ReturnType<Registrar['getHandler']>
    try {
      record = registrar.getHandler(RELAY_V2_STOP_CODEC)
    } catch {
      return // no relay transport on this node
    }
    const gated = (stream: Stream, connection: Connection): void | Promise<void> => {
      if (this.allowed.has(connection.remotePeer.toString())) return record.handler(stream, connection)
      this.refused++
      this.log('refused a relayed connection offered by %p, not a relay we use', connection.remotePeer)
      stream.abort(new Error('not a relay this node uses'))
    }
    await registrar.handle(RELAY_V2_STOP_CODEC, gated, { ...record.options, force: true })
  }
}

/** The libp2p service factory, as `services: { stopGate: stopGate({ relays }) }`. */
export function stopGate(init: StopGateInit): (components: StopGateComponents) => StopGate {
  return (components) => new StopGate(components, init)
}
