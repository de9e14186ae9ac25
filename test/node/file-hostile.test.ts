// Hostile file transfers against a real host: a sender that tampers with, drops, replays or splices
// chunks, or lies about the size; a hostile name; a stranger's stream; another member's upload; and a
// relay-only host that taps every chunk and sees no plaintext. Each is refused with its reason and
// nothing is written under any name.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { createSecureChatNode } from '../../src/node/libp2p.js'
import type { RoomMember } from '../../src/node/member.js'
import { FILE_PROTOCOL_ID } from '../../src/protocol/constants.js'
import { chunkCount, FILE_CHUNK_BYTES, newFileKey, sealChunk } from '../../src/protocol/file-chunks.js'
import { encodeFileFrame, fileFrame } from '../../src/protocol/file-frame.js'
import { fileOffer } from '../../src/protocol/file-offer.js'
import type { Post } from '../../src/protocol/wire/securechat.js'
import { fileHash, findEvent, folder, sha256Hex, sourceFile } from '../helpers/files.js'
import { join as joinHost, memberKeys, record, startHost, tapRelay, until } from '../helpers/room.js'

const root = mkdtempSync(join(tmpdir(), 'securechat-hostile-files-'))
after(() => rmSync(root, { recursive: true, force: true }))

interface Sealed {
  index: number
  sealed: Uint8Array
}

/** A file's offer and its honest sealed chunks, made as a sender would, for a hostile one to bend. */
async function prepared(bytes: Uint8Array, name = 'data.bin') {
  const { fileId, key, raw } = await newFileKey()
  const size = bytes.byteLength
  const count = chunkCount(size)
  const chunks: Sealed[] = []
  for (let index = 0; index < count; index++) {
    const plaintext = bytes.subarray(index * FILE_CHUNK_BYTES, (index + 1) * FILE_CHUNK_BYTES)
    chunks.push({ index, sealed: await sealChunk(key, { fileId, index, count }, plaintext) })
  }
  const offer = fileOffer(
    {
      name,
      size,
      mediaType: 'application/octet-stream',
      sha256: new Uint8Array(Buffer.from(sha256Hex(bytes), 'hex'))
    },
    fileId,
    raw
  )
  return { offer, chunks, size }
}

async function* each(chunks: Sealed[]): AsyncGenerator<Sealed> {
  yield* chunks
}

async function setting() {
  const keys = await memberKeys(3)
  const host = await startHost()
  const bobDir = folder(root, 'bob')
  const alice = await joinHost(host, 'alice', { keys: keys[1] })
  const bob = await joinHost(host, 'bob', { keys: keys[2], files: { downloadDir: bobDir } })
  await until(alice, () => alice.members.length === 2 || undefined)
  await until(bob, () => bob.members.length === 2 || undefined)
  return {
    host,
    alice,
    bob,
    bobDir,
    close: async () => {
      await Promise.all([alice.close(), bob.close()])
      await host.close()
    }
  }
}

/** Alice offers `offer`, uploads `chunks` (as they are) with the upload's `size`; Bob accepts. */
async function bentTransfer(
  alice: RoomMember,
  bob: RoomMember,
  offer: Awaited<ReturnType<typeof prepared>>['offer'],
  chunks: Sealed[],
  size: number
): Promise<{ code: string | undefined; uploaded: unknown }> {
  const events = record(bob)
  const { seq } = await alice.debug.offerFile(offer)
  const uploaded = await alice.debug.fileCarrier
    .upload(seq, size, () => each(chunks))
    .then(
      () => 'uploaded',
      (err: Error) => err
    )
  await until(bob, () => findEvent(events, 'file-offer', (e) => e.id === seq))
  await assert.rejects(bob.files.accept(seq))
  const failed = findEvent(events, 'file-failed', (e) => e.id === seq)
  // A transfer the host itself ended is told by its reason's message.
  return { code: failed?.code === 'transfer-failed' ? failed.message : failed?.code, uploaded }
}

