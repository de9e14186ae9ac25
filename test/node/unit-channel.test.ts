// Unit tests of FrameChannel and FrameReader over an in-memory stream pair: framing both ways, every read and write bound, close.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FrameLimitError, FrameReader } from '../../src/node/frame-reader.js'
import { encodeVarint } from '../../src/protocol/bytes.js'
import {
  MAX_HANDSHAKE_FRAME_BYTES,
  MAX_HANDSHAKE_UNREAD_FRAMES,
  MAX_UNREAD_FRAMES
} from '../../src/protocol/constants.js'
import { encodeDeliverCommon, encodeFrame, FrameError, frame } from '../../src/protocol/frame.js'
import { type Deliver, Reason } from '../../src/protocol/wire/securechat.js'
import { heapUsed } from '../helpers/memory.js'
import { arrival, channelPair, concat, lengthPrefixed, rawFrame } from '../helpers/pair.js'

const ack = (n: number) => frame('ack', { counter: n, seq: n })
/** A valid frame whose encoding is a little over `bytes` long. */
const refusalOf = (bytes: number) =>
  frame('refusal', {
    reason: Reason.LEFT,
    message: 'x'.repeat(bytes),
    attemptsLeft: 0,
    retry: false,
    retryAfter: 0
  })

describe('FrameReader', () => {
  it('yields whole frames from chunks split anywhere, the prefix included', () => {
    const reader = new FrameReader(1000)
    const bytes = concat([rawFrame(300), rawFrame(2)])
    const frames = []
    for (let i = 0; i < bytes.byteLength; i++) frames.push(...reader.push(bytes.subarray(i, i + 1)))
    assert.deepEqual(
      frames.map((f) => f.byteLength),
      [300, 2]
    )
    assert.equal(reader.pendingBytes, 0)
  })

  it('refuses a length over the limit from its prefix alone, an empty frame, and a prefix over five bytes', () => {
    assert.throws(() => new FrameReader(100).push(encodeVarint(101)), FrameLimitError)
    assert.throws(() => new FrameReader(100).push(new Uint8Array([0])), /empty frame/)
    assert.throws(() => new FrameReader(2 ** 40).push(new Uint8Array(6).fill(0x80)), /length prefix longer/)
    const raised = new FrameReader(100)
    raised.maxFrameBytes = 101
    assert.equal(raised.push(rawFrame(101)).length, 1)
  })
})

