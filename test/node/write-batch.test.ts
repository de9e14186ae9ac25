// Unit tests of WriteBatch and of FrameChannel's writing through it, over a stream whose every write,
// wait and close the test decides: order, one write per turn, the bounds, backpressure, close and abort.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameChannel } from '../../src/node/channel.js'
import { FrameReader } from '../../src/node/frame-reader.js'
import {
  MIN_LIMITED_WRITE_BATCH_BYTES,
  WRITE_BATCH_BYTES,
  WriteBatch,
  writeBatchBytes
} from '../../src/node/write-batch.js'
import { MAX_CIPHERTEXT_BYTES, MAX_FRAME_BYTES } from '../../src/protocol/constants.js'
import { type AnyFrame, decodeFrame, encodeFrame, frame } from '../../src/protocol/frame.js'
import { Reason } from '../../src/protocol/wire/securechat.js'
import { channelPair } from '../helpers/pair.js'

const ack = (n: number) => frame('ack', { counter: n, seq: n })
const goodbye = frame('goodbye', { reason: Reason.HOST_CLOSING, message: 'the room is closing' })
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
/** A frame body of `bytes` bytes, told apart from the others by its fill: WriteBatch never decodes. */
const body = (bytes: number, fill: number) => new Uint8Array(bytes).fill(fill & 0xff)
/** A valid Deliver whose encoding is `ciphertext` bytes and a few dozen more. */
const deliverOf = (seq: number, ciphertext: number, recipients: string[] = []) =>
  frame('deliver', {
    seq,
    sender: 1,
    counter: seq,
    recipients,
    ciphertext: new Uint8Array(ciphertext).fill(seq & 0xff),
    wrappedKey: new Uint8Array(0),
    signature: new Uint8Array(64),
    epoch: 1
  })

/** A Noise transport message: 65 535 bytes at most, its 16-byte tag included (the Noise spec, §3). */
const NOISE_PLAINTEXT_BYTES = 65_535 - 16
/** The header in front of every Yamux frame. */
const YAMUX_HEADER_BYTES = 12

/** The frame bodies in `bytes`, length-prefixed one after another as a stream carries them. */
function bodiesIn(bytes: Uint8Array | Uint8ArrayList): Uint8Array[] {
  return new FrameReader(MAX_FRAME_BYTES).push(bytes).map((f) => f.subarray())
}

function framesIn(bytes: Uint8Array | Uint8ArrayList): AnyFrame[] {
  return new FrameReader(MAX_FRAME_BYTES).push(bytes).map((f) => decodeFrame(f))
}

/**
 * A stream that records what the channel does with it: every `send` (and whether the stream had
 * said it was full), `close` and `abort`. `full` makes `send` answer false until `drain()`.
 */
class RecordingStream extends EventTarget {
  status: 'open' | 'closed' | 'aborted' = 'open'
  private writeClosed = false
  full = false
  /** Sends fail as a stream reset by the peer would. */
  broken = false
  readonly writes: Uint8Array[] = []
  readonly log: string[] = []

  send(data: Uint8Array | Uint8ArrayList): boolean {
    if (this.status !== 'open' || this.writeClosed || this.broken) {
      this.log.push('send refused')
      throw new Error('Cannot write to a stream that is closed')
    }
    this.writes.push(data.subarray())
    this.log.push('send')
    return !this.full
  }

  drain(): void {
    this.full = false
    this.dispatchEvent(new Event('drain'))
  }

  async close(): Promise<void> {
    this.log.push('close')
    this.writeClosed = true
  }

  abort(err: Error): void {
    if (this.status !== 'open') return
    this.status = 'aborted'
    this.log.push('abort')
    this.dispatchEvent(Object.assign(new Event('close'), { error: err, local: true }))
  }

  /** Everything written, in order, as frames. */
  get frames(): AnyFrame[] {
    const all = new Uint8ArrayList(...this.writes)
    return framesIn(all.subarray())
  }

