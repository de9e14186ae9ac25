/**
 * @module The time from a relayed connection to the direct one (DCUtR), in a simulated internet of
 * network namespaces: a host behind one home router, a joiner behind another whose router maps its
 * port (UPnP), a relay on the public segment. Root only; otherwise it says why it did not run.
 */
import { internetUnavailable, SimulatedInternet, upnpUnavailable } from '../test/helpers/internet.js'
import { type PeerEvent, ReachPeer } from '../test/helpers/reach-peer.js'
import { percentile } from './stats.js'

/** Non-reserved, as libp2p's NAT traversal requires (see test/helpers/internet.ts); it cannot leave the namespaces. */
const PUBLIC_PREFIX = '11.92.0.0/24'
const RELAY_PORT = 4001
const PORT = 4455

export type DcutrResult =
  | {
      measured: true
      setup: string
      trials: number
      failures: number
      /** Relayed connection open → direct connection open, at the joiner. */
      p50_ms: number
      p95_ms: number
    }
  | { measured: false; why: string }

const isCircuit = (address: unknown): boolean => String(address).includes('/p2p-circuit')

function dial(peer: ReachPeer, addr: string): Promise<PeerEvent> {
  const from = peer.events.length
  peer.send({ cmd: 'dial', addr })
  return peer.until(
    () => peer.events.slice(from).find((e) => e.type === 'dialed' || e.type === 'dial-failed'),
    `a dial of ${addr}`
  )
}

/** One relayed dial, then the wait for the direct connection DCUtR makes; the time between, or undefined. */
async function trial(joiner: ReachPeer, circuit: string, hostId: string): Promise<number | undefined> {
  const from = joiner.events.length
  const dialed = await dial(joiner, circuit)
  if (dialed.type !== 'dialed') return undefined
  const relayedId = (dialed['connection'] as { id: string }).id
  const opened = await joiner.event(
    'connection:open',
    (e) => e['id'] === relayedId,
    'the relayed open',
    5000,
    from
  )
  try {
    const direct = await joiner.event(
      'connection:open',
      (e) => e['remotePeer'] === hostId && !isCircuit(e['remoteAddr']),
      'the direct connection',
      15_000,
      from
    )
    return direct.at - opened.at
  } catch {
    return undefined
  } finally {
    const hung = joiner.events.length
    joiner.send({ cmd: 'hangup', peer: hostId })
    await joiner.event('hung-up', () => true, 'the hang-up', 5000, hung)
  }
}

/** Runs `trials` upgrades in one topology; about 15 s of set-up (the router's mapping, AutoNAT) and a moment per trial. */
export async function measureDcutrUpgrade(trials: number): Promise<DcutrResult> {
  const why = internetUnavailable() ?? upnpUnavailable()
  if (why !== undefined) return { measured: false, why }
  const net = new SimulatedInternet({ publicPrefix: PUBLIC_PREFIX })
  const peers: ReachPeer[] = []
  const peer = (name: string, ns: string, config: ConstructorParameters<typeof ReachPeer>[2]): ReachPeer => {
    const p = new ReachPeer(name, net.exec(ns), config)
    peers.push(p)
    return p
  }
  try {
    net.addHome('a', { nat: 'port-preserving' })
    const b = net.addHome('b', { nat: 'port-preserving' })
    await net.startUpnp('b')
    const relayAddr = `/ip4/${net.relay.address}/tcp/${RELAY_PORT}`
    const relay = peer('relay', net.relay.ns, {
      listen: [`/ip4/0.0.0.0/tcp/${RELAY_PORT}`],
      announce: [relayAddr],
      relayServer: {}
    })
    const relayId = (await relay.event('ready'))['peerId'] as string
    const relayFull = `${relayAddr}/p2p/${relayId}`
    const host = peer('host', net.home('a').hosts[0]?.ns as string, {
      reach: true,
      listen: [`/ip4/0.0.0.0/tcp/${PORT}`, `${relayFull}/p2p-circuit`]
    })
    const hostId = (await host.event('ready'))['peerId'] as string
    await host.event('self:peer:update', (e) => (e['addrs'] as string[]).some(isCircuit), 'the reservation')
    const joiner = peer('joiner', b.hosts[0]?.ns as string, {
      reach: true,
      listen: [`/ip4/0.0.0.0/tcp/${PORT}`],
      upnp: true
    })
    await joiner.event('ready')
    await dial(joiner, relayFull)
    const mapped = `/ip4/${b.router?.wanAddress}/tcp/${PORT}/`
    await joiner.event(
      'self:peer:update',
      (e) => (e['addrs'] as string[]).some((a) => a.startsWith(mapped)),
      "the joiner's mapping, confirmed by AutoNAT",
      45_000
    )
    const times: number[] = []
    let failures = 0
    for (let i = 0; i < trials; i++) {
      const ms = await trial(joiner, `${relayFull}/p2p-circuit/p2p/${hostId}`, hostId)
      if (ms === undefined) failures++
      else times.push(ms)
    }
    return {
      measured: true,
      setup:
        'network namespaces: host behind a port-preserving NAT router, joiner behind another whose router ' +
        'maps its port (miniupnpd, confirmed by AutoNAT v2 through the relay), relay on the public segment; ' +
        "DCUtR's unilateral upgrade (the host dials the joiner's mapped address)",
      trials,
      failures,
      p50_ms: Math.round(percentile(times, 50) * 10) / 10,
      p95_ms: Math.round(percentile(times, 95) * 10) / 10
    }
  } catch (err) {
    return { measured: false, why: (err as Error).message.split('\n')[0] ?? 'failed' }
  } finally {
    await Promise.allSettled(peers.map((p) => p.stop()))
    await net.destroy()
  }
}
