/**
 * The relay's attacker, in a process of its own like the room's (attacker.ts, sharing attack-kit.ts):
 * raw TCP garbage and silent sockets, a connection flood, many PeerIds reserving from one address,
 * and a flood of hop streams, all from 127.0.0.1 against a `securechat relay`.
 */
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { RELAY_V2_HOP_CODEC } from '@libp2p/circuit-relay-v2'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { STATUS_OK } from '../src/node/circuit-wire.js'
import {
  type Attack,
  connectedNodes,
  lanes,
  type Prepared,
  serveAttacker,
  sleep,
  until
} from './attack-kit.js'
import { hopRequest } from './hop-client.js'
import { now } from './ipc.js'

export const RELAY_ATTACKS = [
  'relay-garbage',
  'relay-connections',
  'relay-reservations',
  'relay-hop-flood'
] as const
export type RelayAttackKind = (typeof RELAY_ATTACKS)[number]

export interface RelayPrepareArgs {
  kind: RelayAttackKind
  /** The relay's multiaddr, ending in /p2p/<its PeerId>. */
  relay: string
  /** Nodes (PeerIds) of the connection flood and the reservations; sockets of the garbage attack. */
  count?: number
}

/** Garbage written per raw socket before waiting for the relay to close it. */
const GARBAGE_BYTES = 4096
/** Hop-flood connections, and the lanes opening hop streams on each (more than the relay allows). */
const HOP_FLOOD = { connections: 4, lanesPerConnection: 24 }
/** The pending cap per source is 8: the attacker dials a few at a time, so its nodes do get in. */
const DIAL_CONCURRENCY = 4

function tcpTarget(relay: Multiaddr): { host: string; port: number } {
  const parts = relay.getComponents()
  const ip = parts.find((c) => c.name === 'ip4' || c.name === 'ip6')?.value
  const port = parts.find((c) => c.name === 'tcp')?.value
  if (ip === undefined || port === undefined) throw new Error(`not a TCP address: ${relay.toString()}`)
  return { host: ip, port: Number(port) }
}

/**
 * Raw sockets that never speak libp2p: half write garbage and wait to be closed, half stay silent
 * (as if in a very slow handshake), each lane opening the next as soon as the relay drops its last.
 * `answered` counts sockets the relay closed, `refused` those it would not take.
 */
async function garbage(relay: Multiaddr, count: number): Promise<Prepared> {
  const target = tcpTarget(relay)
  const open = new Set<Socket>()
  const attack: Attack = async (tally, deadline) => {
    await lanes(count, async (lane) => {
      while (now() < deadline) {
        await new Promise<void>((resolve) => {
          const socket = connect(target)
          open.add(socket)
          const timer = setTimeout(() => socket.destroy(), Math.max(1, deadline - now()))
          let closedByUs = false
          socket.on('connect', () => {
            tally.sent++
            if (lane % 2 === 0) {
              socket.write(randomBytes(GARBAGE_BYTES))
              tally.bytes += GARBAGE_BYTES
            }
          })
          socket.on('data', () => {})
          socket.on('error', () => {})
          socket.on('close', (hadError) => {
            clearTimeout(timer)
            open.delete(socket)
            closedByUs = now() >= deadline
            if (!closedByUs) {
              if (hadError) tally.refused++
              else tally.answered++
            }
            resolve()
          })
        })
        if (now() < deadline) await sleep(10)
      }
    })
  }
  return {
    nodes: [],
    attack,
    connections: () => open.size,
    release: () => {
      for (const socket of open) socket.destroy()
    }
  }
}

/** `count` nodes connected to the relay, held until the end; `connections` says how many it kept. */
async function connections(relay: Multiaddr, count: number): Promise<Prepared> {
  const nodes = await connectedNodes(count, [relay], DIAL_CONCURRENCY)
  const attack: Attack = async (tally, deadline) => {
    tally.sent = nodes.length
    tally.answered = nodes.filter((n) => n.getConnections().length > 0).length
    tally.refused = nodes.length - tally.answered
    await sleep(deadline - now())
  }
  return { nodes, attack }
}

/**
 * `count` PeerIds, each connected from 127.0.0.1, each asking for a reservation once and holding it
 * (or its refusal) until the end: `answered` counts reservations granted, `refused` the others.
 */
async function reservations(relay: Multiaddr, count: number): Promise<Prepared> {
  const nodes = await connectedNodes(count, [relay], DIAL_CONCURRENCY)
  const attack: Attack = async (tally, deadline) => {
    await lanes(nodes.length, async (i) => {
      const signal = until(deadline)
      try {
        const { status } = await hopRequest(nodes[i] as Libp2p, relay, { reserve: true }, signal)
        tally.sent++
        if (status === STATUS_OK) tally.answered++
        else tally.refused++
      } catch (err) {
        tally.note(err, signal)
      }
    })
    await sleep(deadline - now())
  }
  return { nodes, attack }
}

/**
 * Hop streams as fast as the relay takes them, more lanes per connection than it allows streams:
 * half ask for a circuit to a PeerId nobody reserved (answered at once), half open the stream and
 * say nothing (held until the relay's hop timeout). `answered` counts statuses, `refused` streams the
 * relay would not open or dropped unanswered.
 */
async function hopFlood(relay: Multiaddr): Promise<Prepared> {
  const nodes = await connectedNodes(HOP_FLOOD.connections, [relay], DIAL_CONCURRENCY)
  const nobody = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const attack: Attack = async (tally, deadline) => {
    await lanes(nodes.length * HOP_FLOOD.lanesPerConnection, async (i) => {
      const node = nodes[i % nodes.length] as Libp2p
      while (now() < deadline) {
        const signal = until(deadline)
        try {
          tally.sent++
          if (i % 2 === 0) {
            const { status, stream } = await hopRequest(node, relay, { connect: nobody }, signal)
            stream.abort(new Error('next'))
            if (status === undefined) tally.refused++
            else tally.answered++
          } else {
            const stream = await node.dialProtocol(relay, RELAY_V2_HOP_CODEC, {
              signal,
              runOnLimitedConnection: true
            })
            await new Promise<void>((resolve) => {
              stream.addEventListener('close', () => resolve(), { once: true })
              signal.addEventListener('abort', () => resolve(), { once: true })
            })
            stream.abort(new Error('next'))
            tally.answered++
          }
        } catch (err) {
          tally.refused++
          tally.note(err, signal)
          await sleep(5)
        }
      }
    })
  }
  return { nodes, attack }
}

serveAttacker(async (args: RelayPrepareArgs) => {
  const relay = multiaddr(args.relay)
  switch (args.kind) {
    case 'relay-garbage':
      return garbage(relay, args.count ?? 32)
    case 'relay-connections':
      return connections(relay, args.count ?? 64)
    case 'relay-reservations':
      return reservations(relay, args.count ?? 50)
    case 'relay-hop-flood':
      return hopFlood(relay)
  }
})
