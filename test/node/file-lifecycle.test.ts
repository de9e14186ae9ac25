// How long a file stays at the host and how a transfer ends: declined by all before its upload, let go
// once every recipient is done or has cancelled, kept past its time while a download still runs, and
// ended with its reason for every member when the host restarts.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { RoomMember } from '../../src/node/member.js'
import { newFileKey } from '../../src/protocol/file-chunks.js'
import { fileOffer } from '../../src/protocol/file-offer.js'
import { Reason } from '../../src/protocol/wire/securechat.js'
import { fileHash, findEvent, folder, sourceFile } from '../helpers/files.js'
import { eventually, join as joinHost, memberKeys, record, startHost, until } from '../helpers/room.js'

const root = mkdtempSync(join(tmpdir(), 'securechat-file-life-'))
after(() => rmSync(root, { recursive: true, force: true }))

const MiB = 1024 * 1024

async function relayOnlyRoom(nicks: string[], options: Parameters<typeof startHost>[0] = {}) {
  const keys = await memberKeys(nicks.length + 1)
  const host = await startHost({ relayOnly: true, ...options })
  const members: RoomMember[] = []
  const dirs: string[] = []
  for (const [i, nick] of nicks.entries()) {
    const dir = folder(root, nick)
    dirs.push(dir)
    const rate = nick.startsWith('slow') ? { downloadBytesPerSecond: 1 * MiB } : {}
    members.push(await joinHost(host, nick, { keys: keys[i + 1], files: { downloadDir: dir, ...rate } }))
  }
  for (const m of members) await until(m, () => m.members.length === nicks.length - 1 || undefined)
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

describe('the life of a file at the host', () => {
  it('declined by every recipient before its upload: the sender is told so and uploads nothing', async () => {
    const { host, members, close } = await relayOnlyRoom(['alice', 'bob'])
    const [alice, bob] = members as [RoomMember, RoomMember]
    try {
      const events = record(bob)
      const { fileId, raw } = await newFileKey()
      const offer = fileOffer(
        { name: 'a.bin', size: 10, mediaType: '', sha256: new Uint8Array(32) },
        fileId,
        raw
      )
      const { seq } = await alice.debug.offerFile(offer)
      await until(bob, () => findEvent(events, 'file-offer'))
      assert.equal(host.debug.transfers, 1)
      await bob.files.reject(seq)
      await eventually(() => host.debug.transfers === 0, 'the host let the transfer go')
      async function* none() {}
      await assert.rejects(
        alice.debug.fileCarrier.upload(seq, 10, () => none()),
        (err: Error & { reason?: Reason }) => {
          assert.equal(err.reason, Reason.TRANSFER_CANCELLED)
          assert.match(err.message, /every recipient declined/)
          return true
        }
      )
    } finally {
      await close()
    }
  })

  it('let go once every recipient has it or cancelled; kept past its time while a slow download still runs', async () => {
    // Both read slowly: bob's cancel comes while his copy still runs.
    const { host, members, dirs, close } = await relayOnlyRoom(['alice', 'slow-bob', 'slow'], {
      fileLimits: { keepMs: 300 }
    })
    const [alice, bob, slow] = members as [RoomMember, RoomMember, RoomMember]
    try {
      const bobEvents = record(bob)
      const slowEvents = record(slow)
      const file = sourceFile(root, 2 * MiB)
      await alice.sendFile(file.path)
      const [bobOffer, slowOffer] = await Promise.all([
        until(bob, () => findEvent(bobEvents, 'file-offer')),
        until(slow, () => findEvent(slowEvents, 'file-offer'))
      ])
      // The slow one takes about 2 s, well past keepMs: it is not cut off.
      const slowly = slow.files.accept(slowOffer.id)
      const atBob = bob.files.accept(bobOffer.id)
      await until(bob, () => findEvent(bobEvents, 'progress'))
      await bob.files.cancel(bobOffer.id)
      await assert.rejects(atBob)
      const { path } = await slowly
      assert.equal(fileHash(path), file.sha256)
      // Bob cancelled (a decline), the slow one has it: nobody is waiting, the spool is gone.
      await eventually(() => host.debug.transfers === 0, 'the host let the file go')
      assert.deepEqual(readdirSync(dirs[1] as string), [])
    } finally {
      await close()
    }
  })
})

describe('a host restart under a transfer', () => {
  it('ends every open transfer of its members with host-restarting, and forgets offers not yet taken', async () => {
    const { generateKeyPair } = await import('@libp2p/crypto/keys')
    const { Fernet } = await import('../../src/protocol/fernet.js')
    const { randomBytes } = await import('../../src/protocol/bytes.js')
    const { generateRoomSecret } = await import('../../src/protocol/totp.js')
    const [, aliceKeys, bobKeys, carolKeys] = await memberKeys(4)
    const stored = {
      privateKey: await generateKeyPair('Ed25519'),
      fernetKey: Fernet.generateKey(),
      roomId: randomBytes(16),
      roomSecret: generateRoomSecret(),
      relayOnly: true
    }
    const first = await startHost(stored)
    const port = first
      .addresses()[0]
      ?.getComponents()
      .find((c) => c.name === 'tcp')?.value
    const { invitation } = await first.invite()
    const files = (dir: string, rate?: number) => ({
      downloadDir: dir,
      ...(rate === undefined ? {} : { downloadBytesPerSecond: rate })
    })
    const alice = await joinHost(first, 'alice', { keys: aliceKeys, invitation })
    const bob = await joinHost(first, 'bob', {
      keys: bobKeys,
      invitation,
      files: files(folder(root, 'bob'), MiB)
    })
    const carol = await joinHost(first, 'carol', {
      keys: carolKeys,
      invitation,
      files: files(folder(root, 'carol'))
    })
    await until(alice, () => alice.members.length === 2 || undefined)
    const bobEvents = record(bob)
    const carolEvents = record(carol)
    let second: Awaited<ReturnType<typeof startHost>> | undefined
    try {
      const file = sourceFile(root, 4 * MiB)
      await alice.sendFile(file.path)
      const offer = await until(bob, () => findEvent(bobEvents, 'file-offer'))
      await until(carol, () => findEvent(carolEvents, 'file-offer'))
      const downloading = bob.files.accept(offer.id)
      downloading.catch(() => {})
      await until(bob, () => findEvent(bobEvents, 'progress'))
      await first.close({ restarting: true })
      second = await startHost({ ...stored, listen: [`/ip4/127.0.0.1/tcp/${port}`] })
      await assert.rejects(downloading)
      assert.equal(findEvent(bobEvents, 'file-failed')?.code, 'host-restarting')
      const forgotten = await until(carol, () => findEvent(carolEvents, 'file-failed'))
      assert.equal(forgotten.code, 'host-restarting')
      await assert.rejects(carol.files.accept(offer.id), /is failed/)
    } finally {
      await Promise.all([alice.close(), bob.close(), carol.close()])
      await (second ?? first).close()
    }
  })
})

describe('the caps of one member', () => {
  it('keeps at most maxKeptPerMember files of one member at the host; others still offer', async () => {
    const { host, members, close } = await relayOnlyRoom(['alice', 'bob', 'carol'], {
      fileLimits: { maxKeptPerMember: 2 }
    })
    const [alice, bob] = members as [RoomMember, RoomMember]
    try {
      const small = sourceFile(root, 100, 'small.txt')
      await alice.sendFile(small.path)
      await alice.sendFile(small.path)
      // Both wait, whole, for their recipients: a third is one too many for alice, not for bob.
      await assert.rejects(alice.sendFile(small.path), (err: Error & { reason?: Reason }) => {
        assert.equal(err.reason, Reason.TOO_MANY_TRANSFERS)
        return true
      })
      await bob.sendFile(small.path)
      assert.equal(host.debug.transfers, 3)
    } finally {
      await close()
    }
  })

  it('takes at most 16 file streams of one member at once, on all its connections together', async () => {
    const { FILE_PROTOCOL_ID } = await import('../../src/protocol/constants.js')
    const { members, close } = await relayOnlyRoom(['alice', 'bob'])
    const [alice] = members as [RoomMember, RoomMember]
    try {
      const node = alice.debug.node
      const hostConnection = node.getConnections()[0]
      assert.ok(hostConnection)
      // Streams that never send their first frame: each held open by the host until its 10 s timeout.
      const held = await Promise.all(
        Array.from({ length: 16 }, () => hostConnection.newStream(FILE_PROTOCOL_ID))
      )
      // A second connection to the host buys no more.
      const second = await node.dial(hostConnection.remoteAddr, { force: true })
      const extra = await second.newStream(FILE_PROTOCOL_ID)
      await new Promise<void>((resolve) => {
        if (extra.status !== 'open') resolve()
        else extra.addEventListener('close', () => resolve(), { once: true })
      })
      assert.notEqual(extra.status, 'open', 'the 17th stream is reset')
      assert.ok(
        held.every((s) => s.status === 'open'),
        'the 16 before it are kept'
      )
      for (const s of held) s.abort(new Error('done'))
      await second.close()
    } finally {
      await close()
    }
  })
})
