/**
 * @module The frames waiting to be written to one stream, handed out in batches: every frame queued
 * while the event loop finishes its current turn goes out in one write. A host relaying many messages
 * at once then pays one muxer frame, one Noise message and one socket write per member and turn,
 * not per frame; a lone frame waits only for the end of the turn that queued it.
 */
import type { ConnectionLimits } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { encodeVarint } from '../protocol/bytes.js'

/** Plaintext bytes a Noise transport message carries: 65 535 in all, less its 16-byte tag (Noise §3). */
const NOISE_PLAINTEXT_BYTES = 65_535 - 16
/** The header Yamux puts in front of the bytes of every data frame. */
const YAMUX_HEADER_BYTES = 12

/**
 * Bytes written at once at most, length prefixes included (a larger frame goes alone): a full batch
 * and its Yamux header fill one Noise message, not one and a few hundred bytes of a second (a plain
 * 64 KiB, with a burst of ~100-byte Delivers and their prefixes, came to ~66 150 bytes: two Noise
 * messages, two tags and two encryptions for every full batch). Enough to gather a burst of small
 * frames, small enough that one write never holds the stream long.
 */
export const WRITE_BATCH_BYTES = NOISE_PLAINTEXT_BYTES - YAMUX_HEADER_BYTES
/** The smallest batch on a connection whose bytes a relay limits (see `writeBatchBytes`). */
export const MIN_LIMITED_WRITE_BATCH_BYTES = 2048
/** On such a connection a batch is at most this fraction of what the relay lets through. */
const LIMITED_WRITE_BATCH_SHARE = 16n

/**
 * The batch size for a connection. A relay that limits a connection's bytes cuts it mid-write, and
 * what the receiver got of a cut Noise message is lost whole: with batches as large as the limit, a
 * backlog replayed on every resume would be cut at the same place every time and never get through.
 * With batches a small share of the limit, each connection carries many whole ones before its cut.
 */
export function writeBatchBytes(limits: ConnectionLimits | undefined): number {
  if (limits?.bytes === undefined) return WRITE_BATCH_BYTES
  const share = Number(limits.bytes / LIMITED_WRITE_BATCH_SHARE)
  return Math.min(WRITE_BATCH_BYTES, Math.max(MIN_LIMITED_WRITE_BATCH_BYTES, share))
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export class WriteBatch {
  /** Bytes written at once at most; a larger frame goes alone. @default WRITE_BATCH_BYTES */
  readonly maxBytes: number
  private readonly pending: Uint8Array[] = []
  private ended = false
  private wake: (() => void) | undefined

  constructor(maxBytes: number = WRITE_BATCH_BYTES) {
    this.maxBytes = maxBytes
  }

  /** Queues one encoded frame (its length prefix is added here). */
  push(frame: Uint8Array): void {
    this.pending.push(frame)
    this.wake?.()
  }

  /** No more frames: the batches end once what is queued has been handed out. */
  end(): void {
    this.ended = true
    this.wake?.()
  }

  /**
   * No more frames, and those queued are dropped: the stream is gone (aborted, or failed), so they
   * would only be tried on it in vain, and kept (up to the channel's 32 MiB) until the channel goes.
   */
  clear(): void {
    this.pending.length = 0
    this.end()
  }

  /** Length-prefixed frames, a batch per write, with how many frames and bytes each takes off the queue. */
  async *batches(): AsyncGenerator<{ data: Uint8ArrayList; frames: number; bytes: number }> {
    for (;;) {
      if (this.pending.length === 0) {
        if (this.ended) return
        await new Promise<void>((resolve) => {
          this.wake = resolve
        })
        this.wake = undefined
        continue
      }
      // Whatever else this turn queues rides along.
      if (!this.ended) await nextTurn()
      const data = new Uint8ArrayList()
      let frames = 0
      let bytes = 0
      while (this.pending.length > 0) {
        const frame = this.pending[0] as Uint8Array
        const prefix = encodeVarint(frame.byteLength)
        // The limit is on what is written, prefixes and all; `bytes` counts frames as the queue does.
        if (frames > 0 && data.byteLength + prefix.byteLength + frame.byteLength > this.maxBytes) break
        this.pending.shift()
        data.append(prefix, frame)
        frames++
        bytes += frame.byteLength
      }
      // Dropped while this turn ended (`clear`): nothing is written.
      if (frames === 0) continue
      yield { data, frames, bytes }
    }
  }
}
