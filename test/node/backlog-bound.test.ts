/**
 * The backlog's byte bound measured true of memory: what the host holds for an away member is what
 * it counts, not views into larger received frames. In a file (so a process) of its own, so that the
 * ArrayBuffer memory measured is this room's alone.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { entryCharge, heldMessage } from '../../src/node/backlog.js'
import { BACKLOG_BYTES } from '../../src/node/constants.js'
import { MAX_MESSAGE_BYTES } from '../../src/protocol/constants.js'
import { arrayBuffers, MiB } from '../helpers/memory.js'
import { eventually, join, memberKeys, record, startHost, until } from '../helpers/room.js'

describe('the backlog holds what it counts', () => {
  it('1200 messages of the largest size to an away member keep at most its 8 MiB', async (t) => {
    const keys = await memberKeys(3)
    const host = await startHost({ rateLimit: { perSecond: 10_000, burst: 10_000 } })
    const alice = await join(host, 'alice', { keys: keys[1] })
    const carol = await join(host, 'carol', { keys: keys[2], reconnect: false })
    try {
      await until(alice, () => alice.members.some((m) => m.nick === 'carol') || undefined)
      await alice.send('prime')
      const carolId = carol.peerId
      // Carol's link drops without a goodbye: the host keeps her place and holds what she is sent.
      carol.dropConnection()
      await eventually(() => host.debug.members.get(carolId)?.away === true, 'carol is away')
      const hostEvents = record(host)
      const before = await arrayBuffers()
      const text = 'x'.repeat(MAX_MESSAGE_BYTES - 16)
      for (let i = 0; i < 1200; i += 50) {
        await Promise.all(Array.from({ length: 50 }, () => alice.send(text)))
      }
      // The host is a member too: once it has read them all, nothing is in flight anywhere.
      await until(
        host,
        () => hostEvents.filter((e) => e.type === 'message').length === 1200 || undefined,
        AbortSignal.timeout(60_000)
      )
      const held = host.debug.members.get(carolId)
      assert.ok(held !== undefined)
      const charged = held.backlog.reduce((sum, entry) => sum + entryCharge(held, entry), 0)
      const growth = (await arrayBuffers()) - before
      t.diagnostic(
        `backlog ${held.backlog.length} messages, charged ${MiB(charged)}, host ArrayBuffers grew ${MiB(growth)}`
      )
      assert.ok(held.backlogBytes <= BACKLOG_BYTES, `counted ${MiB(held.backlogBytes)}`)
      assert.equal(held.backlogBytes, charged, 'the count is the sum of what each entry really holds')
      assert.ok(
        growth < BACKLOG_BYTES + 4 * 2 ** 20,
        `memory grew ${MiB(growth)}, beyond the backlog's bound`
      )
    } finally {
      await Promise.all([alice.close(), carol.close()])
      await host.close()
    }
  })
})

describe('what a held delivery is charged', () => {
  it('its recipient list counts: 256 long made-up recipients cannot ride along for free', () => {
    const recipients = Array.from(
      { length: 256 },
      (_, i) => `${'x'.repeat(120)}${String(i).padStart(8, '0')}`
    )
    const tiny = new Uint8Array(64)
    const deliver = {
      seq: 1,
      sender: 1,
      counter: 1,
      recipients,
      ciphertext: tiny.subarray(0, 40),
      wrappedKey: new Uint8Array(0),
      signature: tiny.subarray(40, 64),
      epoch: 1
    }
    // Held by the one real member among them, it is charged whole to that member...
    const alone = heldMessage(deliver, 1)
    assert.ok(alone.share >= 256 * 2 * 128, `charged ${alone.share} bytes`)
    // ...and held by 256 real members, each pays a 256th: together, the whole list and more.
    const shared = heldMessage(deliver, 256)
    assert.ok(256 * shared.share >= alone.share, `256 × ${shared.share} for ${alone.share}`)
    assert.ok(shared.share * 200 < alone.share, 'each pays its part, not the whole')
  })
})
