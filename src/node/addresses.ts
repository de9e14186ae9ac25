import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { decodeInvitation, InvalidInvitationError } from '../protocol/invitation.js'

/** The IP of a multiaddr and its family, or undefined (a DNS or circuit address). */
export function ipOf(address: Multiaddr): { family: 'ip4' | 'ip6'; ip: string } | undefined {
  const component = address.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')
  if (component?.value === undefined) return undefined
  return { family: component.name as 'ip4' | 'ip6', ip: component.value }
}

/**
 * The key for per-source limits (lockout, handshake cap): the IPv4 address, or the IPv6 /64 prefix,
 * since one machine is routinely given a whole /64 and could otherwise rotate through it.
 */
export function sourceAddress(address: Multiaddr): string {
  const ip = ipOf(address)
  if (ip === undefined) return address.toString()
  if (ip.family === 'ip4') return ip.ip
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip.ip)
  if (mapped?.[1] !== undefined) return mapped[1]
  return `${ipv6Groups(ip.ip).slice(0, 4).join(':')}::/64`
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

/** Link-local IPv6 (fe80::/10) needs a zone to dial, which a pasted invitation cannot carry. */
function isLinkLocal(address: Multiaddr): boolean {
  const ip = ipOf(address)
  return ip?.family === 'ip6' && /^fe[89ab]/i.test(ip.ip)
}

/**
 * The addresses an invitation offers: announced ones first, then the LAN addresses, loopback only
 * when there is nothing else (a host on a machine with no network, or a test).
 */
export function invitationAddresses(listening: Multiaddr[], announced: Multiaddr[] = []): Multiaddr[] {
  const usable = listening.filter((a) => !isLinkLocal(a))
  const lan = usable.filter((a) => !isLoopback(a))
  const chosen = [...announced, ...(lan.length > 0 ? lan : usable)]
  const seen = new Set<string>()
  return chosen.filter((a) => {
    const key = a.toString()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
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
  const peerIds = new Set(addresses.map((a) => a.getComponents().find((c) => c.name === 'p2p')?.value))
  const [hostPeerId] = peerIds
  if (peerIds.size !== 1 || hostPeerId === undefined) {
    throw new InvalidInvitationError('every invitation address must end in /p2p/<the host PeerId>')
  }
  return { addresses, hostPeerId, token: parts.token }
}

/** The address with `/p2p/<peerId>` at its end, unless it names a PeerId already. */
export function withPeerId(address: Multiaddr, peerId: string): Multiaddr {
  return address.getComponents().some((c) => c.name === 'p2p')
    ? address
    : address.encapsulate(`/p2p/${peerId}`)
}
