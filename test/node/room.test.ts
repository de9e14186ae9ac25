import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RoomHost } from '../../src/node/host.js'
import type { RoomMember } from '../../src/node/member.js'
import { join, memberKeys, record, startHost, until } from '../helpers/room.js'

describe('a room of three members and the host', () => {
  let host: RoomHost
  const members: RoomMember[] = []

  before(async () => {
    const keys = await memberKeys(4)
    host = await startHost()
    members.push(await join(host, 'alice', { keys: keys[1] }))
    members.push(await join(host, 'bob', { keys: keys[2] }))
    members.push(await join(host, 'carol', { keys: keys[3] }))
  })

  after(async () => {
    await Promise.all(members.map((m) => m.close()))
    await host.close()
  })

  it('delivers every message to every member exactly once, in the same order', async () => {
    const logs = [host, ...members].map((m) => record(m))
    const senders = [host, ...members]
    const sends: Promise<unknown>[] = []
    for (let round = 0; round < 5; round++) {
      for (const [i, sender] of senders.entries()) sends.push(sender.send(`m${round}-${i}`))
    }
    await Promise.all(sends)
    const total = 5 * senders.length
    await Promise.all(
      senders.map((s, i) =>
        until(s, () => logs[i]?.filter((e) => e.type === 'message').length === total - 5 || undefined)
      )
    )
    // Each member sees the others' messages (not its own) in one global sequence.
    const sequences = logs.map((log) =>
      log.flatMap((e) => (e.type === 'message' ? [[e.seq, e.text] as const] : []))
    )
    for (const seq of sequences) {
      const seqs = seq.map(([s]) => s)
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        'in increasing sequence order'
      )
      assert.equal(new Set(seqs).size, seqs.length, 'no duplicates')
    }
    const byText = new Map<string, number>()
    for (const seq of sequences)
      for (const [s, text] of seq) {
        const known = byText.get(text)
        if (known !== undefined) assert.equal(known, s, 'one sequence number per message for everyone')
        byText.set(text, s)
      }
    assert.equal(byText.size, total)
  })
})
