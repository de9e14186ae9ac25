/**
 * `securechat relay` as a person or a script runs it: the real binary, its `--json` events (the first
 * one is `ready`, which scripts rely on), its screen, SIGTERM and SIGINT, and an identity kept across
 * restarts. Hosts and dialers are libp2p nodes in this process, all on 127.0.0.1.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { toString as bytesToText } from 'uint8arrays/to-string'
import { Sandbox } from '../helpers/cli.js'
import { dialerNode, ECHO, echo, openRelayed, relayedHost } from '../helpers/relay.js'

const LOOPBACK = ['--port', '0', '--listen', '/ip4/127.0.0.1/tcp/0']

describe('securechat relay', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())
  const identity = join(sandbox.dir, 'relay', 'identity.key')

  it('--json: the first event is ready with its PeerId and addresses; SIGTERM exits 0; a restart keeps the PeerId', async () => {
    const first = sandbox.run(['relay', '--json', ...LOOPBACK, '--identity', identity])
    const ready = await first.event('ready')
    assert.equal(first.events[0], ready, 'ready is the first event')
    assert.deepEqual(Object.keys(ready).sort(), ['listening', 'peerId', 'type'])
    const peerId = ready['peerId'] as string
    const listening = ready['listening'] as string[]
    assert.ok(listening.length > 0)
    for (const address of listening) {
      assert.ok(address.endsWith(`/p2p/${peerId}`), address)
      assert.equal(multiaddr(address).getComponents().at(-1)?.value, peerId)
    }
    assert.equal(statSync(identity).mode & 0o777, 0o600)
    assert.equal(await first.interrupt('SIGTERM'), 0)
    assert.deepEqual(first.events.at(-1), { type: 'closed', reason: 'stopped' })

    const second = sandbox.run(['relay', '--json', ...LOOPBACK, '--identity', identity])
    assert.equal((await second.event('ready'))['peerId'], peerId, 'the same PeerId after a restart')
    assert.equal(await second.interrupt('SIGINT'), 0)
    const key = bytesToText(readFileSync(identity), 'base64')
    for (const output of [first.stdout, first.stderr, second.stdout, second.stderr]) {
      assert.ok(!output.includes(key), 'the key never shows')
    }
  })

  it('--json: a host reserving and a dialer reaching it are reservation and circuit events, with their bytes', async () => {
    const relay = sandbox.run(['relay', '--json', ...LOOPBACK, '--identity', identity])
    const ready = await relay.event('ready')
    const host = await relayedHost(multiaddr((ready['listening'] as string[])[0] as string))
    const dialer = await dialerNode()
    try {
      const hostId = host.node.peerId.toString()
      await relay.event('reservation', (e) => e['state'] === 'made' && e['peerId'] === hostId)
      const { stream, connection } = await openRelayed(dialer, host.address, ECHO)
      assert.equal(await echo(stream, 8192), 8192)
      const opened = await relay.event('circuit', (e) => e['state'] === 'opened')
      assert.equal(opened['from'], dialer.peerId.toString())
      assert.equal(opened['to'], hostId)
      await connection.close()
      const closed = await relay.event('circuit', (e) => e['state'] === 'closed')
      assert.equal(closed['id'], opened['id'])
      assert.ok((closed['bytesToHost'] as number) >= 8192 && (closed['bytesToDialer'] as number) >= 8192)
      await host.node.stop()
      const ended = await relay.event(
        'reservation',
        (e) => e['state'] === 'expired' && e['peerId'] === hostId
      )
      assert.equal(ended['reason'], 'disconnected')
    } finally {
      await Promise.allSettled([dialer.stop(), host.node.stop()])
    }
    assert.equal(await relay.interrupt('SIGTERM'), 0)
  })

  it('without --json: the screen gives the address for "securechat p2p host --relay", and SIGINT stops it', async () => {
    const relay = sandbox.run(['relay', ...LOOPBACK, '--identity', identity, '--max-reservations', '4'])
    const line = await relay.until(
      () => /securechat p2p host --relay (\S+)/.exec(relay.stdout)?.[1],
      'the line for hosts'
    )
    assert.match(line, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW\w+$/)
    assert.match(relay.stdout, /at most 4 \(8 per IP\)/)
    assert.equal(await relay.interrupt('SIGINT'), 0)
    assert.match(relay.stdout, /The relay has stopped\./)
  })

  it('a usage error (limits with --unlimited, a bad PeerId in --allow, a tiny size) exits 2 with one error event, making no key', async () => {
    const unused = join(sandbox.dir, 'unused', 'identity.key')
    const cases = [
      ['--unlimited', '--circuit-data', '1MiB'],
      ['--allow', 'not-a-peer-id'],
      ['--circuit-data', '12']
    ]
    for (const extra of cases) {
      const relay = sandbox.run(['relay', '--json', ...LOOPBACK, '--identity', unused, ...extra])
      assert.equal(await relay.exitCode(), 2)
      assert.equal(relay.events.length, 1)
      assert.equal(relay.events[0]?.type, 'error')
      assert.equal(relay.events[0]?.['code'], 'usage')
    }
    assert.ok(!existsSync(unused), 'no identity was made')
  })
})
