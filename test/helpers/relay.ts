/**
 * Relay tests' cast, all on 127.0.0.1: a relay server, hosts that hold a reservation on it through
 * libp2p's circuit relay transport, and dialers that reach them through it with an echo (or sink)
 * protocol allowed on limited connections.
 */
import type { Connection, Libp2p, PrivateKey, Stream } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { hopRequest } from '../../bench/hop-client.js'
import { createSecureChatNode } from '../../src/node/libp2p.js'
import type { RelayEvent } from '../../src/node/relay-events.js'
import { createRelayServer, RelayServer, type RelayServerOptions } from '../../src/node/relay-server.js'
import { eventually } from './room.js'

export const ECHO = '/securechat-test/echo/1.0.0'
export const SINK = '/securechat-test/sink/1.0.0'
const WAIT_MS = 15_000

export async function startRelay(
  options: RelayServerOptions = {}
): Promise<{ relay: RelayServer; events: RelayEvent[] }> {
  const relay = await createRelayServer({ listen: ['/ip4/127.0.0.1/tcp/0'], ...options })
  const events: RelayEvent[] = []
  relay.on('*', (event) => events.push(event))
  return { relay, events }
}

/**
 * A host reachable only through `relay` (no direct address, so no hole punching takes its circuits
 * away), echoing what it reads on ECHO and dropping it on SINK. Resolves once its reservation is made.
 */
export async function relayedHost(
  relay: RelayServer | Multiaddr,
  options: { privateKey?: PrivateKey } = {}
): Promise<{ node: Libp2p; address: Multiaddr }> {
  const at = relay instanceof RelayServer ? relayAddress(relay) : relay
  const node = await createSecureChatNode({
    reach: true,
    listen: [`${at.toString()}/p2p-circuit`],
    ...options
  })
  await node.handle(
    ECHO,
    async (stream) => {
      for await (const chunk of stream) if (!stream.send(chunk)) await stream.onDrain().catch(() => {})
      await stream.close().catch(() => {})
    },
    { runOnLimitedConnection: true }
  )
  await node.handle(
    SINK,
    async (stream) => {
      for await (const _ of stream);
    },
    { runOnLimitedConnection: true }
  )
  await node.start()
  let address: Multiaddr | undefined
  await eventually(() => {
    address = node.getMultiaddrs().find((a) => a.toString().includes('/p2p-circuit'))
    return address !== undefined
  }, 'the host has its relayed address (its reservation)')
  return { node, address: address as Multiaddr }
}

/** A node that dials through relays (no listen address). */
export async function dialerNode(): Promise<Libp2p> {
  const node = await createSecureChatNode({ reach: true })
  await node.start()
  return node
}

/** Opens `protocol` on a new relayed connection to `address`; checks it did go through a relay. */
export async function openRelayed(
  dialer: Libp2p,
  address: Multiaddr,
  protocol: string
): Promise<{ stream: Stream; connection: Connection }> {
  const signal = AbortSignal.timeout(WAIT_MS)
  const connection = await dialer.dial(address, { signal, force: true })
  if (!connection.remoteAddr.toString().includes('/p2p-circuit')) {
    throw new Error(`not a relayed connection: ${connection.remoteAddr.toString()}`)
  }
  const stream = await connection.newStream(protocol, { signal, runOnLimitedConnection: true })
  return { stream, connection }
}

/**
 * Sends `bytes` in 4 KiB chunks on ECHO and counts what comes back, until all of it has or the
 * stream closes; resolves with the bytes echoed.
 */
export async function echo(stream: Stream, bytes: number): Promise<number> {
  let echoed = 0
  const done = new Promise<void>((resolve) => {
    stream.addEventListener('message', (event) => {
      echoed += event.data.byteLength
      if (echoed >= bytes) resolve()
    })
    stream.addEventListener('close', () => resolve(), { once: true })
  })
  const chunk = new Uint8Array(4096)
  for (let sent = 0; sent < bytes && stream.status === 'open'; sent += chunk.byteLength) {
    try {
      if (!stream.send(chunk)) await stream.onDrain({ signal: AbortSignal.timeout(WAIT_MS) })
    } catch {
      break
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, WAIT_MS)))])
  clearTimeout(timer)
  return echoed
}

/** The first event of the relay's so far or to come that matches, within a bounded wait. */
export async function relayEvent<T extends RelayEvent>(
  events: RelayEvent[],
  match: (event: RelayEvent) => event is T,
  what: string
): Promise<T> {
  let found: T | undefined
  await eventually(
    () => {
      found = events.find(match)
      return found !== undefined
    },
    what,
    WAIT_MS
  )
  return found as T
}

/** The relay's TCP address on 127.0.0.1, with its PeerId. */
export function relayAddress(relay: RelayServer): Multiaddr {
  return multiaddr(
    relay.addresses.find((a) => a.startsWith('/ip4/127.0.0.1/')) ?? (relay.addresses[0] as string)
  )
}

/** One RESERVE from `node` on `relay`, as bench/hop-client.ts sends it: the relay's status (100 is OK). */
export async function reserveOnce(node: Libp2p, relay: RelayServer): Promise<number | undefined> {
  return (await hopRequest(node, relayAddress(relay), { reserve: true }, AbortSignal.timeout(WAIT_MS))).status
}
