// The host's spool of a file in transit: chunks kept in order, read back by each reader at its pace, from any chunk.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { FileSaveError } from '../../src/node/errors.js'
import { TransferSpool } from '../../src/node/transfer-spool.js'
import { chunkLength, FILE_CHUNK_BYTES, FILE_CHUNK_TAG_BYTES } from '../../src/protocol/file-chunks.js'

const dir = mkdtempSync(join(tmpdir(), 'securechat-spool-'))
const SIZE = 3 * FILE_CHUNK_BYTES + 10
const sealedChunk = (index: number) =>
  new Uint8Array(randomBytes(chunkLength(SIZE, index) + FILE_CHUNK_TAG_BYTES))
const code = (c: string) => (err: unknown) => err instanceof FileSaveError && err.code === c

describe('TransferSpool', () => {
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps chunks in order in a 0600 file, and a reader behind the upload waits for the next', async () => {
    const spool = await TransferSpool.create(dir, SIZE)
    const [file] = readdirSync(dir)
    assert.ok(file !== undefined)
    assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600)
    const chunks = [0, 1, 2, 3].map(sealedChunk)
    // A reader asking for chunk 1 before anything has come waits, then gets it.
    const early = spool.read(1)
    await spool.append(0, chunks[0] as Uint8Array)
    await spool.append(1, chunks[1] as Uint8Array)
    assert.deepEqual(await early, chunks[1])
    await spool.append(2, chunks[2] as Uint8Array)
    await spool.append(3, chunks[3] as Uint8Array)
    assert.equal(spool.complete, true)
    // A second reader, later, from chunk 2 (a resume): the same bytes.
    assert.deepEqual(await spool.read(2), chunks[2])
    assert.deepEqual(await spool.read(3), chunks[3])
    await spool.end(new FileSaveError('EDONE', 'done'))
    assert.deepEqual(readdirSync(dir), [], 'the spool file is removed at the end')
  })

  it('refuses a chunk out of order, or of a length its place does not allow', async () => {
    const spool = await TransferSpool.create(dir, SIZE)
    await assert.rejects(spool.append(1, sealedChunk(1)), code('EORDER'))
    await assert.rejects(spool.append(0, sealedChunk(3)), code('ESIZE'))
    await spool.append(0, sealedChunk(0))
    await assert.rejects(spool.append(0, sealedChunk(0)), code('EORDER'), 'a chunk repeated')
    await assert.rejects(spool.read(4), code('ESIZE'), 'no such chunk')
    await spool.end(new FileSaveError('EDONE', 'done'))
  })

  it('a cancelled transfer tells its waiting readers why, and a reader can give up', async () => {
    const spool = await TransferSpool.create(dir, SIZE)
    const waiting = assert.rejects(spool.read(0), code('ECANCELED'))
    const giveUp = new AbortController()
    const impatient = spool.read(1, giveUp.signal)
    giveUp.abort(new Error('gone'))
    await assert.rejects(impatient, /gone/)
    await spool.end(new FileSaveError('ECANCELED', 'the sender cancelled'))
    await waiting
    await assert.rejects(spool.append(0, sealedChunk(0)), code('ECANCELED'))
    assert.deepEqual(readdirSync(dir), [])
  })
})

describe('where spools go', () => {
  it("the user's cache folder (on disk), made 0700 when missing; the temporary folder with no home", async () => {
    const { defaultSpoolDir } = await import('../../src/node/hosted-transfers.js')
    assert.equal(defaultSpoolDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }), join('/c', 'securechat', 'spool'))
    assert.equal(defaultSpoolDir({ HOME: '/h' }), join('/h', '.cache', 'securechat', 'spool'))
    assert.equal(defaultSpoolDir({}), tmpdir())
    const folder = join(dir, 'made', 'spool')
    const spool = await TransferSpool.create(folder, 10)
    assert.equal(statSync(folder).mode & 0o777, 0o700)
    await spool.end(new Error('done'))
    rmSync(dir, { recursive: true, force: true })
  })
})
