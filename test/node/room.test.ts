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

describe("the host's own messages", () => {
  it("are under the members' rate: past its burst the host is refused RATE_LIMITED, and what passed arrives", async () => {
    const { MessageRejectedError } = await import('../../src/node/errors.js')
    const { Reason } = await import('../../src/protocol/wire/securechat.js')
    const [, keys] = await memberKeys(2)
    const host = await startHost({ rateLimit: { perSecond: 0.001, burst: 4 } })
    const alice = await join(host, 'alice', { keys })
    try {
      await until(host, () => host.memberList.length === 2 || undefined)
      const events = record(alice)
      const sent: string[] = []
      let refused: unknown
      for (let i = 0; i < 6 && refused === undefined; i++) {
        await host.send(`line ${i}`).then(
          () => sent.push(`line ${i}`),
          (err: unknown) => {
            refused = err
          }
        )
      }
      // The first line also announces the host's key: the burst of 4 passes three lines, then no more.
      assert.ok(refused instanceof MessageRejectedError, `refused: ${String(refused)}`)
      assert.equal(refused.reason, Reason.RATE_LIMITED)
      assert.deepEqual(sent, ['line 0', 'line 1', 'line 2'])
      await until(alice, () => events.filter((e) => e.type === 'message').length === 3 || undefined)
    } finally {
      await alice.close()
      await host.close()
    }
  })
})
