import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { type Pushable, pushable } from 'it-pushable'
import { MAX_FRAME_BYTES } from '../protocol/constants.js'
import { type AnyFrame, decodeFrame, encodeFrame, FrameError } from '../protocol/frame.js'
import { MAX_OUTBOUND_BYTES, MAX_OUTBOUND_QUEUE } from './constants.js'

export interface ChannelOptions {
  maxFrameBytes?: number
  maxOutboundQueue?: number
  /** Bytes waiting for one peer at most; frames can be large, so their count alone does not bound memory. */
  maxOutboundBytes?: number
  /** Called once when the outbound queue overflows: the peer is not reading. */
  onOverflow?: () => void
}

const OVERSIZE_ERRORS = new Set([
  'InvalidDataLengthError',
  'InvalidDataLengthLengthError',
  'InvalidMessageLengthError'
])

/**
 * One `/securechat/1.0.0` stream as a sequence of validated frames. Reads are bounded by the frame
 * limit (checked on the length prefix, before buffering); writes go through a single queue so frames
 * from many producers never interleave, and a peer that stops reading is cut off, not buffered forever.
 */
export class FrameChannel {
  readonly stream: Stream
  private readonly lp: ReturnType<typeof lpStream<Stream>>
  private readonly outbound: Pushable<Uint8Array>
  private readonly maxOutboundQueue: number
  private readonly maxOutboundBytes: number
  private queuedBytes = 0
  private queuedFrames = 0
  private readonly onOverflow: (() => void) | undefined
  private readonly writer: Promise<void>
  private closed = false

  constructor(stream: Stream, options: ChannelOptions = {}) {
    this.stream = stream
    this.lp = lpStream(stream, { maxDataLength: options.maxFrameBytes ?? MAX_FRAME_BYTES })
    this.maxOutboundQueue = options.maxOutboundQueue ?? MAX_OUTBOUND_QUEUE
    this.maxOutboundBytes = options.maxOutboundBytes ?? MAX_OUTBOUND_BYTES
    this.onOverflow = options.onOverflow
    this.outbound = pushable()
    this.writer = this.drainOutbound()
  }

  /** Reads the next frame; throws `FrameError` on a bad one and the stream's error when it ends. */
  async read(signal?: AbortSignal): Promise<AnyFrame> {
    let bytes: Awaited<ReturnType<typeof this.lp.read>>
    try {
      bytes = await this.lp.read({ signal })
    } catch (err) {
      // A length prefix past the limit is the peer's fault, not a broken connection: say so.
      if (OVERSIZE_ERRORS.has((err as Error).name)) throw new FrameError('a frame exceeds the size limit')
      throw err
    }
    return decodeFrame(bytes)
  }

  /** Queues a frame; never blocks the caller. Returns false when the channel is closed or full. */
  send(frame: AnyFrame): boolean {
    return this.sendEncoded(encodeFrame(frame))
  }

  /** Queues a frame already encoded (by `encodeFrame` or `encodeDeliverFrames`); same limits as `send`. */
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

  /** Sends what is queued, then closes the write side; aborts if that takes longer than the signal. */
  async close(signal?: AbortSignal): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.outbound.end()
    try {
      await raceAbort(this.writer, signal)
      await this.stream.close({ signal })
    } catch (err) {
      this.stream.abort(err as Error)
    }
  }

  abort(err: Error): void {
    this.closed = true
    this.outbound.end()
    this.stream.abort(err)
  }

  get isClosed(): boolean {
    return this.closed || this.stream.status !== 'open'
  }

  private async drainOutbound(): Promise<void> {
    try {
      for await (const bytes of this.outbound) {
        this.queuedBytes -= bytes.byteLength
        this.queuedFrames--
        await this.lp.write(bytes)
      }
    } catch (err) {
      this.closed = true
      this.stream.abort(err as Error)
    }
  }
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
