/** The connection guard's rules, on fake connections (the real ones are driven in hostile and hardening). */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Connection } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { ConnectionGuard } from '../../src/node/connection-guard.js'

interface FakeConnection {
  connection: Connection
  closed: () => boolean
}

let nextId = 0
function fakeConnection(ip: string): FakeConnection {
  let closed = false
  const connection = {
    id: `c${++nextId}`,
    direction: 'inbound',
    remoteAddr: multiaddr(`/ip4/${ip}/tcp/4000`),
    addEventListener: () => {},
    close: async () => {
      closed = true
    },
    abort: () => {
      closed = true
    }
  } as unknown as Connection
  return { connection, closed: () => closed }
}

const noLog = Object.assign(() => {}, {
  enabled: false,
  error: () => {},
  trace: () => {},
  newScope: () => noLog
})

function guard(graceMs = 60_000): ConnectionGuard {
  return new ConnectionGuard({ maxUnvouchedPerSource: 3, graceMs, closeTimeoutMs: 100, log: noLog as never })
}

describe('ConnectionGuard', () => {
  it('past the cap, closes an idle connection before one whose joiner is opening its handshake', () => {
    const g = guard()
    const opening = fakeConnection('198.18.0.1')
    g.opened(opening.connection)
    g.streamOpened(opening.connection)
    const idle = [fakeConnection('198.18.0.1'), fakeConnection('198.18.0.1')]
    for (const c of idle) g.opened(c.connection)
    const newest = fakeConnection('198.18.0.1')
    g.opened(newest.connection)
    assert.equal(opening.closed(), false, 'the joiner sending its Hello keeps its connection')
    assert.equal(idle[0]?.closed(), true, 'the oldest idle one goes')
    assert.equal(newest.closed(), false)
    g.stop()
  })

  it('never counts vouched connections, nor other addresses', () => {
    const g = guard()
    const member = fakeConnection('198.18.0.1')
    g.opened(member.connection)
    g.vouch(member.connection)
    const others = Array.from({ length: 5 }, () => fakeConnection('198.18.0.1'))
    for (const c of others) g.opened(c.connection)
    const elsewhere = fakeConnection('198.18.0.2')
    g.opened(elsewhere.connection)
    assert.equal(member.closed(), false)
    assert.equal(elsewhere.closed(), false)
    assert.equal(others.filter((c) => c.closed()).length, 2, 'only strangers past the cap of 3 went')
    g.stop()
  })

  it('a rejected stream closes its connection unless another on it is vouched', () => {
    const g = guard()
    const lone = fakeConnection('198.18.0.3')
    g.opened(lone.connection)
    g.streamOpened(lone.connection)
    g.streamEnded(lone.connection, { vouched: false, rejected: true })
    assert.equal(lone.closed(), true)
    const shared = fakeConnection('198.18.0.3')
    g.opened(shared.connection)
    g.streamOpened(shared.connection)
    g.vouch(shared.connection)
    g.streamOpened(shared.connection)
    g.streamEnded(shared.connection, { vouched: false, rejected: true })
    assert.equal(shared.closed(), false, 'a member on it keeps it')
    g.stop()
  })

  it('a connection that never vouched is closed at its first deadline, whatever its refused streams', async () => {
    const g = guard(200)
    const stranger = fakeConnection('198.18.0.4')
    g.opened(stranger.connection)
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60))
      g.streamOpened(stranger.connection)
      g.streamEnded(stranger.connection, { vouched: false, rejected: false })
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
    assert.equal(stranger.closed(), true, 'refused streams did not buy it more time')
    g.stop()
  })
})
