/**
 * The real CLI across a simulated internet: `securechat relay` in a public namespace, a host behind
 * a home router with `--relay`, joiners behind other routers. Admission through the relay with every
 * gate, a relay restart, a symmetric NAT over an unlimited and over a limited relay, and a move to a
 * direct connection (the host's router maps its port by UPnP) under a stream of messages from three
 * senders. Root only (network namespaces, nftables); it says why it skips otherwise.
 */
import assert from 'node:assert/strict'
import { join as joinPath } from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { type CliProcess, currentCode, type JsonEvent, Sandbox, wrongCode } from '../helpers/cli.js'
import { internetUnavailable, type NatKind, SimulatedInternet, upnpUnavailable } from '../helpers/internet.js'

const unavailable = internetUnavailable()
const RELAY_PORT = 4001
const HOST_PORT = 4455
/** libp2p (AutoNAT, UPnP, DCUtR) ignores every reserved range, 198.18.0.0/15 included; see internet.ts. */
const ROUTABLE = '11.91.0.0/24'

const isCircuit = (address: unknown): boolean => String(address).includes('/p2p-circuit')

class World {
  readonly net: SimulatedInternet
  readonly sandbox = new Sandbox()
  /** Every process started in this world, for the report when a test fails. */
  readonly processes: CliProcess[] = []
  relayAddress = ''
  private relayProcess: CliProcess | undefined

  constructor(homes: Record<string, NatKind>, publicPrefix?: string) {
    this.net = new SimulatedInternet(publicPrefix === undefined ? {} : { publicPrefix })
    for (const [name, nat] of Object.entries(homes)) this.net.addHome(name, { nat })
  }

  /** `securechat relay` in the public namespace, with a kept identity; resolves on its `ready`. */
  async relay(extra: string[] = []): Promise<CliProcess> {
    const announce = `/ip4/${this.net.relay.address}/tcp/${RELAY_PORT}`
    const relay = this.sandbox.run(
      [
        'relay',
        '--json',
        '--port',
        String(RELAY_PORT),
        '--announce',
        announce,
        '--identity',
        joinPath(this.sandbox.dir, 'relay.key'),
        ...extra
      ],
      { wrap: this.net.exec(this.net.relay.ns), env: this.debugEnv }
    )
    this.processes.push(relay)
    const ready = await relay.event('ready')
    const listening = ready['listening'] as string[]
    const peerId = ready['peerId'] as string
    assert.ok(
      listening.every((a) => a.endsWith(`/p2p/${peerId}`)),
      'every relay address ends in its PeerId'
    )
    this.relayAddress = listening.find((a) => a.startsWith(announce)) ?? `${announce}/p2p/${peerId}`
    this.relayProcess = relay
    return relay
  }

  async stopRelay(): Promise<void> {
    assert.equal(await this.relayProcess?.interrupt('SIGTERM'), 0, 'the relay exits 0 on SIGTERM')
  }

  /** DEBUG for the processes of a run, from SC_DEBUG (to read a failure's libp2p logs). */
  private get debugEnv(): Record<string, string> {
    return process.env.SC_DEBUG === undefined ? {} : { DEBUG: process.env.SC_DEBUG }
  }

  /** A host in home `home` keeping a reservation; resolves with its first invitation that is relayed. */
  async host(home: string, extra: string[] = []): Promise<{ host: CliProcess; invitation: string }> {
    const where = this.net.home(home).hosts[0]?.ns as string
    const host = this.sandbox.host(['--port', String(HOST_PORT), '--relay', this.relayAddress, ...extra], {
      wrap: this.net.exec(where),
      env: this.debugEnv,
      listen: []
    })
    this.processes.push(host)
    await host.event('relay', (e) => e['state'] === 'reserved', 'a reservation on the relay')
    const invitation = await host.event(
      'invitation',
      (e) => (e['addresses'] as string[]).some(isCircuit),
      'an invitation with the relayed address'
    )
    return { host, invitation: invitation['invitation'] as string }
  }

  /** A joiner in home `home`, the invitation from the environment, not the arguments. */
  join(home: string, invitation: string, code: string, nick: string, extra: string[] = []): CliProcess {
    const where = this.net.home(home).hosts[0]?.ns as string
    const member = this.sandbox.join(invitation, code, nick, extra, {
      wrap: this.net.exec(where),
      env: this.debugEnv,
      invitationFromEnv: true
    })
    this.processes.push(member)
    return member
  }

  async destroy(): Promise<void> {
    await this.sandbox.cleanup()
    await this.net.destroy()
  }
}

function messages(process: CliProcess): JsonEvent[] {
  return process.events.filter((e) => e.type === 'message')
}

async function joined(member: CliProcess): Promise<JsonEvent> {
  return member.event('joined', () => true, 'admission')
}

