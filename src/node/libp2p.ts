/**
 * @module The one place a securechat libp2p node is made: TCP + Noise + Yamux with a room's limits,
 * and, for reach beyond the LAN, circuit relay v2, identify, AutoNAT, DCUtR and UPnP.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { autoNATv2 } from '@libp2p/autonat-v2'
import {
  type CircuitRelayServerInit,
  circuitRelayServer,
  circuitRelayTransport
} from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { identify, identifyPush } from '@libp2p/identify'
import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import { mdns } from '@libp2p/mdns'
import { tcp } from '@libp2p/tcp'
import { type UPnPNATInit, uPnPNAT } from '@libp2p/upnp-nat'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p, type ServiceFactoryMap } from 'libp2p'
import { recheckAddressesOnChange } from './address-recheck.js'
import {
  DIAL_TIMEOUT_MS,
  INBOUND_CONNECTION_THRESHOLD,
  INBOUND_UPGRADE_TIMEOUT_MS,
  MAPPING_RECHECK_DELAY_MS,
  MAX_CONNECTIONS,
  MAX_INCOMING_PENDING_CONNECTIONS,
  MAX_PENDING_PER_SOURCE,
  MAX_STREAM_WINDOW_BYTES,
  MDNS_SERVICE_TAG
} from './constants.js'
import { hostDialer } from './host-dialer.js'
import { pendingPerSource } from './pending-gate.js'
import { type PortMappingResult, reportingPortMappingClient } from './port-mapping.js'
import { relayKeeper, relayPeerId } from './relay-keeper.js'
import { stopGate } from './stop-gate.js'

export interface NodeOptions {
  /** Listen multiaddrs; none for a node that only dials (a joiner). */
  listen?: string[]
  /** Extra addresses to advertise (a public IP with a forwarded port). */
  announce?: string[]
  /** The node's identity; a fresh Ed25519 key when absent. Persist it to keep the PeerId. */
  privateKey?: PrivateKey
  /** Inbound connections accepted per source address per second (libp2p's default, 5, is too low for a room). */
  inboundConnectionThreshold?: number
  maxConnections?: number
  maxIncomingPendingConnections?: number
  /** Inbound connections being set up at once from one source address. @default MAX_PENDING_PER_SOURCE */
  maxPendingPerSource?: number
  /** How long an inbound connection may take to finish Noise and Yamux. @default INBOUND_UPGRADE_TIMEOUT_MS */
  inboundUpgradeTimeoutMs?: number
  dialTimeoutMs?: number
  /**
   * LAN discovery with mDNS, so a joiner finds the host by its PeerId when the invitation's address is
   * stale. Off unless asked for (the CLI turns it on by default), as it multicasts on every interface.
   */
  mdns?: boolean | { interval?: number }
  /**
   * Reach beyond the LAN: dial and listen on circuit relay v2 addresses, and upgrade a relayed
   * connection to a direct one with DCUtR. Brings identify (which DCUtR needs) and AutoNAT (so the node
   * learns which of its public addresses others can dial: AutoNAT v2). @default false
   */
  reach?: boolean
  /**
   * Ask the router (UPnP IGD) to forward the node's TCP port; `onMapping` hears what it answered.
   * Needs `reach`. @default false
   */
  upnp?:
    | boolean
    | (Pick<UPnPNATInit, 'gateways' | 'externalAddress' | 'autoConfirmAddress'> & {
        onMapping?: (result: PortMappingResult) => void
      })
  /**
   * Relays (multiaddrs ending in `/p2p/<relay PeerId>`) to keep a reservation on, so the node can be
   * reached through them from behind NAT. Needs `reach`.
   */
  relays?: string[]
  /** Run a circuit relay v2 server (`securechat relay`): identify and AutoNAT come with it. */
  relayServer?: CircuitRelayServerInit
  /** More admission rules beside the per-source pending cap (a relay's allow list, say). */
  connectionGater?: ConnectionGater
}

/** Every IPv4 and IPv6 interface on `port` (0 picks a free one). */
export function defaultListenAddresses(port: number): string[] {
  return [`/ip4/0.0.0.0/tcp/${port}`, `/ip6/::/tcp/${port}`]
}

