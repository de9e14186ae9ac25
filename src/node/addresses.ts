import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { MAX_ADDRESS_BYTES, MAX_INVITATION_ADDRESSES } from '../protocol/constants.js'
import { decodeInvitation, InvalidInvitationError } from '../protocol/invitation.js'
import { isPrivateIp } from './private-ip.js'

/** The IP of a multiaddr and its family, or undefined (a DNS or circuit address). */
export function ipOf(address: Multiaddr): { family: 'ip4' | 'ip6'; ip: string } | undefined {
  const component = address.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')
  if (component?.value === undefined) return undefined
  return { family: component.name as 'ip4' | 'ip6', ip: component.value }
}

/** True for a circuit relay address (`…/p2p/<relay>/p2p-circuit/p2p/<peer>`). */
export function isRelayed(address: Multiaddr | string): boolean {
  return address.toString().includes('/p2p-circuit')
}

/**
 * The key for per-source limits (lockout, handshake cap): the IPv4 address, or the IPv6 /64 prefix,
 * since one machine is routinely given a whole /64 and could otherwise rotate through it. Through a
 * relay the host sees only the relay's address, which everyone using that relay shares; there the
 * key is the relay and the remote PeerId together, so one abuser of a public relay uses up only its
 * own share and never the others'. (Its guesses stay bounded by its invitation's shared lockout.)
 */
export function sourceAddress(address: Multiaddr): string {
  if (isRelayed(address)) return relayedSource(address)
  const ip = ipOf(address)
  if (ip === undefined) return address.toString()
  if (ip.family === 'ip4') return ip.ip
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip.ip)
  if (mapped?.[1] !== undefined) return mapped[1]
  return `${ipv6Groups(ip.ip).slice(0, 4).join(':')}::/64`
}

/**
 * The source of an upgraded connection. Through a relay, the remote PeerId in the address is the
 * one the relay claimed; the connection's own is the one Noise authenticated, so that one is used.
 */
export function connectionSource(connection: {
  remoteAddr: Multiaddr
  remotePeer: { toString(): string }
}): string {
  if (!isRelayed(connection.remoteAddr)) return sourceAddress(connection.remoteAddr)
  return relayedSource(connection.remoteAddr, connection.remotePeer.toString())
}

/** `relay:<relay PeerId>><remote PeerId>`; the remote one from the address unless it is known better. */
function relayedSource(address: Multiaddr, remotePeer?: string): string {
  const [relayPart = '', ...rest] = address.toString().split('/p2p-circuit')
  const relay = /\/p2p\/([^/]+)$/.exec(relayPart)?.[1] ?? relayPart
  const peer = remotePeer ?? /\/p2p\/([^/]+)/.exec(rest.join(''))?.[1] ?? 'unknown'
  return `relay:${relay}>${peer}`
}

/** The address a host is reached at through `relay` (a multiaddr ending in the relay's PeerId). */
export function relayedAddress(relay: Multiaddr | string, hostPeerId: string): string {
  return `${relay.toString()}/p2p-circuit/p2p/${hostPeerId}`
}

/** The eight groups of an IPv6 address, `::` expanded, lower case, no leading zeros. */
export function ipv6Groups(ip: string): string[] {
  const [head = '', tail] = ip.toLowerCase().split('::')
  const parse = (part: string): string[] =>
    part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16).toString(16))
  const front = parse(head)
  const back = tail === undefined ? [] : parse(tail)
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - front.length - back.length }, () => '0')
  return [...front, ...zeros, ...back]
}

export function isLoopback(address: Multiaddr): boolean {
  const ip = ipOf(address)
  if (ip === undefined) return false
  return ip.family === 'ip4' ? ip.ip.startsWith('127.') : ip.ip === '::1'
}

function isPrivateAddress(address: Multiaddr): boolean {
  const ip = ipOf(address)
  return ip !== undefined && isPrivateIp(ip.ip)
}

/** Link-local IPv6 (fe80::/10) needs a zone to dial, which a pasted invitation cannot carry. */
function isLinkLocal(address: Multiaddr): boolean {
  const ip = ipOf(address)
  return ip?.family === 'ip6' && /^fe[89ab]/i.test(ip.ip)
}

/**
 * The addresses an invitation offers, in the order a joiner should try them: announced ones (the
 * host's own choice), the LAN addresses (loopback only when there is nothing else: a host on a
 * machine with no network, or a test), the public ones others have confirmed (a router's UPnP
 * mapping, AutoNAT), and last the relayed ones, which always work but cost the relay's round trip.
 */
export function invitationAddresses(listening: Multiaddr[], announced: Multiaddr[] = []): Multiaddr[] {
  const direct = listening.filter((a) => !isRelayed(a) && !isLinkLocal(a))
  const local = direct.filter((a) => ipOf(a) === undefined || isPrivateAddress(a))
  const lan = local.filter((a) => !isLoopback(a))
  const outside = direct.filter((a) => !local.includes(a))
  // A relay lists its loopback address in the reservation too; useful only on the relay's machine.
  const relayed = listening.filter((a) => isRelayed(a))
  const relayedAway = relayed.filter((a) => !isLoopback(a))
  const chosen = [
    ...announced,
    ...(lan.length > 0 ? lan : local),
    ...outside,
    ...(relayedAway.length > 0 ? relayedAway : relayed)
  ]
  const seen = new Set<string>()
  const unique = chosen.filter((a) => {
    const key = a.toString()
    if (seen.has(key)) return false
    seen.add(key)
    return a.bytes.byteLength <= MAX_ADDRESS_BYTES
  })
  // What a reader accepts, the first ones kept: the order above is the order of preference.
  return unique.slice(0, MAX_INVITATION_ADDRESSES)
}

/** Decodes the invitation's addresses and checks they all name one host, before anything is dialled. */
export function invitationTarget(invitation: string): {
  addresses: Multiaddr[]
  hostPeerId: string
  token: string
} {
  const parts = decodeInvitation(invitation)
  let addresses: Multiaddr[]
  try {
    addresses = parts.addresses.map((bytes) => multiaddr(bytes))
  } catch {
    throw new InvalidInvitationError('invitation holds an address that does not parse')
  }
  // The last /p2p/ names the host; a relayed address names its relay before `/p2p-circuit`.
  const peerIds = new Set(addresses.map((a) => a.getComponents().findLast((c) => c.name === 'p2p')?.value))
  const [hostPeerId] = peerIds
  if (peerIds.size !== 1 || hostPeerId === undefined) {
    throw new InvalidInvitationError('every invitation address must end in /p2p/<the host PeerId>')
  }
  return { addresses, hostPeerId, token: parts.token }
}

/** The address with `/p2p/<peerId>` at its end, unless it ends in a PeerId already. */
export function withPeerId(address: Multiaddr, peerId: string): Multiaddr {
  return address.getComponents().at(-1)?.name === 'p2p' ? address : address.encapsulate(`/p2p/${peerId}`)
}
