/**
 * `securechat relay` as a library (createRelayServer) with real libp2p nodes on 127.0.0.1: hosts hold
 * reservations through libp2p's own circuit relay transport, dialers reach them through it. Its
 * limits, allow list, reservation timers and identity file; then what hostile input costs it, with
 * the attacks in a process of their own (bench/relay-attacker.ts). No timing is asserted: the
 * attacks' cost is reported as diagnostics.
 */
import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Outcome } from '../../bench/attack-kit.js'
import { Child } from '../../bench/ipc.js'
import type { RelayAttackKind } from '../../bench/relay-attacker.js'
import { STATUS_OK } from '../../src/node/circuit-wire.js'

/** circuit relay v2's `Status.PERMISSION_DENIED`. */
const PERMISSION_DENIED = 202

import { IdentityFileError } from '../../src/node/errors.js'
import { loadOrCreateIdentity } from '../../src/node/identity-file.js'
import { createSecureChatNode } from '../../src/node/libp2p.js'
import type { RelayEvent } from '../../src/node/relay-events.js'
import type { RelayServer } from '../../src/node/relay-server.js'
import { arrayBuffers, MiB } from '../helpers/memory.js'
import {
  dialerNode,
  ECHO,
  echo,
  openRelayed,
  relayAddress,
  relayEvent,
  relayedHost,
  reserveOnce,
  SINK,
  startRelay
} from '../helpers/relay.js'

const circuitClosed = (e: RelayEvent): e is Extract<RelayEvent, { type: 'circuit'; state: 'closed' }> =>
  e.type === 'circuit' && e.state === 'closed'
const circuitOpened = (e: RelayEvent): e is Extract<RelayEvent, { type: 'circuit'; state: 'opened' }> =>
  e.type === 'circuit' && e.state === 'opened'
const reservation =
  <S extends 'made' | 'renewed' | 'refused' | 'expired'>(state: S, peerId: string) =>
  (e: RelayEvent): e is Extract<RelayEvent, { type: 'reservation'; state: S }> =>
    e.type === 'reservation' && e.state === state && e.peerId === peerId

