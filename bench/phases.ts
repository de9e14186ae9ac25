/**
 * The measuring phases, each with its own host process(es): joins beside bare dials, joins with the
 * default scrypt cost, the saturating throughput runs, and the fixed-rate fan-out with the scale steps.
 */
import { join } from 'node:path'
import { DEFAULT_SCRYPT_PARAMS } from '../src/node/answer-hash.js'
import { Cluster, type FanoutRun, type Relay } from './cluster.js'
import { type Child, now } from './ipc.js'
import { type Bench, RELAYED_FANOUT_MEMBERS, SCALE_LIMIT_MS } from './plan.js'
import type { ScaleStep } from './result.js'
import { mib, percentile, round } from './stats.js'

const r2 = (v: number) => round(v, 2)
const r1 = (v: number) => round(v, 1)

function describe(run: FanoutRun): string {
  const errs = run.errors.length > 0 ? ` errors: ${run.errors.slice(0, 2).join('; ')}` : ''
  const unprimed = run.primed ? '' : ' (the re-keys before it were not all delivered: not the steady state)'
  return (
    `p50 ${r2(percentile(run.latencies, 50))} ms, p99 ${r2(percentile(run.latencies, 99))} ms, ` +
    `lost ${run.lost}/${run.messages}; per message: host CPU ${r2(run.hostCpuMs)} ms, all processes ` +
    `${r1(run.totalCpuMs)} ms, host wrote ${r1(run.hostBytesOut / 1024)} KiB${unprimed}${errs}`
  )
}

/**
 * Starts the host processes side by side (a second or so each, nothing is measured yet) and
 * tracks every one that started, so that none outlives a failed start.
 */
async function startAll(bench: Bench, starts: Promise<Cluster>[]): Promise<Cluster[]> {
  const settled = await Promise.allSettled(starts)
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  bench.track(...started.map((c) => c.host))
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed !== undefined) throw failed.reason
  return started
}

/** The timed joins (or bare dials) of one series, and how many failed (left out of the times). */
export interface Timed {
  ms: number[]
  failures: number
}

/**
 * Joins and bare dials, direct and through the circuit relay (a host and a bare relay that each
 * hold a reservation on it, dialled at their relayed addresses alone), interleaved so that all four
 * see the same load on the machine.
 */
export async function joinsAndDials(bench: Bench, workers: Child[], relay: Relay) {
  const through = { relay, members: 'all' } as const
  const clusters = await startAll(bench, [
    Cluster.start('room', workers),
    Cluster.start('baseline', workers),
    Cluster.start('room', workers, { through }),
    Cluster.start('baseline', workers, { through })
  ])
  const series = clusters.map(() => ({ ms: [], failures: 0 }) as Timed)
  const warmup = 3
  for (let i = 0; i < bench.plan.joins + warmup; i++) {
    for (let k = 0; k < clusters.length; k++) {
      const at = (i + k) % clusters.length
      const ms = await (clusters[at] as Cluster).timedJoin(i)
      if (i < warmup) continue
      const s = series[at] as Timed
      if (ms === undefined) s.failures++
      else s.ms.push(ms)
    }
  }
  const [joins, dials, relayedJoins, relayedDials] = series as [Timed, Timed, Timed, Timed]
  const p50 = (t: Timed) => `p50 ${r2(percentile(t.ms, 50))} ms (${t.failures} failed)`
  bench.log(`joins: ${p50(joins)}; bare dials: ${p50(dials)}`)
  bench.log(`through the relay: joins ${p50(relayedJoins)}; bare dials ${p50(relayedDials)}`)
  await Promise.all(clusters.map((c) => c.close()))
  return { joins, dials, relayedJoins, relayedDials }
}

/** Joins against a host with the product's default scrypt cost, which the main join figures leave out. */
export async function defaultScryptJoins(bench: Bench, workers: Child[]) {
  const cluster = await Cluster.start('room', workers, { scryptN: DEFAULT_SCRYPT_PARAMS.N })
  bench.track(cluster.host)
  const ms: number[] = []
  for (let i = 0; i <= bench.plan.defaultScryptJoins; i++) {
    const t = await cluster.timedJoin(i)
    if (i > 0 && t !== undefined) ms.push(t)
  }
  bench.log(`joins with default scrypt (N=${DEFAULT_SCRYPT_PARAMS.N}): p50 ${r2(percentile(ms, 50))} ms`)
  await cluster.close()
  return ms
}

export interface RoomRuns {
  fanout: Map<number, FanoutRun>
  /** [members, host RSS] and [members, host heap used], after a full GC, as the room grows. */
  rss: [number, number][]
  heap: [number, number][]
}

/** One fan-out run of a room through the relay, and how many members were relayed when it ended. */
export interface RelayedRun {
  run: FanoutRun
  relayedMembers: number
}

export interface RelayedFanout {
  /** Half the members (odd ids) joined through the relay with its relayed-only invitation. */
  half: RelayedRun
  /** Join attempts retried while the room grew. */
  retries: number
  /** The same room after every relayed member moved to a direct connection, and each move's time. */
  moved?: RelayedRun & { moveMs: number[] }
}

export const fanoutOptions = (bench: Bench) => ({
  messages: bench.plan.messages,
  warmup: bench.plan.warmup,
  rate: bench.rate,
  drainMs: 10_000
})

/**
 * A room whose host holds a reservation on the relay, half of its members relayed: one fan-out run,
 * then (when the plan says so) one after the relayed members moved to direct connections.
 */
