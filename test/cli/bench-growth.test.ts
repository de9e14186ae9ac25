/**
 * The bench's pure parts: the fitted growth exponent (the README's "growth with the room" row), the
 * fan-out rows with the host's RSS per room size, their tables, the plans' room sizes, the scale
 * summary and the attack durations the quick run's table states.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FanoutRun } from '../../bench/cluster.js'
import { PLANS } from '../../bench/plan.js'
import { fanoutRows, growthOf, largestPassed } from '../../bench/report.js'
import type { AttackRow, BenchResult, FanoutRow, ScaleStep } from '../../bench/result.js'
import { growthExponent } from '../../bench/stats.js'
import { attackDurations, fanoutSection } from '../../bench/table.js'
import { targets } from '../../bench/targets.js'

describe('growth exponent of cost against room size', () => {
  it('is 1 for linear cost, 2 for quadratic, and null without two usable points', () => {
    const sizes = [2, 10, 50, 100, 200]
    assert.equal(growthExponent(sizes.map((n) => [n, 3 * n] as const))?.toFixed(6), '1.000000')
    assert.equal(growthExponent(sizes.map((n) => [n, 0.5 * n * n] as const))?.toFixed(6), '2.000000')
    assert.equal(growthExponent([[2, 1]]), null)
    assert.equal(
      growthExponent([
        [2, null],
        [10, 0],
        [50, 4]
      ]),
      null
    )
  })
})

const MIB = 2 ** 20

/** A fan-out run whose host wrote `kib` KiB and spent `cpu` ms per message. */
function run(members: number, kib: number, cpu: number): FanoutRun {
  return {
    members,
    latencies: [1, 2, 3, 4],
    messages: 4,
    lost: 0,
    sendLagP99: 0,
    hostCpuMs: cpu,
    totalCpuMs: 3 * cpu,
    relayCpuMs: Number.NaN,
    hostBytesOut: kib * 1024,
    primed: true,
    errors: []
  }
}

describe('fan-out rows against room size', () => {
  const sizes = [2, 10, 50, 100, 200]
  // Bytes out quadratic in N, CPU linear; the bare relay linear in both.
  const real = {
    fanout: new Map(sizes.map((n) => [n, run(n, n * n, 0.1 * n)] as const)),
    rss: sizes.map((n) => [n, (100 + n) * MIB] as [number, number])
  }
  // The bare relay never reached 200 members: its row says so with nulls, not zeros.
  const bare = {
    fanout: new Map(sizes.slice(0, -1).map((n) => [n, run(n, n, 0.05 * n)] as const)),
    rss: sizes.slice(0, -1).map((n) => [n, (90 + n / 2) * MIB] as [number, number])
  }
  const rows = fanoutRows(sizes, real, bare)

  it('carry the host RSS in MiB at each size, for securechat and the bare relay', () => {
    assert.deepEqual(
      rows.map((r) => [r.members, r.host_rss_mb, r.baseline_host_rss_mb]),
      [
        [2, 102, 91],
        [10, 110, 95],
        [50, 150, 115],
        [100, 200, 140],
        [200, 300, null]
      ]
    )
    const last = rows[rows.length - 1]
    assert.equal(last?.baseline_host_kib_out_per_msg, null)
    assert.equal(last?.baseline_p99_ms, null)
  })

  it('fit the growth over every size, 2 to 200', () => {
    const growth = growthOf(rows)
    assert.deepEqual(growth.sizes, sizes)
    assert.equal(growth.host_kib_out_exponent, 2)
    assert.equal(growth.host_cpu_exponent, 1)
    assert.equal(growth.baseline_host_kib_out_exponent, 1)
    assert.equal(growth.baseline_host_cpu_exponent, 1)
  })

  it('render a cost table with both RSS columns and the growth line', () => {
    const text = fanoutSection({ fanout: rows, growth: growthOf(rows), rate_msgs_per_s: 2 }).join('\n')
    const cost = text.split('\n').filter((l) => /^200\s/.test(l))
    assert.equal(cost.length, 2, 'a latency row and a cost row at 200 members')
    assert.match(text, /host RSS +base RSS/)
    assert.match(cost[1] ?? '', /\s300\s+—$/)
    assert.match(text, /over 2, 10, 50, 100, 200 members.*host bytes out k = 2 \(bare relay 1\)/)
  })
})

describe('plans', () => {
  it('fan out at 2, 10, 50, 100 and 200 beside the bare relay in the full run, 2, 10, 50 in quick', () => {
    assert.deepEqual(PLANS.full.fanoutSizes, [2, 10, 50, 100, 200])
    assert.deepEqual(PLANS.quick.fanoutSizes, [2, 10, 50])
  })

  it('read the scale summary from fan-out rows alone, so no scale step runs without the bare relay', () => {
    for (const plan of Object.values(PLANS)) {
      assert.ok(plan.scaleSizes.every((n) => plan.fanoutSizes.includes(n)))
    }
  })
})

describe('scale summary', () => {
  const step = (members: number, ok: boolean) => ({ members, ok }) as ScaleStep

  it('is the largest room that passed before the first that failed, even if a larger one passed', () => {
    assert.equal(largestPassed([step(50, true), step(100, true), step(200, true)])?.members, 200)
    assert.equal(largestPassed([step(50, true), step(100, false), step(200, true)])?.members, 50)
    assert.equal(largestPassed([step(50, false), step(100, true)]), undefined)
  })
})