describe('the relay server: limits, allow list, reservations, identity', () => {
  const stop: Array<{ stop(): void | Promise<void> }> = []
  after(async () => {
    await Promise.allSettled(stop.map((s) => s.stop()))
  })

  async function cast(options: Parameters<typeof startRelay>[0] = {}) {
    const { relay, events } = await startRelay(options)
    const host = await relayedHost(relay)
    const dialer = await dialerNode()
    stop.push(dialer, host.node, relay)
    return { relay, events, host, dialer }
  }

  it('a limited circuit ends at its data limit; its events name both ends and count the bytes each way', async () => {
    const limit = 32 * 1024
    const { events, host, dialer } = await cast({ circuitDataBytes: limit })
    const { stream } = await openRelayed(dialer, host.address, ECHO)
    const echoed = await echo(stream, 4 * limit)
    const opened = await relayEvent(events, circuitOpened, 'the circuit opened')
    assert.equal(opened.from, dialer.peerId.toString())
    assert.equal(opened.to, host.node.peerId.toString())
    assert.deepEqual(opened.limit, { durationMs: 120_000, bytes: limit })
    const closed = await relayEvent(events, circuitClosed, 'the circuit closed')
    assert.equal(closed.reason, 'data-limit')
    assert.equal(closed.id, opened.id)
    assert.ok(closed.bytesToHost > 0 && closed.bytesToDialer > 0, 'bytes both ways')
    assert.ok(
      closed.bytesToHost + closed.bytesToDialer <= limit,
      `${closed.bytesToHost} + ${closed.bytesToDialer}`
    )
    assert.ok(echoed < 4 * limit, `the dialer got ${echoed} of ${4 * limit} bytes back`)
  })

  it('an unlimited relay carries a circuit past 128 KiB, and it stays open until a side closes it', async () => {
    const { relay, events, host, dialer } = await cast({ unlimited: true })
    const { stream, connection } = await openRelayed(dialer, host.address, ECHO)
    const bytes = 256 * 1024
    assert.equal(await echo(stream, bytes), bytes)
    assert.equal((await relayEvent(events, circuitOpened, 'the circuit opened')).limit, null)
    assert.equal(relay.circuits, 1, 'still open')
    await connection.close()
    const closed = await relayEvent(events, circuitClosed, 'the circuit closed')
    assert.equal(closed.reason, 'closed')
    // Each side's bytes: the echo's, plus Noise and Yamux framing.
    assert.ok(closed.bytesToHost >= bytes && closed.bytesToDialer >= bytes, JSON.stringify(closed))
  })

  it('past maxHeldBytes the circuit holding the most is cut, so an unlimited circuit cannot fill memory', async (t) => {
    const { events, host, dialer } = await cast({ unlimited: true, maxHeldBytes: 2 ** 20 })
    const before = await arrayBuffers()
    const { stream } = await openRelayed(dialer, host.address, SINK)
    const chunk = new Uint8Array(64 * 1024)
    for (let i = 0; i < 64 && stream.status === 'open'; i++) {
      if (!stream.send(chunk)) await stream.onDrain({ signal: AbortSignal.timeout(10_000) }).catch(() => {})
    }
    const closed = await relayEvent(events, circuitClosed, 'the circuit was cut')
    assert.equal(closed.reason, 'held-bytes')
    assert.ok(closed.bytesToHost > 0 && closed.bytesToHost <= 2 ** 20, `passed ${closed.bytesToHost} bytes`)
    t.diagnostic(`ArrayBuffers ${MiB(before)} before, ${MiB(await arrayBuffers())} after the cut`)
  })

  it('--allow: the named host gets its reservation, another is refused, and a host that leaves gives its back', async () => {
    const key = await generateKeyPair('Ed25519')
    const named = peerIdFromPrivateKey(key).toString()
    const { relay, events } = await startRelay({ allow: [named] })
    stop.push(relay)
    const allowed = await relayedHost(relay, { privateKey: key })
    const stranger = await createSecureChatNode()
    stop.push(stranger)
    assert.equal(await reserveOnce(stranger, relay), PERMISSION_DENIED)
    const refused = await relayEvent(
      events,
      reservation('refused', stranger.peerId.toString()),
      "the stranger's reservation was refused"
    )
    assert.equal(refused.reason, 'not-allowed')
    assert.deepEqual(
      relay.reservations.map((r) => r.peerId),
      [named]
    )
    assert.equal(
      relay.refused.reservations,
      events.filter((e) => e.type === 'reservation' && e.state === 'refused').length
    )
    await allowed.node.stop()
    const gone = await relayEvent(events, reservation('expired', named), "the host's reservation ended")
    assert.equal(gone.reason, 'disconnected')
    assert.deepEqual(relay.reservations, [])
  })

  it('a reservation renewed on time outlives its first renewal plus its TTL, and expires once not renewed', async () => {
    const ttlMs = 1000
    const { relay, events } = await startRelay({ reservationTtlMs: ttlMs })
    const asker = await createSecureChatNode()
    await asker.start()
    stop.push(asker, relay)
    const peerId = asker.peerId.toString()
    const reserve = async (): Promise<void> => assert.equal(await reserveOnce(asker, relay), STATUS_OK)
    await reserve()
    await relayEvent(events, reservation('made', peerId), 'the reservation was made')
    // Renewed every ttl/3 for 2.4 TTLs: libp2p's own timer would drop it one TTL after the first renewal.
    for (let i = 0; i < 7; i++) {
      await new Promise((r) => setTimeout(r, ttlMs / 3))
      await reserve()
    }
    assert.ok(
      relay.reservations.some((r) => r.peerId === peerId),
      'still held'
    )
    assert.ok(!events.some(reservation('expired', peerId)), 'never expired while renewed')
    assert.equal(events.filter(reservation('renewed', peerId)).length, 7)
    const expired = await relayEvent(events, reservation('expired', peerId), 'the reservation expired')
    assert.equal(expired.reason, 'ttl')
    assert.ok(!relay.reservations.some((r) => r.peerId === peerId), 'gone from the relay')
  })

  it('the identity file: made 0600 on first use, the same PeerId after a restart, tightened if loose, a damaged one refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'securechat-relay-'))
    try {
      const path = join(dir, 'keys', 'relay.key')
      const first = await loadOrCreateIdentity(path)
      assert.equal(first.created, true)
      assert.equal(statSync(path).mode & 0o777, 0o600)
      assert.equal(statSync(join(dir, 'keys')).mode & 0o777, 0o700)
      const { relay } = await startRelay({ privateKey: first.privateKey })
      const peerId = relay.peerId
      assert.ok(relay.addresses.every((a) => a.endsWith(`/p2p/${peerId}`)))
      await relay.stop()

      const warnings: string[] = []
      chmodSync(path, 0o644)
      const again = await loadOrCreateIdentity(path, { warn: (m) => warnings.push(m) })
      assert.equal(again.created, false)
      assert.equal(statSync(path).mode & 0o777, 0o600, 'tightened')
      assert.equal(warnings.length, 1)
      const { relay: restarted } = await startRelay({ privateKey: again.privateKey })
      assert.equal(restarted.peerId, peerId, 'the same PeerId after a restart')
      await restarted.stop()

      writeFileSync(path, 'not a key')
      await assert.rejects(loadOrCreateIdentity(path), (err: Error) => {
        assert.ok(err instanceof IdentityFileError)
        assert.ok(!err.message.includes('not a key'), 'the file is not quoted')
        return true
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

/** What an attack did, and what the relay's process went through meanwhile. */
interface Measured {
  outcome: Outcome
  /** Circuits the bystander opened and echoed through during the attack, and those that failed. */
  echoed: number
  failed: number
  before: number
  peak: number
  after: number
  heapPeak: number
  cpuMs: number
}

describe('hostile input against a running relay: it keeps serving, at little cost', () => {
  const attackerPath = fileURLToPath(new URL('../../bench/relay-attacker.js', import.meta.url))
  /** Attacker, host and bystander all come from 127.0.0.1: room for the 50 reserving PeerIds and them. */
  const PER_SOURCE = { connections: 56, reservations: 8 }
  /** Each attack's length: long enough for a few hundred attempts and a dozen circuits of the bystander. */
  const ATTACK_MS = 1500
  let relay: RelayServer
  let events: RelayEvent[]
  let host: { node: Libp2p; address: Multiaddr }
  let bystander: Libp2p
  /** One attacker process for every attack, one at a time. */
  let attacker: Child

  before(async () => {
    attacker = new Child('relay-attacker', attackerPath)
    ;({ relay, events } = await startRelay({
      maxConnectionsPerSource: PER_SOURCE.connections,
      maxReservationsPerSource: PER_SOURCE.reservations
    }))
    host = await relayedHost(relay)
    bystander = await dialerNode()
    // Connected before any attack: its place among 127.0.0.1's connections is its own already.
    await bystander.dial(relayAddress(relay))
  })

  after(async () => {
    await attacker.stop()
    attacker.kill()
    await Promise.allSettled([bystander.stop(), host.node.stop()])
    await relay.stop()
  })

  /** Runs one attack for `durationMs` while the bystander opens circuits to the host and echoes through them. */
  async function attack(kind: RelayAttackKind, durationMs: number, count?: number): Promise<Measured> {
    await attacker.call('prepare', { kind, relay: relayAddress(relay).toString(), count }, 60_000)
    const before = await arrayBuffers()
    let peak = before
    let heapPeak = process.memoryUsage().heapUsed
    const sampler = setInterval(() => {
      const m = process.memoryUsage()
      peak = Math.max(peak, m.arrayBuffers)
      heapPeak = Math.max(heapPeak, m.heapUsed)
    }, 25)
    const cpu0 = process.cpuUsage()
    let echoed = 0
    let failed = 0
    let attacking = true
    const talking = (async () => {
      while (attacking) {
        try {
          const { stream, connection } = await openRelayed(bystander, host.address, ECHO)
          if ((await echo(stream, 4096)) === 4096) echoed++
          else failed++
          await connection.close()
        } catch {
          failed++
        }
        await new Promise((r) => setTimeout(r, 50))
      }
    })()
    const outcome = await attacker.call<Outcome>('run', { durationMs }, durationMs + 60_000)
    attacking = false
    await talking
    clearInterval(sampler)
    const cpu = process.cpuUsage(cpu0)
    // The attacker's nodes are stopped: what the relay still holds for them is let go.
    await new Promise((r) => setTimeout(r, 300))
    return {
      outcome,
      echoed,
      failed,
      before,
      peak,
      after: await arrayBuffers(),
      heapPeak,
      cpuMs: (cpu.user + cpu.system) / 1000
    }
  }

  function report(t: TestContext, m: Measured, durationMs: number): void {
    t.diagnostic(
      `attacker sent ${m.outcome.sent} (${MiB(m.outcome.bytes)}), answered ${m.outcome.answered}, ` +
        `refused ${m.outcome.refused}, still connected ${m.outcome.connections}; its CPU ${(m.outcome.cpuUs / 1000).toFixed(0)} ms`
    )
    t.diagnostic(
      `relay process (with the host and bystander in it): CPU ${m.cpuMs.toFixed(0)} ms over ${durationMs} ms ` +
        `(${((m.cpuMs / durationMs) * 100).toFixed(0)}%), ArrayBuffers ${MiB(m.before)} → peak ${MiB(m.peak)} → ` +
        `after ${MiB(m.after)}, heap peak ${MiB(m.heapPeak)}; bystander echoed through ${m.echoed} new circuits, ${m.failed} failed`
    )
    t.diagnostic(
      `relay refused so far: ${relay.refused.connections} connections, ${relay.refused.reservations} reservations`
    )
  }

  /** What every attack must leave as it was: the host's reservation, and circuits to it. */
  function stillServing(m: Measured): void {
    assert.ok(
      relay.reservations.some((r) => r.peerId === host.node.peerId.toString()),
      'the host still holds its reservation'
    )
    assert.ok(m.echoed > 0, `the bystander got through during the attack (${m.failed} failed)`)
    assert.ok(m.peak - m.before < 64 * 2 ** 20, `grew ${MiB(m.peak - m.before)}`)
  }

  it('raw TCP garbage and silent sockets are dropped or held to the pending cap, costing only their buffers', async (t) => {
    const m = await attack('relay-garbage', ATTACK_MS, 32)
    report(t, m, ATTACK_MS)
    stillServing(m)
    assert.ok(m.outcome.sent > 0 && m.outcome.answered + m.outcome.refused > 0, 'the relay dropped sockets')
  })

  it('a connection flood from one source is held to its per-source cap', async (t) => {
    const m = await attack('relay-connections', ATTACK_MS, 64)
    report(t, m, ATTACK_MS)
    stillServing(m)
    // The host and the bystander hold two of 127.0.0.1's places.
    assert.ok(
      m.outcome.connections <= PER_SOURCE.connections - 2,
      `the attacker kept ${m.outcome.connections}`
    )
    // Every node past the cap is left without a connection: refused by the per-source rule, or (on a
    // loaded machine, dials piling up) by the pending cap before it, which the relay does not count.
    assert.ok(
      m.outcome.refused >= 64 - (PER_SOURCE.connections - 2),
      `${m.outcome.refused} of 64 nodes were kept out (the relay's own rule refused ${relay.refused.connections})`
    )
  })

  it('50 PeerIds reserving from one source get its share of reservations, the rest are refused', async (t) => {
    const refusedBefore = relay.refused.reservations
    const m = await attack('relay-reservations', ATTACK_MS, 50)
    report(t, m, ATTACK_MS)
    stillServing(m)
    // The host's own reservation is one of 127.0.0.1's.
    assert.ok(m.outcome.answered <= PER_SOURCE.reservations - 1, `${m.outcome.answered} granted`)
    assert.ok(m.outcome.refused >= 50 - (PER_SOURCE.reservations - 1), `${m.outcome.refused} refused`)
    assert.ok(
      relay.refused.reservations - refusedBefore >= m.outcome.refused,
      'refused by the per-source cap'
    )
    assert.ok(
      events.some((e) => e.type === 'reservation' && e.state === 'refused' && e.reason === 'source-full'),
      'said so in its events'
    )
  })

  it('a flood of hop streams is held to its per-connection cap and answered or timed out', async (t) => {
    const m = await attack('relay-hop-flood', ATTACK_MS)
    report(t, m, ATTACK_MS)
    stillServing(m)
    assert.ok(m.outcome.answered > 0, 'answered (no reservation) or closed at the hop timeout')
    assert.ok(m.outcome.refused > 0, 'streams past the cap were refused')
  })
})