/** Resolves once `member` has `nick` in its roster: in its Welcome, or joined since. */
async function knows(member: CliProcess, nick: string): Promise<void> {
  await member.until(
    () =>
      member.events.some(
        (e) =>
          (e.type === 'joined' && (e['members'] as { nick: string }[]).some((m) => m.nick === nick)) ||
          (e.type === 'member-joined' && e['nick'] === nick)
      ) || undefined,
    `${nick} in the roster`
  )
}

/** Says what each process printed last when a test body fails. */
async function explained(
  t: TestContext,
  processes: () => CliProcess[],
  body: () => Promise<void>
): Promise<void> {
  try {
    await body()
  } catch (err) {
    for (const p of processes()) {
      const counts = new Map<string, number>()
      for (const e of p.events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1)
      const last = p.events
        .filter((e) => !['message', 'relayed', 'sent', 'code'].includes(e.type))
        .slice(-8)
        .map((e) => JSON.stringify(e).slice(0, 200))
      t.diagnostic(
        `${p.describe().split('\n')[0]}; events: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`
      )
      for (const line of last) t.diagnostic(`  ${line}`)
      t.diagnostic(p.stderr.slice(-Number(process.env.SC_TAIL ?? 1500)))
    }
    throw err
  }
}

/** Runs `body` in a fresh world of `homes` (its public segment `publicPrefix`), reported on failure, then removed. */
async function inWorld(
  t: TestContext,
  homes: Record<string, NatKind>,
  ...[prefixOrBody, maybeBody]: [(w: World) => Promise<void>] | [string, (w: World) => Promise<void>]
): Promise<void> {
  const body = (typeof prefixOrBody === 'string' ? maybeBody : prefixOrBody) as (w: World) => Promise<void>
  const w = new World(homes, typeof prefixOrBody === 'string' ? prefixOrBody : undefined)
  try {
    await explained(
      t,
      () => w.processes,
      () => body(w)
    )
  } finally {
    await w.destroy()
  }
}

