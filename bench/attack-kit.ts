/**
 * What every attacker process shares (the room's, attacker.ts, and the relay's, relay-attacker.ts):
 * the tally of one attack, the attack prepared outside the measured window, and the `prepare`/`run`
 * calls it answers over IPC. `run` attacks for at most `durationMs` (and at most `count` items where
 * that applies), then stops every node: the attacker stops and disconnects by itself.
 */
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createSecureChatNode } from '../src/node/libp2p.js'
import { now, serve } from './ipc.js'

/** What one attack did, in its own units (attack.ts names them per scenario). */
export interface Outcome {
  /** Frames (decode bomb), streams (pinned buffers, endless prefix), answers (scrypt), posts (padded). */
  sent: number
  /** Bytes handed to the attacker's streams, less what was still unsent there at the end. */
  bytes: number
  /** Replies showing the host did the work: refusals, ROOM_CODE challenges (one scrypt run each), acks. */
  answered: number
  /** Replies that turned the attacker away instead (too many handshakes, rate limited, ...). */
  refused: number
  /** Connections the attacker still held at the end (the host closes those past its per-source limit). */
  connections: number
  ms: number
  cpuUs: number
  errors: string[]
}

export class Tally {
  sent = 0
  bytes = 0
  answered = 0
  refused = 0
  readonly errors: string[] = []

  /** Notes a failure, unless it is the attack's own deadline cutting a step short. */
  note(err: unknown, signal?: AbortSignal): void {
    if (signal?.aborted === true) return
    if (this.errors.length < 5) this.errors.push((err as Error).message ?? String(err))
  }
}

export type Attack = (tally: Tally, deadline: number, count: number) => Promise<void>

export interface Prepared {
  nodes: Libp2p[]
  attack: Attack
  /** Bytes still unsent on the attacker's side when it stops (subtracted from `bytes`). */
  unsent?: () => number
  /** Connections held at the end, for an attack that holds some outside `nodes` (raw sockets). */
  connections?: () => number
  /** Lets go of whatever the attack holds outside `nodes`. */
  release?: () => void
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)))
export const until = (deadline: number) => AbortSignal.timeout(Math.max(1, Math.ceil(deadline - now())))
export const lanes = (n: number, lane: (i: number) => Promise<void>) =>
  Promise.all(Array.from({ length: n }, (_, i) => lane(i)))

/**
 * One node per connection (a node keeps one connection to a peer), each dialled already, `concurrency`
 * dials at a time (all at once by default; a target's pending cap per source refuses the rest).
 */
export async function connectedNodes(
  count: number,
  addresses: Multiaddr[],
  concurrency = count
): Promise<Libp2p[]> {
  const nodes: Libp2p[] = []
  let next = 0
  await lanes(Math.min(count, concurrency), async () => {
    while (next < count) {
      next++
      const node = await createSecureChatNode({ listen: [] })
      await node.start()
      // The target closes connections past its per-source limit: that shows in `connections`.
      await node.dial(addresses, { signal: AbortSignal.timeout(10_000) }).catch(() => {})
      nodes.push(node)
    }
  })
  return nodes
}

async function finish(p: Prepared): Promise<void> {
  p.release?.()
  await Promise.allSettled(p.nodes.map((n) => n.stop()))
}

/** Answers `prepare` (one attack at a time, made by `make`) and `run` over the IPC channel. */
export function serveAttacker<A>(make: (args: A) => Promise<Prepared>): void {
  let prepared: Prepared | undefined

  async function prepare(args: A): Promise<void> {
    if (prepared !== undefined) throw new Error('an attack is prepared already')
    prepared = await make(args)
  }

  async function run(args: { durationMs: number; count?: number }): Promise<Outcome> {
    const p = prepared
    prepared = undefined
    if (p === undefined) throw new Error('no attack prepared')
    const tally = new Tally()
    const t0 = now()
    const cpu0 = process.cpuUsage()
    const failure = await p.attack(tally, t0 + args.durationMs, args.count ?? Number.POSITIVE_INFINITY).then(
      () => undefined,
      (err: Error) => err
    )
    const cpu = process.cpuUsage(cpu0)
    const outcome: Outcome = {
      sent: tally.sent,
      bytes: tally.bytes - (p.unsent?.() ?? 0),
      answered: tally.answered,
      refused: tally.refused,
      connections: p.connections?.() ?? p.nodes.filter((n) => n.getConnections().length > 0).length,
      ms: now() - t0,
      cpuUs: cpu.user + cpu.system,
      errors: failure === undefined ? tally.errors : [failure.message, ...tally.errors]
    }
    await finish(p)
    return outcome
  }

  serve({ prepare, run }, async () => {
    if (prepared !== undefined) await finish(prepared)
  })
}
