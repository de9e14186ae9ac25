/**
 * A worker process holding members — each with its own libp2p node — for the coordinator. Members of
 * the real room are `RoomMember`s from `joinRoom`; members of the baseline are `BaselineClient`s. A
 * worker may hold members of two rooms at once (the real one and the baseline, measured in turn), so
 * every call names its room. Receivers record, per message, how many got it and when the last did.
 * A member given a relayed-only invitation (or a relayed address) goes through the circuit relay.
 */
import { setTimeout as delay } from 'node:timers/promises'
import type { Libp2p } from '@libp2p/interface'
import { invitationTarget, isRelayed } from '../src/node/addresses.js'
import { joinRoom } from '../src/node/join.js'
import { createSecureChatNode } from '../src/node/libp2p.js'
import type { RoomMember } from '../src/node/member.js'
import { generateRsaKeyPair, type RsaKeyPair } from '../src/protocol/rsa.js'
import { BaselineClient } from './baseline-relay.js'
import { now, serve } from './ipc.js'
import { payload, Receipts } from './payload.js'
import { startProfile, stopProfile } from './profile.js'

/** A relayed member's node is the worker's own (to listen on 127.0.0.1 only), stopped with the member. */
type Slot =
  | { kind: 'room'; member: RoomMember; node?: Libp2p }
  | { kind: 'baseline'; client: BaselineClient; node: Libp2p }

/** Per room, members by their index in it; the coordinator gives member i to worker i % k. */
const rooms = new Map<string, Map<number, Slot>>()
const keys: RsaKeyPair[] = []
const receipts = new Receipts()
const errors: string[] = []
let workerIndex = 0
let workerCount = 1

function slotsOf(room: string): Map<number, Slot> {
  let slots = rooms.get(room)
  if (slots === undefined) {
    slots = new Map()
    rooms.set(room, slots)
  }
  return slots
}

/** Member i's key; distinct within a room, reused from one room to the next. */
function keyFor(id: number): RsaKeyPair {
  const key = keys[Math.floor(id / workerCount) % Math.max(1, keys.length)]
  if (key === undefined) throw new Error('no keys generated')
  return key
}

function noteError(err: unknown): void {
  if (errors.length < 20) errors.push((err as Error).message ?? String(err))
}

async function init(args: { index: number; count: number; keys: number }): Promise<{ ms: number }> {
  workerIndex = args.index
  workerCount = args.count
  const t0 = now()
  // WebCrypto runs key generation on libuv's thread pool: a few at a time use both cores.
  while (keys.length < args.keys) {
    const batch = Math.min(4, args.keys - keys.length)
    keys.push(...(await Promise.all(Array.from({ length: batch }, () => generateRsaKeyPair()))))
  }
  return { ms: now() - t0 }
}

