/**
 * @module Which IP addresses are reachable only on a local network or this machine.
 */

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
