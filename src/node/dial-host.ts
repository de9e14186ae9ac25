/**
 * @module Reaching the host: the invitation's addresses raced (direct first, relayed after a head
 * start), then the addresses mDNS finds for its PeerId.
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { PROTOCOL_ID } from '../protocol/constants.js'
import { isRelayed } from './addresses.js'
import { MDNS_DISCOVERY_WAIT_MS, MOVE_SETTLE_MS } from './constants.js'
import type { ConnectionKind } from './events.js'
import type { HostDialer } from './host-dialer.js'

export interface DialHostOptions {
  signal: AbortSignal
  /** Wait this long for the host to show up on mDNS when its addresses fail; 0 to not wait. */
  discoveryMs?: number
  /** How long direct addresses have before relayed ones are dialled too. @default RELAYED_DIAL_HEAD_START_MS */
  headStartMs?: number
}

/** A stream to the host, and the connection it runs on. */
export interface HostLink {
  stream: Stream
  connection: Connection
  kind: ConnectionKind
}

/** Whether a connection runs through a relay (libp2p marks those limited). */
export function connectionKind(connection: Connection): ConnectionKind {
  return connection.limits !== undefined || isRelayed(connection.remoteAddr) ? 'relayed' : 'direct'
}

/** The open connections to the host, direct ones first. */
function openConnectionsTo(node: Libp2p, peerId: PeerId): Connection[] {
  const open = node.getConnections(peerId).filter((c) => c.status === 'open')
  return [
    ...open.filter((c) => connectionKind(c) === 'direct'),
    ...open.filter((c) => connectionKind(c) !== 'direct')
  ]
}

/** The open direct connection to the host, if there is one. */
export function directConnectionTo(node: Libp2p, hostPeerId: string): Connection | undefined {
  const [first] = openConnectionsTo(node, peerIdFromString(hostPeerId))
  return first !== undefined && connectionKind(first) === 'direct' ? first : undefined
}

/** Once a member runs direct, the relayed connections to the host left over are closed. */
export function closeRelayedConnectionsTo(node: Libp2p, hostPeerId: string): void {
  for (const c of node.getConnections(peerIdFromString(hostPeerId))) {
    if (connectionKind(c) === 'relayed') void c.close().catch(() => {})
  }
}

/**
 * Calls `onDirect` with each direct connection to the host that is still open `MOVE_SETTLE_MS`
 * after it opened. Not every one is meant to last: AutoNAT's dial-back opens one and closes it at
 * once. Returns the stop.
 */
export function watchSettledDirect(
  node: Libp2p,
  hostPeerId: string,
  onDirect: (connection: Connection) => void
): () => void {
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const onOpen = (event: CustomEvent<Connection>): void => {
    const connection = event.detail
    if (connection.remotePeer.toString() !== hostPeerId || connectionKind(connection) !== 'direct') return
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (connection.status === 'open') onDirect(connection)
    }, MOVE_SETTLE_MS)
    timers.add(timer)
  }
  node.addEventListener('connection:open', onOpen)
  return () => {
    node.removeEventListener('connection:open', onOpen)
    for (const timer of timers) clearTimeout(timer)
  }
}

/**
 * Opens `/securechat/2.3.0` on `connection`. Allowed on a relayed (limited) connection on purpose: it
 * is the only way to a host behind NAT, its limits end in a resume, and the relay sees only Noise.
 */
export async function openRoomStream(connection: Connection, signal: AbortSignal): Promise<HostLink> {
  const stream = await connection.newStream(PROTOCOL_ID, { signal, runOnLimitedConnection: true })
  return { stream, connection, kind: connectionKind(connection) }
}

/**
 * Opens `/securechat/2.3.0` to the host: the invitation's addresses first; when they fail (the host's
 * DHCP address changed), whatever addresses this node learns for the host's PeerId, from mDNS or
 * earlier. Noise checks the PeerId either way, so a discovered address cannot impersonate the host.
 */
export async function dialHost(
  node: Libp2p,
  addresses: Multiaddr[],
  hostPeerId: string,
  options: DialHostOptions
): Promise<HostLink> {
  const peerId = peerIdFromString(hostPeerId)
  try {
    const [existing] = openConnectionsTo(node, peerId)
    if (existing !== undefined) return await openRoomStream(existing, options.signal)
    const dialer = (node.services as { hostDialer: HostDialer }).hostDialer
    const connection = await dialer.race(
      addresses.filter((a) => !isRelayed(a)),
      addresses.filter((a) => isRelayed(a)),
      { signal: options.signal, headStartMs: options.headStartMs }
    )
    return await openRoomStream(connection, options.signal)
  } catch (err) {
    const found = await waitForAddresses(
      node,
      peerId,
      options.discoveryMs ?? MDNS_DISCOVERY_WAIT_MS,
      options.signal
    )
    if (!found) throw err
    const connection = await node.dial(peerId, { signal: options.signal })
    return await openRoomStream(connection, options.signal)
  }
}

async function knownAddresses(node: Libp2p, peerId: PeerId): Promise<boolean> {
  const peer = await node.peerStore.get(peerId).catch(() => undefined)
  return (peer?.addresses.length ?? 0) > 0
}

function waitForAddresses(
  node: Libp2p,
  peerId: PeerId,
  waitMs: number,
  signal: AbortSignal
): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false
    const done = (found: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      node.removeEventListener('peer:discovery', onDiscovery)
      signal.removeEventListener('abort', onAbort)
      resolve(found)
    }
    const onDiscovery = (event: CustomEvent<{ id: PeerId }>): void => {
      if (event.detail.id.equals(peerId)) done(true)
    }
    const onAbort = (): void => done(false)
    const timer = setTimeout(() => done(false), waitMs)
    node.addEventListener('peer:discovery', onDiscovery)
    signal.addEventListener('abort', onAbort, { once: true })
    void knownAddresses(node, peerId).then((known) => {
      if (known) done(true)
    })
  })
}
