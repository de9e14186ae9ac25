/**
 * Which of the host's addresses an invitation offers. By default only private ones (LAN, loopback,
 * unique-local IPv6): a public address says where the host is to anyone the invitation reaches, so
 * offering one is a choice (`--public`), except those the host asked for: announced ones, and those
 * its router mapped and AutoNAT confirmed. Relayed addresses (built from the relay addresses the host
 * was given, so they show the relay's IP, not the host's) are always offered.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { decodeInvitation, encodeInvitation } from '../protocol/invitation.js'
import { ipOf, isRelayed } from './addresses.js'
import type { IssuedRoomInvitation } from './host.js'
import { isPrivateIp } from './private-ip.js'

export { isPrivateIp }

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
  /**
   * Public addresses others confirmed the host is reachable at (its router's UPnP mapping, checked
   * by AutoNAT): offered like announced ones, since the host asked for them to exist.
   */
  confirmed?: string[]
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
  const announced = new Set([...(options.announced ?? []), ...(options.confirmed ?? [])].map(withoutPeerId))
  const keep = (address: string): boolean => {
    // A relayed address names the relay's public address, not the host's.
    if (isRelayed(address)) return true
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