/** The services a node runs: the host dialer always, the reach set with `reach` or `relayServer`. */
function services(options: NodeOptions, onMapped: () => void): ServiceFactoryMap {
  const reach = options.reach === true
  const serving = options.relayServer !== undefined
  const chosen: ServiceFactoryMap = { hostDialer: hostDialer() }
  if (!reach && !serving) return chosen
  chosen.identify = identify()
  // AutoNAT v2, not v1: v1's server (3.0.28) dials back over the connection the asker already has
  // and then closes it, cutting that peer's relay connection; v2 dials back on a fresh one.
  chosen.autoNAT = autoNATv2()
  if (reach) {
    chosen.dcutr = dcutr()
    // Tells connected peers when our addresses change (a mapping confirmed after they joined): a
    // relayed member then tries the host's new public address.
    chosen.identifyPush = identifyPush()
  }
  if (reach && options.upnp !== undefined && options.upnp !== false) {
    const { onMapping, ...init } = options.upnp === true ? {} : options.upnp
    chosen.upnp = uPnPNAT({
      ...init,
      portMappingClient: reportingPortMappingClient((result) => {
        onMapping?.(result)
        if (result.state === 'mapped') onMapped()
      })
    })
  }
  if (reach) {
    const relays = options.relays ?? []
    // The relays it reserves on: named as relays, or as `<relay>/p2p-circuit` listen addresses.
    const throughListen = (options.listen ?? [])
      .filter((a) => a.endsWith('/p2p-circuit'))
      .map((a) => a.slice(0, -'/p2p-circuit'.length))
    chosen.stopGate = stopGate({
      relays: [...relays, ...throughListen].map((r) => relayPeerId(multiaddr(r)))
    })
    if (relays.length > 0) chosen.relayKeeper = relayKeeper({ relays })
  }
  if (serving) chosen.relay = circuitRelayServer(options.relayServer)
  return chosen
}

/** Both gaters' rules: a connection passes only when neither denies it. */
function combinedGater(first: ConnectionGater, second: ConnectionGater | undefined): ConnectionGater {
  if (second === undefined) return first
  const keys = new Set([...Object.keys(first), ...Object.keys(second)]) as Set<keyof ConnectionGater>
  const gater: Record<string, (...args: never[]) => Promise<boolean>> = {}
  for (const key of keys) {
    const a = first[key] as ((...args: unknown[]) => boolean | Promise<boolean>) | undefined
    const b = second[key] as ((...args: unknown[]) => boolean | Promise<boolean>) | undefined
    gater[key] = async (...args: unknown[]) => (await a?.(...args)) === true || (await b?.(...args)) === true
  }
  return gater as ConnectionGater
}

/** The one place a securechat libp2p node is made: TCP + Noise + Yamux, limits set for a room. */
export async function createSecureChatNode(options: NodeOptions = {}): Promise<Libp2p> {
  // A new mapping goes into the address book just after the router's answer: check it a moment later.
  let recheck = (): void => {}
  const onMapped = (): void => void setTimeout(() => recheck(), MAPPING_RECHECK_DELAY_MS).unref()
  const node = await createLibp2p({
    privateKey: options.privateKey,
    addresses: {
      listen: options.listen ?? [],
      announce: options.announce ?? []
    },
    transports: options.reach === true ? [tcp(), circuitRelayTransport()] : [tcp()],
    services: services(options, onMapped),
    ...(options.mdns === undefined || options.mdns === false
      ? {}
      : {
          peerDiscovery: [
            mdns({
              serviceTag: MDNS_SERVICE_TAG,
              interval: options.mdns === true ? 2000 : (options.mdns.interval ?? 2000)
            })
          ]
        }),
    connectionGater: combinedGater(
      pendingPerSource(options.maxPendingPerSource ?? MAX_PENDING_PER_SOURCE),
      options.connectionGater
    ),
    connectionEncrypters: [noise()],
    // A stream paused by its reader (a file spooled to a slow disk, a throttled download) still takes
    // what its window allows: a bounded window bounds what any one stream makes its reader hold.
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: MAX_STREAM_WINDOW_BYTES } })],
    connectionManager: {
      inboundConnectionThreshold: options.inboundConnectionThreshold ?? INBOUND_CONNECTION_THRESHOLD,
      maxConnections: options.maxConnections ?? MAX_CONNECTIONS,
      maxIncomingPendingConnections:
        options.maxIncomingPendingConnections ?? MAX_INCOMING_PENDING_CONNECTIONS,
      dialTimeout: options.dialTimeoutMs ?? DIAL_TIMEOUT_MS,
      inboundUpgradeTimeout: options.inboundUpgradeTimeoutMs ?? INBOUND_UPGRADE_TIMEOUT_MS
    }
  })
  if (options.reach === true) recheck = recheckAddressesOnChange(node).now
  return node
}

/**
 * Starts a listening node; when IPv6 is unavailable on this machine, falls back to the IPv4
 * addresses alone rather than failing.
 */
export async function createListeningNode(options: NodeOptions): Promise<Libp2p> {
  try {
    const node = await createSecureChatNode(options)
    await node.start()
    return node
  } catch (err) {
    const ipv4Only = (options.listen ?? []).filter((a) => !a.startsWith('/ip6/'))
    if (ipv4Only.length === 0 || ipv4Only.length === (options.listen ?? []).length) throw err
    const node = await createSecureChatNode({ ...options, listen: ipv4Only })
    await node.start()
    return node
  }
}