  get bytesWritten(): number {
    return this.writes.reduce((n, w) => n + w.byteLength, 0)
  }
}

function recordingChannel(options: ConstructorParameters<typeof FrameChannel>[1] = {}) {
  const stream = new RecordingStream()
  const channel = new FrameChannel(stream as unknown as Stream, options)
  return { stream, channel }
}

describe('WriteBatch', () => {
  it('frames queued in one turn come out as one batch, in order; one queued in a later turn in the next', async () => {
    const queue = new WriteBatch()
    const batches = queue.batches()
    for (let i = 1; i <= 3; i++) queue.push(encodeFrame(ack(i)))
    const first = await batches.next()
    assert.ok(!first.done)
    assert.equal(first.value.frames, 3)
    assert.equal(first.value.bytes, 3 * encodeFrame(ack(1)).byteLength, 'frame bytes, the prefixes aside')
    assert.deepEqual(framesIn(first.value.data.subarray()), [ack(1), ack(2), ack(3)])
    queue.push(encodeFrame(ack(4)))
    const second = await batches.next()
    assert.ok(!second.done)
    assert.deepEqual(framesIn(second.value.data.subarray()), [ack(4)])
  })

  it('a lone frame goes out at the end of the turn that queued it, not later', async () => {
    const queue = new WriteBatch()
    const batches = queue.batches()
    let turns = 0
    let out = false
    const counting = (async () => {
      while (!out && turns < 10) {
        await nextTurn()
        turns++
      }
    })()
    queue.push(encodeFrame(ack(1)))
    await batches.next()
    const waited = turns
    out = true
    await counting
    assert.ok(waited <= 1, `it waited ${waited} turns`)
  })

  it('a batch fits one Noise message with its Yamux header; a frame over that goes alone, in its place', async () => {
    assert.ok(WRITE_BATCH_BYTES + YAMUX_HEADER_BYTES <= NOISE_PLAINTEXT_BYTES)
    const queue = new WriteBatch()
    const batches = queue.batches()
    // Short lines to the whole room are Delivers of about 100 bytes: a full batch holds hundreds,
    // each behind its one-byte length prefix. Then one frame over the limit, then small ones again.
    const small = Array.from({ length: 1500 }, (_, i) => body(100 + (i % 7), i))
    const big = body(WRITE_BATCH_BYTES + 1000, 0xee)
    const all = [...small, big, ...small]
    for (const f of all) queue.push(f)
    queue.end()
    const seen: Uint8Array[] = []
    for await (const batch of batches) {
      if (batch.frames > 1) {
        assert.ok(
          batch.data.byteLength <= WRITE_BATCH_BYTES,
          `a batch of ${batch.frames} frames writes ${batch.data.byteLength} bytes, over ${WRITE_BATCH_BYTES}`
        )
      }
      seen.push(...bodiesIn(batch.data))
    }
    assert.equal(seen.length, all.length)
    assert.ok(
      seen.every((f, i) => Buffer.from(f).equals(all[i] as Uint8Array)),
      'every frame, in order'
    )
  })

  it('on a connection a relay limits, batches are a sixteenth of its bytes (2 KiB to a full batch)', async () => {
    assert.equal(writeBatchBytes(undefined), WRITE_BATCH_BYTES)
    assert.equal(writeBatchBytes({ seconds: 120 }), WRITE_BATCH_BYTES, 'a time limit alone')
    assert.equal(writeBatchBytes({ bytes: 128n * 1024n }), 8 * 1024, "libp2p's default relay limit")
    assert.equal(writeBatchBytes({ bytes: 24n * 1024n }), MIN_LIMITED_WRITE_BATCH_BYTES)
    assert.equal(writeBatchBytes({ bytes: 1n << 40n }), WRITE_BATCH_BYTES)
    // A burst of 60 Delivers of ~470 bytes (28 KiB, more than a 24 KiB relay lets through at once) goes
    // out in many small writes, so a cut one loses only its own few frames.
    const queue = new WriteBatch(writeBatchBytes({ bytes: 24n * 1024n }))
    const batches = queue.batches()
    const burst = Array.from({ length: 60 }, (_, i) => body(470, i))
    for (const f of burst) queue.push(f)
    queue.end()
    const seen: Uint8Array[] = []
    let writes = 0
    for await (const batch of batches) {
      writes++
      assert.ok(
        batch.data.byteLength <= MIN_LIMITED_WRITE_BATCH_BYTES,
        `${batch.data.byteLength} bytes at once`
      )
      seen.push(...bodiesIn(batch.data))
    }
    assert.equal(seen.length, burst.length)
    assert.ok(writes >= 14, `${writes} writes`)
  })

  it('end() hands out what is queued at once, then the batches end', async () => {
    const queue = new WriteBatch()
    const batches = queue.batches()
    queue.push(encodeFrame(ack(1)))
    queue.end()
    const first = await batches.next()
    assert.ok(!first.done)
    assert.deepEqual(framesIn(first.value.data.subarray()), [ack(1)])
    assert.equal((await batches.next()).done, true)
  })
})

