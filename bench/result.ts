/** The shape `npm run bench -- --json` prints. Times in ms; null where a figure could not be measured. */
import type { CryptoCost } from './crypto-cost.js'

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
  attack_s: number | null
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
    /** Timed joins that failed (not in the percentiles), and join retries while the rooms grew. */
    failures: number
    baseline_failures: number
    retries_while_growing: number
    baseline_retries_while_growing: number
  }
  fanout: FanoutRow[]
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
