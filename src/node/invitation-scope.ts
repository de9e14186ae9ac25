/**
 * Which of the host's addresses an invitation offers. By default only private ones (LAN, loopback,
 * unique-local IPv6): a public address says where the host is to anyone the invitation reaches, so
 * offering one is a choice (`--public`). Nothing outside the machine is asked: the public addresses
 * are those its own interfaces already have. Behind NAT there is none; forward the port on the router
 * and announce the public address explicitly.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { decodeInvitation, encodeInvitation } from '../protocol/invitation.js'
import { ipOf } from './addresses.js'
import type { IssuedRoomInvitation } from './host.js'

/** True for an IP only reachable on a local network (or this machine): RFC 1918, CGNAT, loopback, link-local, ULA. */
export function isPrivateIp(ip: string): boolean {
  if (ip.includes(':')) {
    const lower = ip.toLowerCase()
    if (lower === '::1' || lower === '::') return true
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
    if (mapped?.[1] !== undefined) return isPrivateIp(mapped[1])
    return /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower)
  }
  const parts = ip.split('.').map(Number)
  const [a = -1, b = -1] = parts
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  )
}

function ipOfText(address: string): string | undefined {
  try {
    return ipOf(multiaddr(address))?.ip
  } catch {
    return undefined
  }
}

function withoutPeerId(address: string): string {
  return address.replace(/\/p2p\/[^/]+$/, '')
}

export interface ScopeOptions {
  /** Also offer the public addresses of this machine's interfaces. */
  includePublic: boolean
  /** Addresses given explicitly (`--announce`): always offered. */
  announced?: string[]
}

/**
 * Keeps, of an issued invitation's addresses, the announced ones, those without an IP (DNS) and the
 * private ones, plus the public ones with `includePublic`. When that would leave none, every address
 * is kept (and `widened` says so) rather than issuing an invitation that leads nowhere.
 */
export function scopeInvitation(
  issued: IssuedRoomInvitation,
  options: ScopeOptions
): IssuedRoomInvitation & { widened: boolean; withheld: string[] } {
  const announced = new Set((options.announced ?? []).map(withoutPeerId))
  const keep = (address: string): boolean => {
    if (options.includePublic || announced.has(withoutPeerId(address))) return true
    const ip = ipOfText(address)
    return ip === undefined || isPrivateIp(ip)
  }
  const kept = issued.addresses.filter(keep)
  const withheld = issued.addresses.filter((a) => !keep(a))
  if (withheld.length === 0) return { ...issued, widened: false, withheld: [] }
  if (kept.length === 0) return { ...issued, widened: true, withheld: [] }
  const parts = decodeInvitation(issued.invitation)
  const keptBytes = parts.addresses.filter((bytes) => keep(multiaddr(bytes).toString()))
  return {
    ...issued,
    invitation: encodeInvitation({ addresses: keptBytes, token: parts.token }),
    addresses: kept,
    widened: false,
    withheld
  }
}
