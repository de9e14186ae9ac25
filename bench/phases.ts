/**
 * The measuring phases, each with its own host process(es): joins beside bare dials, joins with the
 * default scrypt cost, the saturating throughput runs, and the fixed-rate fan-out with the scale steps.
 */
import { join } from 'node:path'
import { DEFAULT_SCRYPT_PARAMS } from '../src/node/answer-hash.js'
import { Cluster, type FanoutRun } from './cluster.js'
import { type Child, now } from './ipc.js'
import { type Bench, SCALE_LIMIT_MS } from './plan.js'
import type { ScaleStep } from './result.js'
import { percentile, round } from './stats.js'

const r2 = (v: number) => round(v, 2)
const r1 = (v: number) => round(v, 1)
export const mib = (bytes: number) => round(bytes / 2 ** 20, 1)

function describe(run: FanoutRun): string {
  const errs = run.errors.length > 0 ? ` errors: ${run.errors.slice(0, 2).join('; ')}` : ''
  return (
    `p50 ${r2(percentile(run.latencies, 50))} ms, p99 ${r2(percentile(run.latencies, 99))} ms, ` +
    `lost ${run.lost}/${run.messages}; per message: host CPU ${r2(run.hostCpuMs)} ms, all processes ` +
    `${r1(run.totalCpuMs)} ms, host wrote ${r1(run.hostBytesOut / 1024)} KiB${errs}`
  )
}

/** Joins and bare dials, interleaved so that both see the same load on the machine. */
export async function joinsAndDials(bench: Bench, workers: Child[]) {
  const room = await Cluster.start('room', workers)
  const base = await Cluster.start('baseline', workers)
  bench.track(room.host, base.host)
  const warmup = 3
  const joins: number[] = []
  const dials: number[] = []
  let joinFailures = 0
  let dialFailures = 0
  for (let i = 0; i < bench.plan.joins + warmup; i++) {
    for (const cluster of i % 2 === 0 ? [room, base] : [base, room]) {
      const ms = await cluster.timedJoin(i)
      if (i < warmup) continue
      if (cluster === room) {
        if (ms === undefined) joinFailures++
        else joins.push(ms)
      } else if (ms === undefined) dialFailures++
      else dials.push(ms)
    }
  }
  bench.log(
    `joins: p50 ${r2(percentile(joins, 50))} ms (${joinFailures} failed); bare dials: p50 ${r2(percentile(dials, 50))} ms`
  )
  await Promise.all([room.close(), base.close()])
  return { joins, joinFailures, dials, dialFailures }
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

/**
 * Both rooms stay up side by side and each fan-out size is measured in one, then the other, so the
 * pair sees the same machine. Past the fan-out sizes only the real room grows, for the scale steps,
 * until one fails or the time budget would be overrun.
 */
export async function fanoutAndScale(bench: Bench, workers: Child[]) {
  const room = await Cluster.start('room', workers)
  const base = await Cluster.start('baseline', workers)
  bench.track(room.host, base.host)
  const real: RoomRuns = { fanout: new Map(), rss: [], heap: [] }
  const bare: RoomRuns = { fanout: new Map(), rss: [], heap: [] }
  const steps: ScaleStep[] = []
  const sizes = [...new Set([...bench.plan.fanoutSizes, ...bench.plan.scaleSizes])].sort((a, b) => a - b)
  let scaleFailed = false
  let stoppedBy: string | null = null
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
      const run = await cluster.fanout({
        messages: bench.plan.messages,
        warmup: bench.plan.warmup,
        rate: bench.rate,
        drainMs: 10_000
      })
      bench.log(`${cluster.kind}: fan-out at ${n}: ${describe(run)}`)
      runs.fanout.set(n, run)
    }
    const run = real.fanout.get(n) as FanoutRun
    if (bench.plan.scaleSizes.includes(n) && !scaleFailed) {
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
      if (!ok) {
        scaleFailed = true
        stoppedBy = `p99 ≥ ${SCALE_LIMIT_MS} ms or a message lost`
      }
    }
  }
  const retries = { room: room.retries, baseline: base.retries }
  await Promise.all([room.close(), base.close()])
  return { real, bare, steps, stoppedBy, retries }
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
