/**
 * @module Asking AutoNAT to check a public address the moment it appears, not at the next new peer.
 */
import type { Connection } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

/** AutoNAT v2's dial request protocol: a peer that lists it can check our addresses. */
export const AUTONAT_V2_DIAL_REQUEST = '/libp2p/autonat/2/dial-request'

interface AutoNATv2Client {
  verifyExternalAddresses(connection: Connection): Promise<void>
}

/**
 * AutoNAT v2 asks a peer to check our unverified addresses when it connects to that peer, and
 * otherwise only while it walks a DHT for new peers. A router's UPnP mapping appears seconds after
 * the host connected to its relay, and a room has no DHT, so the mapping would wait for a member to
 * join. This asks every connected peer that can check (the relay first of all) again whenever the
 * node's addresses change, and when `now()` is called (a new mapping is not announced as a change
 * until it is verified); the client skips at once when nothing is unverified.
 */
export function recheckAddressesOnChange(node: Libp2p): { now(): void; stop(): void } {
  const client = (node.services as { autoNAT?: { client?: Partial<AutoNATv2Client> } }).autoNAT?.client
  const verify = client?.verifyExternalAddresses?.bind(client)
  if (verify === undefined) return { now: () => {}, stop: () => {} }
  const onUpdate = (): void => {
    for (const connection of node.getConnections()) {
      if (connection.status !== 'open' || connection.limits !== undefined) continue
      void node.peerStore
        .get(connection.remotePeer)
        .then((peer) => (peer.protocols.includes(AUTONAT_V2_DIAL_REQUEST) ? verify(connection) : undefined))
        .catch(() => {})
    }
  }
  node.addEventListener('self:peer:update', onUpdate)
  return { now: onUpdate, stop: () => node.removeEventListener('self:peer:update', onUpdate) }
}
