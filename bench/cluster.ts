/**
 * One room under test — the real host or the bare relay, each in its own process — and the members
 * spread over the worker processes (member i lives in worker i % k). Grows the room in batches of
 * joins, runs the fixed-rate fan-out and the saturating throughput run, and reads the host's counters.
 * A room may hold a reservation on a circuit relay (its own process too) and have all or half of its
 * members come through it.
 */
import { fileURLToPath } from 'node:url'
import { ANSWER } from './config.js'
import type { Target } from './host-process.js'
import { Child, now } from './ipc.js'
import { mergeReceipts, type Receipt } from './payload.js'
import { percentile } from './stats.js'

/** The longest wait for every sender's first (re-keying) message to reach everyone. */
const PRIME_DRAIN_MS = 60_000

export type Kind = 'room' | 'baseline'

/** A circuit relay v2 server in its own process, and its multiaddr (ending in `/p2p/<relay>`). */
export interface Relay {
  process: Child
  address: string
}

/** Starts the relay process (`host-process.js relay`). */
export async function startRelay(): Promise<Relay> {
  const child = new Child('circuit-relay', here('./host-process.js'), ['relay'])
  const { address } = await child.call<Target>('start')
  if (address === undefined) throw new Error('the relay did not say its address')
  return { process: child, address }
}

/** Through `relay`: every member (and every timed join) or every second member (odd ids) relayed. */
export interface ThroughRelay {
  relay: Relay
  members: 'all' | 'half'
}

export interface HostStats {
  cpuUs: number
  rss: number
  heapUsed: number
  arrayBuffers: number
  bytesOut: number
  relayed: number
  /** Streams the host refused (a reason told, then closed) since it started. */
  refused: number
  members: number
}

export interface FanoutRun {
  members: number
  latencies: number[]
  messages: number
  lost: number
  sendLagP99: number
  /** CPU time of the host process per message sent, in ms. */
  hostCpuMs: number
  /** CPU time of the host, every worker process and the relay (if the room uses one) per message sent, in ms. */
  totalCpuMs: number
  /** CPU time of the circuit relay's process per message sent, in ms; NaN when the room uses none. */
  relayCpuMs: number
  /** Bytes the host process wrote (to all sockets) per message sent. */
  hostBytesOut: number
  /** Whether every primed sender's re-key reached everyone before the clock started. */
  primed: boolean
  errors: string[]
}

type WorkerStats = { rss: number; cpu: { user: number; system: number } }

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)))

type Collected = { entries: [string, Receipt][]; errors: string[] }

let clusters = 0

export class Cluster {
  readonly kind: Kind
  /** Names this room's members in the workers, which may hold two rooms at once. */
  readonly label: string
  readonly host: Child
  /** The kind, and how its members come when through a relay: for the log. */
  readonly name: string
  private readonly workers: Child[]
  private readonly through: ThroughRelay | undefined
  private target: Target = {}
  size = 0
  /** Join attempts retried so far (a retry is a failed dial or handshake on the loaded machine). */
  retries = 0

  private constructor(kind: Kind, workers: Child[], execArgv: string[], through: ThroughRelay | undefined) {
    this.kind = kind
    this.label = `${kind}${++clusters}`
    this.workers = workers
    this.through = through
    this.name = through === undefined ? kind : `${kind}, ${through.members} relayed`
    this.host = new Child(`${kind}-host`, here('./host-process.js'), [kind], ['--expose-gc', ...execArgv])
  }

  static async start(
    kind: Kind,
    workers: Child[],
    options: { execArgv?: string[]; scryptN?: number; through?: ThroughRelay } = {}
  ): Promise<Cluster> {
    const cluster = new Cluster(kind, workers, options.execArgv ?? [], options.through)
    cluster.target = await cluster.host.call('start', {
      scryptN: options.scryptN,
      relay: options.through?.relay.address
    })
    return cluster
  }

  private worker(id: number): Child {
    return this.workers[id % this.workers.length] as Child
  }

  /** Whether member `id` comes through the relay; a timed join does whenever the room has one. */
  private relayed(id: number | 'timed'): boolean {
    if (this.through === undefined) return false
    return id === 'timed' || this.through.members === 'all' || id % 2 === 1
  }

