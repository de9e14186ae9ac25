/**
 * @module One `/securechat/file/1.0.0` stream as frames: read with a bound on what is held (the stream
 * is paused, so the muxer stops opening its window, once one frame waits unread), written with the
 * stream's own backpressure (a frame waits for `drain` before the next goes), ended with a reason.
 */
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { encodeVarint } from '../protocol/bytes.js'
import { MAX_FILE_FRAME_BYTES } from '../protocol/constants.js'
import {
  type AnyFileFrame,
  chunkFrameHeader,
  decodeFileFrame,
  encodeFileFrame,
  type FileFrameKind,
  type FileFrameOf,
  fileFrame,
  splitChunkFrame
} from '../protocol/file-frame.js'
import { FrameError } from '../protocol/frame.js'
import { describeReason } from '../protocol/reasons.js'
import { Reason } from '../protocol/wire/securechat.js'
import { StreamEndedError, TransferError } from './errors.js'
import { FrameLimitError, FrameReader } from './frame-reader.js'
import { wakeUp } from './wake-up.js'

/**
 * Unread bytes past which the stream is paused: two whole frames, so the next is already here when
 * one is taken. What the muxer already let the peer send still arrives (its window), and is held.
 */
const PAUSE_AT_BYTES = 2 * MAX_FILE_FRAME_BYTES

export class FileStream {
  readonly stream: Stream
  private readonly reader = new FrameReader(MAX_FILE_FRAME_BYTES)
  private readonly inbox: Uint8ArrayList[] = []
  private inboxBytes = 0
  private failure: Error | undefined
  private ended = false
  private wake: (() => void) | undefined

  constructor(stream: Stream) {
    this.stream = stream
    stream.addEventListener('message', this.onMessage)
    stream.addEventListener('remoteCloseWrite', this.onEnd)
    stream.addEventListener('close', this.onClose)
  }

  /** Bytes received and not yet read: bounded by the pause and the muxer's window. */
  get bufferedBytes(): number {
    return this.inboxBytes + this.reader.pendingBytes
  }

  /** The next frame; a `FileEnd` from the peer is thrown as the `TransferError` it carries. */
  async read(signal?: AbortSignal): Promise<AnyFileFrame> {
    for (;;) {
      const next = this.inbox.shift()
      if (next !== undefined) {
        this.inboxBytes -= next.byteLength
        this.resumeIfDrained()
        const frame = decodeFileFrame(next)
        if (frame.kind === 'end') throw new TransferError(frame.body.reason, frame.body.message)
        return frame
      }
      if (this.failure !== undefined) throw this.failure
      if (this.ended) throw new StreamEndedError('the file stream ended')
      this.resumeIfDrained()
      await this.arrival(signal)
    }
  }

