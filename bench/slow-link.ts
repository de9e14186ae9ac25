/**
 * @module Joins over a slow link: the host's TCP address behind a proxy on 127.0.0.1 that holds every
 * chunk `delayMs` each way, in order (a round trip of 2 × `delayMs`, which this kernel cannot make: it
 * has no netem), the securechat join beside the bare dial + stream open through the same proxy. A LAN
 * hides the round trips a join takes; a link across the internet does not. What this shows is how many
 * the join takes beyond the bare dial's.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { invitationTarget } from '../src/node/addresses.js'
import { withAddresses } from '../src/node/invitation-issue.js'
import { Cluster } from './cluster.js'
import type { Child } from './ipc.js'
import type { Bench } from './plan.js'
import { percentile } from './stats.js'

/** One way's delay of the slow link: 50 ms a round trip, a link between two cities. */
export const SLOW_LINK_DELAY_MS = 25

export interface SlowLinkJoins {
  delayMs: number
  joins: number[]
  dials: number[]
  failures: number
}

/** Forwards one direction, each chunk `delayMs` after it came, the end after the last chunk. */
function delayed(from: Socket, to: Socket, delayMs: number): void {
  let ended = false
  from.on('data', (chunk) => setTimeout(() => to.write(chunk), delayMs))
  from.on('end', () => {
    ended = true
    setTimeout(() => to.end(), delayMs)
  })
  // A reset (no end first) is passed on as one; 'close' follows every error.
  from.on('error', () => {})
  from.on('close', () => {
    if (!ended) setTimeout(() => to.destroy(), delayMs)
  })
}

/** A TCP proxy on 127.0.0.1 to `port`, `delayMs` each way. */
async function delayProxy(port: number, delayMs: number): Promise<{ port: number; server: Server }> {
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1')
    // Small writes go out at once, as libp2p's own sockets do: no Nagle stall on top of the delay.
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    delayed(client, upstream, delayMs)
    delayed(upstream, client, delayMs)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port')
  return { port: address.port, server }
}

/** The TCP port of the first 127.0.0.1 address in a multiaddr list. */
function loopbackPort(addresses: readonly string[]): number {
  for (const a of addresses) {
    const match = /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)(\/|$)/.exec(a)
    if (match !== null) return Number(match[1])
  }
  throw new Error(`no 127.0.0.1 TCP address among ${addresses.join(', ')}`)
}

/** The TCP port on 127.0.0.1 that a cluster's entry (an invitation, or the bare relay's address) points at. */
function hostPortOf(entry: string): number {
  return loopbackPort(entry.startsWith('/') ? [entry] : invitationTarget(entry).addresses.map(String))
}

/** The same entry pointed at `port` on 127.0.0.1 instead, its PeerId and token kept. */
export function throughPort(entry: string, port: number): string {
  if (entry.startsWith('/')) {
    const peerId = multiaddr(entry)
      .getComponents()
      .find((c) => c.name === 'p2p')?.value
    return `/ip4/127.0.0.1/tcp/${port}/p2p/${peerId}`
  }
  const proxied = multiaddr(`/ip4/127.0.0.1/tcp/${port}/p2p/${invitationTarget(entry).hostPeerId}`)
  return withAddresses(entry, [proxied]).invitation
}

/** The timed joins of one cluster through a proxy of `delayMs` each way to its host. */
async function timedThroughProxy(cluster: Cluster, count: number, delayMs: number): Promise<number[]> {
  const entry = cluster.timedEntry()
  if (entry === undefined) throw new Error('the cluster gave no entry')
  const proxy = await delayProxy(hostPortOf(entry), delayMs)
  const proxied = throughPort(entry, proxy.port)
  const ms: number[] = []
  try {
    // The first warms the worker's code paths and is not counted.
    for (let i = 0; i <= count; i++) {
      const t = await cluster.timedJoin(i, proxied)
      if (i > 0 && t !== undefined) ms.push(t)
    }
  } finally {
    proxy.server.close()
  }
  return ms
}

/** Securechat joins and bare dials over the slow link, one room of each. */
export async function joinsOverSlowLink(bench: Bench, workers: Child[]): Promise<SlowLinkJoins> {
  const count = bench.plan.slowLinkJoins
  const delayMs = SLOW_LINK_DELAY_MS
  if (count === 0) return { delayMs, joins: [], dials: [], failures: 0 }
  const room = await Cluster.start('room', workers)
  const baseline = await Cluster.start('baseline', workers)
  try {
    const joins = await timedThroughProxy(room, count, delayMs)
    const dials = await timedThroughProxy(baseline, count, delayMs)
    const p50 = (ms: number[]) => Math.round(percentile(ms, 50))
    bench.log(
      `over a link of ${delayMs} ms each way: joins p50 ${p50(joins)} ms, bare dials ${p50(dials)} ms`
    )
    return { delayMs, joins, dials, failures: 2 * count - joins.length - dials.length }
  } finally {
    await Promise.all([room.close(), baseline.close()])
  }
}
