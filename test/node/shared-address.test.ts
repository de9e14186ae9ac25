/**
 * Many people behind one address (a home NAT, a whole IPv6 LAN, later a relay) share the host's
 * per-source limits. These tests come from one address, 127.0.0.1, like such a crowd: a stranger
 * there can lock nobody out, an invitee's guesses lock only what it shares, and members coming back
 * together are never turned away by caps meant for strangers.
 */
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { lpStream } from '@libp2p/utils'
import { JoinRefusedError } from '../../src/node/errors.js'
import { createSecureChatNode } from '../../src/node/libp2p.js'
import type { RoomMember } from '../../src/node/member.js'
import { PROTOCOL_ID, WIRE_VERSION } from '../../src/protocol/constants.js'
import { decodeFrame, encodeFrame, frame } from '../../src/protocol/frame.js'
import { Reason } from '../../src/protocol/wire/securechat.js'
import { join, memberKeys, record, startHost, until } from '../helpers/room.js'

async function refusedWith(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => 'admitted',
    (e: unknown) => e
  )
  assert.ok(err instanceof JoinRefusedError, `expected a refusal, got ${String(err)}`)
  return err.code
}

describe('a shared address', () => {
  it("a stranger's forged tokens lock no one out: the next joiner from the same address gets in", async () => {
    const host = await startHost()
    const stranger = await createSecureChatNode()
    await stranger.start()
    try {
      for (let i = 0; i < 30; i++) {
        const stream = await stranger.dialProtocol(host.addresses(), PROTOCOL_ID)
        const lp = lpStream(stream)
        await lp.write(encodeFrame(frame('hello', { version: WIRE_VERSION, token: `gAAAAAforged-${i}` })))
        const reply = decodeFrame(await lp.read({ signal: AbortSignal.timeout(5000) }))
        assert.equal(reply.kind === 'refusal' && reply.body.reason, Reason.TOKEN_INVALID)
        stream.abort(new Error('next'))
      }
      assert.equal(host.load.lockoutKeys, 0, 'a forged token leaves nothing in the lockout')
      const joiner = await join(host, 'neighbour')
      assert.equal(joiner.nickname, 'neighbour')
      await joiner.close()
    } finally {
      await stranger.stop()
      await host.close()
    }
  })

  it("an invitee's wrong guesses lock its invitation there, and the address after 20; a member still resumes", async () => {
    const host = await startHost()
    const [, aliceKeys] = await memberKeys(2)
    const alice = await join(host, 'alice', {
      keys: aliceKeys,
      reconnectBackoffMs: { initial: 50, max: 200 }
    })
    try {
      // Four invitations, five wrong answers each: each invitation is locked at this address, then the
      // address itself (its shared budget of 20) for every invitation.
      for (let inv = 0; inv < 4; inv++) {
        const { invitation } = await host.invite()
        for (let i = 0; i < 5; i++) {
          const code = await refusedWith(join(host, 'guesser', { invitation, credentials: { answer: 'no' } }))
          assert.equal(code, 'wrong-answer')
        }
        assert.equal(await refusedWith(join(host, 'guesser', { invitation })), 'locked-out')
      }
      assert.equal(await refusedWith(join(host, 'newcomer')), 'locked-out', 'the address is locked now')
      // A member behind that address loses its connection: it is not a stranger, and comes back.
      const events = record(alice)
      alice.dropConnection()
      const back = await until(alice, () => events.find((e) => e.type === 'back'))
      assert.ok(back)
      assert.equal(events.filter((e) => e.type === 'closed').length, 0)
    } finally {
      await alice.close()
      await host.close()
    }
  })

  it('16 members behind one address who lose their connection at once all come back', async () => {
    const host = await startHost()
    const keys = await memberKeys(17)
    const members: RoomMember[] = []
    try {
      for (let i = 1; i <= 16; i++) {
        members.push(
          await join(host, `m${i}`, { keys: keys[i], reconnectBackoffMs: { initial: 10, max: 500 } })
        )
      }
      const events = members.map((m) => record(m))
      for (const m of members) m.dropConnection()
      await Promise.all(
        members.map((m, i) =>
          until(m, () => events[i]?.find((e) => e.type === 'back'), AbortSignal.timeout(60_000))
        )
      )
      const closed = events.flat().filter((e) => e.type === 'closed')
      assert.deepEqual(closed, [], 'nobody was ejected')
      assert.equal(host.memberList.length, 17)
    } finally {
      await Promise.all(members.map((m) => m.close()))
      await host.close()
    }
  })

  it('70 raw sockets that never start Noise, from one address, keep no joiner and no resume out', async () => {
    const host = await startHost()
    const [, aliceKeys] = await memberKeys(2)
    const alice = await join(host, 'alice', {
      keys: aliceKeys,
      reconnectBackoffMs: { initial: 50, max: 200 }
    })
    const tcp = host.addresses()[0]?.getComponents()
    const address = {
      address: tcp?.find((c) => c.name === 'ip4')?.value,
      port: Number(tcp?.find((c) => c.name === 'tcp')?.value)
    }
    assert.ok(address.address !== undefined && address.port > 0)
    const sockets: Socket[] = []
    try {
      // From 127.0.0.5, held open and silent: each would hold a place among the node's pending ones.
      for (let i = 0; i < 70; i++) {
        sockets.push(connect({ host: address.address, port: address.port, localAddress: '127.0.0.5' }))
      }
      await Promise.all(
        sockets.map((s) => new Promise((resolve) => s.once('connect', resolve).once('error', resolve)))
      )
      const newcomer = await join(host, 'newcomer')
      assert.equal(newcomer.nickname, 'newcomer')
      await newcomer.close()
      const events = record(alice)
      alice.dropConnection()
      assert.ok(await until(alice, () => events.find((e) => e.type === 'back')))
    } finally {
      for (const s of sockets) s.destroy()
      await alice.close()
      await host.close()
    }
  })
})
