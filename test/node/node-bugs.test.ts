/**
 * Bugs found by reading the node layer, each pinned by the test that failed before its fix.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { JoinRefusedError } from '../../src/node/errors.js'
import { EventFeed, EventsOverflowError } from '../../src/node/events.js'
import { joinRoom } from '../../src/node/join.js'
import { createListeningNode } from '../../src/node/libp2p.js'
import { PROTOCOL_ID } from '../../src/protocol/constants.js'
import { decodeFrame, encodeFrame, frame } from '../../src/protocol/frame.js'
import { encodeInvitation } from '../../src/protocol/invitation.js'
import { Step } from '../../src/protocol/wire/securechat.js'
import { eventually, join, memberKeys, record, startHost, until } from '../helpers/room.js'

describe('bugs found by reading', () => {
  it('a host closing while a joiner types is reported as host-closing, not as a timeout', async () => {
    const host = await startHost()
    const attempt = join(host, 'typist', {
      credentials: {
        code: async () => {
          await host.close()
          return '000000'
        }
      }
    }).catch((e: unknown) => e)
    const err = await attempt
    assert.ok(err instanceof JoinRefusedError, String(err))
    assert.equal(err.code, 'host-closing')
  })

  it('close({ restarting: true }) says restarting, close() says host-closing', async () => {
    for (const restarting of [true, false]) {
      const host = await startHost()
      const events = record(host)
      await host.close({ restarting })
      const closed = events.find((e) => e.type === 'closed')
      assert.deepEqual(closed, { type: 'closed', reason: restarting ? 'restarting' : 'host-closing' })
    }
  })

  it('a join that passed every gate leaves no lockout record behind', async () => {
    const host = await startHost()
    try {
      const member = await join(host, 'clean')
      assert.equal(host.load.lockoutKeys, 0)
      await member.close()
    } finally {
      await host.close()
    }
  })

  it('an events() iterator nobody drains is ended past its bound, not grown without one', async () => {
    const feed = new EventFeed()
    const iterator = feed.events({ maxUnread: 10 })
    const first = iterator.next()
    for (let i = 0; i < 25; i++) feed.emit({ type: 'sent', seq: i, counter: i })
    assert.equal((await first).value?.type, 'sent')
    await assert.rejects(
      (async () => {
        for await (const _ of iterator) {
          // drained late
        }
      })(),
      EventsOverflowError
    )
  })

  it('a 60-member room prints no MaxListenersExceededWarning', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error): void => {
      warnings.push(w.name)
    }
    process.on('warning', onWarning)
    const host = await startHost()
    const keys = await memberKeys(61)
    const members = []
    try {
      for (let i = 1; i <= 60; i++) members.push(await join(host, `m${i}`, { keys: keys[i] }))
      await host.send('hello, everyone')
      await new Promise((resolve) => setTimeout(resolve, 200))
      assert.deepEqual(
        warnings.filter((w) => w === 'MaxListenersExceededWarning'),
        []
      )
    } finally {
      process.off('warning', onWarning)
      await Promise.all(members.map((m) => m.close()))
      await host.close()
    }
  })

  it('a Welcome whose member key does not import ends the session instead of leaving it reconnecting', async () => {
    // A host that passes the joiner through its gates, then welcomes it with a key that is garbage.
    const fake = await createListeningNode({ listen: ['/ip4/127.0.0.1/tcp/0'] })
    const streams: Stream[] = []
    await fake.handle(PROTOCOL_ID, async (stream) => {
      streams.push(stream)
      const lp = lpStream(stream)
      const read = async () => decodeFrame(await lp.read())
      await read()
      for (const step of [Step.QUESTION, Step.ROOM_CODE, Step.NICKNAME]) {
        await lp.write(encodeFrame(frame('challenge', { step, question: 'q?', attemptsLeft: 5 })))
        await read()
      }
      const member = {
        peerId: fake.peerId.toString(),
        nickname: 'x',
        publicKey: new Uint8Array(40),
        fingerprint: '',
        signingKey: new Uint8Array(65),
        signingKeyBinding: new Uint8Array(0),
        index: 1
      }
      await lp.write(
        encodeFrame(
          frame('welcome', {
            roomId: new Uint8Array(16),
            roomName: 'fake',
            you: member,
            members: [member],
            nextSeq: 1,
            hostIsMember: true,
            resumeToken: 'token',
            hostEpoch: new Uint8Array(8)
          })
        )
      )
    })
    try {
      const address = fake.getMultiaddrs()[0]
      assert.ok(address)
      const invitation = encodeInvitation({ addresses: [address.bytes], token: 'gAAAAAtoken' })
      const err = await joinRoom(invitation, { answer: 'a', code: '123456', nickname: 'n' }).catch(
        (e: unknown) => e
      )
      assert.ok(err instanceof Error, 'the join fails')
      // The session that started is closed: the fake host sees its connection go.
      await eventually(() => fake.getConnections().length === 0, 'the joiner let go of the connection')
    } finally {
      await fake.stop()
    }
  })
})

describe('until a member resumes, a full outbound queue loses nothing', () => {
  it('posts that could not be written are sent again on resume', async () => {
    const host = await startHost()
    const [, aliceKeys, bobKeys] = await memberKeys(3)
    const alice = await join(host, 'alice', { keys: aliceKeys, reconnectBackoffMs: { initial: 200 } })
    const bob = await join(host, 'bob', { keys: bobKeys })
    try {
      await until(alice, () => alice.members.some((m) => m.nick === 'bob') || undefined)
      const bobEvents = record(bob)
      // While the link is down the posts wait; when it is back they are sent, once each.
      alice.dropConnection()
      const sends = Array.from({ length: 20 }, (_, i) => alice.send(`queued ${i}`))
      await Promise.all(sends)
      await until(bob, () => bobEvents.filter((e) => e.type === 'message').length === 20 || undefined)
    } finally {
      await Promise.all([alice.close(), bob.close()])
      await host.close()
    }
  })
})
