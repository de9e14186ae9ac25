/**
 * @module One `/securechat/2.3.0` stream as a sequence of validated frames, with every buffer bounded.
 */
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import { MAX_FRAME_BYTES, MAX_UNREAD_FRAMES, READ_AHEAD_FRAME_LIMITS } from '../protocol/constants.js'
import { DeliverDecoder, DeliverEncoder, type DeliverHead } from '../protocol/deliver-coding.js'
import {
  type AnyFrame,
  decodeFrame,
  encodeDeliverCommon,
  encodeDeliverFrame,
  encodeFrame,
  FrameError
} from '../protocol/frame.js'
import { MAX_OUTBOUND_BYTES, MAX_OUTBOUND_QUEUE } from './constants.js'
import { StreamEndedError } from './errors.js'
import { FrameLimitError, FrameReader } from './frame-reader.js'
import { wakeUp } from './wake-up.js'
import { WRITE_BATCH_BYTES, WriteBatch } from './write-batch.js'

export interface ChannelOptions {
  /**
   * Largest frame read; a longer length prefix is refused before its body is buffered. The host
   * starts a stream at the small handshake limit and raises it once the peer is a member.
   * @default MAX_FRAME_BYTES
   */
  maxFrameBytes?: number
  /** Whole frames held received and unread at most; the host's are fewer before admission. @default MAX_UNREAD_FRAMES */
  maxUnreadFrames?: number
  /** Frames waiting to be written at most. @default MAX_OUTBOUND_QUEUE */
  maxOutboundQueue?: number
  /** Bytes waiting for one peer at most; frames can be large, so their count alone does not bound memory. @default MAX_OUTBOUND_BYTES */
  maxOutboundBytes?: number
  /** Called once when the outbound queue overflows: the peer is not reading. */
  onOverflow?: () => void
  /** Bytes written at once at most (`writeBatchBytes` of the stream's connection). @default WRITE_BATCH_BYTES */
  maxWriteBytes?: number
}

/**
 * Reads are bounded by the frame limit (checked on the length prefix, before buffering) and by the
 * bytes held unread (the transport acknowledges data on arrival, so nothing else bounds what a peer
 * can push); a peer past either is refused and the stream aborted. Writes go through one queue so
 * frames from many producers never interleave (gathered into one write per turn of the event loop), and a peer that stops reading is cut off, not
 * buffered for without bound.
 */
export class FrameChannel {
  readonly stream: Stream
  private readonly reader: FrameReader
  private maxBuffered = 0
  private maxUnread = MAX_UNREAD_FRAMES
  private readonly inbox: Uint8ArrayList[] = []
  private inboxBytes = 0
  private failure: Error | undefined
  private ended = false
  private wake: (() => void) | undefined
  private readonly outbound: WriteBatch
  /** Delivers are coded against the ones before them on this stream, each way (protocol 2.3.0). */
  private readonly deliveriesOut = new DeliverEncoder()
  private readonly deliveriesIn = new DeliverDecoder()
  private readonly maxOutboundQueue: number
  private readonly maxOutboundBytes: number
  private queuedBytes = 0
  private queuedFrames = 0
  private readonly onOverflow: (() => void) | undefined
  private readonly writer: Promise<void>
  private closed = false

  constructor(stream: Stream, options: ChannelOptions = {}) {
    this.stream = stream
    this.reader = new FrameReader(MAX_FRAME_BYTES)
    this.setFrameLimit(options.maxFrameBytes ?? MAX_FRAME_BYTES, options.maxUnreadFrames)
    this.maxOutboundQueue = options.maxOutboundQueue ?? MAX_OUTBOUND_QUEUE
    this.maxOutboundBytes = options.maxOutboundBytes ?? MAX_OUTBOUND_BYTES
    this.onOverflow = options.onOverflow
    this.outbound = new WriteBatch(options.maxWriteBytes ?? WRITE_BATCH_BYTES)
    stream.addEventListener('message', this.onMessage)
    stream.addEventListener('remoteCloseWrite', this.onEnd)
    stream.addEventListener('close', this.onClose)
    this.writer = this.drainOutbound()
  }

  /** Changes the largest frame this channel reads (and so the bytes it may hold unread), and how many frames. */
  setFrameLimit(maxFrameBytes: number, maxUnreadFrames = MAX_UNREAD_FRAMES): void {
    this.reader.maxFrameBytes = maxFrameBytes
    this.maxBuffered = READ_AHEAD_FRAME_LIMITS * maxFrameBytes
    this.maxUnread = maxUnreadFrames
  }

  /** The bytes received and not yet read: what this stream costs the reader now. */
  get bufferedBytes(): number {
    return this.inboxBytes + this.reader.pendingBytes
  }

  /** Reads the next frame; throws `FrameError` on a bad one and `StreamEndedError` when the stream ends. */
  async read(signal?: AbortSignal): Promise<AnyFrame> {
    for (;;) {
      const next = this.inbox.shift()
      if (next !== undefined) {
        this.inboxBytes -= next.byteLength
        const received = decodeFrame(next)
        if (received.kind === 'deliver') received.body = this.deliveriesIn.decode(received.body)
        return received
      }
      if (this.failure !== undefined) throw this.failure
      if (this.ended) throw new StreamEndedError('the stream ended')
      await this.nextArrival(signal)
    }
  }

