/**
 * @module What a sender reads a file from: a path or a stream, cut into the chunks of the transfer
 * (64 KiB of plaintext each, the last shorter), never held whole, with its SHA-256 for the offer.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { chunkCount, FILE_CHUNK_BYTES } from '../protocol/file-chunks.js'
import { FileSaveError } from './errors.js'

/** A file to send: a path, or any byte stream (whose size must then be given). */
export type FileInput = string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

/** The size and SHA-256 of a file at a path, read once through (for the offer, before sending). */
export async function describeFile(path: string): Promise<{ size: number; sha256: Uint8Array }> {
  const size = (await stat(path)).size
  const hash = createHash('sha256')
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer)
  return { size, sha256: new Uint8Array(hash.digest()) }
}

function bytesOf(input: FileInput): AsyncIterable<Uint8Array> {
  if (typeof input === 'string') return createReadStream(input)
  if (input instanceof ReadableStream)
    return Readable.fromWeb(input as import('node:stream/web').ReadableStream)
  return input
}

/**
 * The file's chunks in order, `index` from 0, each exactly as long as its place in a `size`-byte file
 * calls for. A source that ends early or runs long throws `FileSaveError` (`ESIZE`): what was offered
 * is what is sent, or nothing is.
 */
export async function* fileChunks(
  input: FileInput,
  size: number
): AsyncGenerator<{ index: number; plaintext: Uint8Array }> {
  const count = chunkCount(size)
  let index = 0
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  const take = (): Uint8Array => {
    const out = new Uint8Array(FILE_CHUNK_BYTES)
    let at = 0
    while (at < FILE_CHUNK_BYTES) {
      const head = pending[0] as Uint8Array
      const part = head.subarray(0, FILE_CHUNK_BYTES - at)
      out.set(part, at)
      at += part.byteLength
      if (part.byteLength === head.byteLength) pending.shift()
      else pending[0] = head.subarray(part.byteLength)
    }
    pendingBytes -= FILE_CHUNK_BYTES
    return out
  }
  let read = 0
  for await (const piece of bytesOf(input)) {
    read += piece.byteLength
    if (read > size) throw new FileSaveError('ESIZE', `the file is longer than the ${size} bytes offered`)
    pending.push(piece)
    pendingBytes += piece.byteLength
    // The last chunk waits for the end: only then is it known to be the last.
    while (pendingBytes >= FILE_CHUNK_BYTES && index < count - 1) yield { index: index++, plaintext: take() }
  }
  if (read !== size)
    throw new FileSaveError('ESIZE', `the file ended after ${read} of the ${size} bytes offered`)
  const last = new Uint8Array(pendingBytes)
  let at = 0
  for (const piece of pending) {
    last.set(piece, at)
    at += piece.byteLength
  }
  pending = []
  yield { index, plaintext: last }
}