describe('the CLI across NATs (a simulated internet)', { skip: unavailable, concurrency: false }, () => {
  it('through a relay: joiners from two other homes get in, chat, and a wrong code there exits 3', {
    timeout: 120_000
  }, async (t) => {
    await inWorld(t, { a: 'port-preserving', b: 'port-preserving', c: 'port-preserving' }, async (w) => {
      await w.relay()
      const { host, invitation } = await w.host('a')
      const intruder = w.join('c', invitation, wrongCode(await currentCode(host)), 'mallory')
      assert.equal(await intruder.exitCode(), 3, 'a wrong code through the relay is a refusal')
      assert.ok(intruder.events.some((e) => e.type === 'error' && e['code'] === 'wrong-code'))
      const bob = w.join('b', invitation, await currentCode(host), 'bob')
      const carol = w.join('c', invitation, await currentCode(host), 'carol')
      for (const member of [bob, carol]) {
        const event = await joined(member)
        assert.equal(event['connection'], 'relayed', 'no direct path between two homes behind NAT')
      }
      // Bob seals for the members he knows: wait until he knows carol (whichever joined first).
      await knows(bob, 'carol')
      bob.send('hello from home B')
      await carol.event('message', (e) => e['text'] === 'hello from home B')
      await host.event('message', (e) => e['text'] === 'hello from home B')
      host.send('and from home A')
      await bob.event('message', (e) => e['text'] === 'and from home A')
    })
  })

  it('the relay restarts mid-chat: the host reserves again, its member resumes, a new joiner gets in', {
    timeout: 120_000
  }, async (t) => {
    await inWorld(t, { a: 'port-preserving', b: 'port-preserving' }, async (w) => {
      await w.relay()
      const { host, invitation } = await w.host('a')
      const bob = w.join('b', invitation, await currentCode(host), 'bob')
      await joined(bob)
      const reservations = (): number =>
        host.events.filter((e) => e.type === 'relay' && e['state'] === 'reserved').length
      const before = reservations()
      await w.stopRelay()
      await host.event('relay', (e) => e['state'] === 'lost', 'the reservation lost')
      await w.relay()
      await host.until(() => reservations() > before || undefined, 'the reservation made again')
      await bob.event('back', () => true, 'bob resumed through the restarted relay')
      bob.send('still here')
      await host.event('message', (e) => e['text'] === 'still here')
      const dave = w.join('b', invitation, await currentCode(host), 'dave')
      assert.equal((await joined(dave))['connection'], 'relayed')
    })
  })

  it('symmetric NAT: the room stays on an unlimited relay; on a limited one the member is told and resumes', {
    timeout: 150_000
  }, async (t) => {
    for (const limited of [false, true]) {
      await inWorld(t, { a: 'port-preserving', b: 'symmetric' }, async (w) => {
        await w.relay(limited ? ['--circuit-data', '96KiB'] : ['--unlimited'])
        const { host, invitation } = await w.host('a')
        const bob = w.join('b', invitation, await currentCode(host), 'bob')
        assert.equal((await joined(bob))['connection'], 'relayed')
        // About 300 KiB each way: past libp2p's default 128 KiB, and past the limited relay's 96 KiB.
        const line = 'x'.repeat(2000)
        for (let i = 0; i < 150; i++) host.send(`${i} ${line}`)
        await bob.until(() => messages(bob).length === 150 || undefined, 'all 150 messages at bob', 90_000)
        assert.deepEqual(
          messages(bob).map((e) => Number(String(e['text']).split(' ')[0])),
          Array.from({ length: 150 }, (_, i) => i),
          'each message once, in order'
        )
        const told = bob.events.filter((e) => e.type === 'reconnecting' && e['cause'] === 'relay-limit')
        const resumed = bob.events.filter((e) => e.type === 'connection' && e['cause'] === 'relay-limit')
        if (limited) {
          assert.ok(told.length > 0, 'the member is told the relay ended the connection')
          assert.ok(resumed.length > 0, 'and resumes through the relay')
          assert.ok(resumed.every((e) => isCircuit(e['address'])))
        } else {
          assert.equal(told.length, 0, 'an unlimited relay never ends the connection')
        }
        assert.equal(bob.events.filter((e) => e.type === 'joined').length, 1, 'a resume, never a fresh join')
        t.diagnostic(`${limited ? 'limited' : 'unlimited'} relay: ${told.length} relay-limit reconnect(s)`)
      })
    }
  })

  it("UPnP in the host's router: relayed members move to a direct connection; 1000 messages from 3 senders arrive once, in one order", {
    skip: upnpUnavailable(),
    timeout: 180_000
  }, async (t) => {
    await inWorld(
      t,
      { a: 'port-preserving', b: 'port-preserving', c: 'port-preserving' },
      ROUTABLE,
      async (w) => {
        await w.net.startUpnp('a')
        // A private relay (no limits), so that the move to a direct connection is the one switch; a
        // limited relay's resumes are the symmetric-NAT test's.
        await w.relay(['--unlimited'])
        // '--upnp' keeps UPnP on (the test helpers turn it off everywhere else).
        const { host, invitation } = await w.host('a', ['--upnp'])
        const bob = w.join('b', invitation, await currentCode(host), 'bob')
        const carol = w.join('c', invitation, await currentCode(host), 'carol')
        for (const member of [bob, carol]) await joined(member)
        // A message is sealed for the members its sender knows: each must know the other first.
        await knows(bob, 'carol')
        await knows(carol, 'bob')
        const senders = [host, bob, carol]
        const started = Date.now()
        // Paced, so the switch to a direct connection (seconds after the router maps the port) falls
        // in the middle of the stream.
        for (let i = 0; i < 1000; i++) {
          ;(senders[i % 3] as CliProcess).send(`m${i}`)
          if (i % 30 === 29) await new Promise((resolve) => setTimeout(resolve, 400))
        }
        const mapped = await host.event('upnp', (e) => e['state'] === 'mapped', 'the router mapping the port')
        t.diagnostic(`router: ${mapped['internal']} → ${mapped['external']}`)
        for (const member of [bob, carol]) {
          const moved = await member.event(
            'connection',
            (e) => e['connection'] === 'direct' && e['cause'] === 'upgraded',
            'the move to a direct connection'
          )
          assert.equal(isCircuit(moved['address']), false, `direct: ${moved['address']}`)
          t.diagnostic(`${member === bob ? 'bob' : 'carol'} moved after ${messages(member).length} messages`)
        }
        const received = (p: CliProcess) => messages(p).map((e) => String(e['text']))
        for (const p of senders) {
          const own = Array.from({ length: 1000 }, (_, i) => i).filter((i) => senders[i % 3] === p).length
          await p.until(
            () => received(p).length === 1000 - own || undefined,
            'every other sender’s messages',
            120_000
          )
          assert.equal(new Set(received(p)).size, received(p).length, 'nothing twice')
        }
        // One order: the host's sequence numbers, the same at every member.
        const order = (p: CliProcess) =>
          messages(p)
            .map((e) => [Number(e['seq']), String(e['text'])] as const)
            .sort((x, y) => x[0] - y[0])
        const seqOf = new Map(order(bob).map(([seq, text]) => [text, seq]))
        for (const [seq, text] of order(carol)) {
          if (seqOf.has(text)) assert.equal(seqOf.get(text), seq, `${text} has one place in the order`)
        }
        for (const member of [bob, carol]) {
          assert.equal(member.events.filter((e) => e.type === 'reconnecting').length, 0, 'a move, not a drop')
        }
        t.diagnostic(`1000 messages in ${Date.now() - started} ms across the switch`)
      }
    )
  })
})
