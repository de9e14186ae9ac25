/**
 * Under attack. For each attack: a fresh host process with the product's limits (the default scrypt
 * cost for the scrypt flood, the cheap one otherwise), two bystander members in worker 0 — one sends
 * at a fixed rate, the other receives — and the attacker in a process of its own (attacker.ts). The
 * bystander's latency is measured first without the attack, then during it, on the same host in the
 * same run; with the host's CPU, and its RSS and ArrayBuffer memory before, at peak and a while after
 * the attacker has gone. Everything comes from 127.0.0.1, the bystanders included.
 */
import { fileURLToPath } from 'node:url'
import { DEFAULT_SCRYPT_PARAMS } from '../src/node/answer-hash.js'
import { BACKLOG_BYTES, BACKLOG_MESSAGES, FILE_UPLOAD_BYTES_PER_SECOND } from '../src/node/constants.js'
import { ATTACKS, type AttackKind, type Outcome, type PrepareArgs } from './attacker.js'
import { type HostStats, sleep } from './cluster.js'
import { ANSWER } from './config.js'
import { Child, now } from './ipc.js'
import type { AttackPlan, Bench } from './plan.js'
import type { AttackRow, MemoryFigures } from './result.js'
import { percentile, round } from './stats.js'

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
const mib = (bytes: number) => round(bytes / 2 ** 20, 1)
const r1 = (v: number) => round(v, 1)
/** The attacker's nodes and connections are made before the clock starts. */
const PREPARE_TIMEOUT_MS = 60_000
/** A bystander message not received this long after the last send counts as lost. */
const DRAIN_MS = 3000

type Sampled = HostStats & { at: number }

interface AttackRun {
  kind: AttackKind
  without: number[]
  with: number[]
  cpuWithout: number
  cpuWith: number
  before: HostStats
  peak: { rss: number; arrayBuffers: number }
  after: HostStats
  hostRefusals: number
  outcome: Outcome
}

/** Host CPU between two samples, in % of one core (all its threads: scrypt runs on the thread pool). */
function cpuPct(a: Sampled, b: Sampled): number {
  return ((b.cpuUs - a.cpuUs) / 1000 / (b.at - a.at)) * 100
}

/** The bystander pair of one room: member `ids[0]` sends, `ids[1]` receives, both in one worker. */
class Bystanders {
  constructor(
    private readonly worker: Child,
    private readonly room: string,
    private readonly ids: [number, number],
    private readonly rate: number
  ) {}

  join(invitation: string, code: string): Promise<unknown> {
    return this.worker.call('join', { room: this.room, invitation, answer: ANSWER, code, ids: this.ids })
  }

  /** Latencies of the messages sent over `durationMs` from now (Infinity for a lost one). */
  async steady(tag: string, durationMs: number): Promise<number[]> {
    const { latencies } = await this.worker.call<{ latencies: number[] }>(
      'steady',
      {
        room: this.room,
        from: this.ids[0],
        tag: `${this.room}.${tag}`,
        rate: this.rate,
        startAt: now() + 10,
        durationMs,
        drainMs: DRAIN_MS
      },
      durationMs + DRAIN_MS + 30_000
    )
    return latencies
  }

  leave(): Promise<unknown> {
    return this.worker.call('closeRoom', { room: this.room }, 30_000).catch(() => {})
  }
}

type Measured = Omit<AttackRun, 'after'> & { endedAt: number }

/** One attack's host and bystanders, from setting up to reading the host's memory after the attack. */
class AttackRoom {
  private constructor(
    readonly kind: AttackKind,
    private readonly bench: Bench,
    private readonly host: Child,
    private readonly bystanders: Bystanders,
    private readonly attacker: Child
  ) {}

