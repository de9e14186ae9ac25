// A Post whose turn in the relay comes after its sender left the room is not relayed.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RoomHost } from '../../src/node/host.js'
import { eventually, join, memberKeys, record, startHost, until } from '../helpers/room.js'

describe('a sender gone before its turn', () => {
  it("a kicked member's Post still queued at the kick reaches no one, away members included", async () => {
    const keys = await memberKeys(4)
    let host: RoomHost | undefined
    let kickAt: string | undefined
    host = await startHost({
      // The kick lands between the Post's reading and its turn, as it may when the relay is busy.
      relayTap: (_post, sender) => {
        if (sender !== kickAt) return
        kickAt = undefined
        host?.kick('alice')
      }
    })
    const alice = await join(host, 'alice', { keys: keys[1] })
    const bob = await join(host, 'bob', { keys: keys[2] })
    const carol = await join(host, 'carol', { keys: keys[3], reconnectBackoffMs: { initial: 500 } })
    try {
      await until(alice, () => alice.members.length === 3 || undefined)
      const bobEvents = record(bob)
      const carolEvents = record(carol)
      await alice.send('before the kick')
      await until(bob, () => bobEvents.find((e) => e.type === 'message'))
      await until(carol, () => carolEvents.find((e) => e.type === 'message'))
      bobEvents.length = 0
      carolEvents.length = 0
      carol.dropConnection()
      await eventually(() => host?.debug.members.get(carol.peerId)?.away === true, 'carol is away')
      kickAt = alice.peerId
      await alice.send('after the kick').catch(() => {})
      await until(bob, () => bobEvents.find((e) => e.type === 'member-left' && e.nick === 'alice'))
      await until(carol, () => carolEvents.find((e) => e.type === 'member-left' && e.nick === 'alice'))
      // A marker after it, so everything before has been through for both.
      await host.send('marker')
      await until(bob, () => bobEvents.find((e) => e.type === 'message' && e.text === 'marker'))
      await until(carol, () => carolEvents.find((e) => e.type === 'message' && e.text === 'marker'))
      const shown = (events: typeof bobEvents) =>
        events.flatMap((e) => (e.type === 'message' ? [e.text] : e.type === 'error' ? [e.code] : []))
      assert.deepEqual(shown(bobEvents), ['marker'], 'bob is not sent what alice said after her kick')
      assert.deepEqual(shown(carolEvents), ['marker'], 'nor is carol, who was away at the kick')
    } finally {
      await Promise.all([alice.close(), bob.close(), carol.close()])
      await host.close()
    }
  })
})
