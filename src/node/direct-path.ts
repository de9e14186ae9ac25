/**
 * @module A relayed member's own tries at a direct connection: the host's public addresses, and a
 * fresh relayed connection for DCUtR once its own public address is confirmed.
 */
import type { Connection, IdentifyResult, Logger } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { ipOf, isRelayed } from './addresses.js'
import { DIRECT_DIAL_TIMEOUT_MS, MAX_DIRECT_ADDRESSES } from './constants.js'
import { watchSettledDirect } from './dial-host.js'
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
  /** The relayed connection the member's session runs on, or undefined while it runs direct. */
  relayedConnection(): Connection | undefined
  /** True unless the session runs on a direct connection (or has ended): reconnecting counts too. */
  wantsDirect(): boolean
  log: Logger
}

/**
 * DCUtR starts from the host (the inbound side of the relayed connection), once, when that
 * connection opens, and dials only the member's addresses confirmed by then. Two cases it leaves
 * relayed: a host that became reachable after the invitation was printed (its router mapped its
 * port), and a member whose own mapping is confirmed only after it joined (UPnP takes seconds).
 * For the first, each time identify tells this member the host's addresses while it is relayed, it
 * dials the public ones. For the second, once this member has a confirmed public address, it opens
 * one fresh relayed connection to the host through the same relay, on which the host's DCUtR runs
 * again and can now dial it. The session moves to whatever direct connection opens. Returns the stop.
 */
export function watchDirectPath(init: DirectPathInit): () => void {
  const { node, hostPeerId, log } = init
  const dialer = (node.services as { hostDialer?: HostDialer }).hostDialer
  let trying = false
  const attempt = (direct: Multiaddr[], relayed: Multiaddr[], what: string): void => {
    if (dialer === undefined || trying) return
    trying = true
    dialer
      .race(direct, relayed, { signal: AbortSignal.timeout(DIRECT_DIAL_TIMEOUT_MS) })
      .then(
        (connection) => log('%s: reached the host at %a', what, connection.remoteAddr),
        (err: unknown) => log('%s: %s', what, (err as Error).message)
      )
      .finally(() => {
        trying = false
      })
  }
  // Identify runs on every new connection, so also on the relayed one a member resumes on after
  // a relay's limit cut the last: that is when it often first hears of the host's new address.
  const onIdentify = (event: CustomEvent<IdentifyResult>): void => {
    if (!init.wantsDirect() || event.detail.peerId.toString() !== hostPeerId) return
    // A few at most: the host is trusted with the room, not to make its members dial a long list.
    const addresses = publicDirectAddresses(event.detail.listenAddrs).slice(0, MAX_DIRECT_ADDRESSES)
    if (addresses.length > 0) attempt(addresses, [], 'the host directly')
  }
  let retriggeredFor = ''
  const onSelfUpdate = (): void => {
    const relayed = init.relayedConnection()
    if (relayed === undefined) return
    const mine = publicDirectAddresses(node.getMultiaddrs()).map(String).sort().join(' ')
    if (mine === '' || mine === retriggeredFor) return
    retriggeredFor = mine
    attempt([], [relayed.remoteAddr], 'a fresh relayed connection for DCUtR')
  }
  node.addEventListener('peer:identify', onIdentify)
  node.addEventListener('self:peer:update', onSelfUpdate)
  return () => {
    node.removeEventListener('peer:identify', onIdentify)
    node.removeEventListener('self:peer:update', onSelfUpdate)
  }
}

export interface DirectWatchInit extends DirectPathInit {
  /** A direct connection to the host that stayed open: where the session moves. */
  onSettledDirect(connection: Connection): void
}

/**
 * Both halves of a relayed member's way to a direct connection: its own tries (`watchDirectPath`),
 * and the direct connections to the host that open and stay, whoever dialled them (DCUtR, or those
 * tries). Returns one stop for both.
 */
export function watchForDirect(init: DirectWatchInit): () => void {
  const stopSettled = watchSettledDirect(init.node, init.hostPeerId, init.onSettledDirect)
  const stopTrying = watchDirectPath(init)
  return () => {
    stopSettled()
    stopTrying()
  }
}