  private arrival(signal?: AbortSignal): Promise<void> {
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

  /**
   * The next frame, which must be a chunk, its sealed bytes left in the pieces they came in (the host
   * spools and forwards them, never opens them). A frame in any other encoding is decoded in full.
   */
  async readChunk(signal?: AbortSignal): Promise<{ index: number; sealed: Uint8Array | Uint8ArrayList }> {
    for (;;) {
      const next = this.inbox[0]
      if (next !== undefined) {
        const split = splitChunkFrame(next)
        if (split === undefined) return (await this.expect('chunk', signal)).body
        this.inbox.shift()
        this.inboxBytes -= next.byteLength
        this.resumeIfDrained()
        return split
      }
      if (this.failure !== undefined) throw this.failure
      if (this.ended) throw new StreamEndedError('the file stream ended')
      this.resumeIfDrained()
      await this.arrival(signal)
    }
  }

  /** The next frame, which must be of `kind`; another is a protocol error. */
  async expect<K extends FileFrameKind>(kind: K, signal?: AbortSignal): Promise<FileFrameOf<K>> {
    const frame = await this.read(signal)
    if (frame.kind !== kind)
      throw new FrameError(`expected ${kind}, got ${frame.kind}`, Reason.UNEXPECTED_FRAME)
    return frame as FileFrameOf<K>
  }

  /** Writes one frame; resolves once the stream can take the next (its send buffer drained). */
  async write(frame: AnyFileFrame, signal?: AbortSignal): Promise<void> {
    const body = encodeFileFrame(frame)
    await this.sendFrame(new Uint8ArrayList(encodeVarint(body.byteLength), body), signal)
  }

  /** Writes one chunk frame, its sealed bytes sent as they are (never copied into a frame). */
  async writeChunk(index: number, sealed: Uint8Array | Uint8ArrayList, signal?: AbortSignal): Promise<void> {
    const header = chunkFrameHeader(index, sealed.byteLength)
    const prefix = encodeVarint(header.byteLength + sealed.byteLength)
    await this.sendFrame(new Uint8ArrayList(prefix, header, sealed), signal)
  }

  /**
   * Sends a frame and waits until the stream's own buffer has let it go. The stream's `drain` comes
   * with every window update, even one that lets only part of what waits through, so waiting for it
   * alone lets a fast writer pile up a whole file in its buffer: `idle` (the buffer empty) is the
   * signal that holds it to one frame queued.
   */
  private async sendFrame(frame: Uint8ArrayList, signal?: AbortSignal): Promise<void> {
    if (this.stream.status !== 'open' || this.stream.writeStatus !== 'writable') {
      throw this.failure ?? new StreamEndedError('the file stream is closed')
    }
    if (this.stream.send(frame) && this.stream.writeBufferLength === 0) return
    await wakeUp(
      (wake) => {
        this.stream.addEventListener('idle', wake, { once: true })
        this.stream.addEventListener('close', wake, { once: true })
      },
      (wake) => {
        this.stream.removeEventListener('idle', wake)
        this.stream.removeEventListener('close', wake)
      },
      signal
    )
    if (this.stream.status !== 'open') throw this.failure ?? new StreamEndedError('the file stream closed')
  }

  /**
   * Tells the peer why the transfer (or this copy) ends, then closes; a peer that does not take it in
   * time is cut off. Never throws.
   */
  async end(reason: Reason, message = describeReason(reason)): Promise<void> {
    const signal = AbortSignal.timeout(2000)
    try {
      await this.write(fileFrame('end', { reason, message: message.slice(0, 256) }), signal)
      await this.stream.close({ signal })
    } catch {
      this.stream.abort(new TransferError(reason, message))
    }
  }

  /** Closes the writing side after the last frame, waiting for it to be taken. Never throws. */
  async close(): Promise<void> {
    try {
      await this.stream.close({ signal: AbortSignal.timeout(2000) })
    } catch {
      this.stream.abort(new StreamEndedError('closed'))
    }
  }

  abort(err: Error): void {
    this.stream.abort(err)
  }

  private resumeIfDrained(): void {
    if (this.stream.readStatus === 'paused' && this.bufferedBytes < PAUSE_AT_BYTES) this.stream.resume()
  }

  private readonly onMessage = (event: StreamMessageEvent): void => {
    if (this.failure !== undefined) return
    try {
      for (const bytes of this.reader.push(event.data)) {
        this.inbox.push(bytes)
        this.inboxBytes += bytes.byteLength
      }
    } catch (err) {
      this.failure = new FrameError(
        err instanceof FrameLimitError ? err.message : 'a file frame is too large'
      )
      this.inbox.length = 0
      this.inboxBytes = 0
      this.reader.clear()
      this.stream.abort(this.failure)
    }
    // Paused after the event, never inside it: `resume()` hands over what it held by these very events and
    // re-opens the muxer's window after them, which would undo a pause made meanwhile.
    if (this.bufferedBytes >= PAUSE_AT_BYTES) queueMicrotask(this.pauseIfFull)
    this.wake?.()
  }

  private readonly pauseIfFull = (): void => {
    if (this.bufferedBytes >= PAUSE_AT_BYTES && this.stream.readStatus === 'readable') this.stream.pause()
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
}

/** A `TransferError` for `reason`, with its description unless a message is given. */
export function transferError(reason: Reason, message = describeReason(reason)): TransferError {
  return new TransferError(reason, message)
}