  /** A host with the product's limits, the bystanders in it, and the attack prepared (not started). */
  static async open(
    bench: Bench,
    kind: AttackKind,
    worker: Child,
    ids: [number, number],
    attacker: Child
  ): Promise<AttackRoom> {
    const host = new Child(`${kind}-host`, here('./host-process.js'), ['room'], ['--expose-gc'])
    bench.track(host)
    const bystanders = new Bystanders(worker, `attack-${kind}`, ids, bench.plan.attack.rate)
    const room = new AttackRoom(kind, bench, host, bystanders, attacker)
    try {
      const scryptN = kind === 'scrypt-flood' ? DEFAULT_SCRYPT_PARAMS.N : undefined
      const { invitation } = await host.call<{ invitation: string }>('start', {
        productLimits: true,
        scryptN
      })
      const code = () => host.call<string>('code')
      await bystanders.join(invitation, await code())
      // Before the baseline, so that both see the same room: the padded backlog's members join here.
      const args: PrepareArgs = { kind, invitation, answer: ANSWER, code: await code() }
      await attacker.call('prepare', args, PREPARE_TIMEOUT_MS)
    } catch (err) {
      await room.close()
      throw err
    }
    return room
  }

  private async stats(gc = false): Promise<Sampled> {
    return { ...(await this.host.call<HostStats>('stats', { gc })), at: now() }
  }

  /** The baseline, then the attack with the bystander still sending; returns once its messages are in. */
  async measure(): Promise<Measured> {
    const plan = this.bench.plan.attack
    // The sender's first message after the room changed carries its new key: not one to measure.
    await this.bystanders.steady('prime', 1)
    const s0 = await this.stats()
    const without = await this.bystanders.steady('without', plan.baselineMs)
    const cpuWithout = cpuPct(s0, await this.stats())
    const before = await this.stats(true)
    await this.host.call('watchStart')
    const durationMs = this.kind === 'padded-backlog' ? plan.paddedMs : plan.attackMs
    const during = this.bystanders.steady('with', durationMs)
    const s1 = await this.stats()
    const outcome = await this.attacker.call<Outcome>(
      'run',
      { durationMs, count: plan.paddedPosts },
      durationMs + PREPARE_TIMEOUT_MS
    )
    const s2 = await this.stats()
    const peak = await this.host.call<{ rss: number; arrayBuffers: number }>('watchStop')
    return {
      kind: this.kind,
      without,
      with: await during,
      cpuWithout,
      cpuWith: cpuPct(s1, s2),
      before,
      peak,
      hostRefusals: s2.refused - s1.refused,
      outcome,
      endedAt: s2.at
    }
  }

  /** Waits until `settleMs` after the attack ended, then reads the host's memory again (after a GC). */
  async settle(measured: Measured): Promise<AttackRun> {
    await sleep(measured.endedAt + this.bench.plan.attack.settleMs - now())
    const run: AttackRun = { ...measured, after: await this.stats(true) }
    this.bench.log(`attack ${this.kind}: ${describe(run)}`)
    return run
  }

  async close(): Promise<void> {
    await this.host.stop().catch(() => this.host.kill())
    await this.bystanders.leave()
  }
}

function describe(run: AttackRun): string {
  const q = (v: number[], p: number) => r1(percentile(v, p)) ?? '∞'
  const lost = run.with.filter((l) => !Number.isFinite(l)).length
  return (
    `bystander p50 ${q(run.without, 50)} → ${q(run.with, 50)} ms, p95 ${q(run.without, 95)} → ` +
    `${q(run.with, 95)} ms (${lost} lost), host CPU ${r1(run.cpuWith)}%, RSS ${mib(run.before.rss)} → ` +
    `${mib(run.peak.rss)} → ${mib(run.after.rss)} MiB; ${summary(run)}` +
    (run.outcome.errors.length > 0 ? `; attacker errors: ${run.outcome.errors.slice(0, 2).join('; ')}` : '')
  )
}

/** What the attacker did and got, in the scenario's own units. */
function summary(run: AttackRun): string {
  const o = run.outcome
  const s = o.ms / 1000
  const perS = (n: number) => r1(n / s)
  switch (run.kind) {
    case 'decode-bomb':
      return (
        `${o.sent} frames of ~1 MiB (${perS(o.sent)}/s, ${r1(o.bytes / 2 ** 20 / s)} MiB/s), ` +
        `${o.answered} refusals back, host refused ${run.hostRefusals} streams`
      )
    case 'pinned-buffers':
    case 'endless-prefix':
      return (
        `${o.sent} streams on ${o.connections} connections kept, ${mib(o.bytes)} MiB of junk written, ` +
        `host refused ${run.hostRefusals} streams`
      )
    case 'scrypt-flood':
      return `${perS(o.answered)} scrypt runs/s (${o.answered} of ${o.sent} answers got ROOM_CODE), ${o.refused} refused`
    case 'padded-backlog':
      return (
        `${o.answered} of ${o.sent} posts of ~1 MiB relayed (${mib(o.bytes)} MiB), ${o.refused} rejected; ` +
        `backlog bound ${BACKLOG_MESSAGES} messages, ${mib(BACKLOG_BYTES)} MiB`
      )
    case 'file-flood':
      return (
        `${o.sent} chunks of 256 KiB uploaded (${r1(o.bytes / 2 ** 20 / s)} MiB/s, the host's upload rate ` +
        `${mib(FILE_UPLOAD_BYTES_PER_SECOND)} MiB/s), ${o.answered} more file streams held silent`
      )
  }
}

