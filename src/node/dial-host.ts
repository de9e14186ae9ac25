import type { PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { PROTOCOL_ID } from '../protocol/constants.js'
import { MDNS_DISCOVERY_WAIT_MS } from './constants.js'

export interface DialHostOptions {
  signal: AbortSignal
  /** Wait this long for the host to show up on mDNS when its addresses fail; 0 to not wait. */
  discoveryMs?: number
}

/**
 * Opens `/securechat/1.0.0` to the host: the invitation's addresses first; when they fail (the host's
 * DHCP address changed), whatever addresses this node learns for the host's PeerId, from mDNS or
 * earlier. Noise checks the PeerId either way, so a discovered address cannot impersonate the host.
 */
export async function dialHost(
  node: Libp2p,
  addresses: Multiaddr[],
  hostPeerId: string,
  options: DialHostOptions
): Promise<Stream> {
  try {
    return await node.dialProtocol(addresses, PROTOCOL_ID, { signal: options.signal })
  } catch (err) {
    const peerId = peerIdFromString(hostPeerId)
    const found = await waitForAddresses(
      node,
      peerId,
      options.discoveryMs ?? MDNS_DISCOVERY_WAIT_MS,
      options.signal
    )
    if (!found) throw err
    return await node.dialProtocol(peerId, PROTOCOL_ID, { signal: options.signal })
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
