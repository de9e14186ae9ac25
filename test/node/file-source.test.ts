// A sender's file cut into the transfer's chunks, from a path or a stream, never more or less than offered.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import { FileSaveError } from '../../src/node/errors.js'
import { describeFile, fileChunks } from '../../src/node/file-source.js'
import { chunkCount, chunkLength, FILE_CHUNK_BYTES } from '../../src/protocol/file-chunks.js'

const dir = mkdtempSync(join(tmpdir(), 'securechat-src-'))

async function collect(source: Parameters<typeof fileChunks>[0], size: number) {
  const chunks: Uint8Array[] = []
  for await (const { index, plaintext } of fileChunks(source, size)) {
    assert.equal(index, chunks.length, 'in order, from 0')
    assert.equal(plaintext.byteLength, chunkLength(size, index))
    chunks.push(plaintext)
  }
  assert.equal(chunks.length, chunkCount(size))
  return Buffer.concat(chunks)
}

/** `bytes` as an async stream of pieces of the given sizes (cycled). */
async function* pieces(bytes: Uint8Array, sizes: number[]) {
  let at = 0
  for (let i = 0; at < bytes.byteLength; i++) {
    const n = Math.max(1, sizes[i % sizes.length] as number)
    yield bytes.subarray(at, at + n)
    at += n
  }
}

describe('fileChunks', () => {
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('cuts a file at a path into its chunks, and describeFile gives its size and hash', async () => {
    for (const size of [0, 1, FILE_CHUNK_BYTES, FILE_CHUNK_BYTES + 1, 3 * FILE_CHUNK_BYTES, 200_000]) {
      const content = randomBytes(size)
      const path = join(dir, `f${size}`)
      writeFileSync(path, content)
      assert.deepEqual(await collect(path, size), content, `size ${size}`)
      const described = await describeFile(path)
      assert.equal(described.size, size)
      assert.deepEqual(described.sha256, new Uint8Array(createHash('sha256').update(content).digest()))
    }
  })

  it('from a web ReadableStream', async () => {
    const content = randomBytes(150_000)
    const stream = new Blob([content]).stream()
    assert.deepEqual(await collect(stream, content.byteLength), content)
  })

  it('from pieces of any sizes, the same chunks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 * FILE_CHUNK_BYTES + 5 }),
        fc.array(fc.integer({ min: 1, max: 2 * FILE_CHUNK_BYTES }), { minLength: 1, maxLength: 5 }),
        async (size, sizes) => {
          const content = randomBytes(size)
          assert.deepEqual(await collect(pieces(content, sizes), size), content)
        }
      ),
      { numRuns: 40 }
    )
  })

  it('a source shorter or longer than offered is refused, never sent as if whole', async () => {
    const content = randomBytes(100_000)
    const refusedSize = (err: unknown) => err instanceof FileSaveError && err.code === 'ESIZE'
    await assert.rejects(collect(pieces(content, [4096]), 100_001), refusedSize)
    await assert.rejects(collect(pieces(content, [4096]), 99_999), refusedSize)
  })
})

describe('SealedBefore: a chunk sealed again after a resume', () => {
  it('may be the same bytes, never other bytes, and never one too old to check', async () => {
    const { SealedBefore } = await import('../../src/node/file-source.js')
    const before = new SealedBefore()
    const bytes = (fill: number) => new Uint8Array(64).fill(fill)
    for (let i = 0; i < 100; i++) before.check(i, bytes(i % 250))
    // A resume from chunk 90: the same bytes seal again, under the same nonce, to the same ciphertext.
    before.check(90, bytes(90))
    before.check(91, bytes(91))
    // The file changed on disk meanwhile: that nonce would seal two plaintexts.
    assert.throws(() => before.check(92, bytes(7)), /changed on disk/)
    // So long ago that its digest is gone: refused rather than sealed unchecked.
    assert.throws(() => before.check(10, bytes(10)), /cannot be checked again/)
    // A chunk never sealed before is new.
    before.check(100, bytes(1))
  })
})
