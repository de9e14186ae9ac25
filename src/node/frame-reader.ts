/**
 * @module Splitting a byte stream into length-prefixed frames, with limits that can change midway.
 */
import { Uint8ArrayList } from 'uint8arraylist'

/** A varint length prefix is at most this long for any frame size a securechat peer accepts. */
const MAX_PREFIX_BYTES = 5

/** Thrown when the peer goes past a limit; the caller refuses the stream. */
export class FrameLimitError extends Error {
  static override readonly name: string = 'FrameLimitError'
  override name = 'FrameLimitError'
}

/**
 * Collects incoming chunks and yields whole frames (unsigned-varint length, then that many bytes, as
 * libp2p's `lpStream` writes them). A length over `maxFrameBytes` is refused as soon as its prefix is
 * read, before any of its body is kept; the bytes held for a partial frame never exceed it either.
 * `@libp2p/utils`'s decoder does the same with limits fixed at construction; the host needs to raise
 * them once a stranger becomes a member.
 */
export class FrameReader {
  maxFrameBytes: number
  private readonly buffer = new Uint8ArrayList()

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes
  }

  /** Bytes held for a frame not yet complete. */
  get pendingBytes(): number {
    return this.buffer.byteLength
  }

  /** Appends a chunk and returns every frame it completes, in order. */
  push(chunk: Uint8Array | Uint8ArrayList): Uint8ArrayList[] {
    this.buffer.append(chunk)
    const frames: Uint8ArrayList[] = []
    for (;;) {
      const prefix = this.readPrefix()
      if (prefix === undefined) break
      const [length, prefixBytes] = prefix
      if (length > this.maxFrameBytes)
        throw new FrameLimitError(`a frame of ${length} bytes exceeds the limit`)
      // No frame is empty (each holds one message), and a stream of zero bytes would otherwise be a
      // stream of frames costing the reader one object per byte.
      if (length === 0) throw new FrameLimitError('an empty frame')
      if (this.buffer.byteLength < prefixBytes + length) break
      frames.push(this.buffer.sublist(prefixBytes, prefixBytes + length))
      this.buffer.consume(prefixBytes + length)
    }
    return frames
  }

  /** Forgets whatever is held (the stream is being refused). */
  clear(): void {
    this.buffer.consume(this.buffer.byteLength)
  }

  private readPrefix(): [length: number, prefixBytes: number] | undefined {
    let length = 0
    let scale = 1
    for (let i = 0; i < MAX_PREFIX_BYTES; i++) {
      if (i >= this.buffer.byteLength) return undefined
      const byte = this.buffer.get(i)
      length += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) return [length, i + 1]
      scale *= 128
    }
    throw new FrameLimitError('a length prefix longer than any allowed frame')
  }
}
