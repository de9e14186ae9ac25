/**
 * @module What a host tells its user about its reach: relay reservations, and the addresses its invitations offer.
 */
import { networkInterfaces } from 'node:os'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { invitationAddresses, ipOf, isRelayed, relayedAddress, withPeerId } from './addresses.js'
import type { EventFeed, RoomEvent } from './events.js'
import type { RoomHostOptions } from './host-config.js'
import { defaultListenAddresses, type NodeOptions } from './libp2p.js'
import type { PortMappingResult } from './port-mapping.js'
import { isPrivateIp } from './private-ip.js'
import type { RelayKeeper, RelayStateChange } from './relay-keeper.js'

/** The IPs this machine's own interfaces have. */
function interfaceIps(): Set<string> {
  const ips = new Set<string>()
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) ips.add(info.address.toLowerCase())
  }
  return ips
}

/**
 * Public addresses the host did not find on its own interfaces: a router's mapping (UPnP) or an
 * address others observed, which libp2p lists only once confirmed (AutoNAT, or the mapping itself).
 */
export function confirmedPublicAddresses(addresses: Multiaddr[], ownIps = interfaceIps()): Multiaddr[] {
  return addresses.filter((a) => {
    if (isRelayed(a)) return false
    const ip = ipOf(a)
    return ip !== undefined && !isPrivateIp(ip.ip) && !ownIps.has(ip.ip.toLowerCase())
  })
}

export interface ReachWatchInit {
  node: Libp2p
  feed: EventFeed
  /** The addresses an invitation offers now, in order. */
  addresses(): Multiaddr[]
}

/**
 * Turns the node's relay and address changes into room events: `relay` when a reservation is made or
 * lost, `addresses` when what an invitation would offer changes. Returns the stop.
 */
export function watchReach(init: ReachWatchInit): () => void {
  const { node, feed } = init
  const keeper = (node.services as { relayKeeper?: RelayKeeper }).relayKeeper
  let last = init.addresses().map(String).join(' ')
  const onAddresses = (): void => {
    const now = init.addresses().map(String)
    if (now.join(' ') === last) return
    last = now.join(' ')
    feed.emit({ type: 'addresses', addresses: now })
  }
  const onRelay = (event: CustomEvent<RelayStateChange>): void => {
    const { relay, state, addresses, reason } = event.detail
    feed.emit({ type: 'relay', relay, state, addresses, ...(reason === undefined ? {} : { reason }) })
    onAddresses()
  }
  node.addEventListener('self:peer:update', onAddresses)
  keeper?.addEventListener('relay:state', onRelay)
  return () => {
    node.removeEventListener('self:peer:update', onAddresses)
    keeper?.removeEventListener('relay:state', onRelay)
  }
}

/**
 * Each relay's state now, as the `relay` event that last said it: for a face that starts listening
 * after the first reservations were made.
 */
export function currentRelayEvents(node: Libp2p): Extract<RoomEvent, { type: 'relay' }>[] {
  return relayStates(node).map(({ relay, reserved }) => ({
    type: 'relay' as const,
    relay,
    state: reserved ? ('reserved' as const) : ('lost' as const),
    // As the keeper says it: from the relay address the host was given, not the relay's own list.
    addresses: reserved ? [relayedAddress(relay, node.peerId.toString())] : []
  }))
}

/**
 * The addresses a host's invitations offer, each ending in /p2p/<PeerId>: what it listens on directly,
 * a relayed address for each relay holding its reservation, and the addresses its user announced.
 */
export function offeredAddresses(node: Libp2p, announce: readonly string[]): Multiaddr[] {
  const peerId = node.peerId.toString()
  const announced = announce.map((a) => withPeerId(multiaddr(a), peerId))
  // Relayed addresses are built from the relay addresses the host was given, never taken from what
  // a relay answered: a relay (or anyone posing as one) could answer with any address at all.
  const relayed = relayStates(node)
    .filter((r) => r.reserved)
    .map((r) => multiaddr(relayedAddress(r.relay, peerId)))
  const direct = node.getMultiaddrs().filter((a) => !isRelayed(a))
  return invitationAddresses([...direct, ...relayed], announced)
}

/** The relays a host keeps reservations on, and whether each holds one now. */
export function relayStates(node: Libp2p): ReadonlyArray<{ relay: string; reserved: boolean }> {
  return (node.services as { relayKeeper?: RelayKeeper }).relayKeeper?.states ?? []
}

/** The UPnP options with `onMapping` told first, then whatever the caller asked to hear. */
export function upnpReporting(
  upnp: true | Exclude<NodeOptions['upnp'], boolean | undefined>,
  report: (result: PortMappingResult) => void
): NodeOptions['upnp'] {
  const given = upnp === true ? {} : upnp
  return {
    ...given,
    onMapping: (result) => {
      report(result)
      given.onMapping?.(result)
    }
  }
}

/**
 * Holds the router's answers (UPnP) until a listener is given, then hands them over as they come:
 * the node, and so the router's first answer, may come before the room that reports it.
 */
export class MappingMailbox {
  private held: PortMappingResult[] = []
  private listener: ((result: PortMappingResult) => void) | undefined

  readonly report = (result: PortMappingResult): void => {
    if (this.listener === undefined) this.held.push(result)
    else this.listener(result)
  }

  deliverTo(listener: (result: PortMappingResult) => void): void {
    this.listener = listener
    for (const result of this.held.splice(0)) listener(result)
  }
}

/**
 * The node options of a host: reach (relay transport, identify, AutoNAT, DCUtR) when it keeps a
 * relay reservation or asks its router for a mapping, the router's answers to `onMapping`.
 */
export function hostNodeOptions(
  options: RoomHostOptions,
  onMapping: (result: PortMappingResult) => void
): NodeOptions {
  const wantsReach = (options.relays ?? []).length > 0 || (options.upnp ?? false) !== false
  return {
    ...options,
    upnp:
      options.upnp === undefined || options.upnp === false
        ? options.upnp
        : upnpReporting(options.upnp, onMapping),
    reach: options.reach ?? wantsReach,
    listen: options.listen ?? defaultListenAddresses(options.port ?? 0)
  }
}
