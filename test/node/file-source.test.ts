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
