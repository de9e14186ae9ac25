/** The human-readable report of a benchmark run. */

import { PLANS, RELAYED_FANOUT_MEMBERS } from './plan.js'
import type { AttackOnlyResult, AttackRow, BenchResult, MemoryFigures, RelayFanoutRow } from './result.js'
import { round } from './stats.js'
import type { UiResult } from './ui.js'

type Cell = string | number | null | undefined

function cell(value: Cell): string {
  if (value === null || value === undefined) return '—'
  return typeof value === 'number' ? String(value) : value
}

/** Left-aligned first column, right-aligned numbers, a rule under the header. */
export function grid(header: string[], rows: Cell[][]): string {
  const text = [header, ...rows.map((r) => r.map(cell))]
  const widths = header.map((_, c) => Math.max(...text.map((r) => (r[c] ?? '').length)))
  const line = (r: string[]) =>
    r.map((v, c) => (c === 0 ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0))).join('  ')
  return [line(text[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...text.slice(1).map(line)].join(
    '\n'
  )
}

function x(a: number | null, b: number | null): string | null {
  return a === null || b === null || b === 0 ? null : `${(a / b).toFixed(2)}×`
}

const arrow = (a: Cell, b: Cell) => `${cell(a)} → ${cell(b)}`
const memory = (m: MemoryFigures) => `${cell(m.before)} → ${cell(m.peak)} → ${cell(m.after)}`
const times = (v: number | null) => (v === null ? '—' : `${v}×`)

/** The page of --ui: bundle size, process start to first paint, and page-to-page latency beside the terminal's. */
export function uiSection(u: UiResult): string[] {
  const out = ['The page of --ui (chromium, headless)']
  const b = u.bundle
  if (b !== null) {
    out.push(
      grid(
        ['bundle', 'bytes', 'gzip'],
        [
          ['app.js', b.app_js_bytes, b.app_js_gzip_bytes],
          ['app.css', b.app_css_bytes, b.app_css_gzip_bytes],
          ['index.html', b.index_html_bytes, null]
        ]
      )
    )
  }
  if (u.why !== null) out.push(`not measured in a browser: ${u.why}`)
  const f = u.first_paint
  if (f.runs > 0) {
    out.push(
      `process start → link printed ${cell(f.link_p50_ms)} ms, → first contentful paint ${cell(f.fcp_p50_ms)} ms, ` +
        `→ page connected ${cell(f.ready_p50_ms)} ms (p50 of ${f.runs} hosts)`
    )
  }
  const l = u.latency
  out.push(
    grid(
      [`message latency, ${l.messages} one at a time (ms)`, 'p50', 'p95'],
      [
        ['host page → joiner page', l.page_p50_ms, l.page_p95_ms],
        ['terminal: host stdin → joiner stdout (--json)', l.terminal_p50_ms, l.terminal_p95_ms]
      ]
    )
  )
  return out
}

/** How long the attacks ran by plan, and, in the quick run, that they are shorter than the full run's. */
export function attackDurations(rows: readonly AttackRow[], mode: 'quick' | 'full'): string {
  const padded = rows.find((a) => a.scenario === 'padded-backlog')
  const other = rows.find((a) => a.scenario !== 'padded-backlog')
  const plan =
    `${cell(other?.planned_attack_s ?? padded?.planned_attack_s)} s` +
    (padded !== undefined && other !== undefined ? ` (padded backlog ${padded.planned_attack_s} s)` : '')
  const full = PLANS.full.attack
  return (
    `attacks of up to ${plan} after ${cell(rows[0]?.baseline_s)} s without` +
    (mode === 'quick'
      ? `; quick run: shorter than the full run's ${full.attackMs / 1000} s (${full.paddedMs / 1000} s) after ` +
        `${full.baselineMs / 1000} s, settle ${full.settleMs / 1000} s, so compare its counts and peaks with ` +
        'another quick run'
      : '')
  )
}

/** The attack phase: the bystander's latency and the host's load, then what each attacker did. */
function attackSection(rows: AttackRow[], mode: 'quick' | 'full'): string[] {
  const first = rows[0]
  const width = Math.max(...rows.map((a) => a.scenario.length))
  return [
    `Under attack (${attackDurations(rows, mode)}): a bystander member sends at ` +
      `${cell(first?.rate_msgs_per_s)} msg/s to another, latency ` +
      'without → during each attack (same host, same run; lost = not received ' +
      `${cell(first?.drain_s)} s after the last send, counted as ∞); host CPU in % of one core; host ` +
      `memory in MiB: before (GC) → peak → ${cell(first?.settle_s)} s after the attack stopped (GC)`,
    grid(
      [
        'scenario',
        'p50 ms',
        'p95 ms',
        'ratio p50 / p95',
        'lost',
        'host CPU %',
        'RSS MiB',
        'ArrayBuffers MiB'
      ],
      rows.map((a) => [
        a.scenario,
        arrow(a.p50_ms_without, a.p50_ms_with),
        arrow(a.p95_ms_without, a.p95_ms_with),
        `${times(a.p50_ratio)} / ${times(a.p95_ratio)}`,
        arrow(a.lost_without, a.lost_with),
        arrow(a.host_cpu_pct_without, a.host_cpu_pct_with),
        memory(a.host_rss_mb),
        memory(a.host_array_buffers_mb)
      ])
    ),
    '',
    'What each attacker did and got (attack time, attacker process CPU in % of one core):',
    ...rows.map(
      (a) =>
        `  ${a.scenario.padEnd(width)}  ${cell(a.attack_s)} s, CPU ${cell(a.attacker_cpu_pct)}%: ${a.summary}`
    )
  ]
}

/**
 * The fixed-rate fan-out at each room size: latency first, then what a message costs the host (and
 * every process) against the room's size, securechat beside the bare relay, and the fitted growth.
 */
export function fanoutSection(r: Pick<BenchResult, 'fanout' | 'growth' | 'rate_msgs_per_s'>): string[] {
  const g = r.growth
  return [
    `Fan-out: send → every other member has it, at ${r.rate_msgs_per_s} msg/s (lost = not delivered to all; ` +
      'base = the bare relay, the same members and messages)',
    grid(
      [
        'members',
        'p50 ms',
        'p99 ms',
        'base p50',
        'base p99',
        'p50 ratio',
        'p99 ratio',
        'msgs',
        'lost',
        'base lost'
      ],
      r.fanout.map((f) => [
        f.members,
        f.p50_ms,
        f.p99_ms,
        f.baseline_p50_ms,
        f.baseline_p99_ms,
        x(f.p50_ms, f.baseline_p50_ms),
        x(f.p99_ms, f.baseline_p99_ms),
        f.messages,
        f.lost,
        f.baseline_lost
      ])
    ),
    '',
    'Cost against room size, per message of the same runs: KiB the host wrote, CPU ms of the host process ' +
      'and of all processes (host + members); host RSS in MiB once the room had grown to that size (after a GC)',
    grid(
      [
        'members',
        'host KiB out',
        'base KiB out',
        'host CPU',
        'base host CPU',
        'all CPU',
        'base all CPU',
        'host RSS',
        'base RSS'
      ],
      r.fanout.map((f) => [
        f.members,
        f.host_kib_out_per_msg,
        f.baseline_host_kib_out_per_msg,
        f.host_cpu_ms_per_msg,
        f.baseline_host_cpu_ms_per_msg,
        f.cpu_ms_per_msg,
        f.baseline_cpu_ms_per_msg,
        f.host_rss_mb,
        f.baseline_host_rss_mb
      ])
    ),
    `Growth with the room (cost per message ≈ c·N^k over ${g.sizes.join(', ')} members; k ≈ 1 is linear): ` +
      `host bytes out k = ${cell(g.host_kib_out_exponent)} (bare relay ${cell(g.baseline_host_kib_out_exponent)}), ` +
      `host CPU k = ${cell(g.host_cpu_exponent)} (bare relay ${cell(g.baseline_host_cpu_exponent)})`
  ]
}

/** The half-relayed room's fan-out rows, beside the all-direct room, and the move to direct. */
function relayFanoutLines(fanout: RelayFanoutRow[]): string[] {
  const half = fanout[0]
  const moved = fanout.find((f) => f.move_p50_ms !== undefined)
  return [
    `Fan-out through the relay: ${cell(half?.members)} members, every second one relayed, beside the all-direct ` +
      `room above (same run, same rate); relayed = members on the relay when the run ended; CPU in ms per ` +
      `message: host, relay process, all processes (relay included) / all direct; join retries while ` +
      `growing ${cell(half?.retries_while_growing)}`,
    grid(
      [
        'scenario',
        'relayed',
        'p50 ms',
        'p99 ms',
        'direct p50',
        'direct p99',
        'p50 ratio',
        'p99 ratio',
        'msgs',
        'lost',
        'host CPU',
        'relay CPU',
        'all CPU',
        'direct all CPU',
        'host KiB out'
      ],
      fanout.map((f) => [
        f.scenario,
        f.relayed_members,
        f.p50_ms,
        f.p99_ms,
        f.direct_p50_ms,
        f.direct_p99_ms,
        times(f.p50_ratio),
        times(f.p99_ratio),
        f.messages,
        f.lost,
        f.host_cpu_ms_per_msg,
        f.relay_cpu_ms_per_msg,
        f.cpu_ms_per_msg,
        f.direct_cpu_ms_per_msg,
        f.host_kib_out_per_msg
      ])
    ),
    ...(moved === undefined
      ? []
      : [
          `The move to direct: per member, one at a time, a direct connection opened by hand (what DCUtR ` +
            `gives), then the session's Resume on it: p50 ${cell(moved.move_p50_ms)} ms`
        ])
  ]
}

/** Joins and the fan-out through the circuit relay, beside the direct figures of the same run. */
function relaySection(r: BenchResult): string[] {
  const { join: j, setup, dcutr_upgrade: dcutr } = r.relay
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : round(a - b, 2))
  return [
    `Through a circuit relay: ${setup}`,
    `Join through the relay: whole joinRoom from a fresh node (dial to the relay, circuit, Noise, the four ` +
      `gates, Welcome), ${j.count} joins; baseline: bare dial + stream open through the same relay to a bare ` +
      `node holding a reservation there; failed ${j.failures} / ${j.baseline_failures}`,
    grid(
      ['', 'p50 ms', 'p95 ms'],
      [
        ['securechat, relayed', j.p50_ms, j.p95_ms],
        ['securechat, direct (above)', r.join.p50_ms, r.join.p95_ms],
        ['relayed / direct', times(j.ratio_p50), times(j.ratio_p95)],
        ['baseline, relayed', j.baseline_p50_ms, j.baseline_p95_ms],
        ['baseline, direct (above)', r.join.baseline_p50_ms, r.join.baseline_p95_ms],
        ['extra: securechat relayed − direct', j.extra_p50_ms, j.extra_p95_ms],
        [
          "extra: baseline relayed − direct (the relay's round trips)",
          j.baseline_extra_p50_ms,
          j.baseline_extra_p95_ms
        ],
        ["target: ≤ 2 × direct + the relay's round trips", j.limit_p50_ms, j.limit_p95_ms],
        ['  margin (target − relayed)', diff(j.limit_p50_ms, j.p50_ms), diff(j.limit_p95_ms, j.p95_ms)]
      ]
    ),
    '',
    ...(r.relay.fanout_not_measured === null
      ? relayFanoutLines(r.relay.fanout)
      : [
          `Fan-out through the relay (${RELAYED_FANOUT_MEMBERS} members, every second one relayed): not ` +
            `measured (${r.relay.fanout_not_measured})`
        ]),
    dcutr.measured
      ? `DCUtR upgrade (relayed → direct connection), ${dcutr.trials} trials in network namespaces: ` +
        `p50 ${cell(dcutr.p50_ms)} ms, p95 ${cell(dcutr.p95_ms)} ms, ${dcutr.failures} failed (${dcutr.setup})`
      : `DCUtR upgrade (relayed → direct connection): not measured (${dcutr.why})`
  ]
}

