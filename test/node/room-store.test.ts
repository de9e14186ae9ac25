import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { hashAnswer } from '../../src/node/answer-hash.js'
import { RoomStoreError } from '../../src/node/errors.js'
import type { InvitationRecord } from '../../src/node/invitations.js'
import { checkRoomName, configFolder, RoomStore } from '../../src/node/room-store.js'

const temp = mkdtempSync(join(tmpdir(), 'securechat-store-'))
after(() => rmSync(temp, { recursive: true, force: true }))

let counter = 0
function freshEnv(): { XDG_CONFIG_HOME: string; HOME: string } {
  counter++
  return { XDG_CONFIG_HOME: join(temp, `xdg-${counter}`), HOME: join(temp, `home-${counter}`) }
}

const mode = (path: string): number => statSync(path).mode & 0o777

describe('where rooms are kept', () => {
  it('uses $XDG_CONFIG_HOME/securechat, else ~/.config/securechat (a relative XDG_CONFIG_HOME is ignored)', () => {
    assert.equal(configFolder({ XDG_CONFIG_HOME: '/x/config', HOME: '/home/a' }), '/x/config/securechat')
    assert.equal(configFolder({ HOME: '/home/a' }), '/home/a/.config/securechat')
    assert.equal(configFolder({ XDG_CONFIG_HOME: 'relative', HOME: '/home/a' }), '/home/a/.config/securechat')
    assert.equal(configFolder({ XDG_CONFIG_HOME: '', HOME: '/home/a' }), '/home/a/.config/securechat')
  })

  it('accepts room names of 1 to 64 letters, digits, "_" and "-" only', () => {
    for (const good of ['team', 'a', 'Team_2-x', 'x'.repeat(64)]) assert.equal(checkRoomName(good), good)
    for (const bad of ['', '../etc', 'a/b', 'a b', '.', 'x'.repeat(65), 'é']) {
      assert.throws(() => checkRoomName(bad), RoomStoreError, JSON.stringify(bad))
    }
    assert.throws(() => new RoomStore('../escape', { env: freshEnv() }), RoomStoreError)
  })
})

