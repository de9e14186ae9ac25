/**
 * The room host (or, with argv `baseline`, the bare relay) in its own process, as in a real room.
 * Answers the coordinator's calls: start, the room code, CPU/RSS/relayed counters, a memory peak
 * watch, CPU profiling.
 */
import { readFileSync } from 'node:fs'
import type { Libp2p } from '@libp2p/interface'
import { hashAnswer } from '../src/node/answer-hash.js'
import { createRoomHost, type RoomHost } from '../src/node/host.js'
import { createSecureChatNode } from '../src/node/libp2p.js'
import { type BaselineRelay, startBaselineRelay } from './baseline-relay.js'
import { ANSWER, QUESTION, ROOM_LIMITS } from './config.js'
import { serve } from './ipc.js'
import { startProfile, stopProfile } from './profile.js'

const mode = process.argv[2] === 'baseline' ? 'baseline' : 'room'
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

/** `productLimits`: the room as shipped (every per-source, rate and backlog limit at its default). */
async function start(args: {
  scryptN?: number
  productLimits?: boolean
}): Promise<{ invitation?: string; address?: string }> {
  if (mode === 'room') {
    host = await createRoomHost({
      question: QUESTION,
      // Cheap scrypt (N=1024) unless told otherwise: the join benchmark measures the protocol; the
      // default hash's deliberate cost is measured apart.
      answerHash: await hashAnswer(ANSWER, args.scryptN === undefined ? { N: 1024 } : { N: args.scryptN }),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      relayOnly: true,
      ...(args.productLimits === true ? {} : BENCH_LIMITS)
    })
    host.on('relayed', () => {
      relayed++
    })
    host.on('refused', () => {
      refused++
    })
    const { invitation } = await host.invite({ ttlMs: 60 * 60_000 })
    return { invitation }
  }
  relayNode = await createSecureChatNode({ listen: ['/ip4/127.0.0.1/tcp/0'], ...ROOM_LIMITS })
  await relayNode.start()
  relay = await startBaselineRelay(relayNode)
  const address = relayNode.getMultiaddrs()[0]?.toString()
  if (address === undefined) throw new Error('the relay has no address')
  return { address }
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