function heading(
  r: Pick<BenchResult, 'node' | 'cpus' | 'duration_s' | 'load_avg_start'>,
  what: string
): string {
  return (
    `securechat benchmark (${what}) — Node ${r.node}, ${r.cpus} CPUs, loopback, ${r.duration_s} s, ` +
    `load average at start ${cell(r.load_avg_start)}`
  )
}

export function renderAttackOnly(r: AttackOnlyResult): string {
  return [heading(r, `${r.mode}, attack phase only`), '', ...attackSection(r.attack, r.mode)].join('\n')
}

export function renderTable(r: BenchResult): string {
  const out: string[] = []
  const slow = r.join.slow_link
  out.push(
    `${heading(r, r.mode)}; ${r.workers} member worker processes, fixed rate ${r.rate_msgs_per_s} msg/s`
  )
  out.push('')
  out.push(
    `Join: dial → Welcome, ${r.join.count} joins (baseline: bare dial + stream open); failed ` +
      `${r.join.failures} / ${r.join.baseline_failures}, retried while growing the rooms ` +
      `${r.join.retries_while_growing} / ${r.join.baseline_retries_while_growing}`
  )
  out.push(
    grid(
      ['', 'p50 ms', 'p95 ms'],
      [
        ['securechat', r.join.p50_ms, r.join.p95_ms],
        ['baseline', r.join.baseline_p50_ms, r.join.baseline_p95_ms],
        ['ratio', x(r.join.p50_ms, r.join.baseline_p50_ms), x(r.join.p95_ms, r.join.baseline_p95_ms)],
        [
          `securechat, default scrypt (${r.join.default_scrypt_count} joins)`,
          r.join.default_scrypt_p50_ms,
          null
        ],
        ...(slow.count === 0
          ? []
          : [
              [
                `securechat, link of ${slow.delay_ms_each_way} ms each way (${slow.count} joins)`,
                slow.p50_ms,
                null
              ],
              ['baseline, the same link', slow.baseline_p50_ms, null]
            ])
      ]
    )
  )
  out.push(
    slow.count === 0
      ? 'Joins over a slow link: not measured (the full run measures them)'
      : `Over the slow link (a TCP proxy holding every chunk ${slow.delay_ms_each_way} ms each way), the join ` +
          `takes ${slow.extra_round_trips} round trips more than the bare dial + stream open; failed ${slow.failures}`
  )
  out.push('')
  out.push(...fanoutSection(r))
  out.push('')
  out.push(...relaySection(r))
  out.push('')
  out.push(
    `Throughput: ${r.throughput.members}-member room, every member sending, window ${r.throughput.window}, ` +
      `${r.throughput.duration_s} s`
  )
  out.push(
    grid(
      ['', 'msgs/s delivered to all', 'receivers behind at end (s)'],
      [
        ['securechat', r.throughput.msgs_per_s, r.throughput.receivers_behind_s],
        ['baseline', r.throughput.baseline_msgs_per_s, r.throughput.baseline_receivers_behind_s],
        ['ratio', x(r.throughput.msgs_per_s, r.throughput.baseline_msgs_per_s), null]
      ]
    )
  )
  out.push('')
  const f = r.files
  out.push(`File transfer: one ${f.size_mib} MiB file, sender → host → receiver, each in its own process`)
  out.push(
    grid(
      ['', 'MiB/s (start of send to saved file)', 'host RSS growth (MiB)'],
      [
        ['securechat (relay-only host)', f.mib_per_s, f.host_rss_growth_mib],
        ['bare stream through a bare relay', f.baseline_mib_per_s, f.baseline_host_rss_growth_mib],
        ['ratio', f.ratio, null]
      ]
    )
  )
  out.push('')
  out.push(...uiSection(r.ui))
  out.push('')
  out.push('Cost')
  const c = r.cost
  out.push(
    grid(
      ['', 'value'],
      [
        ['host CPU per relayed message (µs)', c.host_cpu_us_per_msg],
        ['bare relay CPU per relayed message (µs)', c.baseline_relay_cpu_us_per_msg],
        ['host / bare relay', x(c.host_cpu_us_per_msg, c.baseline_relay_cpu_us_per_msg)],
        [`sender seal, ${c.crypto_room_members}-member room (ms)`, c.sender_seal_ms],
        ['  CPU (ms, all threads)', c.sender_seal_cpu_ms],
        ['receiver verify + open (ms)', c.receiver_open_ms],
        ['  CPU (ms, all threads)', c.receiver_open_cpu_ms],
        ['re-key (membership changed): sender wraps its key for all (ms)', c.rekey_seal_ms],
        ['re-key: each receiver unwraps it (ms)', c.rekey_open_ms],
        ['one bare RSA-OAEP-2048 decrypt, for scale (ms)', c.rsa_decrypt_raw_ms],
        ['host signature check (ms)', c.host_verify_ms],
        ['the same through WebCrypto: sender seal (ms)', c.sender_seal_webcrypto_ms],
        ['  receiver verify + open (ms)', c.receiver_open_webcrypto_ms],
        ['    CPU (ms, all threads)', c.receiver_open_webcrypto_cpu_ms],
        ['  host signature check (ms)', c.host_verify_webcrypto_ms],
        ['answer check, scrypt N=1024 as benched (ms)', c.answer_check_ms],
        ['answer check, default scrypt N=32768 (ms)', c.answer_check_default_ms],
        ['host RSS per member (KiB)', c.host_rss_per_member_kb],
        ['bare relay RSS per member (KiB)', c.baseline_rss_per_member_kb],
        ['host JS heap per member (KiB)', c.host_heap_per_member_kb],
        ['bare relay JS heap per member (KiB)', c.baseline_heap_per_member_kb],
        [
          `host backlogs, ${c.backlog_members} members: JS heap per held delivery (bytes)`,
          c.backlog_heap_bytes_per_held_delivery
        ],
        [`  relaying one message to the other ${c.backlog_members - 1} (ms)`, c.relay_ms_per_message]
      ]
    )
  )
  out.push('')
  out.push(
    `Scale: largest room with p99 < ${r.scale.limit_ms} ms at ${r.rate_msgs_per_s} msg/s: ` +
      `${r.scale.max_members} members (p99 ${cell(r.scale.p99_ms)} ms, host RSS ${cell(r.scale.host_rss_mb)} MiB)` +
      (r.scale.stopped_by === null ? '' : `; stopped by ${r.scale.stopped_by}`)
  )
  out.push(
    grid(
      ['members', 'p50 ms', 'p99 ms', 'lost', 'host RSS MiB', 'all CPU ms/msg', 'ok'],
      r.scale.steps.map((s) => [
        s.members,
        s.p50_ms,
        s.p99_ms,
        s.lost,
        s.host_rss_mb,
        s.cpu_ms_per_msg,
        s.ok ? 'yes' : 'NO'
      ])
    )
  )
  out.push('')
  out.push(...attackSection(r.attack, r.mode))
  out.push('')
  out.push('Targets')
  out.push(
    grid(
      ['target', 'value', 'limit', 'met'],
      r.targets.map((t) => [t.name, t.value, t.limit, t.met ? 'yes' : 'NO'])
    )
  )
  return out.join('\n')
}
