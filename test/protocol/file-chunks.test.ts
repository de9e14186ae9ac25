// File chunks: sealed under the file's own key, each bound to its file, its place and the file's length.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { randomBytes } from '../../src/protocol/bytes.js'
import { DecryptionError, InvalidInputError } from '../../src/protocol/errors.js'
import {
  chunkCount,
  chunkLength,
  FILE_CHUNK_BYTES,
  FILE_CHUNK_TAG_BYTES,
  newFileKey,
  openChunk,
  sealChunk
} from '../../src/protocol/file-chunks.js'

const SIZE = 2 * FILE_CHUNK_BYTES + 100

describe('file chunks', () => {
  let file: Awaited<ReturnType<typeof newFileKey>>
  let other: Awaited<ReturnType<typeof newFileKey>>
  const plain = [randomBytes(FILE_CHUNK_BYTES), randomBytes(FILE_CHUNK_BYTES), randomBytes(100)]
  let sealed: Uint8Array[]

  before(async () => {
    ;[file, other] = await Promise.all([newFileKey(), newFileKey()])
    const count = chunkCount(SIZE)
    sealed = await Promise.all(
      plain.map((p, index) => sealChunk(file.key, { fileId: file.fileId, index, count }, p))
    )
  })

  const place = (index: number, size = SIZE, fileId = file.fileId) => ({
    fileId,
    index,
    count: chunkCount(size),
    size
  })

  it('cuts a file into 256 KiB chunks, the last one shorter; an empty file is one empty chunk', () => {
    assert.equal(chunkCount(0), 1)
    assert.equal(chunkLength(0, 0), 0)
    assert.equal(chunkCount(FILE_CHUNK_BYTES), 1)
    assert.equal(chunkCount(FILE_CHUNK_BYTES + 1), 2)
    assert.equal(chunkCount(SIZE), 3)
    assert.deepEqual(
      [0, 1, 2].map((i) => chunkLength(SIZE, i)),
      [FILE_CHUNK_BYTES, FILE_CHUNK_BYTES, 100]
    )
    assert.throws(() => chunkLength(SIZE, 3), InvalidInputError)
    assert.throws(() => chunkCount(-1), InvalidInputError)
    assert.throws(() => chunkCount(1.5), InvalidInputError)
  })

  it('every chunk opens at its place, with its tag', async () => {
    for (const [index, s] of sealed.entries()) {
      assert.equal(s.byteLength, (plain[index] as Uint8Array).byteLength + FILE_CHUNK_TAG_BYTES)
      assert.deepEqual(await openChunk(file.key, place(index), s), plain[index])
    }
  })

  it('a chunk at another place (reordered, repeated) does not open', async () => {
    await assert.rejects(openChunk(file.key, place(1), sealed[0] as Uint8Array), DecryptionError)
    await assert.rejects(openChunk(file.key, place(0), sealed[1] as Uint8Array), DecryptionError)
  })

  it('a tampered chunk does not open, wherever the bit is', async () => {
    const chunk = sealed[2] as Uint8Array
    for (const at of [0, 50, chunk.byteLength - 1]) {
      const bad = chunk.slice()
      bad[at] = (bad[at] as number) ^ 1
      await assert.rejects(openChunk(file.key, place(2), bad), DecryptionError)
    }
  })

  it('a chunk of another file, or under its key, does not open (no splicing between files)', async () => {
    await assert.rejects(openChunk(other.key, place(0), sealed[0] as Uint8Array), DecryptionError)
    await assert.rejects(
      openChunk(file.key, place(0, SIZE, other.fileId), sealed[0] as Uint8Array),
      DecryptionError
    )
  })

  it('a lying size fails: a chunk sealed for one length of file does not open as another', async () => {
    // The same first chunk, claimed to be of a file one chunk longer or shorter: its count is bound.
    await assert.rejects(
      openChunk(file.key, place(0, SIZE + FILE_CHUNK_BYTES), sealed[0] as Uint8Array),
      DecryptionError
    )
    await assert.rejects(
      openChunk(file.key, place(0, 2 * FILE_CHUNK_BYTES), sealed[0] as Uint8Array),
      DecryptionError
    )
    // A last chunk cut short, or grown, is refused on its length before any decryption.
    const last = sealed[2] as Uint8Array
    await assert.rejects(
      openChunk(file.key, place(2), last.subarray(0, last.byteLength - 1)),
      DecryptionError
    )
    await assert.rejects(openChunk(file.key, place(2, SIZE + 1), last), DecryptionError)
  })

  it('refuses to seal a chunk over 256 KiB or at no place of the file', async () => {
    await assert.rejects(
      sealChunk(file.key, { fileId: file.fileId, index: 0, count: 1 }, new Uint8Array(FILE_CHUNK_BYTES + 1)),
      InvalidInputError
    )
    await assert.rejects(
      sealChunk(file.key, { fileId: file.fileId, index: 1, count: 1 }, new Uint8Array(1)),
      InvalidInputError
    )
    await assert.rejects(
      sealChunk(file.key, { fileId: new Uint8Array(3), index: 0, count: 1 }, new Uint8Array(1)),
      InvalidInputError
    )
  })
})
