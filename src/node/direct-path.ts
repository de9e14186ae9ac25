/**
 * @module A relayed member trying the host's public addresses itself, the half of an upgrade DCUtR leaves out.
 */
import type { IdentifyResult, Logger } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { ipOf, isRelayed } from './addresses.js'
import { DIRECT_DIAL_TIMEOUT_MS } from './constants.js'
import type { HostDialer } from './host-dialer.js'
import { isPrivateIp } from './private-ip.js'

/** The addresses a host lists that a member outside its LAN could dial: public IPs, not relayed. */
export function publicDirectAddresses(addresses: Multiaddr[]): Multiaddr[] {
  return addresses.filter((a) => {
    if (isRelayed(a)) return false
    const ip = ipOf(a)
    return ip !== undefined && !isPrivateIp(ip.ip)
  })
}

export interface DirectPathInit {
  node: Libp2p
  hostPeerId: string
  /** True while the member's session runs through a relay. */
  relayed(): boolean
  log: Logger
}

/**
 * DCUtR starts from the host (the inbound side of the relayed connection) and dials only the
 * member's addresses, so a host that is reachable (its router mapped its port after the invitation
 * was printed) but a member that is not would stay relayed. Each time identify tells this member
 * the host's addresses while it is relayed, it dials the public ones; the connection that opens is
 * where the member's session then moves. Returns the stop.
 */
export function watchDirectPath(init: DirectPathInit): () => void {
  const { node, hostPeerId, log } = init
  const dialer = (node.services as { hostDialer?: HostDialer }).hostDialer
  let trying = false
  const onIdentify = (event: CustomEvent<IdentifyResult>): void => {
    if (dialer === undefined || trying || !init.relayed()) return
    if (event.detail.peerId.toString() !== hostPeerId) return
    const addresses = publicDirectAddresses(event.detail.listenAddrs)
    if (addresses.length === 0) return
    trying = true
    dialer
      .race(addresses, [], { signal: AbortSignal.timeout(DIRECT_DIAL_TIMEOUT_MS) })
      .then(
        (connection) => log('reached the host directly at %a', connection.remoteAddr),
        (err: unknown) => log('the host is not reachable directly: %s', (err as Error).message)
      )
      .finally(() => {
        trying = false
      })
  }
  node.addEventListener('peer:identify', onIdentify)
  return () => node.removeEventListener('peer:identify', onIdentify)
}
