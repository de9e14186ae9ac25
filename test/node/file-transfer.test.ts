// Files through a real host over loopback: offered, accepted, uploaded, fetched, verified and saved;
// a slow receiver, a dropped link, a cancel from either side, and the host's limits.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { RoomEvent } from '../../src/node/events.js'
import type { RoomHost } from '../../src/node/host.js'
import type { RoomMember } from '../../src/node/member.js'
import { FILE_CHUNK_BYTES } from '../../src/protocol/file-chunks.js'
import { Reason } from '../../src/protocol/wire/securechat.js'
import { fileHash, findEvent, folder, sourceFile } from '../helpers/files.js'
import { join as joinHost, memberKeys, record, startHost, until } from '../helpers/room.js'

const root = mkdtempSync(join(tmpdir(), 'securechat-files-'))
after(() => rmSync(root, { recursive: true, force: true }))

const MiB = 1024 * 1024

interface Room {
  host: RoomHost
  members: RoomMember[]
  dirs: string[]
  close(): Promise<void>
}

/** A host and members named `nicks`, each saving into a folder of its own, all seeing each other. */
async function room(
  nicks: string[],
  options: {
    host?: Parameters<typeof startHost>[0]
    member?: (nick: string) => Parameters<typeof joinHost>[2]
  } = {}
): Promise<Room> {
  const keys = await memberKeys(nicks.length + 1)
  const hostDir = folder(root, 'host')
  const host = await startHost({ files: { downloadDir: hostDir }, ...options.host })
  const dirs: string[] = []
  const members: RoomMember[] = []
  for (const [i, nick] of nicks.entries()) {
    const dir = folder(root, nick)
    dirs.push(dir)
    const extra = options.member?.(nick) ?? {}
    members.push(
      await joinHost(host, nick, {
        keys: keys[i + 1],
        ...extra,
        files: { downloadDir: dir, ...extra.files }
      })
    )
  }
  const everyone = nicks.length - 1 + (host.relayOnly ? 0 : 1)
  for (const m of members) await until(m, () => m.members.length === everyone || undefined)
  return {
    host,
    members,
    dirs,
    close: async () => {
      await Promise.all(members.map((m) => m.close()))
      await host.close()
    }
  }
}

const offerTo = (events: RoomEvent[]) => () => findEvent(events, 'file-offer')

