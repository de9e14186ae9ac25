// The shared held messages of the host's backlogs: what each holder is charged, under any order of
// deliveries, trims and departures.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  type Backlog,
  type BacklogEntry,
  emptyBacklog,
  entryCharge,
  entryDeliver,
  entryMessage,
  entrySeq,
  type HeldMessage,
  heldMessage,
  holdDelivery,
  releaseBacklog,
  takeBacklog
} from '../../src/node/backlog.js'
import type { MemberLimits } from '../../src/node/host-config.js'
import type { Deliver } from '../../src/protocol/wire/securechat.js'

const backlog = emptyBacklog

function message(seq: number, bytes: number, recipients: number): Deliver {
  const own = new Uint8Array(bytes + 64)
  return {
    seq,
    sender: 1,
    counter: seq,
    recipients: Array.from({ length: recipients }, (_, i) => `peer-${i}`),
    ciphertext: own.subarray(0, bytes) as Uint8Array<ArrayBuffer>,
    signature: own.subarray(bytes) as Uint8Array<ArrayBuffer>,
    wrappedKey: new Uint8Array(0),
    epoch: 1
  }
}

/** Every member's count is the sum of what its entries are charged. */
function assertCounts(members: Backlog[]): void {
  for (const [i, m] of members.entries()) {
    const sum = m.backlog.reduce((n, e) => n + entryCharge(m, e), 0)
    assert.equal(m.backlogBytes, sum, `member ${i}: counted ${m.backlogBytes}, entries charged ${sum}`)
  }
}

/** Those still holding a message are charged, between them, every share it was ever given out in. */
function assertMessagesPaid(members: Backlog[], given: Map<HeldMessage, number>): void {
  for (const [held, holders] of given) {
    const keeping = members.filter((m) => m.backlog.some((e) => entryMessage(e) === held))
    if (keeping.length === 0) continue
    const paid = keeping.reduce((n, m) => {
      const entry = m.backlog.find((e) => entryMessage(e) === held) as BacklogEntry
      const own = 'message' in entry ? 32 + entry.wrappedKey.buffer.byteLength : 0
      return n + entryCharge(m, entry) - own
    }, 0)
    assert.equal(
      paid,
      held.share * holders,
      `seq ${held.deliver.seq}: ${keeping.length} keep it, paid ${paid}`
    )
  }
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant('deliver' as const),
    holders: fc.subarray([0, 1, 2, 3, 4], { minLength: 1 }),
    bytes: fc.integer({ min: 0, max: 3000 }),
    recipients: fc.integer({ min: 0, max: 40 }),
    keyed: fc.boolean()
  }),
  fc.record({ kind: fc.constant('release' as const), member: fc.integer({ min: 0, max: 4 }) })
)

describe('the backlog: one held record per message, shared by its holders', () => {
  it('keeps every count equal to what its entries are charged, and every message paid in full by those who keep it', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 80 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 500, max: 20_000 }),
        (ops, backlogSize, backlogBytes) => {
          const limits = { backlogSize, backlogBytes } as MemberLimits
          const members = Array.from({ length: 5 }, backlog)
          const given = new Map<HeldMessage, number>()
          let seq = 0
          for (const step of ops) {
            if (step.kind === 'release') {
              releaseBacklog(members[step.member] as Backlog)
              assert.equal(members[step.member]?.backlogBytes, 0)
              // A new member takes the place: the old record is gone for good.
              members[step.member] = backlog()
            } else {
              const held = heldMessage(message(++seq, step.bytes, step.recipients), step.holders.length)
              given.set(held, step.holders.length)
              for (const i of step.holders) {
                const key = step.keyed ? new Uint8Array(256).fill(i) : new Uint8Array(0)
                holdDelivery(members[i] as Backlog, held, key, limits)
              }
              for (const i of step.holders) {
                const m = members[i] as Backlog
                assert.ok(m.backlog.length <= backlogSize, 'within its count')
              }
            }
            assertCounts(members)
            assertMessagesPaid(members, given)
            for (const m of members) {
              const seqs = m.backlog.map(entrySeq)
              assert.deepEqual(
                seqs,
                [...seqs].sort((a, b) => a - b),
                'oldest first'
              )
            }
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it('a holder left alone with a message pays for all of it, and is trimmed to its bound for it', () => {
    const limits = { backlogSize: 100, backlogBytes: 10_000 } as MemberLimits
    const [alone, other] = [backlog(), backlog()]
    const big = heldMessage(message(1, 9000, 0), 2)
    holdDelivery(alone, big, new Uint8Array(0), limits)
    holdDelivery(other, big, new Uint8Array(0), limits)
    holdDelivery(alone, heldMessage(message(2, 3000, 0), 1), new Uint8Array(0), limits)
    assert.deepEqual(alone.backlog.map(entrySeq), [1, 2], 'half of the big one and the small one fit')
    releaseBacklog(other)
    // Charged the whole big one now, it is over its bound: its next delivery trims it.
    assert.ok(alone.backlogBytes > limits.backlogBytes)
    holdDelivery(alone, heldMessage(message(3, 10, 0), 1), new Uint8Array(0), limits)
    assert.deepEqual(alone.backlog.map(entrySeq), [2, 3])
    assert.deepEqual(alone.dropped, [1])
    assertCounts([alone, other])
  })

  it('replays each holder its own wrapped key on the shared fields, and only what it lacks', () => {
    const limits = { backlogSize: 100, backlogBytes: 1 << 20 } as MemberLimits
    const [bob, carol] = [backlog(), backlog()]
    for (let s = 1; s <= 3; s++) {
      const held = heldMessage(message(s, 50, 2), 2)
      holdDelivery(bob, held, new Uint8Array(256).fill(1), limits)
      holdDelivery(carol, held, new Uint8Array(256).fill(2), limits)
    }
    const { held, missed, gapUnknown } = takeBacklog(bob, 1)
    assert.deepEqual(
      held.map((d) => d.seq),
      [2, 3]
    )
    assert.deepEqual([missed, gapUnknown], [0, false])
    assert.ok(held.every((d) => d.wrappedKey[0] === 1 && d.wrappedKey.byteLength === 256))
    const [toBob, toCarol] = [
      entryDeliver(bob.backlog[0] as BacklogEntry),
      entryDeliver(carol.backlog[0] as BacklogEntry)
    ]
    assert.equal(toBob.ciphertext, toCarol.ciphertext, 'the ciphertext is held once')
    assert.equal(toCarol.wrappedKey[0], 2)
    // Under a sender key the entry is the shared record itself: nothing per holder.
    const shared = heldMessage({ ...message(4, 50, 0), epoch: 3 }, 2)
    holdDelivery(bob, shared, new Uint8Array(0), limits)
    holdDelivery(carol, shared, new Uint8Array(0), limits)
    assert.equal(bob.backlog.at(-1), carol.backlog.at(-1))
  })
})