describe('a stored room', () => {
  it('loads back what was created: same PeerId, member key, secrets and settings', async () => {
    const env = freshEnv()
    const store = new RoomStore('team', { env })
    assert.equal(store.exists(), false)
    assert.equal(await store.load(), undefined)
    const answerHash = await hashAnswer('otter', { N: 1024 })
    const created = await store.create({ question: 'Mascot?', answerHash, nickname: 'boss' })
    assert.equal(store.exists(), true)
    assert.equal(store.folder, join(env.XDG_CONFIG_HOME, 'securechat', 'rooms', 'team'))

    const loaded = await new RoomStore('team', { env }).load()
    assert.ok(loaded !== undefined)
    assert.equal(
      peerIdFromPrivateKey(loaded.privateKey).toString(),
      peerIdFromPrivateKey(created.privateKey).toString()
    )
    assert.deepEqual(loaded.keys.publicKey.spki, created.keys.publicKey.spki)
    assert.deepEqual(
      loaded.keys.signing.publicKey.raw,
      created.keys.signing.publicKey.raw,
      'same signing key'
    )
    assert.deepEqual(loaded.roomId, created.roomId)
    assert.equal(loaded.roomName, 'team')
    assert.equal(loaded.question, 'Mascot?')
    assert.equal(loaded.answerHash, answerHash)
    assert.equal(loaded.roomSecret, created.roomSecret)
    assert.equal(loaded.fernetKey, created.fernetKey)
    assert.equal(loaded.nickname, 'boss')
    assert.equal(loaded.port, undefined)
    assert.deepEqual(loaded.invitations, [])

    store.saveSettings({ ...loaded, port: 4455 })
    assert.equal((await store.load())?.port, 4455)
  })

  it('a room stored before signing keys existed gets one on its next load, and keeps it', async () => {
    const env = freshEnv()
    const store = new RoomStore('older', { env })
    const created = await store.create({
      question: 'Mascot?',
      answerHash: await hashAnswer('otter', { N: 1024 })
    })
    rmSync(store.path('signingKey'))
    const first = await store.load()
    assert.ok(first !== undefined)
    assert.deepEqual(first.keys.publicKey.spki, created.keys.publicKey.spki, 'the RSA key stays')
    assert.equal(statSync(store.path('signingKey')).mode & 0o777, 0o600)
    const again = await store.load()
    assert.deepEqual(again?.keys.signing.publicKey.raw, first.keys.signing.publicKey.raw)
  })

  it('keeps its folders 0700 and its files 0600, and leaves no temporary file behind', async () => {
    const env = freshEnv()
    const store = new RoomStore('perm', { env })
    await store.create({ question: 'q?', answerHash: await hashAnswer('a', { N: 1024 }) })
    store.saveInvitations([])
    assert.equal(mode(store.folder), 0o700)
    assert.equal(mode(join(store.folder, '..')), 0o700)
    assert.equal(mode(join(env.XDG_CONFIG_HOME, 'securechat')), 0o700)
    const files = readdirSync(store.folder).sort()
    assert.deepEqual(files, [
      'identity.key',
      'invitations.json',
      'member-key.pem',
      'room.json',
      'signing-key.pem'
    ])
    for (const file of files) assert.equal(mode(join(store.folder, file)), 0o600, file)
    assert.match(readFileSync(store.path('memberKey'), 'utf8'), /^-----BEGIN PRIVATE KEY-----/)
  })

  it('saves the invitation book and loads it back, less the expired invitations', async () => {
    const env = freshEnv()
    const now = Date.now()
    const store = new RoomStore('book', { env, now: () => now })
    await store.create({ question: 'q?', answerHash: await hashAnswer('a', { N: 1024 }) })
    const records: InvitationRecord[] = [
      { id: 'a1', createdAt: now - 10, expiresAt: now + 60_000, maxUses: undefined, uses: 0, revoked: false },
      { id: 'b2', createdAt: now - 10, expiresAt: now + 60_000, maxUses: 3, uses: 1, revoked: true },
      { id: 'c3', createdAt: now - 90_000, expiresAt: now - 1, maxUses: undefined, uses: 0, revoked: false }
    ]
    store.saveInvitations(records)
    const loaded = await store.load()
    assert.deepEqual(loaded?.invitations, records.slice(0, 2))
  })

  it('tightens loose permissions and warns, naming the file but no secret', async () => {
    const env = freshEnv()
    const store = new RoomStore('loose', { env })
    const created = await store.create({ question: 'q?', answerHash: await hashAnswer('a', { N: 1024 }) })
    chmodSync(store.path('room'), 0o644)
    chmodSync(store.path('identity'), 0o640)
    chmodSync(store.folder, 0o755)
    const warnings: string[] = []
    await new RoomStore('loose', { env, warn: (m) => warnings.push(m) }).load()
    assert.equal(mode(store.path('room')), 0o600)
    assert.equal(mode(store.path('identity')), 0o600)
    assert.equal(mode(store.folder), 0o700)
    assert.equal(warnings.length, 3)
    assert.ok(warnings.some((w) => w.includes('room.json') && w.includes('0644')))
    for (const w of warnings) {
      assert.ok(
        !w.includes(created.fernetKey) && !w.includes(created.roomSecret) && !w.includes(created.answerHash)
      )
    }
  })

  it('refuses a damaged room.json with a clear error', async () => {
    const env = freshEnv()
    const store = new RoomStore('broken', { env })
    await store.create({ question: 'q?', answerHash: await hashAnswer('a', { N: 1024 }) })
    writeFileSync(store.path('room'), '{"version":1,"roomId":"zz"}', { mode: 0o600 })
    await assert.rejects(
      store.load(),
      (err: Error) => err instanceof RoomStoreError && /roomId/.test(err.message)
    )
    writeFileSync(store.path('room'), 'not json', { mode: 0o600 })
    await assert.rejects(store.load(), /not valid JSON/)
  })
})