describe('attack durations in the table', () => {
  const row = (scenario: string, planned: number) =>
    ({ scenario, planned_attack_s: planned, baseline_s: 1 }) as AttackRow

  it('say in the quick run that its attacks are shorter than the full run', () => {
    const rows = [row('decode-bomb', 2), row('padded-backlog', 3.5)]
    const quick = attackDurations(rows, 'quick')
    assert.match(quick, /^attacks of up to 2 s \(padded backlog 3\.5 s\) after 1 s without; quick run/)
    assert.match(quick, new RegExp(`full run's ${PLANS.full.attack.attackMs / 1000} s`))
    assert.doesNotMatch(attackDurations(rows, 'full'), /quick/)
  })
})

describe("issue 12's targets, checked on a run's result", () => {
  /** The least of a result the targets read: fan-out rows, throughput, cost, join and relay. */
  const result = (
    fanout: Partial<FanoutRow>[],
    throughput = { msgs_per_s: 500, baseline_msgs_per_s: 1800 }
  ) =>
    ({
      rate_msgs_per_s: 2,
      join: { p50_ms: 20, baseline_p50_ms: 10, default_scrypt_p50_ms: 120 },
      relay: { join: { p50_ms: 60, p95_ms: 90, limit_p50_ms: 70, limit_p95_ms: 100 }, fanout: [] },
      fanout,
      throughput,
      cost: { host_cpu_us_per_msg: 800, baseline_relay_cpu_us_per_msg: 350, receiver_open_ms: 0.3 },
      files
    }) as unknown as BenchResult
  const files = { size_mib: 256, ratio: 0.6, host_rss_growth_mib: 50, intact: true }
  const row = (members: number, kib: number, baseKib: number): Partial<FanoutRow> => ({
    members,
    p99_ms: 30,
    baseline_p99_ms: 20,
    lost: 0,
    host_rss_mb: 250,
    host_kib_out_per_msg: kib,
    baseline_host_kib_out_per_msg: baseKib,
    host_cpu_ms_per_msg: 12,
    baseline_host_cpu_ms_per_msg: 10
  })
  const met = (r: BenchResult, name: string) => targets(r).find((t) => t.name === name)?.met

  it('bytes out within 1.5× the bare relay at each size, p99 within 2× at 50 and 3× at 200, RSS and losses at 200', () => {
    const good = result([row(10, 2.8, 1.9), row(50, 15, 10.1), row(100, 30, 20.3), row(200, 60.6, 40.6)])
    for (const n of [10, 50, 100, 200])
      assert.equal(met(good, `host bytes out per message at ${n} / bare relay`), true)
    assert.equal(met(good, 'fan-out p99 at 50 / baseline p99'), true)
    assert.equal(met(good, 'host RSS at 200 members (MiB)'), true)
    assert.equal(met(good, 'messages lost at 200 members'), true)
    assert.equal(met(good, 'throughput, 10 members all sending / bare relay'), true)
    const bad = result([row(50, 15.3, 10), { ...row(200, 61, 40), p99_ms: 100, host_rss_mb: 301, lost: 1 }], {
      msgs_per_s: 400,
      baseline_msgs_per_s: 1800
    })
    assert.equal(met(bad, 'host bytes out per message at 50 / bare relay'), false)
    assert.equal(met(bad, 'host bytes out per message at 200 / bare relay'), false)
    assert.equal(met(bad, 'fan-out p99 at 200 / baseline p99'), false)
    assert.equal(met(bad, 'host RSS at 200 members (MiB)'), false)
    assert.equal(met(bad, 'messages lost at 200 members'), false)
    assert.equal(met(bad, 'throughput, 10 members all sending / bare relay'), false)
  })
})

describe("issue 13's targets, checked on a run's result", () => {
  const withFiles = (files: Partial<BenchResult['files']>) =>
    ({
      rate_msgs_per_s: 2,
      join: { p50_ms: 20, baseline_p50_ms: 10 },
      relay: { join: {}, fanout: [] },
      fanout: [],
      throughput: { msgs_per_s: 1, baseline_msgs_per_s: 1 },
      cost: {},
      files: { size_mib: 256, ratio: 0.6, host_rss_growth_mib: 50, intact: true, ...files }
    }) as unknown as BenchResult
  const met = (r: BenchResult, prefix: string) => targets(r).find((t) => t.name.startsWith(prefix))?.met

  it("a file at half the bare pipe's rate or better, the host growing 64 MiB at most, the file intact", () => {
    assert.equal(met(withFiles({}), 'file of 256 MiB through the host'), true)
    assert.equal(met(withFiles({}), '  host RSS growth during it'), true)
    assert.equal(met(withFiles({}), '  the saved file is the file sent'), true)
    assert.equal(met(withFiles({ ratio: 0.49 }), 'file of 256 MiB through the host'), false)
    assert.equal(met(withFiles({ host_rss_growth_mib: 65 }), '  host RSS growth during it'), false)
    assert.equal(met(withFiles({ intact: false }), '  the saved file is the file sent'), false)
    assert.equal(met(withFiles({ ratio: null }), 'file of 256 MiB through the host'), false)
  })
})
