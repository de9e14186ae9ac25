/**
 * @module A per-address cap on inbound connections still being set up (TCP accepted, Noise not done).
 */
import type { ConnectionGater, MultiaddrConnection } from '@libp2p/interface'
import { sourceAddress } from './addresses.js'

/**
 * libp2p bounds connections being upgraded for the whole node only (`maxIncomingPendingConnections`),
 * and holds each for up to its upgrade timeout: raw TCP sockets that never start Noise, a few per
 * second from one address, would keep every newcomer and every returning member out. This gater lets
 * one source address (IPv4, or IPv6 /64) have at most `perSource` of them at once; the rest are
 * refused before Noise starts, so one address can take only its share of the node's limit.
 */
export function pendingPerSource(perSource: number): ConnectionGater {
  const pending = new Map<string, number>()
  const counted = new WeakSet<MultiaddrConnection>()
  const release = (maConn: MultiaddrConnection): void => {
    if (!counted.has(maConn)) return
    counted.delete(maConn)
    const source = sourceAddress(maConn.remoteAddr)
    const left = (pending.get(source) ?? 1) - 1
    if (left <= 0) pending.delete(source)
    else pending.set(source, left)
  }
  return {
    denyInboundConnection: (maConn) => {
      const source = sourceAddress(maConn.remoteAddr)
      const held = pending.get(source) ?? 0
      if (held >= perSource) return true
      pending.set(source, held + 1)
      counted.add(maConn)
      // Set up, or failed, either way no longer pending.
      maConn.addEventListener('close', () => release(maConn), { once: true })
      return false
    },
    denyInboundUpgradedConnection: (_peerId, maConn) => {
      release(maConn)
      return false
    }
  }
}
