/** Turns the phases' measurements into the result object (`--json`) and checks the issue's targets. */

import { availableParallelism } from 'node:os'
import type { BacklogCost } from './backlog-cost.js'
import type { FanoutRun } from './cluster.js'
import type { CryptoCost } from './crypto-cost.js'
import type { DcutrResult } from './dcutr.js'
import type { FileTransferResult } from './files.js'
import type { RelayedFanout, RelayedRun, RoomRuns, Timed } from './phases.js'
import { type Bench, RELAYED_FANOUT_MEMBERS, SCALE_LIMIT_MS } from './plan.js'
import type { AttackRow, BenchResult, FanoutRow, RelayFanoutRow, RelayJoin, ScaleStep } from './result.js'
import type { SlowLinkJoins } from './slow-link.js'
import { growthExponent, mib, percentile, round } from './stats.js'
import { targets } from './targets.js'
import type { UiResult } from './ui.js'

const r2 = (v: number) => round(v, 2)
const r1 = (v: number) => round(v, 1)

interface Throughput {
  msgsPerS: number
  cpuUsPerMsg: number
  backlogMs: number
}

export interface Measured {
  mode: 'quick' | 'full'
  workers: number
  loadAvgStart: number
  crypto: CryptoCost
  backlog: BacklogCost
  joining: { joins: Timed; dials: Timed; relayedJoins: Timed; relayedDials: Timed }
  slowJoins: number[]
  slowLink: SlowLinkJoins
  realThroughput: Throughput
  baseThroughput: Throughput
  rooms: {
    real: RoomRuns
    bare: RoomRuns
    steps: ScaleStep[]
    stoppedBy: string | null
    retries: { room: number; baseline: number }
    relayed: RelayedFanout | undefined
  }
  dcutr: DcutrResult
  files: FileTransferResult
  ui: UiResult
  attack: AttackRow[]
}

/** The fitted growth of the host's cost per message against the room's size (BenchResult.growth). */
export function growthOf(fanout: FanoutRow[]): BenchResult['growth'] {
  const fit = (pick: (f: FanoutRow) => number | null): number | null =>
    r2(growthExponent(fanout.map((f) => [f.members, pick(f)] as const)) ?? Number.NaN)
  return {
    sizes: fanout.map((f) => f.members),
    host_kib_out_exponent: fit((f) => f.host_kib_out_per_msg),
    baseline_host_kib_out_exponent: fit((f) => f.baseline_host_kib_out_per_msg),
    host_cpu_exponent: fit((f) => f.host_cpu_ms_per_msg),
    baseline_host_cpu_exponent: fit((f) => f.baseline_host_cpu_ms_per_msg)
  }
}

/** The host's RSS (MiB, after a GC) once the room had grown to `n` members; null if it never did. */
function rssAt(runs: Pick<RoomRuns, 'rss'>, n: number): number | null {
  const point = runs.rss.find(([members]) => members === n)
  return point === undefined ? null : mib(point[1])
}

/** One row per fan-out size: securechat and the bare relay side by side (null where not measured). */
export function fanoutRows(
  sizes: readonly number[],
  real: Pick<RoomRuns, 'fanout' | 'rss'>,
  bare: Pick<RoomRuns, 'fanout' | 'rss'>
): FanoutRow[] {
  return sizes.map((n) => {
    const run = real.fanout.get(n)
    const b = bare.fanout.get(n)
    return {
      members: n,
      p50_ms: run ? r2(percentile(run.latencies, 50)) : null,
      p99_ms: run ? r2(percentile(run.latencies, 99)) : null,
      baseline_p50_ms: b ? r2(percentile(b.latencies, 50)) : null,
      baseline_p99_ms: b ? r2(percentile(b.latencies, 99)) : null,
      messages: run?.messages ?? 0,
      lost: run?.lost ?? 0,
      baseline_lost: b?.lost ?? null,
      send_lag_p99_ms: run ? r2(run.sendLagP99) : null,
      host_cpu_ms_per_msg: run ? r2(run.hostCpuMs) : null,
      baseline_host_cpu_ms_per_msg: b ? r2(b.hostCpuMs) : null,
      cpu_ms_per_msg: run ? r1(run.totalCpuMs) : null,
      baseline_cpu_ms_per_msg: b ? r1(b.totalCpuMs) : null,
      host_kib_out_per_msg: run ? r2(run.hostBytesOut / 1024) : null,
      baseline_host_kib_out_per_msg: b ? r2(b.hostBytesOut / 1024) : null,
      host_rss_mb: rssAt(real, n),
      baseline_host_rss_mb: rssAt(bare, n)
    }
  })
}