async function halfRelayed(bench: Bench, workers: Child[], relay: Relay, n: number): Promise<RelayedFanout> {
  const cluster = await Cluster.start('room', workers, { through: { relay, members: 'half' } })
  bench.track(cluster.host)
  try {
    const t0 = now()
    await cluster.grow(n)
    bench.log(`${cluster.name}: ${n} members (joined in ${r1((now() - t0) / 1000)} s)`)
    const measure = async (what: string): Promise<RelayedRun> => {
      const run = await cluster.fanout(fanoutOptions(bench))
      const relayedMembers = await cluster.relayedMembers()
      bench.log(
        `${cluster.name}${what}: fan-out at ${n} (${relayedMembers} relayed at the end): ${describe(run)}`
      )
      return { run, relayedMembers }
    }
    const half = await measure('')
    if (!bench.plan.movedFanout) return { half, retries: cluster.retries }
    const moveMs = await cluster.goDirect()
    bench.log(`${moveMs.length} relayed members moved to direct: p50 ${r1(percentile(moveMs, 50))} ms each`)
    const moved = { ...(await measure(', after the move to direct')), moveMs }
    return { half, retries: cluster.retries, moved }
  } finally {
    await cluster.close()
  }
}

/**
 * Both rooms stay up side by side and each fan-out size is measured in one, then the other, so the
 * pair sees the same machine; at RELAYED_FANOUT_MEMBERS a third room, half of it through the relay,
 * follows them. The scale steps are the real room's runs at the scale sizes; past the fan-out sizes
 * only the real room grows, for them, until one fails or the time budget would be overrun.
 */
export async function fanoutAndScale(bench: Bench, workers: Child[], relay: Relay) {
  const [room, base] = (await startAll(bench, [
    Cluster.start('room', workers),
    Cluster.start('baseline', workers)
  ])) as [Cluster, Cluster]
  const real: RoomRuns = { fanout: new Map(), rss: [], heap: [] }
  const bare: RoomRuns = { fanout: new Map(), rss: [], heap: [] }
  const steps: ScaleStep[] = []
  const sizes = [...new Set([...bench.plan.fanoutSizes, ...bench.plan.scaleSizes])].sort((a, b) => a - b)
  let scaleFailed = false
  let stoppedBy: string | null = null
  let relayed: RelayedFanout | undefined
  for (const n of sizes) {
    const withBaseline = bench.plan.fanoutSizes.includes(n)
    if (scaleFailed && !withBaseline) break
    const stepMs = (bench.plan.messages / bench.rate) * 1000 + (n - room.size) * 100 + 15_000
    if (!withBaseline && now() - bench.began + stepMs > bench.plan.budgetMs) {
      stoppedBy = 'time budget'
      bench.log(`no time left for ${n} members (budget ${bench.plan.budgetMs / 1000} s)`)
      break
    }
    const pair: [Cluster, RoomRuns][] = withBaseline
      ? [
          [room, real],
          [base, bare]
        ]
      : [[room, real]]
    for (const [cluster, runs] of pair) {
      const t0 = now()
      await cluster.grow(n)
      const { rss, heapUsed } = await cluster.hostStats(true)
      runs.rss.push([n, rss])
      runs.heap.push([n, heapUsed])
      bench.log(
        `${cluster.kind}: ${n} members (joined in ${r1((now() - t0) / 1000)} s), host RSS ${mib(rss)} MiB`
      )
    }
    for (const [cluster, runs] of pair) {
      const run = await cluster.fanout(fanoutOptions(bench))
      bench.log(`${cluster.kind}: fan-out at ${n}: ${describe(run)}`)
      runs.fanout.set(n, run)
    }
    if (n === RELAYED_FANOUT_MEMBERS && bench.plan.relayedFanout)
      relayed = await halfRelayed(bench, workers, relay, n)
    const run = real.fanout.get(n) as FanoutRun
    // A fan-out size past the first failure was measured anyway: its step is listed, and the
    // summary still ends before the failure.
    if (bench.plan.scaleSizes.includes(n) && (withBaseline || !scaleFailed)) {
      const p99 = percentile(run.latencies, 99)
      const ok = run.lost === 0 && p99 < SCALE_LIMIT_MS
      steps.push({
        members: n,
        p50_ms: r2(percentile(run.latencies, 50)),
        p99_ms: r2(p99),
        lost: run.lost,
        host_rss_mb: mib(real.rss[real.rss.length - 1]?.[1] ?? Number.NaN),
        cpu_ms_per_msg: r1(run.totalCpuMs),
        ok
      })
      if (!ok && !scaleFailed) {
        scaleFailed = true
        stoppedBy = `p99 ≥ ${SCALE_LIMIT_MS} ms or a message lost at ${n} members`
      }
    }
  }
  const retries = { room: room.retries, baseline: base.retries }
  await Promise.all([room.close(), base.close()])
  return { real, bare, steps, stoppedBy, retries, relayed }
}

export async function throughput(bench: Bench, kind: 'room' | 'baseline', workers: Child[]) {
  const cluster = await Cluster.start(kind, workers)
  bench.track(cluster.host)
  await cluster.grow(10)
  const profile =
    bench.profileDir === undefined ? undefined : join(bench.profileDir, `${kind}-host.cpuprofile`)
  const result = await cluster.saturate({
    durationMs: bench.plan.throughputMs,
    warmupMs: Math.min(1000, bench.plan.throughputMs / 4),
    window: bench.window,
    ...(profile === undefined ? {} : { profile })
  })
  bench.log(
    `${kind}: throughput ${r1(result.msgsPerS)} msg/s, host CPU ${r1(result.cpuUsPerMsg)} µs per relayed ` +
      `message (${result.relayed} relayed), receivers ${r1(result.backlogMs / 1000)} s behind at the end` +
      `${result.errors.length > 0 ? `, errors: ${result.errors[0]}` : ''}`
  )
  await cluster.close()
  return result
}
