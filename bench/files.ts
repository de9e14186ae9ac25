/**
 * The file-transfer phase: one file through a relay-only room host on loopback (sealed, uploaded,
 * spooled, fetched, opened and saved), beside a bare libp2p stream piping the same file's bytes through
 * a bare relay, each end in a process of its own. The host's RSS growth while the file passes is the
 * bound the spool is for.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { HostStats } from './cluster.js'
import { Child, now } from './ipc.js'
import type { Bench } from './plan.js'
import { mib, round } from './stats.js'

export interface FileTransferResult {
  size_mib: number
  /** MiB/s from the start of the send to the receiver's saved, verified file. */
  mib_per_s: number | null
  baseline_mib_per_s: number | null
  /** securechat / bare relay. */
  ratio: number | null
  /** The host's peak RSS during the transfer minus its RSS just before it (after a GC). */
  host_rss_growth_mib: number | null
  baseline_host_rss_growth_mib: number | null
  /**
   * The host's peak ArrayBuffer memory during the transfer (buffers in flight, and those dropped but
   * not yet collected: V8 collects them once some 64 MiB have built up), and what of it a GC after the
   * transfer leaves: what the host really kept.
   */
  host_array_buffers_peak_mib: number | null
  host_array_buffers_after_mib: number | null
  /** The saved file's SHA-256 matched the sent one's. */
  intact: boolean
}

/** A file of `bytes` random bytes, written in 1 MiB pieces (never whole in memory). */
async function randomFile(path: string, bytes: number): Promise<void> {
  const file = await open(path, 'w', 0o600)
  try {
    for (let written = 0; written < bytes; written += 1024 * 1024) {
      await file.write(randomBytes(Math.min(1024 * 1024, bytes - written)))
    }
  } finally {
    await file.close()
  }
}

function child(name: string, module: string, argv: string[] = []): Child {
  return new Child(name, fileURLToPath(new URL(module, import.meta.url)), argv)
}

/** CPU (ms) of the host and each peer over `run`, and the host's RSS growth: just before it to its peak. */
async function measured<T>(
  host: Child,
  peers: Child[],
  run: () => Promise<T>
): Promise<{ result: T; growth: number; cpuMs: number[]; buffersPeak: number; buffersAfter: number }> {
  const before = await host.call<HostStats>('stats', { gc: true })
  const peersBefore = await Promise.all(peers.map((p) => p.call<number>('cpu')))
  await host.call('watchStart')
  const result = await run()
  const peak = await host.call<{ rss: number; arrayBuffers: number }>('watchStop')
  const after = await host.call<HostStats>('stats', { gc: true })
  const peersAfter = await Promise.all(peers.map((p) => p.call<number>('cpu')))
  const cpuMs = [after.cpuUs - before.cpuUs, ...peersAfter.map((us, i) => us - (peersBefore[i] ?? 0))].map(
    (us) => round(us / 1000, 0) ?? 0
  )
  return {
    result,
    growth: Math.max(0, peak.rss - before.rss),
    cpuMs,
    buffersPeak: peak.arrayBuffers,
    buffersAfter: after.arrayBuffers
  }
}

async function bare(bench: Bench, path: string, out: string, bytes: number) {
  const relay = child('bare-file-relay', './host-process.js', ['baseline'])
  const [a, b] = [child('bare-sender', './file-peer.js'), child('bare-receiver', './file-peer.js')]
  bench.track(relay, a, b)
  try {
    const { address } = await relay.call<{ address: string }>('start', {})
    const key = randomBytes(8)
    const { result, growth, cpuMs } = await measured(relay, [a, b], async () => {
      const receiving = b.call<{ at: number }>('pipeReceive', { address, key, path: out, bytes }, 600_000)
      const { started } = await a.call<{ started: number }>('pipeSend', { address, key, path }, 600_000)
      const { at } = await receiving
      return at - started
    })
    return { ms: result, growth, cpuMs }
  } finally {
    await Promise.all([a.stop(), b.stop(), relay.stop()])
  }
}

async function room(bench: Bench, path: string, dir: string) {
  const host = child('file-host', './host-process.js')
  const [a, b] = [child('file-sender', './file-peer.js'), child('file-receiver', './file-peer.js')]
  bench.track(host, a, b)
  try {
    const { invitation } = await host.call<{ invitation: string }>('start', {})
    for (const [peer, nick] of [
      [a, 'sender'],
      [b, 'receiver']
    ] as const) {
      const code = await host.call<string>('code')
      await peer.call('join', { invitation, code, nick, dir })
    }
    await a.call('waitForMembers', { count: 1 })
    const { result, growth, cpuMs, buffersPeak, buffersAfter } = await measured(host, [a, b], async () => {
      const { started } = await a.call<{ started: number }>('send', { path }, 600_000)
      const got = await b.call<{ at: number; sha256: string }>('awaitReceived', {}, 600_000)
      return { ms: got.at - started, sha256: got.sha256 }
    })
    return { ...result, growth, cpuMs, buffersPeak, buffersAfter }
  } finally {
    await Promise.all([a.stop(), b.stop(), host.stop()])
  }
}

/** One file of `sizeMib` through the room and through the bare relay, in turn. */
export async function fileTransfer(bench: Bench, sizeMib: number): Promise<FileTransferResult> {
  const dir = mkdtempSync(join(tmpdir(), 'securechat-bench-files-'))
  try {
    const bytes = sizeMib * 1024 * 1024
    const path = join(dir, 'file.bin')
    await randomFile(path, bytes)
    const { createHash } = await import('node:crypto')
    const { createReadStream } = await import('node:fs')
    const hash = createHash('sha256')
    for await (const piece of createReadStream(path)) hash.update(piece as Buffer)
    const sha256 = hash.digest('hex')
    const t0 = now()
    const baseline = await bare(bench, path, join(dir, 'bare-copy.bin'), bytes)
    rmSync(join(dir, 'bare-copy.bin'), { force: true })
    const ours = await room(bench, path, dir)
    const rate = (ms: number) => round(sizeMib / (ms / 1000), 1)
    const result: FileTransferResult = {
      size_mib: sizeMib,
      mib_per_s: rate(ours.ms),
      baseline_mib_per_s: rate(baseline.ms),
      ratio: round(baseline.ms / ours.ms, 3),
      host_rss_growth_mib: mib(ours.growth),
      baseline_host_rss_growth_mib: mib(baseline.growth),
      host_array_buffers_peak_mib: mib(ours.buffersPeak),
      host_array_buffers_after_mib: mib(ours.buffersAfter),
      intact: ours.sha256 === sha256
    }
    bench.log(
      `file ${sizeMib} MiB: ${result.mib_per_s} MiB/s against the bare pipe's ${result.baseline_mib_per_s} ` +
        `(${result.ratio}); host RSS +${result.host_rss_growth_mib} MiB (ArrayBuffers peak ` +
        `${result.host_array_buffers_peak_mib}, after GC ${result.host_array_buffers_after_mib}); intact ${result.intact}; CPU ms ` +
        `host/sender/receiver ${ours.cpuMs.join('/')} against ${baseline.cpuMs.join('/')} ` +
        `(${round((now() - t0) / 1000, 1)} s)`
    )
    return result
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