export function buildResult(bench: Bench, m: Measured): BenchResult {
  const { crypto, joining, slowJoins, slowLink, realThroughput, baseThroughput, rooms } = m
  const fanout = fanoutRows(bench.plan.fanoutSizes, rooms.real, rooms.bare)
  const best = largestPassed(rooms.steps)
  const result: BenchResult = {
    node: process.version,
    cpus: availableParallelism(),
    mode: m.mode,
    rate_msgs_per_s: bench.rate,
    workers: m.workers,
    load_avg_start: round(m.loadAvgStart, 2),
    join: {
      p50_ms: r2(percentile(joining.joins.ms, 50)),
      p95_ms: r2(percentile(joining.joins.ms, 95)),
      baseline_p50_ms: r2(percentile(joining.dials.ms, 50)),
      baseline_p95_ms: r2(percentile(joining.dials.ms, 95)),
      count: joining.joins.ms.length,
      failures: joining.joins.failures,
      baseline_failures: joining.dials.failures,
      default_scrypt_p50_ms: r2(percentile(slowJoins, 50)),
      default_scrypt_count: slowJoins.length,
      slow_link: slowLinkJoin(slowLink),
      retries_while_growing: rooms.retries.room,
      baseline_retries_while_growing: rooms.retries.baseline
    },
    fanout,
    files: m.files,
    ui: m.ui,
    growth: growthOf(fanout),
    relay: {
      setup:
        'circuit relay v2 server in its own process on 127.0.0.1, no per-connection limits (a private ' +
        'relay); relayed members and joiners are given the invitation with its relayed addresses alone',
      join: relayJoin(joining),
      fanout: relayFanout(rooms.relayed, rooms.real.fanout.get(RELAYED_FANOUT_MEMBERS)),
      fanout_not_measured: bench.plan.relayedFanout
        ? null
        : 'the full run measures it, half relayed and after the move to direct',
      dcutr_upgrade: m.dcutr
    },
    throughput: {
      msgs_per_s: r1(realThroughput.msgsPerS),
      baseline_msgs_per_s: r1(baseThroughput.msgsPerS),
      receivers_behind_s: r1(realThroughput.backlogMs / 1000),
      baseline_receivers_behind_s: r1(baseThroughput.backlogMs / 1000),
      members: 10,
      window: bench.window,
      duration_s: bench.plan.throughputMs / 1000
    },
    cost: {
      crypto_room_members: crypto.members,
      host_cpu_us_per_msg: r1(realThroughput.cpuUsPerMsg),
      baseline_relay_cpu_us_per_msg: r1(baseThroughput.cpuUsPerMsg),
      sender_seal_ms: round(crypto.sender_seal_ms, 3),
      sender_seal_cpu_ms: round(crypto.sender_seal_cpu_ms, 3),
      receiver_open_ms: round(crypto.receiver_open_ms, 3),
      receiver_open_cpu_ms: round(crypto.receiver_open_cpu_ms, 3),
      rekey_seal_ms: round(crypto.rekey_seal_ms, 3),
      rekey_open_ms: round(crypto.rekey_open_ms, 3),
      host_verify_ms: round(crypto.host_verify_ms, 3),
      sender_seal_webcrypto_ms: round(crypto.sender_seal_webcrypto_ms, 3),
      receiver_open_webcrypto_ms: round(crypto.receiver_open_webcrypto_ms, 3),
      receiver_open_webcrypto_cpu_ms: round(crypto.receiver_open_webcrypto_cpu_ms, 3),
      host_verify_webcrypto_ms: round(crypto.host_verify_webcrypto_ms, 3),
      rsa_decrypt_raw_ms: round(crypto.rsa_decrypt_raw_ms, 3),
      answer_check_ms: r2(crypto.answer_check_ms),
      answer_check_default_ms: r1(crypto.answer_check_default_ms),
      host_rss_per_member_kb: perMember(rooms.real.rss),
      baseline_rss_per_member_kb: perMember(rooms.bare.rss),
      host_heap_per_member_kb: perMember(rooms.real.heap),
      baseline_heap_per_member_kb: perMember(rooms.bare.heap),
      backlog_members: m.backlog.members,
      backlog_heap_bytes_per_held_delivery: r1(m.backlog.heap_bytes_per_held_delivery),
      relay_ms_per_message: round(m.backlog.relay_ms_per_message, 3)
    },
    scale: {
      max_members: best?.members ?? 0,
      p99_ms: best?.p99_ms ?? null,
      host_rss_mb: best?.host_rss_mb ?? null,
      limit_ms: SCALE_LIMIT_MS,
      stopped_by: rooms.stoppedBy,
      steps: rooms.steps
    },
    attack: m.attack,
    targets: [],
    duration_s: 0
  }
  result.targets = targets(result)
  return result
}