function memory(before: number, peak: number, after: number): MemoryFigures {
  return { before: mib(before), peak: mib(Math.max(peak, before)), after: mib(after) }
}

function toRow(run: AttackRun, plan: AttackPlan): AttackRow {
  const o = run.outcome
  const s = o.ms / 1000
  const p = (v: number[], q: number) => round(percentile(v, q), 2)
  const ratio = (q: number) => round(percentile(run.with, q) / percentile(run.without, q), 2)
  const lost = (v: number[]) => v.filter((l) => !Number.isFinite(l)).length
  return {
    scenario: run.kind,
    summary: summary(run),
    attack_s: round(s, 1),
    planned_attack_s: (run.kind === 'padded-backlog' ? plan.paddedMs : plan.attackMs) / 1000,
    baseline_s: plan.baselineMs / 1000,
    rate_msgs_per_s: plan.rate,
    messages_without: run.without.length,
    messages_with: run.with.length,
    p50_ms_without: p(run.without, 50),
    p95_ms_without: p(run.without, 95),
    p50_ms_with: p(run.with, 50),
    p95_ms_with: p(run.with, 95),
    p50_ratio: ratio(50),
    p95_ratio: ratio(95),
    lost_without: lost(run.without),
    lost_with: lost(run.with),
    drain_s: DRAIN_MS / 1000,
    settle_s: plan.settleMs / 1000,
    host_cpu_pct_without: r1(run.cpuWithout),
    host_cpu_pct_with: r1(run.cpuWith),
    attacker_cpu_pct: r1((o.cpuUs / 1000 / o.ms) * 100),
    host_rss_mb: memory(run.before.rss, run.peak.rss, run.after.rss),
    host_array_buffers_mb: memory(run.before.arrayBuffers, run.peak.arrayBuffers, run.after.arrayBuffers),
    attacker: {
      sent: o.sent,
      sent_per_s: r1(o.sent / s),
      mib_sent: mib(o.bytes),
      mib_per_s: r1(o.bytes / 2 ** 20 / s),
      answered: o.answered,
      answered_per_s: r1(o.answered / s),
      refused: o.refused,
      connections: o.connections,
      host_refusals: run.hostRefusals,
      errors: o.errors
    },
    ...(run.kind === 'padded-backlog'
      ? { backlog_bound: { messages: BACKLOG_MESSAGES, mb: mib(BACKLOG_BYTES) ?? 0 } }
      : {})
  }
}

/**
 * The attacks in turn, each on its own host. The bystanders live in `workers[0]`, as members 0 and
 * k (a worker holds the members whose index is its own modulo k, and each gets a key of its own).
 */
export async function underAttack(
  bench: Bench,
  workers: Child[],
  kinds: readonly AttackKind[] = ATTACKS
): Promise<AttackRow[]> {
  const worker = workers[0] as Child
  const attacker = new Child('attacker', here('./attacker.js'))
  bench.track(attacker)
  const open = (kind: AttackKind | undefined) =>
    kind === undefined ? undefined : AttackRoom.open(bench, kind, worker, [0, workers.length], attacker)
  const rows: AttackRow[] = []
  try {
    let next = open(kinds[0])
    for (let i = 0; next !== undefined; i++) {
      const room = await next
      try {
        const measured = await room.measure()
        // The next room is set up while this host settles: it is idle by then, and only its memory is read.
        next = open(kinds[i + 1])
        next?.catch(() => {})
        rows.push(toRow(await room.settle(measured), bench.plan.attack))
      } finally {
        await room.close()
      }
    }
  } finally {
    await attacker.stop()
  }
  return rows
}
