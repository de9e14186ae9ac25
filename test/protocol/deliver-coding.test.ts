// Deliver coding (2.3.0): seq, counter and epoch against the stream's earlier Delivers: every stream gives back each delivery's own values, a chat line saves its bytes, bad codes are refused.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { DELIVER_CODING_SENDERS, MESSAGE_SIGNATURE_BYTES } from '../../src/protocol/constants.js'
import { DeliverDecoder, DeliverEncoder } from '../../src/protocol/deliver-coding.js'
import {
  decodeFrame,
  encodeDeliverCommon,
  encodeDeliverFrame,
  encodeFrame,
  FrameError,
  frame
} from '../../src/protocol/frame.js'
import type { Deliver } from '../../src/protocol/wire/securechat.js'

const NOW = 1_764_600_000_000

function deliver(overrides: Partial<Deliver> = {}): Deliver {
  return {
    seq: 1,
    sender: 1,
    counter: NOW,
    recipients: [],
    ciphertext: new Uint8Array(176).fill(7),
    wrappedKey: new Uint8Array(0),
    signature: new Uint8Array(MESSAGE_SIGNATURE_BYTES).fill(9),
    epoch: 1,
    ...overrides
  }
}

/** What the host writes for `d` on the encoder's stream, and what the member reads back from it. */
function across(
  encoder: DeliverEncoder,
  decoder: DeliverDecoder,
  d: Deliver
): { bytes: Uint8Array; read: Deliver } {
  const bytes = encodeDeliverFrame(encodeDeliverCommon(d), encoder.code(d), d.wrappedKey)
  encoder.sent(d)
  const decoded = decodeFrame(bytes)
  assert.equal(decoded.kind, 'deliver')
  return { bytes, read: decoder.decode(decoded.body as Deliver) }
}

/** A room's deliveries to one member: increasing seqs with gaps, several senders, re-keys and epoch-0 ones. */
const history = fc
  .array(
    fc.record({
      skip: fc.nat({ max: 3 }),
      sender: fc.integer({ min: 1, max: 6 }),
      wait: fc.integer({ min: 1, max: 10_000_000 }),
      rekey: fc.nat({ max: 9 }),
      key: fc.uint8Array({ minLength: 1, maxLength: 300 })
    }),
    { minLength: 1, maxLength: 60 }
  )
  .map((steps) => {
    let seq = 0
    const counters = new Map<number, number>()
    const epochs = new Map<number, number>()
    return steps.map((step) => {
      seq += step.skip + 1
      const counter = (counters.get(step.sender) ?? NOW) + step.wait
      counters.set(step.sender, counter)
      // Now and then a sender announces a new key (epoch 0, wrapped) and moves to its next epoch.
      const announce = step.rekey === 0
      const epoch = announce ? 0 : (epochs.get(step.sender) ?? 1)
      if (announce) epochs.set(step.sender, (epochs.get(step.sender) ?? 1) + 1)
      return deliver({
        seq,
        sender: step.sender,
        counter,
        epoch,
        wrappedKey: announce ? step.key : new Uint8Array(0),
        recipients: step.skip === 3 ? ['12D3KooWsome', '12D3KooWothers'] : []
      })
    })
  })

