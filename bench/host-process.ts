/**
 * The room host (or, with argv `baseline`, the bare relay; with argv `relay`, a circuit relay v2
 * server) in its own process, as in a real room. Answers the coordinator's calls: start, the room
 * code, CPU/RSS/relayed counters, a memory peak watch, CPU profiling.
 */
import { readFileSync } from 'node:fs'
import type { Libp2p } from '@libp2p/interface'
import { isRelayed } from '../src/node/addresses.js'
import { hashAnswer } from '../src/node/answer-hash.js'
import { createRoomHost, type RoomHost } from '../src/node/host.js'
import { withAddresses } from '../src/node/invitation-issue.js'
import { createSecureChatNode } from '../src/node/libp2p.js'
import { relayStates } from '../src/node/reach.js'
import { type BaselineRelay, startBaselineRelay } from './baseline-relay.js'
import { ANSWER, QUESTION, ROOM_LIMITS } from './config.js'
import { serve } from './ipc.js'
import { startPipeRelay } from './pipe-relay.js'
import { startProfile, stopProfile } from './profile.js'

const mode = process.argv[2] === 'baseline' || process.argv[2] === 'relay' ? process.argv[2] : 'room'
let host: RoomHost | undefined
let relayNode: Libp2p | undefined
let relay: BaselineRelay | undefined
let relayed = 0
let refused = 0

/** Limits lifted so that many members from 127.0.0.1, and floods on purpose, are what is measured. */
const BENCH_LIMITS = {
  ...ROOM_LIMITS,
  maxHandshakesPerSource: 1000,
  maxConnectionsPerSource: 1000,
  maxMembers: 256,
  lockout: { maxFailures: 1_000_000 },
  // The throughput run saturates on purpose: the per-member flood limit is not what is measured.
  rateLimit: { perSecond: 1_000_000, burst: 1_000_000 }
}

/** What a started host offers: the room's invitation or the bare relay's address, and through the relay. */
export interface Target {
  invitation?: string
  address?: string
  /** With `relay`: the invitation with only its relayed addresses, or the bare relay's relayed address. */
  relayedInvitation?: string
  relayedAddress?: string
}

/** Waits for a reservation on every relay named (the relay keeper's `states`). */
async function reserved(
  states: () => ReadonlyArray<{ reserved: boolean }>,
  timeoutMs = 15_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!states().every((r) => r.reserved)) {
    if (Date.now() > deadline) throw new Error(`no reservation on the relay: ${JSON.stringify(states())}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/**
 * The circuit relay v2 server, on 127.0.0.1 with the room's connection limits and no per-connection
 * limit (as a private relay would run): the default 2 minutes and 128 KiB would end the relayed
 * members' connections mid-run, which is the resume path's business, not what is measured here.
 */
async function startRelayServer(): Promise<Target> {
  relayNode = await createSecureChatNode({
    relayServer: { reservations: { applyDefaultLimit: false, maxReservations: 64 } },
    listen: ['/ip4/127.0.0.1/tcp/0'],
    ...ROOM_LIMITS
  })
  await relayNode.start()
  const address = relayNode.getMultiaddrs()[0]?.toString()
  if (address === undefined) throw new Error('the relay has no address')
  return { address }
}

/**
 * `productLimits`: the room as shipped (every per-source, rate and backlog limit at its default).
 * `relay`: a relay's multiaddr to keep a reservation on (the room host or the bare relay's node).
 */
async function start(args: { scryptN?: number; productLimits?: boolean; relay?: string }): Promise<Target> {
  if (mode === 'relay') return startRelayServer()
  const relays = args.relay === undefined ? [] : [args.relay]
  if (mode === 'room') {
    host = await createRoomHost({
      question: QUESTION,
      // Cheap scrypt (N=1024) unless told otherwise: the join benchmark measures the protocol; the
      // default hash's deliberate cost is measured apart.
      answerHash: await hashAnswer(ANSWER, args.scryptN === undefined ? { N: 1024 } : { N: args.scryptN }),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      relayOnly: true,
      relays,
      ...(args.productLimits === true ? {} : BENCH_LIMITS)
    })
    host.on('relayed', () => {
      relayed++
    })
    host.on('refused', () => {
      refused++
    })
    if (relays.length === 0) return { invitation: (await host.invite({ ttlMs: 60 * 60_000 })).invitation }
    await reserved(() => (host as RoomHost).relays)
    const { invitation } = await host.invite({ ttlMs: 60 * 60_000 })
    const relayedInvitation = withAddresses(invitation, host.addresses().filter(isRelayed)).invitation
    return { invitation, relayedInvitation }
  }
  relayNode = await createSecureChatNode({
    listen: ['/ip4/127.0.0.1/tcp/0'],
    ...ROOM_LIMITS,
    ...(relays.length === 0 ? {} : { reach: true, relays })
  })
  await relayNode.start()
  relay = await startBaselineRelay(relayNode)
  await startPipeRelay(relayNode)
  const addresses = relayNode.getMultiaddrs().map(String)
  const address = addresses.find((a) => !isRelayed(a))
  if (address === undefined) throw new Error('the relay has no address')
  if (relays.length === 0) return { address }
  await reserved(() => relayStates(relayNode as Libp2p))
  return { address, relayedAddress: relayNode.getMultiaddrs().map(String).find(isRelayed) }
}

/** Bytes this process has written (sockets included) per Linux's /proc/self/io; 0 where unavailable. */
function bytesWritten(): number {
  try {
    const match = /^wchar:\s*(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'))
    return match === null ? 0 : Number(match[1])
  } catch {
    return 0
  }
}

function stats({ gc }: { gc?: boolean }) {
  if (gc === true && typeof globalThis.gc === 'function') {
    globalThis.gc()
    globalThis.gc()
  }
  const cpu = process.cpuUsage()
  const mem = process.memoryUsage()
  return {
    cpuUs: cpu.user + cpu.system,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    arrayBuffers: mem.arrayBuffers,
    bytesOut: bytesWritten(),
    relayed: mode === 'room' ? relayed : (relay?.relayed ?? 0),
    refused,
    members: mode === 'room' ? (host?.memberList.length ?? 0) : (relay?.members ?? 0)
  }
}

/** The highest RSS and ArrayBuffer memory seen since `watchStart`, sampled every 100 ms (no GC). */
let watch: { timer: ReturnType<typeof setInterval>; rss: number; arrayBuffers: number } | undefined

function sample(): void {
  if (watch === undefined) return
  const mem = process.memoryUsage()
  watch.rss = Math.max(watch.rss, mem.rss)
  watch.arrayBuffers = Math.max(watch.arrayBuffers, mem.arrayBuffers)
}

function watchStart(): void {
  if (watch !== undefined) clearInterval(watch.timer)
  watch = { timer: setInterval(sample, 100), rss: 0, arrayBuffers: 0 }
  sample()
}

function watchStop(): { rss: number; arrayBuffers: number } {
  sample()
  const peak = { rss: watch?.rss ?? 0, arrayBuffers: watch?.arrayBuffers ?? 0 }
  if (watch !== undefined) clearInterval(watch.timer)
  watch = undefined
  return peak
}

serve(
  {
    start,
    code: async () => (host === undefined ? '' : (await host.roomCode()).code),
    stats,
    watchStart,
    watchStop,
    profileStart: () => startProfile(),
    profileStop: ({ path }: { path: string }) => stopProfile(path)
  },
  async () => {
    await host?.close()
    await relay?.close()
    await relayNode?.stop()
  }
)