const MiB = 1024 * 1024
const randomFile = (size: number) => new Uint8Array(Buffer.alloc(size, 0).map((_, i) => (i * 7919) % 251))

describe('hostile file transfers', () => {
  it('a tampered chunk, a dropped chunk, a chunk from another file and a lying size are each refused; nothing is saved', async () => {
    const { alice, bob, bobDir, close } = await setting()
    try {
      const bytes = randomFile(4 * FILE_CHUNK_BYTES)
      // Tampered: one bit of chunk 1's ciphertext flipped.
      {
        const { offer, chunks, size } = await prepared(bytes)
        const bent = chunks.map((c) => ({ ...c, sealed: c.sealed.slice() }))
        const flipped = bent[1] as Sealed
        flipped.sealed[5] = (flipped.sealed[5] as number) ^ 1
        assert.equal((await bentTransfer(alice, bob, offer, bent, size)).code, 'tampered')
      }
      // Dropped: chunk 1 left out, the rest moved up a place (the last sent twice to fill the count).
      {
        const { offer, chunks, size } = await prepared(bytes)
        const [c0, , c2, c3] = chunks as [Sealed, Sealed, Sealed, Sealed]
        const bent = [c0, { ...c2, index: 1 }, { ...c3, index: 2 }, c3]
        assert.equal((await bentTransfer(alice, bob, offer, bent, size)).code, 'tampered')
      }
      // Cut short: a last chunk shorter than its place calls for is refused by the host itself.
      {
        const { offer, chunks, size } = await prepared(bytes)
        const bent = [
          ...chunks.slice(0, 3),
          { index: 3, sealed: (chunks[3] as Sealed).sealed.subarray(0, 100) }
        ]
        const { code, uploaded } = await bentTransfer(alice, bob, offer, bent, size)
        assert.match(String(uploaded), /chunk 3 does not fit/)
        assert.match(code ?? '', /broke off/)
      }
      // Replayed from another file: chunk 0 of a second file (another key and id) in the first.
      {
        const first = await prepared(bytes)
        const other = await prepared(randomFile(bytes.byteLength).reverse())
        const bent = [other.chunks[0], ...first.chunks.slice(1)] as Sealed[]
        assert.equal((await bentTransfer(alice, bob, first.offer, bent, first.size)).code, 'tampered')
      }
      // A lying size: the upload claims one more chunk than the signed offer.
      {
        const { offer, chunks, size } = await prepared(bytes)
        const longer = size + FILE_CHUNK_BYTES
        const extra = { index: 4, sealed: new Uint8Array(FILE_CHUNK_BYTES + 16) }
        const bent = [
          ...chunks.slice(0, 3),
          { ...(chunks[3] as Sealed), sealed: new Uint8Array(FILE_CHUNK_BYTES + 16) },
          extra
        ]
        assert.equal((await bentTransfer(alice, bob, offer, bent, longer)).code, 'size-mismatch')
      }
      // An offer whose hash is not its content's: every chunk opens, the whole does not match.
      {
        const { offer, chunks, size } = await prepared(bytes)
        const lying = { ...offer, sha256: new Uint8Array(32) }
        assert.equal((await bentTransfer(alice, bob, lying, chunks, size)).code, 'mismatch')
      }
      assert.deepEqual(readdirSync(bobDir), [], 'nothing written, not even a temporary file')
    } finally {
      await close()
    }
  })

  it('a name like ../../.bashrc is saved as a plain file inside the download folder', async () => {
    const { alice, bob, bobDir, close } = await setting()
    try {
      const events = record(bob)
      const file = sourceFile(root, 1000, 'plain.txt')
      void alice.sendFile(file.path, { name: '../../.bashrc' }).catch(() => {})
      const offer = await until(bob, () => findEvent(events, 'file-offer'))
      assert.equal(offer.name, '../../.bashrc', 'shown as offered')
      const saved = await bob.files.accept(offer.id)
      assert.equal(saved.path, join(bobDir, '_bashrc'))
      assert.deepEqual(readdirSync(bobDir), ['_bashrc'])
      assert.equal(fileHash(saved.path), file.sha256)
    } finally {
      await close()
    }
  })

  it("a stranger's file stream is closed unread; a member cannot upload or fetch another member's transfer", async () => {
    const { host, alice, bob, close } = await setting()
    const stranger = await createSecureChatNode({ listen: ['/ip4/127.0.0.1/tcp/0'] })
    try {
      const connection = await stranger.dial(host.node.getMultiaddrs()[0] as never)
      const stream = await connection.newStream(FILE_PROTOCOL_ID)
      const body = encodeFileFrame(fileFrame('upload', { seq: 1, size: 10 }))
      try {
        stream.send(new Uint8Array([body.byteLength, ...body]))
        await new Promise<void>((resolve) =>
          stream.addEventListener('close', () => resolve(), { once: true })
        )
      } catch {
        // Closed before the frame could even go.
      }
      assert.notEqual(stream.status, 'open')
      // Bob uploads for alice's offer: unknown to him.
      const { offer, chunks, size } = await prepared(randomFile(1000))
      const { seq } = await alice.debug.offerFile(offer)
      await assert.rejects(
        bob.debug.fileCarrier.upload(seq, size, () => each(chunks)),
        /no such file transfer/
      )
      // Alice fetches her own: refused too; and a transfer that does not exist.
      await assert.rejects(async () => {
        for await (const _ of alice.debug.fileCarrier.download(seq, 0, size)) break
      }, /a sender does not fetch its own file/)
      await assert.rejects(async () => {
        for await (const _ of bob.debug.fileCarrier.download(seq + 100, 0, size)) break
      }, /no such file transfer/)
      assert.equal(host.debug.members.size, 3)
    } finally {
      await stranger.stop()
      await close()
    }
  })

  it('a relay-only host relays a file it cannot read: no chunk and no offer holds any of its plaintext', async () => {
    const taps: Uint8Array[] = []
    const keys = await memberKeys(3)
    const host = await startHost({
      relayOnly: true,
      fileTap: (_seq, _i, sealed) => taps.push(sealed.slice())
    })
    const posts: Post[] = tapRelay(host)
    const bobDir = folder(root, 'bob')
    const alice = await joinHost(host, 'alice', { keys: keys[1] })
    const bob = await joinHost(host, 'bob', {
      keys: keys[2],
      files: { downloadDir: bobDir, acceptUpTo: 4 * MiB }
    })
    await until(alice, () => alice.members.length === 1 || undefined)
    try {
      const events = record(bob)
      // A plaintext with a recognisable pattern in every 16 bytes.
      const marker = Buffer.from('PLAINTEXT-MARKER')
      const bytes = Buffer.alloc(2 * MiB + 100)
      for (let i = 0; i + marker.byteLength <= bytes.byteLength; i += marker.byteLength) marker.copy(bytes, i)
      const file = sourceFile(root, bytes.byteLength, 'secret-name.txt', bytes)
      await alice.sendFile(file.path)
      const got = await until(bob, () => findEvent(events, 'file-received'))
      assert.equal(fileHash(got.path), file.sha256)
      assert.equal(taps.length, chunkCount(bytes.byteLength))
      for (const sealed of [...taps, ...posts.map((p) => p.ciphertext)]) {
        const seen = Buffer.from(sealed)
        assert.equal(seen.indexOf(marker.subarray(0, 8)), -1, 'no plaintext in what the host relays')
        assert.equal(seen.indexOf(Buffer.from('secret-name')), -1, 'nor the name')
      }
      assert.ok(posts.some((p) => p.fileOffer))
    } finally {
      await Promise.all([alice.close(), bob.close()])
      await host.close()
    }
  })
})
