// A recipient list shared by several backlogs must stay paid for when all but one let it go.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { entryDeliver } from '../../src/node/backlog.js'
import type { HostedMember } from '../../src/node/hosted-member.js'
import { frame } from '../../src/protocol/frame.js'
import { sealMessage } from '../../src/protocol/message.js'
import { generateSenderKey } from '../../src/protocol/sender-key.js'
import { eventually, join, memberKeys, startHost, until } from '../helpers/room.js'

const BOUND = 2 ** 20
const HELD = 40

/** A PeerId string's heap cost, as the host counts it (hosted-member.ts). */
const listBytes = (list: readonly string[]): number => list.reduce((n, id) => n + 16 + 2 * id.length, 0)

describe('shared recipient lists in the backlog', () => {
  it('what an away member alone keeps alive stays within its bound once the others have let go', async () => {
    const keys = await memberKeys(4)
    const aliceKeys = keys[1]
    assert.ok(aliceKeys)
    const host = await startHost({
      backlogSize: HELD,
      backlogBytes: BOUND,
      rateLimit: { perSecond: 10_000, burst: 10_000 }
    })
    const alice = await join(host, 'alice', { keys: aliceKeys })
    const bob = await join(host, 'bob', { keys: keys[2] })
    const carol = await join(host, 'carol', { keys: keys[3], reconnect: false })
    try {
      await until(alice, () => alice.members.length === 3 || undefined)
      carol.dropConnection()
      await eventually(() => host.debug.members.get(carol.peerId)?.away === true, 'carol is away')
      // Alice, a member, signs Posts for the room padded to 256 recipients with long made-up PeerIds,
      // then small ones for everyone but carol, which push the padded ones out of bob's backlog.
      const senderKey = await generateSenderKey(7)
      const channel = alice.debug.channel
      let counter = Date.now() + 1_000_000
      const padding = Array.from({ length: 253 }, (_, i) => `${'x'.repeat(120)}${String(i).padStart(8, '0')}`)
      const post = (ids: string[]) =>
        sealMessage({
          roomId: host.roomId,
          sender: alice.peerId,
          counter: ++counter,
          text: 'x',
          recipients: ids.map((id) => ({ id, publicKey: aliceKeys.publicKey })),
          signingKey: aliceKeys.signing.privateKey,
          senderKey
        })
      for (let i = 0; i < HELD; i++) {
        channel.send(frame('post', await post([host.peerId, bob.peerId, carol.peerId, ...padding])))
      }
      for (let i = 0; i < HELD; i++) channel.send(frame('post', await post([host.peerId, bob.peerId])))
      const bobHeld = () => host.debug.members.get(bob.peerId)?.backlog ?? []
      await eventually(
        () => bobHeld().length === HELD && bobHeld().every((d) => entryDeliver(d).recipients.length === 2),
        "the padded posts are out of bob's backlog"
      )
      const held = host.debug.members.get(carol.peerId) as HostedMember
      const others = new Set<readonly string[]>(
        [...host.debug.members.values()]
          .filter((m) => m !== held)
          .flatMap((m) => m.backlog.map((d) => entryDeliver(d).recipients))
      )
      // The lists only carol's backlog keeps alive, counted as the host counts a list.
      const alone = new Set(
        held.backlog.map((d) => entryDeliver(d).recipients).filter((list) => !others.has(list))
      )
      const kept = [...alone].reduce((n, list) => n + listBytes(list), 0)
      assert.ok(held.backlogBytes <= BOUND, `charged ${held.backlogBytes}`)
      assert.ok(
        kept <= held.backlogBytes,
        `carol's backlog alone keeps ${(kept / 2 ** 20).toFixed(2)} MiB of recipient lists alive, ` +
          `charged ${(held.backlogBytes / 2 ** 20).toFixed(2)} MiB, bound ${(BOUND / 2 ** 20).toFixed(2)} MiB`
      )
    } finally {
      await Promise.all([alice.close(), bob.close(), carol.close()])
      await host.close()
    }
  })
})