describe('FrameChannel over a stream pair', () => {
  it('carries frames both ways, in order', async () => {
    const [near, far] = await channelPair()
    assert.ok(near.send(ack(1)) && near.send(ack(2)))
    assert.ok(far.send(ack(3)))
    assert.deepEqual(await far.read(), ack(1))
    assert.deepEqual(await far.read(), ack(2))
    assert.deepEqual(await near.read(), ack(3))
  })

  it('codes Delivers against the stream, reads them back whole, and takes a refused one as never sent', async () => {
    const deliverOf = (seq: number, counter: number): Deliver => ({
      seq,
      sender: 2,
      counter,
      recipients: [],
      ciphertext: new Uint8Array(40).fill(seq),
      wrappedKey: new Uint8Array(0),
      signature: new Uint8Array(64),
      epoch: 1
    })
    const [near, far] = await channelPair({ maxOutboundQueue: 2 })
    const sent = [deliverOf(7, 1000), deliverOf(8, 2000)]
    for (const d of sent) assert.ok(near.sendDeliver(d, encodeDeliverCommon(d)))
    // The queue is full: this one is refused, and the next is coded as if it had never been tried.
    assert.equal(near.sendDeliver(deliverOf(9, 3000), encodeDeliverCommon(deliverOf(9, 3000))), false)
    for (const d of sent) assert.deepEqual(await far.read(), frame('deliver', d))
    const later = deliverOf(10, 4000)
    assert.ok(near.send(frame('deliver', later)))
    assert.deepEqual(await far.read(), frame('deliver', later))
  })

  it('a Deliver that does not follow what the stream carried aborts it rather than be coded wrong', async () => {
    const d: Deliver = {
      seq: 5,
      sender: 1,
      counter: 10,
      recipients: [],
      ciphertext: new Uint8Array(20),
      wrappedKey: new Uint8Array(0),
      signature: new Uint8Array(64),
      epoch: 1
    }
    const [near] = await channelPair()
    assert.ok(near.send(frame('deliver', d)))
    assert.equal(near.send(frame('deliver', { ...d, counter: 11 })), false)
    assert.equal(near.isClosed, true)
  })

  it('refuses a length over the limit before any of its body is buffered', async () => {
    const [near, far] = await channelPair({ maxFrameBytes: 100 })
    far.stream.send(encodeVarint(101))
    await assert.rejects(near.read(), FrameError)
    assert.equal(near.bufferedBytes, 0)
  })

  it('setFrameLimit raises the limit', async () => {
    const [near, far] = await channelPair({ maxFrameBytes: 64 })
    near.setFrameLimit(1024)
    far.send(refusalOf(200))
    assert.deepEqual(await near.read(), refusalOf(200))
  })

  it('refuses an empty frame and a prefix over five bytes', async () => {
    for (const junk of [new Uint8Array([0]), new Uint8Array(6).fill(0x80)]) {
      const [near, far] = await channelPair()
      far.stream.send(junk)
      await assert.rejects(near.read(), FrameError)
    }
  })

  it('refuses a peer more than twice the frame limit ahead of the reader', async () => {
    const [near, far] = await channelPair({ maxFrameBytes: 100 })
    const arrived = arrival(near.stream)
    far.stream.send(concat([rawFrame(90), rawFrame(90)]))
    await arrived
    assert.equal(near.bufferedBytes, 180, 'two frames ahead of the reader are within the bound')
    const third = arrival(near.stream)
    far.stream.send(rawFrame(90))
    await third
    assert.equal(near.bufferedBytes, 0, 'what was held is dropped')
    await assert.rejects(near.read(), /further ahead of the reader than it may/)
  })

  it('reads 1024 unread frames, and refuses 1025', async () => {
    const [near, far] = await channelPair()
    far.stream.send(concat(Array.from({ length: 1024 }, (_, i) => lengthPrefixed(encodeFrame(ack(i + 1))))))
    for (let i = 1; i <= 1024; i++) assert.deepEqual(await near.read(), ack(i))
    const [flooded, flooder] = await channelPair()
    flooder.stream.send(concat(Array.from({ length: 1025 }, () => rawFrame(1))))
    await assert.rejects(flooded.read(), /further ahead of the reader than it may/)
  })

  it('before admission holds 8 unread frames, refuses a 9th, and 8 one-byte frames cost a stream little', async (t) => {
    const handshake = {
      maxFrameBytes: MAX_HANDSHAKE_FRAME_BYTES,
      maxUnreadFrames: MAX_HANDSHAKE_UNREAD_FRAMES
    }
    const [flooded, flooder] = await channelPair(handshake)
    flooder.stream.send(concat(Array.from({ length: MAX_HANDSHAKE_UNREAD_FRAMES + 1 }, () => rawFrame(1))))
    await assert.rejects(flooded.read(), /further ahead of the reader than it may/)
    // What a stranger's streams can hold within the bound, measured: 100 of them, each sent as many
    // one-byte frames as it may keep unread (in 1024, each frame's bookkeeping cost ~330 bytes).
    const heldBy = async (frames: number, limits: typeof handshake | Record<string, never>) => {
      const pairs = await Promise.all(Array.from({ length: 100 }, () => channelPair(limits)))
      const before = await heapUsed()
      await Promise.all(
        pairs.map(async ([near, far]) => {
          const arrived = arrival(near.stream)
          far.stream.send(concat(Array.from({ length: frames }, () => rawFrame(1))))
          await arrived
          assert.equal(near.bufferedBytes, frames, 'all held unread')
        })
      )
      const perStream = ((await heapUsed()) - before) / pairs.length
      for (const [near, far] of pairs) {
        near.abort(new Error('done'))
        far.abort(new Error('done'))
      }
      return perStream
    }
    const handshakeBound = await heldBy(MAX_HANDSHAKE_UNREAD_FRAMES, handshake)
    const memberBound = await heldBy(MAX_UNREAD_FRAMES, {})
    t.diagnostic(
      `held per stream: ${Math.round(handshakeBound)} bytes in 8 frames, ${Math.round(memberBound)} in 1024`
    )
    assert.ok(
      handshakeBound < 8 * 1024,
      `a stream before admission held ${Math.round(handshakeBound)} bytes of bookkeeping`
    )
  })

  it('a refused channel drops what the peer sends after', async () => {
    const [near, far] = await channelPair()
    far.stream.send(new Uint8Array([0]))
    const refusal = await near.read().catch((err: unknown) => err)
    assert.ok(refusal instanceof FrameError)
    const arrived = arrival(near.stream)
    far.send(ack(1))
    await arrived
    assert.equal(near.bufferedBytes, 0)
    await assert.rejects(near.read(), (err) => err === refusal)
  })

  it('a full outbound queue, in frames or in bytes, refuses the frame and calls onOverflow', async () => {
    let overflows = 0
    const onOverflow = () => overflows++
    const [byCount, countPeer] = await channelPair({ maxOutboundQueue: 2, onOverflow })
    assert.deepEqual([byCount.send(ack(1)), byCount.send(ack(2)), byCount.send(ack(3))], [true, true, false])
    assert.equal(overflows, 1)
    assert.deepEqual(await countPeer.read(), ack(1))
    assert.deepEqual(await countPeer.read(), ack(2))
    const [byBytes] = await channelPair({ maxOutboundBytes: 100, onOverflow })
    assert.deepEqual([byBytes.send(refusalOf(60)), byBytes.send(refusalOf(60))], [true, false])
    assert.equal(overflows, 2)
  })

  it('close() sends what is queued, then aborts the stream', async () => {
    const [near, far] = await channelPair()
    for (let i = 1; i <= 3; i++) near.send(ack(i))
    await near.close()
    assert.ok(near.isClosed)
    assert.equal(near.send(ack(4)), false)
    for (let i = 1; i <= 3; i++) assert.deepEqual(await far.read(), ack(i))
    await assert.rejects(far.read())
  })
})
