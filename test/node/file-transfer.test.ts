// Files through a real host over loopback: offered, accepted, uploaded, fetched, verified and saved.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { RoomEvent, RoomEventOf } from '../../src/node/events.js'
import { FILE_CHUNK_BYTES } from '../../src/protocol/file-chunks.js'
import { join as joinHost, memberKeys, record, startHost, until } from '../helpers/room.js'

const root = mkdtempSync(join(tmpdir(), 'securechat-files-'))
after(() => rmSync(root, { recursive: true, force: true }))

function folder(name: string): string {
  const dir = join(root, name)
  mkdtempSync(`${dir}-`)
  return mkdtempSync(`${dir}-`)
}

function sourceFile(size: number, name = 'report.pdf'): { path: string; sha256: string } {
  const dir = folder('src')
  const path = join(dir, name)
  const bytes = randomBytes(size)
  writeFileSync(path, bytes)
  return { path, sha256: createHash('sha256').update(bytes).digest('hex') }
}

function find<T extends RoomEvent['type']>(events: RoomEvent[], type: T): RoomEventOf<T> | undefined {
  return events.find((e) => e.type === type) as RoomEventOf<T> | undefined
}

describe('file transfer', () => {
  it('a member offers a file; another accepts it and gets it whole, 0600, under its name; the host too', async () => {
    const keys = await memberKeys(3)
    const hostDir = folder('host')
    const host = await startHost({ files: { downloadDir: hostDir } })
    const bobDir = folder('bob')
    const alice = await joinHost(host, 'alice', { keys: keys[1] })
    const bob = await joinHost(host, 'bob', { keys: keys[2], files: { downloadDir: bobDir } })
    await until(alice, () => alice.members.length === 2 || undefined)
    try {
      const bobEvents = record(bob)
      const hostEvents = record(host)
      const aliceEvents = record(alice)
      const file = sourceFile(3 * FILE_CHUNK_BYTES + 123)
      const sent = alice.sendFile(file.path)
      const offer = await until(bob, () => find(bobEvents, 'file-offer'))
      assert.equal(offer.name, 'report.pdf')
      assert.equal(offer.size, 3 * FILE_CHUNK_BYTES + 123)
      assert.equal(offer.mediaType, 'application/pdf')
      assert.equal(offer.sha256, file.sha256)
      assert.equal(offer.from, 'alice')
      const received = await bob.files.accept(offer.id)
      assert.equal(received.path, join(bobDir, 'report.pdf'))
      assert.equal(statSync(received.path).mode & 0o777, 0o600)
      assert.equal(createHash('sha256').update(readFileSync(received.path)).digest('hex'), file.sha256)
      const hostOffer = await until(host, () => find(hostEvents, 'file-offer'))
      const atHost = await host.files?.accept(hostOffer.id)
      assert.equal(atHost?.sha256, file.sha256)
      const result = await sent
      assert.deepEqual(result.recipients.sort(), ['bob', 'host'])
      assert.ok(find(aliceEvents, 'file-sent'))
      assert.ok(find(bobEvents, 'file-received'))
      const progress = bobEvents.filter((e) => e.type === 'progress')
      assert.ok(progress.length >= 1)
      assert.equal(progress.at(-1)?.type === 'progress' && progress.at(-1)?.bytes, offer.size)
      // Nothing else in the folder: no temporary file left behind.
      assert.deepEqual(readdirSync(bobDir), ['report.pdf'])
    } finally {
      await Promise.all([alice.close(), bob.close()])
      await host.close()
    }
  })
})