  /** What member `id` is given: the invitation (room) or the address (baseline), relayed or not. */
  private entry(id: number | 'timed'): string | undefined {
    const relayed = this.relayed(id)
    if (this.kind === 'room') return relayed ? this.target.relayedInvitation : this.target.invitation
    return relayed ? this.target.relayedAddress : this.target.address
  }

  private code(): Promise<string> {
    return this.host.call<string>('code')
  }

  /** Joins (room) or connects (baseline) members `size`…`n - 1`, `batch` at a time. */
  async grow(n: number, batch = 10): Promise<void> {
    while (this.size < n) {
      const ids = Array.from({ length: Math.min(batch, n - this.size) }, (_, i) => this.size + i)
      const code = this.kind === 'room' ? await this.code() : ''
      // One call per worker and entry (a room may give half its members the relayed invitation).
      const calls = new Map<string, { w: Child; entry: string | undefined; ids: number[] }>()
      for (const id of ids) {
        const key = `${id % this.workers.length} ${this.relayed(id)}`
        const call = calls.get(key) ?? { w: this.worker(id), entry: this.entry(id), ids: [] }
        call.ids.push(id)
        calls.set(key, call)
      }
      const results = await Promise.all(
        [...calls.values()].map(({ w, entry, ids: wids }) =>
          this.kind === 'room'
            ? w.call<{ retries: number }>('join', {
                room: this.label,
                invitation: entry,
                answer: ANSWER,
                code,
                ids: wids
              })
            : w.call<{ retries: number }>('baselineJoin', { room: this.label, address: entry, ids: wids })
        )
      )
      this.retries += results.reduce((s, r) => s + r.retries, 0)
      this.size += ids.length
    }
    await this.settle()
  }

  /** Waits until every member knows every other one (a sender seals only for the roster it has). */
  private async settle(timeoutMs = 60_000): Promise<void> {
    if (this.kind !== 'room') {
      const deadline = now() + timeoutMs
      while ((await this.hostStats()).members < this.size) {
        if (now() > deadline) throw new Error('baseline members did not all register')
        await sleep(50)
      }
      return
    }
    const deadline = now() + timeoutMs
    for (;;) {
      const views = await Promise.all(
        this.workers.map((w) =>
          w.call<{ min: number; members: number; closed: number }>('rosters', { room: this.label })
        )
      )
      const closed = views.reduce((s, v) => s + v.closed, 0)
      if (closed > 0) throw new Error(`${closed} members were closed by the host`)
      if (views.every((v) => v.members === 0 || v.min >= this.size - 1)) return
      if (now() > deadline)
        throw new Error(`rosters did not reach ${this.size - 1}: ${JSON.stringify(views)}`)
      await sleep(50)
    }
  }

  /** What a timed join is given: the invitation (room) or the address (baseline). */
  timedEntry(): string | undefined {
    return this.entry('timed')
  }

  /**
   * One timed join from worker 0 with a node of its own (room: dial to Welcome, then leave; baseline:
   * bare dial plus stream open), through the relay when the room has one, or to `entry` (the same
   * host behind a proxy, say). Undefined when it failed.
   */
  async timedJoin(index: number, entry = this.timedEntry()): Promise<number | undefined> {
    const w = this.workers[0] as Child
    const args =
      this.kind === 'room'
        ? { invitation: entry, answer: ANSWER, code: await this.code(), index }
        : { address: entry }
    return (await w.call<{ ms?: number }>('timedJoin', args)).ms
  }

  /** How many of the room's members run their session through the relay now. */
  async relayedMembers(): Promise<number> {
    const views = await Promise.all(
      this.workers.map((w) => w.call<{ relayed: number }>('rosters', { room: this.label }))
    )
    return views.reduce((sum, v) => sum + v.relayed, 0)
  }

  /**
   * Moves every relayed member to a direct connection (what DCUtR's hole punch would give), one at
   * a time, and returns, per member, the time from its direct dial to its session running there.
   */
  async goDirect(): Promise<number[]> {
    const ms: number[] = []
    for (const w of this.workers) {
      const moved = await w.call<{ ms: number[] }>('goDirect', {
        room: this.label,
        invitation: this.target.invitation
      })
      ms.push(...moved.ms)
    }
    return ms
  }