/** Dials that fail on a loaded machine are retried (twice) and counted, not fatal. */
async function withRetry<T>(
  what: string,
  attempt: (retries: number) => Promise<T>
): Promise<{ value: T; retries: number }> {
  for (let retries = 0; ; retries++) {
    try {
      return { value: await attempt(retries), retries }
    } catch (err) {
      noteError(new Error(`${what} (attempt ${retries + 1}): ${(err as Error).message}`))
      if (retries >= 2) throw err
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

interface Credentials {
  invitation: string
  answer: string
  code: string
}

/** Whether joinRoom would dial through a relay: the invitation offers only relayed addresses here. */
function throughRelay(invitation: string): boolean {
  return invitationTarget(invitation).addresses.some((a) => isRelayed(a))
}

/**
 * A started node for one member: through a relay it has `reach` and listens, as joinRoom's own would
 * (DCUtR needs a dialable side), but on 127.0.0.1 alone; otherwise it only dials.
 */
async function memberNode(relayed: boolean): Promise<Libp2p> {
  const node = await createSecureChatNode(
    relayed ? { reach: true, listen: ['/ip4/127.0.0.1/tcp/0'] } : { listen: [] }
  )
  await node.start()
  return node
}

async function join(args: Credentials & { room: string; ids: number[] }) {
  let retries = 0
  const relayed = throughRelay(args.invitation)
  const ms = await Promise.all(
    args.ids.map(async (id) => {
      const node = relayed ? await memberNode(true) : undefined
      const t0 = now()
      const joined = await withRetry(`join m${id}`, (retry) =>
        joinRoom(
          args.invitation,
          // A retry takes a new nickname, in case the host kept the failed attempt's seat.
          { answer: args.answer, code: args.code, nickname: retry === 0 ? `m${id}` : `m${id}r${retry}` },
          // A dropped connection must show as lost messages, not be resumed behind the benchmark's back.
          { keys: keyFor(id), reconnect: false, ...(node === undefined ? {} : { node }) }
        )
      ).catch(async (err) => {
        await node?.stop()
        throw err
      })
      retries += joined.retries
      joined.value.on('message', (e) => receipts.record(e.text, now()))
      slotsOf(args.room).set(id, {
        kind: 'room',
        member: joined.value,
        ...(node === undefined ? {} : { node })
      })
      return now() - t0
    })
  )
  return { ms, retries }
}

async function baselineJoin(args: { room: string; address: string; ids: number[] }) {
  let retries = 0
  const ms = await Promise.all(
    args.ids.map(async (id) => {
      const node = await memberNode(isRelayed(args.address))
      const t0 = now()
      const joined = await withRetry(`connect b${id}`, () =>
        BaselineClient.connect(node, args.address, (text) => receipts.record(text, now()))
      )
      retries += joined.retries
      slotsOf(args.room).set(id, { kind: 'baseline', client: joined.value, node })
      return now() - t0
    })
  )
  return { ms, retries }
}

/**
 * One timed join from a started node of its own, dial to Welcome (roster loaded), then leave; or,
 * with `address`, one bare dial plus stream open to the baseline relay. Either may go through the
 * circuit relay (a relayed-only invitation or address): the node is fresh, so the time includes
 * its dial to the relay. Undefined when it failed.
 */
async function timedJoin(args: (Credentials & { index: number }) | { address: string }) {
  const node = await memberNode('address' in args ? isRelayed(args.address) : throughRelay(args.invitation))
  try {
    const t0 = now()
    if ('address' in args) {
      const client = await BaselineClient.connect(node, args.address, () => {})
      const ms = now() - t0
      await client.close()
      return { ms }
    }
    const member = await joinRoom(
      args.invitation,
      { answer: args.answer, code: args.code, nickname: `joiner${args.index}` },
      { keys: keyFor(args.index * workerCount), node, reconnect: false }
    )
    const ms = now() - t0
    await member.close()
    return { ms }
  } catch (err) {
    noteError(err)
    return { ms: undefined }
  } finally {
    await node.stop()
  }
}

/**
 * The fewest others any local member of the room knows of (a sender seals only for its roster), and
 * how many local members' sessions run through a relay now.
 */
function rosters(args: { room: string }): { min: number; members: number; closed: number; relayed: number } {
  let min = Number.POSITIVE_INFINITY
  let closed = 0
  let relayed = 0
  const slots = slotsOf(args.room)
  for (const slot of slots.values()) {
    if (slot.kind !== 'room') continue
    if (slot.member.closed) closed++
    if (slot.member.connectionKind === 'relayed') relayed++
    min = Math.min(min, slot.member.members.length)
  }
  return { min: Number.isFinite(min) ? min : -1, members: slots.size, closed, relayed }
}

/**
 * Moves every relayed member of the room to a direct connection, one at a time (hole punches are
 * each member's own), as DCUtR would once it punched a hole: a direct dial to the host's first
 * direct address in `invitation`; the member's session then moves there by itself (a Resume on the
 * new connection), and the relayed connection is closed, as DCUtR closes it. Returns, per member
 * moved, the time from the dial to its session running there.
 */
async function goDirect(args: { room: string; invitation: string }): Promise<{ ms: number[] }> {
  const { addresses, hostPeerId } = invitationTarget(args.invitation)
  const direct = addresses.find((a) => !isRelayed(a))
  if (direct === undefined) throw new Error('the invitation offers no direct address')
  const relayed = [...slotsOf(args.room).values()].filter(
    (slot) => slot.kind === 'room' && slot.member.connectionKind === 'relayed'
  ) as Extract<Slot, { kind: 'room' }>[]
  const ms: number[] = []
  for (const { member } of relayed) {
    const t0 = now()
    await member.debug.node.dial(direct)
    while (member.connectionKind !== 'direct') {
      if (now() > t0 + 10_000) throw new Error(`${member.nickname} did not move to the direct connection`)
      await delay(2)
    }
    ms.push(now() - t0)
    const node = member.debug.node
    const circuits = node
      .getConnections()
      .filter((c) => c.remotePeer.toString() === hostPeerId && isRelayed(c.remoteAddr))
    await Promise.all(circuits.map((c) => c.close()))
  }
  return { ms }
}

function sendFrom(room: string, id: number, text: string): Promise<unknown> {
  const slot = slotsOf(room).get(id)
  if (slot === undefined) return Promise.reject(new Error(`no member ${id} of ${room} here`))
  return slot.kind === 'room' ? slot.member.send(text) : slot.client.send(text)
}

/** One message at the coordinator's schedule; `lag` is how late the worker got to it. */
async function send(args: { room: string; id: number; msg: string; scheduledAt: number }) {
  const sentAt = now()
  try {
    await sendFrom(args.room, args.id, payload(args.msg, sentAt))
  } catch (err) {
    noteError(err)
  }
  return { lag: sentAt - args.scheduledAt }
}

/** Every local member of the room sends as fast as its window of unacknowledged messages allows. */
async function saturate(args: { room: string; startAt: number; durationMs: number; window: number }) {
  const wait = args.startAt - now()
  if (wait > 0) await new Promise((r) => setTimeout(r, wait))
  const until = args.startAt + args.durationMs
  let sent = 0
  await Promise.all(
    [...slotsOf(args.room).keys()].map(async (id) => {
      let seq = 0
      let failed = false
      const inflight = new Set<Promise<unknown>>()
      while (!failed && now() < until) {
        while (inflight.size < args.window) {
          const text = payload(`t${workerIndex}.${id}.${seq++}`, now())
          const p: Promise<unknown> = sendFrom(args.room, id, text)
            .then(() => {
              sent++
            })
            .catch((err) => {
              failed = true
              noteError(err)
            })
            .finally(() => inflight.delete(p))
          inflight.add(p)
        }
        await Promise.race(inflight)
      }
      await Promise.allSettled(inflight)
    })
  )
  return { sent }
}

/**
 * A bystander's traffic: member `from` sends at `rate` from `startAt` for `durationMs`, another
 * member of the room in this worker receives (one process, so one clock). Returns each message's
 * send → receive latency, Infinity for one not received within `drainMs` after the last send.
 */
async function steady(args: {
  room: string
  from: number
  tag: string
  rate: number
  startAt: number
  durationMs: number
  drainMs: number
}): Promise<{ latencies: number[] }> {
  const ids: string[] = []
  const interval = 1000 / args.rate
  for (let i = 0; i * interval < args.durationMs; i++) {
    const at = args.startAt + i * interval
    if (at > now()) await delay(at - now())
    const id = `${args.tag}.${i}`
    ids.push(id)
    // Not awaited: a send that waits for the host's ack must not hold back the next one.
    sendFrom(args.room, args.from, payload(id, now())).catch(noteError)
  }
  const deadline = now() + args.drainMs
  while (now() < deadline && ids.some((id) => receipts.get(id) === undefined)) await delay(20)
  return {
    latencies: ids.map((id) => {
      const r = receipts.get(id)
      return r === undefined ? Number.POSITIVE_INFINITY : r.lastAt - r.sentAt
    })
  }
}

function collect(args: { reset?: boolean }) {
  const entries = receipts.entries()
  if (args.reset === true) receipts.clear()
  return { entries, errors: errors.splice(0) }
}

async function closeRoom(args: { room: string }): Promise<void> {
  const slots = [...slotsOf(args.room).values()]
  rooms.delete(args.room)
  await Promise.allSettled(
    slots.map(async (slot) => {
      if (slot.kind === 'room') {
        await slot.member.close({ signal: AbortSignal.timeout(3000) })
        await slot.node?.stop()
      } else {
        await slot.client.close()
        await slot.node.stop()
      }
    })
  )
}

serve(
  {
    init,
    join,
    baselineJoin,
    timedJoin,
    rosters,
    goDirect,
    send,
    saturate,
    steady,
    collect,
    closeRoom,
    stats: () => ({ rss: process.memoryUsage().rss, cpu: process.cpuUsage() }),
    profileStart: () => startProfile(),
    profileStop: ({ path }: { path: string }) => stopProfile(path)
  },
  async () => {
    await Promise.allSettled([...rooms.keys()].map((room) => closeRoom({ room })))
  }
)
