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
  targets: Target[]
  duration_s: number
}