describe('Deliver coding', () => {
  it('every delivery reads back as sent, on a stream started afresh', () => {
    fc.assert(
      fc.property(history, (deliveries) => {
        const encoder = new DeliverEncoder()
        const decoder = new DeliverDecoder()
        for (const d of deliveries) assert.deepEqual(across(encoder, decoder, d).read, d)
      }),
      { numRuns: 300 }
    )
  })

  it('a resume or a move starts a new stream: both sides start from nothing, and the replay reads back', () => {
    const first = [deliver({ seq: 5 }), deliver({ seq: 6, counter: NOW + 1000 })]
    const encoder = new DeliverEncoder()
    const decoder = new DeliverDecoder()
    for (const d of first) across(encoder, decoder, d)
    // The new stream's first delivery carries its own values whole, whatever the old stream held.
    const replayed = deliver({ seq: 6, counter: NOW + 1000 })
    assert.deepEqual(new DeliverEncoder().code(replayed), { seq: 5, counter: NOW + 1000, epoch: 2 })
    assert.deepEqual(across(new DeliverEncoder(), new DeliverDecoder(), replayed).read, replayed)
  })

  it('a chat line to the whole room, next on the stream, is 8 bytes shorter than written whole', () => {
    const encoder = new DeliverEncoder()
    const decoder = new DeliverDecoder()
    across(encoder, decoder, deliver({ seq: 1000, sender: 3, counter: NOW }))
    across(encoder, decoder, deliver({ seq: 1001, sender: 4, counter: NOW + 5 }))
    // Sender 3 speaks again 25 s later: the sequence follows on, its epoch has not changed.
    const line = deliver({ seq: 1002, sender: 3, counter: NOW + 25_000 })
    assert.deepEqual(encoder.code(line), { seq: 0, counter: 25_000, epoch: 0 })
    const { bytes, read } = across(encoder, decoder, line)
    assert.deepEqual(read, line)
    const whole = encodeFrame(frame('deliver', line))
    assert.equal(whole.byteLength - bytes.byteLength, 8)
  })

  it('the worked example of docs/PROTOCOL.md reads back as seq 2, counter 3, epoch 3 on a new stream', () => {
    const read = new DeliverDecoder().decode(deliver({ seq: 1, sender: 2, counter: 3, epoch: 4 }))
    assert.deepEqual([read.seq, read.sender, read.counter, read.epoch], [2, 2, 3, 3])
  })

  it('both sides remember at most 256 senders, forget the same one, and still read every delivery back', () => {
    assert.equal(DELIVER_CODING_SENDERS, 256)
    const encoder = new DeliverEncoder()
    const decoder = new DeliverDecoder()
    let seq = 0
    const next = (sender: number, counter: number) => {
      const d = deliver({ seq: ++seq, sender, counter })
      return { coded: encoder.code(d), ...across(encoder, decoder, d), d }
    }
    // Sender 1 speaks, then 256 others: it is the oldest, so both sides forget it.
    next(1, NOW)
    for (let sender = 2; sender <= DELIVER_CODING_SENDERS + 1; sender++) next(sender, NOW)
    const again = next(1, NOW + 10)
    assert.deepEqual(again.coded, { seq: 0, counter: NOW + 10, epoch: 2 }, 'coded as if new')
    assert.deepEqual(again.read, again.d)
    // Sender 2 was the oldest after that and went the same way; sender 257, recent, is remembered.
    assert.equal(next(2, NOW + 10).coded.counter, NOW + 10)
    assert.equal(next(DELIVER_CODING_SENDERS + 1, NOW + 10).coded.counter, 10)
    // A host naming a new sender in every delivery costs the member a bounded map, whatever it sends.
    const flooded = new DeliverDecoder()
    for (let i = 1; i <= 10_000; i++) flooded.decode(deliver({ sender: i, seq: 0, epoch: 2 }))
    assert.equal(
      (flooded as unknown as { senders: Map<number, unknown> }).senders.size,
      DELIVER_CODING_SENDERS
    )
  })

  it('the host never codes a delivery that does not follow what the stream carried', () => {
    const encoder = new DeliverEncoder()
    encoder.sent(deliver({ seq: 10, sender: 2, counter: NOW }))
    assert.throws(() => encoder.code(deliver({ seq: 10, sender: 5 })), RangeError)
    assert.throws(() => encoder.code(deliver({ seq: 9, sender: 5 })), RangeError)
    assert.throws(() => encoder.code(deliver({ seq: 11, sender: 2, counter: NOW })), RangeError)
    // Coding alone records nothing: a delivery the stream refused is not taken as sent.
    encoder.code(deliver({ seq: 11, sender: 2, counter: NOW + 1 }))
    assert.deepEqual(encoder.code(deliver({ seq: 12, sender: 2, counter: NOW + 2 })), {
      seq: 1,
      counter: 2,
      epoch: 0
    })
  })

  it('a member refuses codes that cannot be, with FrameError', () => {
    const refused = (what: string, coded: Partial<Deliver>, before?: Partial<Deliver>) => {
      const decoder = new DeliverDecoder()
      if (before !== undefined) decoder.decode(deliver(before))
      assert.throws(() => decoder.decode(deliver(coded)), FrameError, what)
    }
    refused('an unchanged epoch from a sender not heard on this stream', { epoch: 0 })
    refused('a counter that does not move', { counter: 0 })
    refused('a counter that does not move, after one', { counter: 0 }, { counter: NOW, epoch: 2 })
    refused('an epoch past uint32', { epoch: 2 ** 32 + 1 })
    refused('a wrapped key under a sender key', { epoch: 3, wrappedKey: new Uint8Array(256) })
    refused(
      'a wrapped key under an unchanged sender key',
      { epoch: 0, wrappedKey: new Uint8Array(256) },
      { epoch: 2 }
    )
    refused('a seq past 2^53', { seq: Number.MAX_SAFE_INTEGER }, { seq: 10, epoch: 2 })
    refused('sender 0', { sender: 0, epoch: 2 })
    // The same codes, in context, are fine: epoch 0 after one from the sender, coded epoch 1 (content key).
    const decoder = new DeliverDecoder()
    decoder.decode(deliver({ epoch: 3 }))
    assert.equal(decoder.decode(deliver({ seq: 0, counter: 1, epoch: 0 })).epoch, 2)
    assert.equal(
      decoder.decode(deliver({ seq: 0, counter: 1, epoch: 1, wrappedKey: new Uint8Array(256) })).epoch,
      0
    )
  })
})