describe('file transfer', () => {
  it('a member offers a file; another accepts it and gets it whole, 0600, under its name; the host too', async () => {
    const { host, members, dirs, close } = await room(['alice', 'bob'])
    const [alice, bob] = members as [RoomMember, RoomMember]
    try {
      const bobEvents = record(bob)
      const hostEvents = record(host)
      const aliceEvents = record(alice)
      const file = sourceFile(root, 3 * FILE_CHUNK_BYTES + 123)
      const sent = alice.sendFile(file.path)
      const offer = await until(bob, offerTo(bobEvents))
      assert.deepEqual(
        { name: offer.name, size: offer.size, type: offer.mediaType, sha256: offer.sha256, from: offer.from },
        {
          name: 'report.pdf',
          size: file.bytes.byteLength,
          type: 'application/pdf',
          sha256: file.sha256,
          from: 'alice'
        }
      )
      const received = await bob.files.accept(offer.id)
      assert.equal(received.path, join(dirs[1] as string, 'report.pdf'))
      assert.equal(statSync(received.path).mode & 0o777, 0o600)
      assert.equal(fileHash(received.path), file.sha256)
      const hostOffer = await until(host, offerTo(hostEvents))
      const atHost = await host.files?.accept(hostOffer.id)
      assert.equal(atHost === undefined ? undefined : fileHash(atHost.path), file.sha256)
      const result = await sent
      assert.deepEqual(result.recipients.sort(), ['bob', 'host'])
      assert.deepEqual(findEvent(aliceEvents, 'file-sent')?.recipients.sort(), ['bob', 'host'])
      assert.equal(findEvent(bobEvents, 'file-received')?.path, received.path)
      const last = bobEvents.filter((e) => e.type === 'progress').at(-1)
      assert.equal(last?.type === 'progress' ? last.bytes : undefined, file.bytes.byteLength)
      // Nothing else in the folder: no temporary file left behind.
      assert.deepEqual(readdirSync(dirs[1] as string), ['report.pdf'])
    } finally {
      await close()
    }
  })

  it('the host sends a file to the room; an existing name is never overwritten; small offers are taken by themselves', async () => {
    const { host, members, dirs, close } = await room(['alice'], {
      member: () => ({ files: { acceptUpTo: 1 * MiB } })
    })
    const [alice] = members as [RoomMember]
    try {
      const events = record(alice)
      const first = sourceFile(root, 1000, 'notes.txt')
      await host.sendFile(first.path)
      const one = await until(alice, () => findEvent(events, 'file-received'))
      assert.equal(one.path, join(dirs[0] as string, 'notes.txt'))
      const second = sourceFile(root, 2000, 'notes.txt')
      await host.sendFile(second.path)
      const two = await until(alice, () => findEvent(events, 'file-received', (e) => e.id !== one.id))
      assert.equal(two.path, join(dirs[0] as string, 'notes (1).txt'))
      assert.equal(fileHash(one.path), first.sha256)
      assert.equal(fileHash(two.path), second.sha256)
      // Over the automatic limit: offered, not taken.
      const big = sourceFile(root, 1 * MiB + 1, 'big.bin')
      await host.sendFile(big.path)
      const offer = await until(alice, () => findEvent(events, 'file-offer', (e) => e.name === 'big.bin'))
      assert.equal(
        findEvent(events, 'file-received', (e) => e.id === offer.id),
        undefined
      )
      assert.equal(
        findEvent(events, 'progress', (e) => e.id === offer.id),
        undefined
      )
    } finally {
      await close()
    }
  })

  it('a slow receiver slows only its own copy: the fast one finishes first, both whole', async () => {
    const { members, close } = await room(['alice', 'bob', 'carol'], {
      member: (nick) => (nick === 'carol' ? { files: { downloadBytesPerSecond: 1 * MiB } } : {})
    })
    const [alice, bob, carol] = members as [RoomMember, RoomMember, RoomMember]
    try {
      const order: string[] = []
      bob.on('file-received', () => order.push('bob'))
      carol.on('file-received', () => order.push('carol'))
      const bobEvents = record(bob)
      const carolEvents = record(carol)
      const file = sourceFile(root, 3 * MiB)
      const sent = alice.sendFile(file.path)
      const [bobOffer, carolOffer] = await Promise.all([
        until(bob, offerTo(bobEvents)),
        until(carol, offerTo(carolEvents))
      ])
      const [atBob, atCarol] = await Promise.all([
        bob.files.accept(bobOffer.id),
        carol.files.accept(carolOffer.id)
      ])
      await sent
      assert.deepEqual(order, ['bob', 'carol'])
      assert.equal(fileHash(atBob.path), file.sha256)
      assert.equal(fileHash(atCarol.path), file.sha256)
    } finally {
      await close()
    }
  })

  it('a receiver whose link drops at half the file resumes from its last verified chunk, not from zero', async () => {
    const { host, members, close } = await room(['alice', 'bob'], {
      member: (nick) => (nick === 'bob' ? { files: { downloadBytesPerSecond: 2 * MiB } } : {})
    })
    const [alice, bob] = members as [RoomMember, RoomMember]
    try {
      const carrier = bob.debug.fileCarrier
      const original = carrier.download.bind(carrier)
      const asked: number[] = []
      carrier.download = (seq, from, size, signal) => {
        asked.push(from)
        return original(seq, from, size, signal)
      }
      const events = record(bob)
      const file = sourceFile(root, 6 * MiB)
      void alice.sendFile(file.path).catch(() => {})
      const offer = await until(bob, offerTo(events))
      const saved = bob.files.accept(offer.id)
      await until(bob, () =>
        findEvent(events, 'progress', (e) => e.bytes >= e.size / 2 && e.direction === 'download')
      )
      for (const connection of bob.debug.node.getConnections()) connection.abort(new Error('the Wi-Fi went'))
      await until(bob, () => findEvent(events, 'back'))
      const { path } = await saved
      assert.equal(fileHash(path), file.sha256)
      const count = (6 * MiB) / FILE_CHUNK_BYTES
      assert.equal(asked[0], 0)
      assert.ok(asked.length >= 2, `asked again after the drop (${asked.join(', ')})`)
      assert.ok((asked.at(-1) as number) >= count / 2 - 1, `resumed from chunk ${asked.at(-1)} of ${count}`)
      const bytes = events.flatMap((e) => (e.type === 'progress' ? [e.bytes] : []))
      assert.deepEqual(
        bytes,
        [...bytes].sort((a, b) => a - b),
        'progress never went back'
      )
      assert.equal(host.debug.members.size, 3)
    } finally {
      await close()
    }
  })

  it('a sender whose link drops mid-upload resumes from the first chunk the host lacks; the file arrives whole', async () => {
    const { members, close } = await room(['alice', 'bob'], {
      host: { fileLimits: { uploadBytesPerSecond: 2 * MiB, uploadBurstBytes: FILE_CHUNK_BYTES } }
    })
    const [alice, bob] = members as [RoomMember, RoomMember]
    try {
      const carrier = alice.debug.fileCarrier
      const original = carrier.upload.bind(carrier)
      const resumedFrom: number[] = []
      carrier.upload = (seq, size, chunksFrom, signal) =>
        original(
          seq,
          size,
          (from) => {
            resumedFrom.push(from)
            return chunksFrom(from)
          },
          signal
        )
      const aliceEvents = record(alice)
      const bobEvents = record(bob)
      const file = sourceFile(root, 6 * MiB)
      const sent = alice.sendFile(file.path)
      const offer = await until(bob, offerTo(bobEvents))
      const saved = bob.files.accept(offer.id)
      await until(alice, () =>
        findEvent(aliceEvents, 'progress', (e) => e.direction === 'upload' && e.bytes >= e.size / 2)
      )
      for (const connection of alice.debug.node.getConnections())
        connection.abort(new Error('the Wi-Fi went'))
      await until(alice, () => findEvent(aliceEvents, 'back'))
      await sent
      assert.equal(fileHash((await saved).path), file.sha256)
      assert.equal(resumedFrom[0], 0)
      assert.ok(resumedFrom.length >= 2, `resumed (${resumedFrom.join(', ')})`)
      assert.ok((resumedFrom.at(-1) as number) > 0, `from chunk ${resumedFrom.at(-1)}, not from the start`)
      assert.equal(findEvent(aliceEvents, 'file-failed'), undefined)
    } finally {
      await close()
    }
  })

  it('the sender cancels mid-upload: receivers hear it, nothing is saved; a receiver cancels only its own copy', async () => {
    const { members, dirs, close } = await room(['alice', 'bob', 'carol'], {
      host: { fileLimits: { uploadBytesPerSecond: 1 * MiB, uploadBurstBytes: FILE_CHUNK_BYTES } },
      member: (nick) => (nick === 'carol' ? { files: { downloadBytesPerSecond: 1 * MiB } } : {})
    })
    const [alice, bob, carol] = members as [RoomMember, RoomMember, RoomMember]
    try {
      const aliceEvents = record(alice)
      const bobEvents = record(bob)
      const carolEvents = record(carol)
      const file = sourceFile(root, 4 * MiB)
      const sent = alice.sendFile(file.path)
      sent.catch(() => {})
      const offer = await until(bob, offerTo(bobEvents))
      const atBob = bob.files.accept(offer.id)
      atBob.catch(() => {})
      await until(bob, () => findEvent(bobEvents, 'progress'))
      await alice.files.cancel(offer.id)
      await assert.rejects(sent)
      await assert.rejects(atBob)
      assert.equal(findEvent(aliceEvents, 'file-failed')?.code, 'cancelled')
      assert.equal(findEvent(bobEvents, 'file-failed')?.code, 'transfer-cancelled')
      assert.deepEqual(readdirSync(dirs[1] as string), [])
      // A second file: carol stops her own download; bob still gets his.
      const second = sourceFile(root, 2 * MiB, 'second.bin')
      void alice.sendFile(second.path).catch(() => {})
      const [bobOffer, carolOffer] = await Promise.all([
        until(bob, () => findEvent(bobEvents, 'file-offer', (e) => e.name === 'second.bin')),
        until(carol, () => findEvent(carolEvents, 'file-offer', (e) => e.name === 'second.bin'))
      ])
      const atCarol = carol.files.accept(carolOffer.id)
      atCarol.catch(() => {})
      const bobSecond = bob.files.accept(bobOffer.id)
      await until(carol, () => findEvent(carolEvents, 'progress', (e) => e.id === carolOffer.id))
      await carol.files.cancel(carolOffer.id)
      await assert.rejects(atCarol)
      assert.equal(findEvent(carolEvents, 'file-failed', (e) => e.id === carolOffer.id)?.code, 'cancelled')
      assert.equal(fileHash((await bobSecond).path), second.sha256)
      assert.deepEqual(readdirSync(dirs[2] as string), [])
    } finally {
      await close()
    }
  })

  it('the host refuses a file over its size limit and offers past its caps on transfers, each with its reason', async () => {
    const { host, members, close } = await room(['alice', 'bob'], {
      host: {
        fileLimits: {
          maxFileSize: 2 * MiB,
          maxTransfersPerMember: 1,
          maxTransfers: 2,
          uploadBytesPerSecond: 1 * MiB,
          uploadBurstBytes: FILE_CHUNK_BYTES
        }
      }
    })
    const [alice, bob] = members as [RoomMember, RoomMember]
    const tooMany = (err: Error & { reason?: Reason }) => err.reason === Reason.TOO_MANY_TRANSFERS
    try {
      const bobEvents = record(bob)
      const large = sourceFile(root, 2 * MiB + 1, 'large.bin')
      await assert.rejects(alice.sendFile(large.path), (err: Error & { reason?: Reason }) => {
        assert.equal(err.reason, Reason.FILE_TOO_LARGE)
        return true
      })
      const offer = await until(bob, offerTo(bobEvents))
      await assert.rejects(bob.files.accept(offer.id))
      assert.equal(findEvent(bobEvents, 'file-failed')?.code, 'file-too-large')
      // One file uploading at a time per member: a second offer meanwhile is refused.
      const slow = sourceFile(root, 1 * MiB, 'slow.bin')
      const aliceEvents = record(alice)
      const first = alice.sendFile(slow.path)
      await until(alice, () => findEvent(aliceEvents, 'file-offered'))
      await assert.rejects(alice.sendFile(slow.path), tooMany)
      await first
      // Whole and waiting for bob and the host, it no longer counts against alice; the host's own cap
      // of two transfers at once still does.
      await alice.sendFile(slow.path)
      await assert.rejects(alice.sendFile(slow.path), tooMany)
      assert.equal(host.debug.members.size, 3)
    } finally {
      await close()
    }
  })
})