  private async collect(reset: boolean): Promise<{ receipts: Map<string, Receipt>; errors: string[] }> {
    const parts = await Promise.all(this.workers.map((w) => w.call<Collected>('collect', { reset })))
    return { receipts: mergeReceipts(parts.map((p) => p.entries)), errors: parts.flatMap((p) => p.errors) }
  }

  /**
   * `messages` sends at `rate` per second, round-robin over the members; each message's latency is
   * from the send call to the last of the other members having it (Infinity when one never does).
   */
  async fanout(opts: {
    messages: number
    warmup: number
    rate: number
    drainMs: number
  }): Promise<FanoutRun> {
    const n = this.size
    // Only the members that send below are primed: a re-key is a key wrapped for every recipient
    // sent to every recipient, so priming all of a 200-member room is ~2 GB through the host and
    // 40 000 RSA decrypts, minutes on 2 cores, for members that never send. Priming gets its own,
    // longer wait; the measured messages must not queue behind it.
    const primed = await this.primeSenderKeys(
      Math.min(n, opts.messages),
      Math.max(opts.drainMs, PRIME_DRAIN_MS)
    )
    await this.collect(true)
    const cpu0 = await this.cpu()
    const interval = 1000 / opts.rate
    const ids: string[] = []
    const sends: Promise<{ lag: number }>[] = []
    const start = now() + 20
    for (let i = 0; i < opts.messages; i++) {
      const at = start + i * interval
      await sleep(at - now())
      const id = `${this.label}.${n}.${i}`
      ids.push(id)
      sends.push(this.worker(i % n).call('send', { room: this.label, id: i % n, msg: id, scheduledAt: at }))
    }
    const lags = (await Promise.all(sends)).map((s) => s.lag)
    const deadline = now() + opts.drainMs
    let collected = await this.collect(false)
    while (now() < deadline && ids.some((id) => (collected.receipts.get(id)?.count ?? 0) < n - 1)) {
      await sleep(200)
      collected = await this.collect(false)
    }
    const cpu1 = await this.cpu()
    const latencies = ids.slice(opts.warmup).map((id) => {
      const r = collected.receipts.get(id)
      return r !== undefined && r.count >= n - 1 ? r.lastAt - r.sentAt : Number.POSITIVE_INFINITY
    })
    await this.collect(true)
    return {
      members: n,
      latencies,
      messages: latencies.length,
      lost: latencies.filter((l) => !Number.isFinite(l)).length,
      sendLagP99: percentile(lags, 99),
      hostCpuMs: (cpu1.host - cpu0.host) / 1000 / opts.messages,
      totalCpuMs: (cpu1.total - cpu0.total) / 1000 / opts.messages,
      relayCpuMs: this.through === undefined ? Number.NaN : (cpu1.relay - cpu0.relay) / 1000 / opts.messages,
      hostBytesOut: (cpu1.bytesOut - cpu0.bytesOut) / opts.messages,
      primed,
      errors: collected.errors
    }
  }

  /**
   * Each of the first `senders` members (those the run sends from) sends one unmeasured message
   * first, so that the measured ones are the steady state: a member's first message after the
   * room's membership changed carries a new sender key, wrapped for every recipient (its cost is
   * reported apart, as the re-key cost). The baseline does the same.
   */
  private async primeSenderKeys(senders: number, drainMs: number): Promise<boolean> {
    const n = this.size
    const ids: string[] = []
    const sends: Promise<unknown>[] = []
    for (let i = 0; i < senders; i++) {
      const id = `${this.label}.${n}.prime.${i}`
      ids.push(id)
      sends.push(this.worker(i).call('send', { room: this.label, id: i, msg: id, scheduledAt: now() }))
      await sleep(10)
    }
    await Promise.all(sends)
    const deadline = now() + drainMs
    let collected = await this.collect(false)
    const pending = () => ids.some((id) => (collected.receipts.get(id)?.count ?? 0) < n - 1)
    while (now() < deadline && pending()) {
      await sleep(200)
      collected = await this.collect(false)
    }
    // The receipts are in, so every re-key is opened; what may still run before the clock starts is
    // the clean-up after them (acks, GC), which grows with the bytes they moved (senders × members):
    // a second for the large rooms, a tenth of one for the smallest.
    await sleep(Math.min(1000, 100 + (senders * n) / 2))
    return !pending()
  }

