/**
 * @module What a sender reads a file from: a path or a stream, cut into the chunks of the transfer
 * (256 KiB of plaintext each, the last shorter), never held whole, with its SHA-256 for the offer.
 */
import { createHash } from 'node:crypto'
import { constants, createReadStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { Readable } from 'node:stream'
import { Uint8ArrayList } from 'uint8arraylist'
import { chunkCount, FILE_CHUNK_BYTES, sealChunk } from '../protocol/file-chunks.js'
import { FileSaveError } from './errors.js'
import { openPrivateTemporary } from './private-files.js'

/** A file to send: a path, or any byte stream (whose size must then be given). */
export type FileInput = string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

/** The size and SHA-256 of a file at a path, read once through (for the offer, before sending). */
export async function describeFile(path: string): Promise<{ size: number; sha256: Uint8Array }> {
  const size = (await stat(path)).size
  const hash = createHash('sha256')
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer)
  return { size, sha256: new Uint8Array(hash.digest()) }
}

/** The bytes of a path or a stream, as they are read. */
export function bytesOf(input: FileInput): AsyncIterable<Uint8Array> {
  if (typeof input === 'string') return createReadStream(input)
  if (input instanceof ReadableStream)
    return Readable.fromWeb(input as import('node:stream/web').ReadableStream)
  return input
}

/**
 * The file's chunks in order, `index` from `fromChunk` (a path only: an upload resumed), each exactly
 * as long as its place in a `size`-byte file calls for. A source that ends early or runs long throws
 * `FileSaveError` (`ESIZE`): what was offered is what is sent, or nothing is.
 */
export async function* fileChunks(
  input: FileInput,
  size: number,
  fromChunk = 0
): AsyncGenerator<{ index: number; plaintext: Uint8Array }> {
  const count = chunkCount(size)
  const pending = new Uint8ArrayList()
  let index = fromChunk
  let read = fromChunk * FILE_CHUNK_BYTES
  if (fromChunk > 0 && typeof input !== 'string') {
    throw new FileSaveError('ESEEK', 'only a file at a path can be sent from a chunk other than the first')
  }
  const source = fromChunk > 0 ? createReadStream(input as string, { start: read }) : bytesOf(input)
  for await (const piece of source) {
    read += piece.byteLength
    if (read > size) throw new FileSaveError('ESIZE', `the file is longer than the ${size} bytes offered`)
    pending.append(piece)
    // The last chunk waits for the end: only then is it known to be the last.
    while (pending.byteLength >= FILE_CHUNK_BYTES && index < count - 1) {
      const plaintext = pending.subarray(0, FILE_CHUNK_BYTES)
      pending.consume(FILE_CHUNK_BYTES)
      yield { index: index++, plaintext }
    }
  }
  if (read !== size)
    throw new FileSaveError('ESIZE', `the file ended after ${read} of the ${size} bytes offered`)
  yield { index, plaintext: pending.subarray() }
}

/**
 * Chunks sealed before, by index (SHA-256 of each plaintext), kept across the attempts of one upload:
 * a chunk sealed again after a resume must be the same bytes, since it is sealed under the same key
 * and nonce (two plaintexts under one GCM nonce would give the XOR of them away, and the tag key).
 */
export class SealedBefore {
  private readonly digests = new Map<number, string>()
  private highest = -1

  /** Records chunk `index`'s plaintext; throws if that chunk was sealed before with other bytes. */
  check(index: number, plaintext: Uint8Array): void {
    const digest = createHash('sha256').update(plaintext).digest('hex')
    const before = this.digests.get(index)
    if (before === undefined && index <= this.highest) {
      throw new FileSaveError('ECHANGED', `chunk ${index} was sealed before and cannot be checked again`)
    }
    if (before !== undefined && before !== digest) {
      throw new FileSaveError('ECHANGED', 'the file changed on disk while it was being sent')
    }
    this.digests.set(index, digest)
    this.highest = Math.max(this.highest, index)
    // A resume starts at most a window's worth of chunks back: older digests are not needed.
    this.digests.delete(index - SEALED_DIGESTS_KEPT)
  }
}

/** Chunks a resumed upload may need to seal again, at most: a window and the chunk sealed ahead, with room. */
const SEALED_DIGESTS_KEPT = 64

/**
 * The file's chunks sealed, each sealed while the one before it is being sent (the cipher and the
 * stream overlap). `onSent` is told each chunk's plaintext length once the consumer has taken it;
 * `before` holds what earlier attempts of this upload sealed.
 */
export async function* sealedChunks(
  chunks: AsyncIterable<{ index: number; plaintext: Uint8Array }>,
  file: { key: CryptoKey; fileId: Uint8Array; count: number },
  onSent: (bytes: number) => void,
  before: SealedBefore = new SealedBefore()
): AsyncGenerator<{ index: number; sealed: Uint8Array }> {
  let ahead: { sealing: Promise<{ index: number; sealed: Uint8Array }>; bytes: number } | undefined
  for await (const { index, plaintext } of chunks) {
    before.check(index, plaintext)
    const place = { fileId: file.fileId, index, count: file.count }
    const sealing = sealChunk(file.key, place, plaintext).then((sealed) => ({ index, sealed }))
    // Settled either way: one that fails is thrown when its turn comes, never left unhandled.
    sealing.catch(() => {})
    if (ahead !== undefined) {
      yield await ahead.sealing
      onSent(ahead.bytes)
    }
    ahead = { sealing, bytes: plaintext.byteLength }
  }
  if (ahead !== undefined) {
    yield await ahead.sealing
    onSent(ahead.bytes)
  }
}

/** Copies a stream to a private temporary file, so it can be hashed for the offer and then sent. */
export async function stageStream(input: Exclude<FileInput, string>): Promise<string> {
  const { path, file } = await openPrivateTemporary(tmpdir(), 'securechat-send', constants.O_WRONLY)
  try {
    for await (const piece of bytesOf(input)) await file.write(piece)
    return path
  } catch (err) {
    await unlink(path).catch(() => {})
    throw err
  } finally {
    await file.close()
  }
}