  /** Queues a frame; never blocks the caller. Returns false when the channel is closed or full. */
  send(frame: AnyFrame): boolean {
    if (frame.kind === 'deliver') {
      return this.sendDeliver(frame.body, encodeDeliverCommon(frame.body), frame.body.wrappedKey)
    }
    return this.sendEncoded(encodeFrame(frame))
  }

  /**
   * Queues a Deliver whose fields common to all its recipients are already encoded
   * (`encodeDeliverCommon`, once per message), coded for this stream, with this recipient's own
   * `wrappedKey` (none under a sender key); same limits as `send`. One that
   * cannot follow what this stream carried (never, in the room's one order) aborts the stream: the
   * member resumes and the backlog replays it on a new one.
   */
  sendDeliver(deliver: DeliverHead, common: Uint8Array, wrappedKey?: Uint8Array): boolean {
    if (this.closed) return false
    let coded: ReturnType<DeliverEncoder['code']>
    try {
      coded = this.deliveriesOut.code(deliver)
    } catch (err) {
      this.abort(err as Error)
      return false
    }
    if (!this.sendEncoded(encodeDeliverFrame(common, coded, wrappedKey))) return false
    this.deliveriesOut.sent(deliver)
    return true
  }

  /** Queues a frame already encoded by `encodeFrame`, never a Deliver (see `sendDeliver`); same limits as `send`. */
  sendEncoded(bytes: Uint8Array): boolean {
    if (this.closed) return false
    if (
      this.queuedFrames >= this.maxOutboundQueue ||
      this.queuedBytes + bytes.byteLength > this.maxOutboundBytes
    ) {
      this.onOverflow?.()
      return false
    }
    this.queuedBytes += bytes.byteLength
    this.queuedFrames++
    this.outbound.push(bytes)
    return true
  }

  /**
   * Sends what is queued and closes the write side, then aborts the stream: nothing more is read from a
   * stream this side is done with, so a peer cannot keep it open by writing into it. Aborts at once if
   * the flush takes longer than the signal allows.
   */
  async close(signal?: AbortSignal): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.outbound.end()
    try {
      await raceAbort(this.writer, signal)
      await this.stream.close({ signal })
    } catch {
      // The peer did not take the last frames in time; the abort below ends it either way.
    }
    this.stream.abort(new StreamEndedError('closed'))
  }

  abort(err: Error): void {
    this.closed = true
    // Nothing queued can be written to an aborted stream: dropped now, not tried and kept.
    this.outbound.clear()
    this.stream.abort(err)
  }

  get isClosed(): boolean {
    return this.closed || this.stream.status !== 'open'
  }

  private readonly onMessage = (event: StreamMessageEvent): void => {
    if (this.failure !== undefined) return
    try {
      for (const frameBytes of this.reader.push(event.data)) {
        this.inbox.push(frameBytes)
        this.inboxBytes += frameBytes.byteLength
      }
      if (this.bufferedBytes > this.maxBuffered || this.inbox.length > this.maxUnread) {
        throw new FrameLimitError('the peer sent further ahead of the reader than it may')
      }
    } catch (err) {
      this.fail(
        new FrameError(err instanceof FrameLimitError ? err.message : 'a frame exceeds the size limit')
      )
    }
    this.wake?.()
  }

  private readonly onEnd = (): void => {
    this.ended = true
    this.wake?.()
  }

  private readonly onClose = (event: StreamCloseEvent): void => {
    this.ended = true
    if (event.error !== undefined && this.failure === undefined) this.failure = event.error
    this.wake?.()
  }

  /**
   * Refuses what the peer sent: what was buffered is dropped, and so is everything it sends from now
   * on, while the reader (which gets `err`) says why and closes the stream.
   */
  private fail(err: FrameError): void {
    this.failure = err
    this.inbox.length = 0
    this.inboxBytes = 0
    this.reader.clear()
  }

  private nextArrival(signal?: AbortSignal): Promise<void> {
    return wakeUp(
      (wake) => {
        this.wake = wake
      },
      () => {
        this.wake = undefined
      },
      signal
    )
  }

  private async drainOutbound(): Promise<void> {
    try {
      for await (const batch of this.outbound.batches()) {
        this.queuedBytes -= batch.bytes
        this.queuedFrames -= batch.frames
        if (!this.stream.send(batch.data)) await drained(this.stream)
      }
    } catch (err) {
      this.closed = true
      this.outbound.clear()
      this.stream.abort(err as Error)
    }
  }
}

/** Resolves when the stream can take more, rejects when it closes first. */
function drained(stream: Stream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      stream.removeEventListener('close', onClose)
      resolve()
    }
    const onClose = (): void => {
      stream.removeEventListener('drain', onDrain)
      reject(new StreamEndedError('the stream closed while writing'))
    }
    stream.addEventListener('drain', onDrain, { once: true })
    stream.addEventListener('close', onClose, { once: true })
  })
}

function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return promise
  signal.throwIfAborted()
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
