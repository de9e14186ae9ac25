/** The shape `npm run bench -- --json` prints. Times in ms; null where a figure could not be measured. */

import type { CryptoCost } from './crypto-cost.js'
import type { DcutrResult } from './dcutr.js'
import type { FileTransferResult } from './files.js'
import type { UiResult } from './ui.js'

export interface FanoutRow {
  members: number
  p50_ms: number | null
  p99_ms: number | null
  baseline_p50_ms: number | null
  baseline_p99_ms: number | null
  messages: number
  lost: number
  baseline_lost: number | null
  /** How late the sending worker got to its scheduled sends (p99): a loaded worker shows here. */
  send_lag_p99_ms: number | null
  /** CPU of the host process per message: securechat host, bare relay. */
  host_cpu_ms_per_msg: number | null
  baseline_host_cpu_ms_per_msg: number | null
  /** CPU of every process (host + all simulated members) per message: on one machine, all of it competes. */
  cpu_ms_per_msg: number | null
  baseline_cpu_ms_per_msg: number | null
  /** KiB the host process wrote to its sockets per message (Linux /proc/self/io; 0 elsewhere). */
  host_kib_out_per_msg: number | null
  baseline_host_kib_out_per_msg: number | null
  /** MiB the host process held (RSS, after a forced GC) once the room had grown to this size. */
  host_rss_mb: number | null
  baseline_host_rss_mb: number | null
}

/**
 * Joins through a circuit relay beside the direct ones of `join` (the same phase, interleaved): the
 * whole `joinRoom` from a fresh node with the relayed-only invitation (dial to the relay, the
 * circuit, Noise and Yamux over it, the four gates, the Welcome), and a bare libp2p dial plus
 * protocol negotiation through the same relay to a bare node holding a reservation there.
 */
export interface RelayJoin {
  p50_ms: number | null
  p95_ms: number | null
  count: number
  failures: number
  baseline_p50_ms: number | null
  baseline_p95_ms: number | null
  baseline_count: number
  baseline_failures: number
  /** Relayed join / direct join. */
  ratio_p50: number | null
  ratio_p95: number | null
  /** Relayed join − direct join: what the relay adds to a securechat join. */
  extra_p50_ms: number | null
  extra_p95_ms: number | null
  /** Bare relayed dial − bare direct dial: the relay's own extra round trips. */
  baseline_extra_p50_ms: number | null
  baseline_extra_p95_ms: number | null
  /** The bound on the relayed join: 2 × the direct join + the relay's extra round trips. */
  limit_p50_ms: number | null
  limit_p95_ms: number | null
}

/**
 * A fan-out run of a room through the relay, beside the all-direct room of `fanout` at the same size
 * (the same run, measured just before it). CPU in ms per message; `cpu_ms_per_msg` is every process
 * the room uses, the relay's included.
 */
export interface RelayFanoutRow {
  /** `half relayed`, or `after the move to direct` (the same room, its relayed members moved). */
  scenario: string
  members: number
  /** Members whose session ran through the relay when the run ended. */
  relayed_members: number
  p50_ms: number | null
  p99_ms: number | null
  direct_p50_ms: number | null
  direct_p99_ms: number | null
  p50_ratio: number | null
  p99_ratio: number | null
  messages: number
  lost: number
  host_cpu_ms_per_msg: number | null
  relay_cpu_ms_per_msg: number | null
  cpu_ms_per_msg: number | null
  direct_cpu_ms_per_msg: number | null
  host_kib_out_per_msg: number | null
  /** Join attempts retried while this room grew (the same room in both rows). */
  retries_while_growing: number
  /**
   * After the move: from a member's direct dial to its session running there (p50, one member at a
   * time); no hole punch in it.
   */
  move_p50_ms?: number | null
}

export interface ScaleStep {
  members: number
  p50_ms: number | null
  p99_ms: number | null
  lost: number
  host_rss_mb: number | null
  cpu_ms_per_msg: number | null
  ok: boolean
}

export interface Target {
  name: string
  value: number | null
  limit: string
  met: boolean
}

/** Host memory in MiB: before the attack and 'after' it (each after a forced GC), and the peak during it. */
export interface MemoryFigures {
  before: number | null
  peak: number | null
  after: number | null
}

/**
 * One attack: a bystander's latency without it and during it (same host, same run), the host's CPU
 * (% of one core) and memory, and what the attacker managed.
 */