/** The largest room of the steps that passed before the first that failed (a later one may pass by chance). */
export function largestPassed(steps: readonly ScaleStep[]): ScaleStep | undefined {
  const failed = steps.findIndex((s) => !s.ok)
  const passed = failed === -1 ? steps : steps.slice(0, failed)
  return passed[passed.length - 1]
}

/** The joins over the slow link beside the bare dials: what the join adds, in ms and in round trips. */
export function slowLinkJoin(link: SlowLinkJoins): BenchResult['join']['slow_link'] {
  const join = percentile(link.joins, 50)
  const dial = percentile(link.dials, 50)
  return {
    delay_ms_each_way: link.delayMs,
    count: link.joins.length,
    failures: link.failures,
    p50_ms: r2(join),
    baseline_p50_ms: r2(dial),
    extra_round_trips: r2((join - dial) / (2 * link.delayMs))
  }
}

/** The relayed joins and bare dials beside the direct ones: ratios, extras and the bound. */
function relayJoin(joining: Measured['joining']): RelayJoin {
  const at = (t: Timed, p: number) => percentile(t.ms, p)
  const figures = (p: number) => {
    const direct = at(joining.joins, p)
    const relayed = at(joining.relayedJoins, p)
    const relayExtra = at(joining.relayedDials, p) - at(joining.dials, p)
    return { ratio: round(relayed / direct, 2), extra: r2(relayed - direct), relayExtra, direct }
  }
  const p50 = figures(50)
  const p95 = figures(95)
  return {
    p50_ms: r2(at(joining.relayedJoins, 50)),
    p95_ms: r2(at(joining.relayedJoins, 95)),
    count: joining.relayedJoins.ms.length,
    failures: joining.relayedJoins.failures,
    baseline_p50_ms: r2(at(joining.relayedDials, 50)),
    baseline_p95_ms: r2(at(joining.relayedDials, 95)),
    baseline_count: joining.relayedDials.ms.length,
    baseline_failures: joining.relayedDials.failures,
    ratio_p50: p50.ratio,
    ratio_p95: p95.ratio,
    extra_p50_ms: p50.extra,
    extra_p95_ms: p95.extra,
    baseline_extra_p50_ms: r2(p50.relayExtra),
    baseline_extra_p95_ms: r2(p95.relayExtra),
    limit_p50_ms: r2(2 * p50.direct + p50.relayExtra),
    limit_p95_ms: r2(2 * p95.direct + p95.relayExtra)
  }
}

/** The half-relayed room's runs beside the all-direct room's run at the same size. */
function relayFanout(relayed: RelayedFanout | undefined, direct: FanoutRun | undefined): RelayFanoutRow[] {
  const row = (scenario: string, { run, relayedMembers }: RelayedRun): RelayFanoutRow => {
    const p50 = percentile(run.latencies, 50)
    const p99 = percentile(run.latencies, 99)
    const d50 = direct === undefined ? Number.NaN : percentile(direct.latencies, 50)
    const d99 = direct === undefined ? Number.NaN : percentile(direct.latencies, 99)
    return {
      scenario,
      members: run.members,
      relayed_members: relayedMembers,
      p50_ms: r2(p50),
      p99_ms: r2(p99),
      direct_p50_ms: r2(d50),
      direct_p99_ms: r2(d99),
      p50_ratio: round(p50 / d50, 2),
      p99_ratio: round(p99 / d99, 2),
      messages: run.messages,
      lost: run.lost,
      host_cpu_ms_per_msg: r2(run.hostCpuMs),
      relay_cpu_ms_per_msg: r2(run.relayCpuMs),
      cpu_ms_per_msg: r1(run.totalCpuMs),
      direct_cpu_ms_per_msg: direct === undefined ? null : r1(direct.totalCpuMs),
      host_kib_out_per_msg: r1(run.hostBytesOut / 1024),
      retries_while_growing: relayed?.retries ?? 0
    }
  }
  if (relayed === undefined) return []
  const rows = [row('half relayed', relayed.half)]
  if (relayed.moved !== undefined) {
    rows.push({
      ...row('after the move to direct', relayed.moved),
      move_p50_ms: r1(percentile(relayed.moved.moveMs, 50))
    })
  }
  return rows
}

/**
 * Growth per member, in KiB, from the second room size measured to the largest: the first size
 * (2 members) also carries the process's one-time warm-up.
 */
function perMember(points: [number, number][]): number | null {
  const first = points[Math.min(1, points.length - 1)]
  const last = points[points.length - 1]
  if (first === undefined || last === undefined || last[0] === first[0]) return null
  return round((last[1] - first[1]) / (last[0] - first[0]) / 1024, 1)
}