describe('FrameChannel writing through WriteBatch', () => {
  it('frames sent in one turn reach the stream in one write, in order', async () => {
    const { stream, channel } = recordingChannel()
    for (let i = 1; i <= 50; i++) assert.ok(channel.send(ack(i)))
    await nextTurn()
    await nextTurn()
    assert.equal(stream.writes.length, 1)
    assert.deepEqual(
      stream.frames,
      Array.from({ length: 50 }, (_, i) => ack(i + 1))
    )
  })

  it('a stream that asks to wait is written nothing more until it drains; what came meanwhile follows in order', async () => {
    const { stream, channel } = recordingChannel()
    stream.full = true
    channel.send(ack(1))
    await nextTurn()
    await nextTurn()
    assert.equal(stream.writes.length, 1)
    for (let i = 2; i <= 5; i++) channel.send(ack(i))
    for (let i = 0; i < 5; i++) await nextTurn()
    assert.equal(stream.writes.length, 1, 'nothing written before the drain')
    stream.drain()
    for (let i = 0; i < 3; i++) await nextTurn()
    assert.equal(stream.writes.length, 2, 'what was queued meanwhile goes out in one write')
    assert.deepEqual(
      stream.frames,
      Array.from({ length: 5 }, (_, i) => ack(i + 1))
    )
  })

  it('a peer that never reads: the host queues at most its bound, in bytes or in frames, and onOverflow is called', async () => {
    const one = encodeFrame(deliverOf(1, 1000))
    for (const limits of [{ maxOutboundBytes: 20_000 }, { maxOutboundQueue: 30 }]) {
      let overflows = 0
      const { stream, channel } = recordingChannel({ ...limits, onOverflow: () => overflows++ })
      stream.full = true
      let accepted = 0
      // Many turns of frames: the first batch goes to the stream, which then asks to wait for good.
      for (let turn = 0; turn < 20; turn++) {
        for (let i = 0; i < 10; i++) if (channel.sendEncoded(one)) accepted++
        await nextTurn()
      }
      assert.equal(stream.writes.length, 1, 'the stream took one write, then asked to wait')
      const queued = accepted - stream.frames.length
      if (limits.maxOutboundBytes !== undefined) {
        assert.ok(queued * one.byteLength <= limits.maxOutboundBytes, `${queued} frames queued`)
      } else {
        assert.ok(queued <= limits.maxOutboundQueue, `${queued} frames queued`)
      }
      assert.ok(overflows >= 1, 'onOverflow was called')
      assert.equal(channel.sendEncoded(one), false)
      channel.abort(new Error('the member is not reading'))
    }
  })

  it('close() writes everything queued before it, a Goodbye last, then closes the stream and aborts it', async () => {
    const { stream, channel } = recordingChannel()
    // Enough for several writes, all queued in the turn of the close.
    for (let i = 1; i <= 200; i++) channel.send(deliverOf(i, 1000))
    channel.send(goodbye)
    await channel.close(AbortSignal.timeout(2000))
    assert.ok(stream.writes.length > 1)
    const frames = stream.frames
    assert.equal(frames.length, 201)
    assert.deepEqual(frames.at(-1), goodbye)
    assert.deepEqual(stream.log, [...stream.writes.map(() => 'send'), 'close', 'abort'])
    assert.equal(channel.send(ack(1)), false)
  })

  it('close() waits for a drain to finish the flush; past its signal it aborts', async () => {
    const waited = recordingChannel()
    waited.stream.full = true
    waited.channel.send(ack(1))
    await nextTurn()
    await nextTurn()
    // The first write asked to wait: the Goodbye behind it goes out once the stream drains.
    waited.channel.send(goodbye)
    setTimeout(() => waited.stream.drain(), 20)
    await waited.channel.close(AbortSignal.timeout(2000))
    assert.deepEqual(waited.stream.frames, [ack(1), goodbye])
    assert.deepEqual(waited.stream.log, ['send', 'send', 'close', 'abort'])

    const stuck = recordingChannel()
    stuck.stream.full = true
    stuck.channel.send(ack(1))
    await nextTurn()
    await nextTurn()
    stuck.channel.send(goodbye)
    const started = Date.now()
    await stuck.channel.close(AbortSignal.timeout(50))
    assert.ok(Date.now() - started < 1000)
    assert.equal(stuck.stream.status, 'aborted')
    assert.ok(!stuck.stream.log.includes('close'), 'a stream that never drained is aborted, not closed')
  })

  it('a stream that fails mid-write: the channel is closed, refuses what comes after, and close() returns', async () => {
    const { stream, channel } = recordingChannel()
    channel.send(ack(1))
    await nextTurn()
    await nextTurn()
    stream.broken = true
    channel.send(ack(2))
    channel.send(ack(3))
    for (let i = 0; i < 3; i++) await nextTurn()
    assert.ok(channel.isClosed)
    assert.equal(channel.send(ack(4)), false)
    assert.equal(stream.status, 'aborted')
    await channel.close(AbortSignal.timeout(500))
    assert.deepEqual(stream.frames, [ack(1)])
  })

  it('abort() drops what is queued: nothing more is written, nor tried', async () => {
    // Aborted while waiting for a drain (a member cut off for not reading), and in the turn that
    // queued the frames (a refusal of the stream).
    for (const waiting of [true, false]) {
      const { stream, channel } = recordingChannel()
      stream.full = waiting
      channel.send(ack(1))
      await nextTurn()
      await nextTurn()
      for (let i = 1; i <= 100; i++) channel.send(deliverOf(i, 1000))
      channel.abort(new Error('the member is not reading'))
      for (let i = 0; i < 5; i++) await nextTurn()
      assert.deepEqual(stream.log, ['send', 'abort'], 'no write was tried on the aborted stream')
    }
  })
})

describe('FrameChannel batches over a stream pair', () => {
  it('a burst of small frames around ones larger than a batch all arrive, in order', async () => {
    const [near, far] = await channelPair()
    const ids = Array.from({ length: 256 }, (_, i) => `peer-${i}`.padEnd(128, 'x'))
    const sent: AnyFrame[] = []
    const push = (f: AnyFrame) => {
      assert.ok(near.send(f))
      sent.push(f)
    }
    for (let i = 1; i <= 300; i++) push(deliverOf(i, 60))
    // The largest Deliver: every recipient named, the largest ciphertext (about 98 KiB).
    push(deliverOf(301, MAX_CIPHERTEXT_BYTES, ids))
    push(deliverOf(302, MAX_CIPHERTEXT_BYTES))
    for (let i = 303; i <= 600; i++) push(deliverOf(i, 60))
    for (const expected of sent) assert.deepEqual(await far.read(), expected)
    await near.close()
  })
})