export interface AttackRow {
  scenario: string
  /** What the attacker did and got, in words (the same figures as `attacker`). */
  summary: string
  /** How long the attacker ran, and how long the plan let it (the quick run's plan is shorter). */
  attack_s: number | null
  planned_attack_s: number
  /** How long the bystander sent before the attack (the 'without' figures). */
  baseline_s: number
  rate_msgs_per_s: number
  messages_without: number
  messages_with: number
  p50_ms_without: number | null
  p95_ms_without: number | null
  p50_ms_with: number | null
  p95_ms_with: number | null
  p50_ratio: number | null
  p95_ratio: number | null
  /** Bystander messages not received `drain_s` after the last send (they count as infinitely late). */
  lost_without: number
  lost_with: number
  drain_s: number
  /** When `after` memory is read: this long after the attack stopped. */
  settle_s: number
  host_cpu_pct_without: number | null
  host_cpu_pct_with: number | null
  attacker_cpu_pct: number | null
  host_rss_mb: MemoryFigures
  host_array_buffers_mb: MemoryFigures
  /** Counts in the scenario's own units: `sent` frames, streams, answers or posts; `answered` the host's replies. */
  attacker: {
    sent: number
    sent_per_s: number | null
    mib_sent: number | null
    mib_per_s: number | null
    answered: number
    answered_per_s: number | null
    refused: number
    connections: number
    /** Streams the host refused during the attack, by its own count. */
    host_refusals: number
    errors: string[]
  }
  /** The padded backlog: the documented bound on one away member's backlog (messages, MiB). */
  backlog_bound?: { messages: number; mb: number }
}

export interface BenchResult {
  node: string
  cpus: number
  mode: 'quick' | 'full'
  rate_msgs_per_s: number
  workers: number
  /** The machine's 1-minute load average when the run began: other work on the machine skews every figure. */
  load_avg_start: number | null
  join: {
    p50_ms: number | null
    p95_ms: number | null
    baseline_p50_ms: number | null
    baseline_p95_ms: number | null
    count: number
    /** The same join against a host whose answer hash has the product's default scrypt cost. */
    default_scrypt_p50_ms: number | null
    default_scrypt_count: number
    /**
     * Joins and bare dials over a slow link (a proxy holding every chunk `delay_ms_each_way`), and
     * the round trips the join takes beyond the bare dial's: (join − dial) / the round trip, its CPU
     * included (a few ms; a round trip here is 50).
     */
    slow_link: {
      delay_ms_each_way: number
      count: number
      failures: number
      p50_ms: number | null
      baseline_p50_ms: number | null
      extra_round_trips: number | null
    }
    /** Timed joins that failed (not in the percentiles), and join retries while the rooms grew. */
    failures: number
    baseline_failures: number
    retries_while_growing: number
    baseline_retries_while_growing: number
  }
  fanout: FanoutRow[]
  /** One file through a relay-only host, beside a bare stream piped through a bare relay. */
  files: FileTransferResult
  /** The page of --ui in chromium: bundle size, process start to first paint, page-to-page latency. */
  ui: UiResult
  /**
   * How the host's cost per message grows with the room, fitted over the fan-out sizes: the exponent
   * k of cost ≈ c·N^k (≈ 1 is linear, ≈ 2 quadratic), securechat and the bare relay.
   */
  growth: {
    sizes: number[]
    host_kib_out_exponent: number | null
    baseline_host_kib_out_exponent: number | null
    host_cpu_exponent: number | null
    baseline_host_cpu_exponent: number | null
  }
  /** Through a circuit relay v2 server in its own process on 127.0.0.1. */
  relay: {
    /** How the relay ran, in words. */
    setup: string
    join: RelayJoin
    fanout: RelayFanoutRow[]
    /** Why `fanout` is empty (the quick run leaves it to the full run), or null when it was measured. */
    fanout_not_measured: string | null
    /** Time from the relayed connection to the direct one (DCUtR), in network namespaces behind NAT. */
    dcutr_upgrade: DcutrResult
  }
  throughput: {
    msgs_per_s: number | null
    baseline_msgs_per_s: number | null
    /** How far the last receiver lagged behind the senders when they stopped (acks come from the relay). */
    receivers_behind_s: number | null
    baseline_receivers_behind_s: number | null
    members: number
    window: number
    duration_s: number
  }
  cost: Record<keyof Omit<CryptoCost, 'members'>, number | null> & {
    crypto_room_members: number
    host_cpu_us_per_msg: number | null
    baseline_relay_cpu_us_per_msg: number | null
    /** Host RSS and JS heap (after a full GC) growth per member, from 10 members to the largest room. */
    host_rss_per_member_kb: number | null
    baseline_rss_per_member_kb: number | null
    host_heap_per_member_kb: number | null
    baseline_heap_per_member_kb: number | null
    /** The host's backlogs in a room of `backlog_members`, measured in one process (`backlog-cost.ts`). */
    backlog_members: number
    backlog_heap_bytes_per_held_delivery: number | null
    /** The host's check and forward of one chat line to everyone in that room. */
    relay_ms_per_message: number | null
  }
  scale: {
    max_members: number
    p99_ms: number | null
    host_rss_mb: number | null
    limit_ms: number
    /** Why the steps ended before the largest: the p99 limit, or the run's time budget. */
    stopped_by: string | null
    steps: ScaleStep[]
  }
  attack: AttackRow[]
  targets: Target[]
  duration_s: number
}

/** What `--only attack` prints. */
export type AttackOnlyResult = Pick<
  BenchResult,
  'node' | 'cpus' | 'mode' | 'load_avg_start' | 'attack' | 'duration_s'
> & { only: 'attack' }
