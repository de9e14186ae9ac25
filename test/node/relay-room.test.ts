/**
 * A room through a circuit relay v2 relay, on loopback with real libp2p nodes: the host's reservation
 * and its invitation, a joiner admitted through the relay by the same gates, the move to a direct
 * connection with nothing lost or doubled, a relay's limit ending the connection and the member
 * resuming, per-source fairness through one relay, and what the relay's wire carries.
 */
import assert from 'node:assert/strict'
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { type CircuitRelayServerInit, RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { isRelayed } from '../../src/node/addresses.js'
import { JoinRefusedError } from '../../src/node/errors.js'
import type { RoomHost } from '../../src/node/host.js'
import { createSecureChatNode } from '../../src/node/libp2p.js'
import type { RoomMember } from '../../src/node/member.js'
import type { StopGate } from '../../src/node/stop-gate.js'
import { decodeInvitation, encodeInvitation } from '../../src/protocol/invitation.js'
import { heapUsed, MiB } from '../helpers/memory.js'
import { ANSWER, eventually, join, memberKeys, record, startHost, until } from '../helpers/room.js'

async function startRelay(relayServer: CircuitRelayServerInit = {}): Promise<Libp2p> {
  const relay = await createSecureChatNode({ relayServer, listen: ['/ip4/127.0.0.1/tcp/0'] })
  await relay.start()
  return relay
}

function relayAddress(relay: Libp2p): string {
  return String(relay.getMultiaddrs()[0])
}

/** The invitation with only its relayed addresses: a joiner that cannot reach the host directly. */
function relayedOnly(invitation: string, through = ''): string {
  const parts = decodeInvitation(invitation)
  const relayed = parts.addresses.filter((bytes) => {
    const address = multiaddr(bytes).toString()
    return isRelayed(address) && address.includes(through)
  })
  assert.ok(relayed.length > 0, 'the invitation offers a relayed address')
  return encodeInvitation({ addresses: relayed, token: parts.token })
}

async function reservedHost(relay: Libp2p, options: Parameters<typeof startHost>[0] = {}): Promise<RoomHost> {
  const host = await startHost({
    relays: [relayAddress(relay)],
    listen: ['/ip4/127.0.0.2/tcp/0'],
    ...options
  })
  await eventually(() => host.relays.every((r) => r.reserved), 'the reservation is made')
  return host
}

/** The texts of the messages a member receives from now on, as a live list. */
function texts(member: RoomMember): string[] {
  const got: string[] = []
  member.on('message', (e) => got.push(e.text))
  return got
}

describe('a room through a relay', () => {
  let relay: Libp2p
  before(async () => {
    await memberKeys(4)
    relay = await startRelay()
  })
  after(async () => {
    await relay.stop()
  })

  it('the host reserves a slot, says so, and its invitation offers the relayed address last', async () => {
    const host = await startHost({ relays: [relayAddress(relay)], listen: ['/ip4/127.0.0.2/tcp/0'] })
    const events = record(host)
    try {
      await until(host, () => events.find((e) => e.type === 'relay' && e.state === 'reserved'))
      const relayEvent = events.find((e) => e.type === 'relay')
      assert.ok(
        relayEvent?.type === 'relay' && relayEvent.addresses.every((a) => a.includes('/p2p-circuit/'))
      )
      await until(host, () => events.find((e) => e.type === 'addresses'))
      const { addresses } = await host.invite()
      const relayedAt = addresses.findIndex((a) => isRelayed(a))
      assert.ok(relayedAt > 0, `a direct address comes first: ${addresses.join(' ')}`)
      assert.ok(
        addresses.slice(relayedAt).every((a) => isRelayed(a)),
        'relayed addresses come last'
      )
      assert.ok(addresses[relayedAt]?.endsWith(`/p2p-circuit/p2p/${host.peerId}`))
    } finally {
      await host.close()
    }
  })

  it('a joiner is admitted through the relay, chats both ways, and a wrong code is refused there too', async () => {
    const host = await reservedHost(relay)
    try {
      const invitation = relayedOnly((await host.invite()).invitation)
      await assert.rejects(
        join(host, 'mallory', { invitation, credentials: { code: '000000' } }),
        (err: unknown) => err instanceof JoinRefusedError && err.code === 'wrong-code'
      )
      const alice = await join(host, 'alice', { invitation })
      try {
        const joined = record(alice)
        assert.equal(alice.connectionKind, 'relayed')
        const fromHost = texts(alice)
        await host.send('hello through the relay')
        await eventually(() => fromHost.includes('hello through the relay'), 'alice got the host message')
        const heard = record(host)
        await alice.send('and back')
        await until(host, () => heard.find((e) => e.type === 'message' && e.text === 'and back'))
        assert.equal(joined.filter((e) => e.type === 'reconnecting').length, 0)
      } finally {
        await alice.close()
      }
    } finally {
      await host.close()
    }
  })

  it('moves to a direct connection when one opens: every message once, in order, no away or back', async (t) => {
    const host = await reservedHost(relay, { rateLimit: { perSecond: 100_000, burst: 100_000 } })
    try {
      const invite = await host.invite()
      const alice = await join(host, 'alice', { invitation: relayedOnly(invite.invitation) })
      const bob = await join(host, 'bob', { invitation: invite.invitation })
      try {
        assert.equal(alice.connectionKind, 'relayed')
        const aliceEvents = record(alice)
        const bobEvents = record(bob)
        const got = texts(alice)
        const sent: string[] = []
        let sending = true
        const sender = (async () => {
          for (let i = 0; sending && i < 2000; i++) {
            sent.push(`m${i}`)
            await bob.send(`m${i}`)
          }
        })()
        await eventually(() => got.length >= 20, 'some messages arrived over the relay')
        // What DCUtR does once a direct path is found: a direct connection to the host opens.
        const direct = invite.addresses.find((a) => !isRelayed(a)) as string
        await alice.debug.node.dial(multiaddr(direct))
        await until(alice, () =>
          aliceEvents.find(
            (e) => e.type === 'connection' && e.cause === 'upgraded' && e.connection === 'direct'
          )
        )
        await eventually(
          () => got.length >= sent.length + 20 || got.length >= 400,
          'messages arrive after the move'
        )
        sending = false
        await sender
        await eventually(
          () => got.length === sent.length,
          `all ${sent.length} messages arrived (got ${got.length})`
        )
        assert.deepEqual(got, sent, 'each message exactly once, in order')
        t.diagnostic(`${sent.length} messages, the move after ${20} of them`)
        assert.equal(alice.connectionKind, 'direct')
        assert.equal(aliceEvents.filter((e) => e.type === 'reconnecting' || e.type === 'back').length, 0)
        assert.equal(bobEvents.filter((e) => e.type === 'member-away' || e.type === 'member-back').length, 0)
      } finally {
        await alice.close()
        await bob.close()
      }
    } finally {
      await host.close()
    }
  })

  it("the relay's limit ends the connection: the member is told, resumes through the relay, loses nothing", async () => {
    const tight = await startRelay({ reservations: { defaultDataLimit: 24n * 1024n } })
    const host = await reservedHost(tight)
    try {
      const alice = await join(host, 'alice', { invitation: relayedOnly((await host.invite()).invitation) })
      try {
        const events = record(alice)
        const got = texts(alice)
        const sent: string[] = []
        // 60 lines of ~470 bytes each as sent: more than the 24 KiB the relay lets through, queued within a
        // few turns. Written in one 28 KiB batch, every connection would be cut inside it and every resume
        // would replay it whole: the host's writes on a limited connection are a sixteenth of its limit.
        for (let i = 0; i < 60; i++) {
          const text = `${i} ${'x'.repeat(400)}`
          sent.push(text)
          await host.send(text)
        }
        await until(alice, () => events.find((e) => e.type === 'reconnecting' && e.cause === 'relay-limit'))
        await until(alice, () => events.find((e) => e.type === 'connection' && e.cause === 'relay-limit'))
        await eventually(() => got.length === sent.length, `all messages arrived (got ${got.length})`)
        assert.deepEqual(got, sent)
        assert.equal(alice.connectionKind, 'relayed')
      } finally {
        await alice.close()
      }
    } finally {
      await host.close()
      await tight.stop()
    }
  })

  it('one guesser through a relay locks out only itself: the next joiner through it gets in', async () => {
    const host = await reservedHost(relay, { lockout: { maxFailures: 2, sharedMaxFailures: 4 } })
    try {
      // Each guesser has its own invitation, as abusers of a public relay would; the address-wide
      // key would lock the relay's address for everyone after 4 if relayed joiners shared it.
      for (let i = 0; i < 3; i++) {
        const invitation = relayedOnly((await host.invite()).invitation)
        for (let attempt = 0; attempt < 2; attempt++) {
          await assert.rejects(
            join(host, `guess${i}`, { invitation, credentials: { answer: `no ${attempt}` } })
          )
        }
      }
      const invitation = relayedOnly((await host.invite()).invitation)
      const carol = await join(host, 'carol', { invitation, credentials: { answer: ANSWER } })
      assert.equal(carol.connectionKind, 'relayed')
      await carol.close()
    } finally {
      await host.close()
    }
  })

  it('a stranger posing as a relay (STOP streams, no reservation) is refused: nothing joins the invitation', async (t) => {
    const host = await reservedHost(relay)
    const stranger = await createSecureChatNode({ reach: true, listen: [] })
    await stranger.start()
    try {
      const before = (await host.invite()).addresses
      const [direct] = before.filter((a) => !isRelayed(a))
      const gate = (host.node.services as { stopGate: StopGate }).stopGate
      // Ungated, libp2p kept a listener (about 7 KB of heap) for good for each such stream.
      const streams = 2000
      const heapBefore = await heapUsed()
      const cpuBefore = process.cpuUsage()
      for (let i = 0; i < streams; i++) {
        const stream = await stranger
          .dialProtocol(multiaddr(direct as string), RELAY_V2_STOP_CODEC, { runOnLimitedConnection: true })
          .catch(() => undefined)
        stream?.abort(new Error('done'))
      }
      await eventually(() => gate.refused >= streams, `all ${streams} STOP streams refused`)
      const cpu = process.cpuUsage(cpuBefore)
      const grown = (await heapUsed()) - heapBefore
      t.diagnostic(
        `${streams} STOP streams: heap ${MiB(grown)} after GC; CPU (this process, both nodes) ` +
          `${((cpu.user + cpu.system) / 1000 / streams).toFixed(2)} ms per stream`
      )
      assert.ok(grown < 4 * 2 ** 20, `the host kept nothing per refused stream (heap +${MiB(grown)})`)
      assert.deepEqual((await host.invite()).addresses, before, 'the invitation offers what it did before')
      assert.ok(!(await host.invite()).addresses.some((a) => a.includes(stranger.peerId.toString())))
    } finally {
      await stranger.stop()
      await host.close()
    }
  })

  it('the relay carries only ciphertext: no message, answer, code or token on its wire', async (t) => {
    const tap = await tappedRelay()
    const host = await reservedHost(tap.relay, { relays: [tap.address] })
    try {
      const issued = await host.invite()
      const invitation = relayedOnly(issued.invitation, '/ip4/127.0.0.3/')
      const code = (await host.roomCode()).code
      const alice = await join(host, 'alice', { invitation })
      const got = texts(alice)
      await host.send('the secret plan is at noon')
      await alice.send('confirmed, noon it is')
      await eventually(() => got.includes('the secret plan is at noon'), 'alice got the message')
      await alice.close()
      const wire = Buffer.concat(tap.bytes)
      t.diagnostic(`relay wire: ${wire.length} bytes`)
      const token = decodeInvitation(issued.invitation).token
      for (const secret of ['the secret plan', 'confirmed, noon', ANSWER, 'alice', token, code]) {
        assert.equal(wire.indexOf(Buffer.from(secret)), -1, `the relay saw ${JSON.stringify(secret)}`)
      }
      assert.ok(wire.length > 1000, 'the chat did go through the tapped relay')
    } finally {
      await host.close()
      await tap.stop()
    }
  })
})

/** A relay behind a TCP forwarder that copies every byte either way: what the relay's wire carries. */
async function tappedRelay(): Promise<{
  relay: Libp2p
  address: string
  bytes: Buffer[]
  stop(): Promise<void>
}> {
  const relay = await startRelay()
  const target = { address: '127.0.0.1', port: Number(relayAddress(relay).split('/')[4]) }
  const bytes: Buffer[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((inbound) => {
    const outbound = tcpConnect(target.port, target.address)
    for (const s of [inbound, outbound]) {
      sockets.add(s)
      s.on('data', (chunk: Buffer) => bytes.push(Buffer.from(chunk)))
      s.on('error', () => {})
      s.on('close', () => sockets.delete(s))
    }
    inbound.pipe(outbound).pipe(inbound)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.3', resolve))
  const port = (server.address() as { port: number }).port
  return {
    relay,
    address: `/ip4/127.0.0.3/tcp/${port}/p2p/${relay.peerId.toString()}`,
    bytes,
    async stop() {
      for (const s of sockets) s.destroy()
      server.close()
      await relay.stop()
    }
  }
}
