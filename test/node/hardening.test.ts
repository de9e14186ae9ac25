/**
 * The attacker's review (decode bombs, pinned buffers, endless length prefixes, padded posts, the
 * backlog bound), each attack driven for real and its effect on the host measured, not only its
 * refusal. The attacks run in a process of their own (the bench's attacker, so the bench's "Under
 * attack" figures and these tests exercise the very same code), and the host's memory is measured
 * here, where the host runs. Speed is the bench's to measure; the latency of a bystander's messages
 * under each attack is reported as a diagnostic only.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { AttackKind, Outcome } from '../../bench/attacker.js'
import { Child } from '../../bench/ipc.js'
import type { RoomHost } from '../../src/node/host.js'
import type { RoomMember } from '../../src/node/member.js'
import { arrayBuffers, MiB } from '../helpers/memory.js'
import { ANSWER, eventually, join, memberKeys, record, startHost, until } from '../helpers/room.js'

/** The bound the issue sets for what an attack without an invitation may make the host hold. */
const MAX_GROWTH_BYTES = 64 * 2 ** 20

interface Measured {
  outcome: Outcome
  before: number
  peak: number
  after: number
  latencies: number[]
}

describe('attacks measured: what they cost the host', () => {
  let host: RoomHost
  let alice: RoomMember
  let bob: RoomMember
  const attackerPath = fileURLToPath(new URL('../../bench/attacker.js', import.meta.url))

  before(async () => {
    const keys = await memberKeys(3)
    host = await startHost({ inboundConnectionThreshold: 100_000 })
    alice = await join(host, 'alice', { keys: keys[1] })
    bob = await join(host, 'bob', { keys: keys[2] })
    await until(alice, () => alice.members.some((m) => m.nick === 'bob') || undefined)
  })

  after(async () => {
    await Promise.all([alice.close(), bob.close()])
    await host.close()
  })

  /** Runs one attack for `durationMs` while alice talks to bob; samples the host's ArrayBuffer memory. */
  async function attack(kind: AttackKind, durationMs: number): Promise<Measured> {
    const attacker = new Child(`attacker:${kind}`, attackerPath)
    try {
      const { invitation } = await host.invite()
      const { code } = await host.roomCode()
      await attacker.call('prepare', { kind, invitation, answer: ANSWER, code }, 60_000)
      const before = await arrayBuffers()
      let peak = before
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers)
      }, 25)
      const latencies: number[] = []
      const bobEvents = record(bob)
      const talking = (async () => {
        for (let i = 0; i < Math.floor(durationMs / 100); i++) {
          const text = `${kind} bystander ${i}`
          const sent = performance.now()
          await alice.send(text)
          await until(bob, () => bobEvents.find((e) => e.type === 'message' && e.text === text))
          latencies.push(performance.now() - sent)
          await new Promise((r) => setTimeout(r, 50))
        }
      })()
      const outcome = await attacker.call<Outcome>('run', { durationMs }, durationMs + 60_000)
      await talking
      clearInterval(sampler)
      peak = Math.max(peak, process.memoryUsage().arrayBuffers)
      // What the attack left behind once the attacker is gone and the host has let its streams go.
      await attacker.stop()
      await eventually(() => host.load.handshakes === 0, 'every handshake of the attack ended')
      await new Promise((r) => setTimeout(r, 500))
      return { outcome, before, peak, after: await arrayBuffers(), latencies }
    } finally {
      attacker.kill()
    }
  }

  function report(t: TestContext, m: Measured): void {
    const sorted = [...m.latencies].sort((a, b) => a - b)
    const p50 = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
    t.diagnostic(
      `attacker sent ${m.outcome.sent} (${MiB(m.outcome.bytes)}), answered ${m.outcome.answered}, ` +
        `refused ${m.outcome.refused}, still connected ${m.outcome.connections}`
    )
    t.diagnostic(
      `host ArrayBuffers ${MiB(m.before)} → peak ${MiB(m.peak)} → after ${MiB(m.after)}; ` +
        `bystander p50 ${p50.toFixed(1)} ms over ${sorted.length} messages (speed is the bench's to judge)`
    )
  }

  it('a decode bomb (1 MiB of empty post fields) is refused on its length prefix, holding nothing', async (t) => {
    const m = await attack('decode-bomb', 3000)
    report(t, m)
    assert.ok(m.outcome.sent > 0, 'the attacker got frames out')
    assert.ok(m.peak - m.before < MAX_GROWTH_BYTES, `grew ${MiB(m.peak - m.before)}`)
    assert.ok(m.latencies.length > 0, 'the bystander kept talking')
  })

  it('32 connections × 4 streams writing junk without reading pin under 64 MiB, and it returns', async (t) => {
    const m = await attack('pinned-buffers', 4000)
    report(t, m)
    // Fewer than 128 when the host refused some of its 32 connections while they were being set up.
    assert.ok(m.outcome.sent >= 16, `the attacker opened ${m.outcome.sent} streams`)
    assert.ok(m.peak - m.before < MAX_GROWTH_BYTES, `grew ${MiB(m.peak - m.before)}`)
    assert.ok(m.after - m.before < 8 * 2 ** 20, `still held ${MiB(m.after - m.before)} after the attack`)
  })

  it('an endless length prefix is refused after five bytes, not read until the timeout', async (t) => {
    const m = await attack('endless-prefix', 2000)
    report(t, m)
    assert.ok(m.peak - m.before < MAX_GROWTH_BYTES, `grew ${MiB(m.peak - m.before)}`)
    assert.equal(m.outcome.connections, 0, 'the host closed every connection that sent one')
  })

  it('posts padded with an unknown field are malformed: the padder is out, its posts are not kept', async (t) => {
    const m = await attack('padded-backlog', 3000)
    report(t, m)
    assert.equal(m.outcome.answered, 0, 'no padded post was relayed')
    assert.ok(m.after - m.before < 8 * 2 ** 20, `still held ${MiB(m.after - m.before)} after the attack`)
  })
})
