import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { decodeInvitation, encodeInvitation } from '../../src/protocol/invitation.js'
import { type CliProcess, currentCode, type JsonEvent, QUESTION, Sandbox } from '../helpers/cli.js'
import { netnsUnavailable, SimulatedLan } from '../helpers/netns.js'

const unavailable = netnsUnavailable()
const TOTAL = 1000
const SENDERS = ['host', 'm1', 'm2'] as const
const FLAPS = 3
const WAIT_MS = 60_000

/** Everything one process ended with, in room order: others' messages and its own acknowledged ones. */
function roomLog(process: CliProcess, ownLines: string[]): Array<[number, string]> {
  const received = process.events.flatMap((e: JsonEvent) =>
    e.type === 'message' ? [[e['seq'] as number, e['text'] as string] as [number, string]] : []
  )
  // `sent` events come in the order the lines were written (the host relays each sender in order).
  const sent = process.events
    .filter((e) => e.type === 'sent')
    .map((e, i) => [e['seq'] as number, ownLines[i] ?? '?'] as [number, string])
  return [...received, ...sent].sort((a, b) => a[0] - b[0])
}

describe('faults on a simulated LAN (network namespaces, loss, link flaps)', { skip: unavailable }, () => {
  let lan: SimulatedLan | undefined
  const sandbox = new Sandbox()

  after(async () => {
    await sandbox.cleanup()
    lan?.destroy()
  })

  it(`every member ends with all ${TOTAL} messages, none twice, in one order`, {
    timeout: 300_000
  }, async (t) => {
    lan = new SimulatedLan()
    const names = ['host', 'm1', 'm2', 'm3']
    for (const name of names) lan.add(name)
    const impairments = names.map((name) => lan?.impair(name, { lossPercent: 5, delayMs: 20 }))
    t.diagnostic(`link impairment: ${impairments[0]}`)

    const host = hostOnLan(sandbox, lan)
    const invitation = (await host.event('invitation'))['invitation'] as string
    const members = new Map<string, CliProcess>([['host', host]])
    for (const name of ['m1', 'm2', 'm3']) {
      const code = await currentCode(host)
      const member = sandbox.run(
        [
          'p2p',
          'join',
          invitation,
          '--json',
          '--answer-file',
          sandbox.answerFile,
          '--code',
          code,
          '--nick',
          name
        ],
        { wrap: lan.exec(name), mdns: true }
      )
      await member.event('joined', () => true, `${name} to join`)
      members.set(name, member)
    }
    for (const [name, process] of members) {
      await process.until(
        () =>
          process.events.filter((e) => e.type === 'member-joined').length >= (name === 'm3' ? 0 : 1) ||
          undefined,
        'the roster'
      )
    }
    await (members.get('m1') as CliProcess).until(
      () =>
        (members.get('m1') as CliProcess).events.filter((e) => e.type === 'member-joined').length >= 2 ||
        undefined,
      'm1 to see m2 and m3'
    )

    // 1000 messages from three senders at a steady pace, while m3's link goes down and up three times.
    const lines = new Map<string, string[]>(SENDERS.map((s) => [s, []]))
    const flapper = (async () => {
      for (let i = 0; i < FLAPS; i++) {
        await sleep(1500)
        lan?.setLink('m3', false)
        await sleep(2500)
        lan?.setLink('m3', true)
      }
    })()
    for (let i = 0; i < TOTAL; i++) {
      const sender = SENDERS[i % SENDERS.length] as string
      const text = `${sender} #${i}`
      lines.get(sender)?.push(text)
      members.get(sender)?.send(text)
      if (i % 15 === 14) await sleep(40)
    }
    await flapper

    try {
      for (const [name, process] of members) {
        const own = lines.get(name) ?? []
        await process.until(
          () => roomLog(process, own).length >= TOTAL || undefined,
          `${name} to hold all ${TOTAL} messages`,
          WAIT_MS
        )
      }
    } catch (err) {
      // What the room saw besides messages, to tell a lost message from a lost member.
      const all = new Set([...lines.values()].flat())
      for (const [name, process] of members) {
        const notable = process.events.filter((e) => !['message', 'sent', 'code', 'relayed'].includes(e.type))
        const log = roomLog(process, lines.get(name) ?? [])
        const held = new Set(log.map(([, text]) => text))
        const missing = [...all].filter((text) => !held.has(text))
        t.diagnostic(
          `${name}: ${log.length} held, missing ${missing.length}: ${missing.slice(0, 20).join(', ')}`
        )
        t.diagnostic(`${name} events: ${JSON.stringify(notable.slice(-12)).slice(0, 3000)}`)
      }
      throw err
    }
    const logs = [...members].map(
      ([name, process]) => [name, roomLog(process, lines.get(name) ?? [])] as const
    )
    const reference = logs[0]?.[1] ?? []
    assert.equal(new Set(reference.map(([, text]) => text)).size, TOTAL, 'all distinct')
    for (const [name, log] of logs) {
      assert.equal(log.length, TOTAL, `${name} has every message exactly once`)
      assert.deepEqual(log, reference, `${name} saw the same order`)
    }
    const m3 = members.get('m3') as CliProcess
    t.diagnostic(
      `m3 reconnected ${m3.events.filter((e) => e.type === 'back').length} time(s) during the flaps`
    )
  })
})

describe('LAN discovery with mDNS', { skip: unavailable }, () => {
  let lan: SimulatedLan | undefined
  const sandbox = new Sandbox()

  after(async () => {
    await sandbox.cleanup()
    lan?.destroy()
  })

  it("a joiner finds the host by its PeerId when the invitation's address is stale", {
    timeout: 120_000
  }, async () => {
    lan = new SimulatedLan(`sd${process.pid % 100000}`)
    lan.add('host')
    lan.add('joiner')
    const host = hostOnLan(sandbox, lan)
    const invitation = (await host.event('invitation'))['invitation'] as string
    // The same host and token, but at an address it no longer has (its DHCP lease changed, say).
    const parts = decodeInvitation(invitation)
    const peerId = multiaddr(parts.addresses[0] as Uint8Array)
      .getComponents()
      .find((c) => c.name === 'p2p')?.value
    const stale = encodeInvitation({
      addresses: [multiaddr(`/ip4/10.231.0.99/tcp/4455/p2p/${peerId}`).bytes],
      token: parts.token
    })
    const joiner = sandbox.run(
      [
        'p2p',
        'join',
        stale,
        '--json',
        '--answer-file',
        sandbox.answerFile,
        '--code',
        await currentCode(host),
        '--nick',
        'finder'
      ],
      { wrap: lan.exec('joiner'), mdns: true }
    )
    const joined = await joiner.event('joined', () => true, 'the joiner to find the host on the LAN and join')
    assert.equal(joined['nick'], 'finder')
    joiner.send('found you')
    const message = await host.event('message', (e) => e['text'] === 'found you')
    assert.equal(message['from'], 'finder')
  })
})

/** The real CLI hosting a room inside the LAN's "host" namespace (at 10.231.0.1, the first node added). */
function hostOnLan(sandbox: Sandbox, lan: SimulatedLan): CliProcess {
  const args = [
    'p2p',
    'host',
    '--json',
    '--question',
    QUESTION,
    '--answer-file',
    sandbox.answerFile,
    '--nick',
    'host'
  ]
  return sandbox.run([...args, '--listen', '/ip4/10.231.0.1/tcp/4455'], {
    wrap: lan.exec('host'),
    mdns: true
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
