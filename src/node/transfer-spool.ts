/**
 * @module The host's copy of a file in transit: its sealed chunks (which the host cannot open) written
 * to a 0600 file as they arrive, and read back by each receiver at its own pace, from any chunk. A slow
 * receiver then slows only its own copy, one that comes back resumes where it stopped, and the host
 * holds in memory no more than the chunk each reader is sending.
 */
import { constants } from 'node:fs'
import { type FileHandle, mkdir, unlink } from 'node:fs/promises'
import type { Uint8ArrayList } from 'uint8arraylist'
import { chunkCount, chunkLength, FILE_CHUNK_BYTES, FILE_CHUNK_TAG_BYTES } from '../protocol/file-chunks.js'
import { FileSaveError } from './errors.js'
import { openPrivateTemporary, systemCode } from './private-files.js'
import { wakeUp } from './wake-up.js'

/** Bytes a sealed chunk takes in the spool: every chunk has its full-size slot, the last one too. */
const SLOT_BYTES = FILE_CHUNK_BYTES + FILE_CHUNK_TAG_BYTES
/**
 * The latest chunks are also kept in memory (1 MiB of them): readers keeping pace with the upload,
 * the usual case, are served without reading the disk back.
 */
const RECENT_CHUNKS = 4

export class TransferSpool {
  /** The file's size as its upload declared it; the chunks' lengths must fit it. */
  readonly size: number
  readonly count: number
  private readonly path: string
  private file: FileHandle | undefined
  private received = 0
  private readonly recent = new Map<number, Uint8Array | Uint8ArrayList>()
  private ended: Error | undefined
  private readonly waiters = new Set<() => void>()

  private constructor(path: string, file: FileHandle, size: number) {
    this.path = path
    this.file = file
    this.size = size
    this.count = chunkCount(size)
  }

  /** A new spool file in `folder` for a file of `size` bytes. */
  static async create(folder: string, size: number): Promise<TransferSpool> {
    await mkdir(folder, { recursive: true, mode: 0o700 })
    const { path, file } = await openPrivateTemporary(folder, 'securechat-transfer', constants.O_RDWR)
    return new TransferSpool(path, file, size)
  }

  /** Chunks held so far (they arrive in order, from 0). */
  get chunksIn(): number {
    return this.received
  }

  get complete(): boolean {
    return this.received === this.count
  }

  /**
   * Keeps the next chunk. It must be the next in order and as long as its place in the file calls for
   * (sealed: plaintext and tag); anything else is refused, and the spool is left as it was.
   */
  async append(index: number, sealed: Uint8Array | Uint8ArrayList): Promise<void> {
    const file = this.open()
    if (index !== this.received)
      throw new FileSaveError('EORDER', `chunk ${index} came, ${this.received} was due`)
    if (index >= this.count || sealed.byteLength !== chunkLength(this.size, index) + FILE_CHUNK_TAG_BYTES) {
      throw new FileSaveError('ESIZE', `chunk ${index} does not fit a file of ${this.size} bytes`)
    }
    try {
      const pieces = sealed instanceof Uint8Array ? [sealed] : [...sealed]
      await file.writev(pieces, index * SLOT_BYTES)
    } catch (err) {
      throw new FileSaveError(systemCode(err), `cannot spool the file: ${(err as Error).message}`)
    }
    this.recent.set(index, sealed)
    this.recent.delete(index - RECENT_CHUNKS)
    this.received++
    this.wakeAll()
  }

  /**
   * Chunk `index`, once it has come: a reader ahead of the upload waits for it. Rejects when the
   * transfer ends without it (cancelled, failed) or `signal` aborts.
   */
  async read(index: number, signal?: AbortSignal): Promise<Uint8Array | Uint8ArrayList> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.count) {
      throw new FileSaveError('ESIZE', `a file of ${this.size} bytes has no chunk ${index}`)
    }
    while (index >= this.received) {
      this.open()
      await this.arrival(signal)
    }
    const file = this.open()
    const kept = this.recent.get(index)
    if (kept !== undefined) return kept
    const length = chunkLength(this.size, index) + FILE_CHUNK_TAG_BYTES
    const out = new Uint8Array(length)
    const { bytesRead } = await file.read(out, 0, length, index * SLOT_BYTES)
    if (bytesRead !== length) throw new FileSaveError('EIO', `chunk ${index} could not be read back`)
    return out
  }

  /** Ends the transfer: readers still waiting are told `reason`, and the spool file is removed. */
  async end(reason: Error): Promise<void> {
    this.ended ??= reason
    this.recent.clear()
    this.wakeAll()
    const file = this.file
    this.file = undefined
    await file?.close().catch(() => {})
    await unlink(this.path).catch(() => {})
  }

  private open(): FileHandle {
    if (this.ended !== undefined) throw this.ended
    if (this.file === undefined) throw new FileSaveError('ECLOSED', 'the transfer has ended')
    return this.file
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake()
  }

  private arrival(signal?: AbortSignal): Promise<void> {
    return wakeUp(
      (wake) => this.waiters.add(wake),
      (wake) => this.waiters.delete(wake),
      signal
    )
  }
}
