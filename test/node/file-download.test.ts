// Where a received file is written: a temporary 0600 file, renamed only once whole and verified, never over another.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { FileSaveError } from '../../src/node/errors.js'
import { FileDownload } from '../../src/node/file-download.js'

const folders: string[] = []
function folder(): string {
  const f = mkdtempSync(join(tmpdir(), 'securechat-dl-'))
  folders.push(f)
  return f
}
const sha = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest())
const failsWith = (code: string) => (err: unknown) => err instanceof FileSaveError && err.code === code

async function receive(
  dir: string,
  name: string,
  content: Uint8Array,
  expected = { size: content.byteLength, sha256: sha(content) }
) {
  const download = await FileDownload.start(dir, name, expected)
  for (let at = 0; at < content.byteLength; at += 65536)
    await download.write(content.subarray(at, at + 65536))
  return download
}

describe('FileDownload', () => {
  after(() => {
    for (const f of folders) rmSync(f, { recursive: true, force: true })
  })

  it('saves the whole, verified file under its safe name, 0600, and leaves no temporary file', async () => {
    const dir = folder()
    const content = randomBytes(200_000)
    const path = await (await receive(dir, '../../report.pdf', content)).commit()
    assert.equal(path, join(dir, 'report.pdf'))
    assert.deepEqual(readFileSync(path), content)
    assert.equal(statSync(path).mode & 0o777, 0o600)
    assert.deepEqual(readdirSync(dir), ['report.pdf'])
  })

  it('never overwrites: a taken name gets the next number', async () => {
    const dir = folder()
    writeFileSync(join(dir, 'notes.txt'), 'mine')
    writeFileSync(join(dir, 'notes (1).txt'), 'mine too')
    const path = await (await receive(dir, 'notes.txt', Buffer.from('theirs'))).commit()
    assert.equal(path, join(dir, 'notes (2).txt'))
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine')
    assert.equal(readFileSync(path, 'utf8'), 'theirs')
  })

  it("a file whose hash is not the offer's, or cut short, is not saved, and nothing is left", async () => {
    const dir = folder()
    const content = randomBytes(100_000)
    const tampered = Uint8Array.from(content)
    tampered[500] = (tampered[500] as number) ^ 1
    const wrongHash = await receive(dir, 'a.bin', tampered, {
      size: content.byteLength,
      sha256: sha(content)
    })
    await assert.rejects(wrongHash.commit(), failsWith('EMISMATCH'))
    const short = await receive(dir, 'b.bin', content.subarray(0, 99_999), {
      size: content.byteLength,
      sha256: sha(content)
    })
    await assert.rejects(short.commit(), failsWith('EMISMATCH'))
    assert.deepEqual(readdirSync(dir), [])
  })

  it('more bytes than the offer said end the download at once', async () => {
    const dir = folder()
    const download = await FileDownload.start(dir, 'c.bin', { size: 10, sha256: sha(new Uint8Array(10)) })
    await assert.rejects(download.write(new Uint8Array(11)), failsWith('ETOOLONG'))
    await assert.rejects(download.write(new Uint8Array(1)), failsWith('ECLOSED'))
    assert.deepEqual(readdirSync(dir), [])
  })

  it('a full disk ends the download with its code and leaves no partial file', async (t) => {
    const dir = folder()
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'ignore' })
    } catch {
      t.skip('needs root to mount a small tmpfs')
      return
    }
    try {
      const content = randomBytes(1024 * 1024)
      await assert.rejects(receive(dir, 'big.bin', content), failsWith('ENOSPC'))
      assert.deepEqual(readdirSync(dir), [])
    } finally {
      execFileSync('umount', [dir])
    }
  })
})