  /**
   * Every member sends as fast as its window allows for `durationMs`; returns the messages per
   * second delivered to all other members (completions after `warmupMs`) and the host's CPU per
   * relayed message.
   */
  async saturate(opts: { durationMs: number; warmupMs: number; window: number; profile?: string }): Promise<{
    msgsPerS: number
    cpuUsPerMsg: number
    relayed: number
    backlogMs: number
    errors: string[]
  }> {
    const n = this.size
    await this.collect(true)
    const w0 = this.workers[0] as Child
    const workerProfile = opts.profile?.replace(/\.cpuprofile$/, '-worker0.cpuprofile')
    if (opts.profile !== undefined)
      await Promise.all([this.host.call('profileStart'), w0.call('profileStart')])
    const before = await this.hostStats()
    const startAt = now() + 200
    await Promise.all(
      this.workers.map((w) =>
        w.call(
          'saturate',
          { room: this.label, startAt, durationMs: opts.durationMs, window: opts.window },
          opts.durationMs + 60_000
        )
      )
    )
    // The host's work for a message ends with its last delivery: wait for the backlog to drain.
    let collected = await this.collect(false)
    const drainBy = now() + 20_000
    while (now() < drainBy && [...collected.receipts.values()].some((r) => r.count < n - 1)) {
      await sleep(250)
      collected = await this.collect(false)
    }
    const after = await this.hostStats()
    if (opts.profile !== undefined) {
      await Promise.all([
        this.host.call('profileStop', { path: opts.profile }),
        w0.call('profileStop', { path: workerProfile })
      ])
    }
    const { receipts, errors } = await this.collect(true)
    const from = startAt + opts.warmupMs
    const to = startAt + opts.durationMs
    let done = 0
    let drainedAt = to
    for (const r of receipts.values()) {
      if (r.count < n - 1) continue
      if (r.lastAt >= from && r.lastAt <= to) done++
      drainedAt = Math.max(drainedAt, r.lastAt)
    }
    const relayed = after.relayed - before.relayed
    return {
      msgsPerS: done / ((to - from) / 1000),
      cpuUsPerMsg: relayed > 0 ? (after.cpuUs - before.cpuUs) / relayed : Number.NaN,
      relayed,
      backlogMs: drainedAt - to,
      errors: [...collected.errors, ...errors]
    }
  }

  /**
   * CPU time so far (µs) of the host process, of the relay's when the room uses one, and of all of
   * them plus every worker.
   */
  private async cpu(): Promise<{ host: number; relay: number; total: number; bytesOut: number }> {
    const [host, relay, ...workers] = await Promise.all([
      this.hostStats(),
      this.through?.relay.process.call<HostStats>('stats'),
      ...this.workers.map((w) => w.call<WorkerStats>('stats'))
    ])
    const hostUs = (host as HostStats).cpuUs
    const relayUs = (relay as HostStats | undefined)?.cpuUs ?? 0
    const workerUs = (workers as WorkerStats[]).reduce((s, w) => s + w.cpu.user + w.cpu.system, 0)
    return {
      host: hostUs,
      relay: relayUs,
      total: hostUs + relayUs + workerUs,
      bytesOut: (host as HostStats).bytesOut
    }
  }

  hostStats(gc = false): Promise<HostStats> {
    return this.host.call<HostStats>('stats', { gc })
  }

  /** Closes the room first (one goodbye each), then the members, then the host process. */
  async close(): Promise<void> {
    await this.host.stop().catch(() => this.host.kill())
    await Promise.all(
      this.workers.map((w) => w.call('closeRoom', { room: this.label }, 30_000).catch(() => {}))
    )
    this.size = 0
  }
}
