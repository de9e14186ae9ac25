import type { Multiaddr } from '@multiformats/multiaddr'

function ipOf(address: Multiaddr): { family: 'ip4' | 'ip6'; ip: string } | undefined {
  const component = address.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')
  if (component?.value === undefined) return undefined
  return { family: component.name as 'ip4' | 'ip6', ip: component.value }
}

/** The source IP of a connection, the key for per-address limits; the whole multiaddr when it has none. */
export function sourceAddress(address: Multiaddr): string {
  return ipOf(address)?.ip ?? address.toString()
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
