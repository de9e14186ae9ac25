/** The targets the issues set, checked against one run's result (the table's last section). */
import type { BenchResult, Target } from './result.js'
import { round } from './stats.js'

/** Room sizes at which the host's bytes out per message must stay within 1.5× the bare relay's. */
const BYTES_SIZES = [10, 50, 100, 200]

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a == null || b == null || b === 0 ? null : round(a / b, 2)

export function targets(result: BenchResult): Target[] {
  const list: Target[] = []
  const add = (name: string, value: number | null, limit: string, met: boolean) =>
    list.push({ name, value, limit, met: value !== null && met })
  const atMost = (name: string, value: number | null | undefined, limit: number) =>
    add(name, value ?? null, `≤ ${limit}`, (value ?? Infinity) <= limit)
  const j = result.join
  atMost('join p50 (ms)', j.p50_ms, 100)
  const joinRatio = j.p50_ms !== null && j.baseline_p50_ms ? round(j.p50_ms / j.baseline_p50_ms, 2) : null
  atMost('join p50 / bare dial p50', joinRatio, 3)
  atMost('  join p50, default scrypt cost (info)', j.default_scrypt_p50_ms, 100)
  const rj = result.relay.join
  add(
    'relayed join p50 (ms)',
    rj.p50_ms,
    `≤ 2 × direct + relay's extra = ${rj.limit_p50_ms ?? '—'}`,
    (rj.p50_ms ?? Infinity) <= (rj.limit_p50_ms ?? -Infinity)
  )
  add(
    '  relayed join p95 (ms) (info)',
    rj.p95_ms,
    `≤ 2 × direct + relay's extra = ${rj.limit_p95_ms ?? '—'}`,
    (rj.p95_ms ?? Infinity) <= (rj.limit_p95_ms ?? -Infinity)
  )
  const moved = result.relay.fanout.find((f) => f.scenario === 'after the move to direct')
  if (moved !== undefined) {
    atMost(`fan-out p99 at ${moved.members} after the move to direct / all direct`, moved.p99_ratio, 1.1)
    atMost('  same, p50 (info)', moved.p50_ratio, 1.1)
  }
  const at = (n: number) => result.fanout.find((f) => f.members === n)
  const f50 = at(50)
  const fanRatio = ratio(f50?.p99_ms, f50?.baseline_p99_ms)
  atMost('fan-out p99 at 50 / baseline p99', fanRatio, 2)
  const f200 = at(200)
  if (f200 !== undefined) {
    const r200 = ratio(f200.p99_ms, f200.baseline_p99_ms)
    atMost('fan-out p99 at 200 / baseline p99', r200, 3)
    atMost('host RSS at 200 members (MiB)', f200.host_rss_mb, 300)
    add('messages lost at 200 members', f200.lost, '0', f200.lost === 0)
  }
  for (const n of BYTES_SIZES) {
    const f = at(n)
    if (f === undefined) continue
    const bytes = ratio(f.host_kib_out_per_msg, f.baseline_host_kib_out_per_msg)
    atMost(`host bytes out per message at ${n} / bare relay`, bytes, 1.5)
  }
  const t = result.throughput
  const throughput = ratio(t.msgs_per_s, t.baseline_msgs_per_s)
  add('throughput, 10 members all sending / bare relay', throughput, '≥ 0.25', (throughput ?? -1) >= 0.25)
  const fixed = f50 ?? result.fanout[result.fanout.length - 1]
  const fixedRatio = ratio(fixed?.host_cpu_ms_per_msg, fixed?.baseline_host_cpu_ms_per_msg)
  atMost(
    `host CPU per message / bare relay, at ${result.rate_msgs_per_s} msg/s with ${fixed?.members} members`,
    fixedRatio,
    1.5
  )
  const c = result.cost
  const cpuRatio = ratio(c.host_cpu_us_per_msg, c.baseline_relay_cpu_us_per_msg)
  atMost('  same, saturated (throughput run) (info)', cpuRatio, 1.5)
  atMost('receiver crypto per message (ms)', c.receiver_open_ms, 0.5)
  const f = result.files
  add(
    `file of ${f.size_mib} MiB through the host / bare pipe (rate)`,
    f.ratio,
    '≥ 0.5',
    (f.ratio ?? -1) >= 0.5
  )
  atMost('  host RSS growth during it (MiB)', f.host_rss_growth_mib, 64)
  add('  the saved file is the file sent', f.intact ? 1 : 0, '1', f.intact)
  return list
}
