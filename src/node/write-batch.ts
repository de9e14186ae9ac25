/**
 * @module The frames waiting to be written to one stream, handed out in batches: every frame queued
 * while the event loop finishes its current turn goes out in one write. A host relaying many messages
 * at once then pays one muxer frame, one Noise message and one socket write per member and turn,
 * not per frame; a lone frame waits only for the end of the turn that queued it.
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { encodeVarint } from '../protocol/bytes.js'

/**
 * Bytes of frames gathered into one write at most (a larger frame goes alone): enough to gather a
 * burst of small frames, small enough that one write never holds the stream long.
 * @default 64 KiB
 */
export const WRITE_BATCH_BYTES = 64 * 1024

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export class WriteBatch {
  private readonly pending: Uint8Array[] = []
  private ended = false
  private wake: (() => void) | undefined

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
        if (frames > 0 && bytes + frame.byteLength > WRITE_BATCH_BYTES) break
        this.pending.shift()
        data.append(encodeVarint(frame.byteLength), frame)
        frames++
        bytes += frame.byteLength
      }
      yield { data, frames, bytes }
    }
  }
}
