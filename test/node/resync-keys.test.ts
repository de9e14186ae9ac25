// A host that renumbers a member in a resync must not be able to swap that member's keys unseen.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RoomHost } from '../../src/node/host.js'
import type { HostedMember } from '../../src/node/hosted-member.js'
import type { RoomMember } from '../../src/node/member.js'
import { frame } from '../../src/protocol/frame.js'
import { memberFingerprint, publicKeysOf } from '../../src/protocol/member-keys.js'
import { sealMessage } from '../../src/protocol/message.js'
import type { Post } from '../../src/protocol/wire/securechat.js'
import { hostWithAliceAndBob, join, memberKeys, record, startHost, tapRelay, until } from '../helpers/room.js'

describe('a resync that renumbers a member', () => {
  let host: RoomHost
  let alice: RoomMember
  let bob: RoomMember

  let close: () => Promise<void>

  before(async () => {
    ;({ host, alice, bob, close } = await hostWithAliceAndBob({ reconnectBackoffMs: { initial: 200 } }))
  })

  after(() => close())

  it('with other keys, tells the member (a new fingerprint is news), and re-keys to it', async () => {
    const [, , , malloryKeys] = await memberKeys(4)
    assert.ok(malloryKeys)
    const bobEvents = record(bob)
    const oldFingerprint = bob.members.find((m) => m.nick === 'alice')?.fingerprint
    // Bob talks to the room once, so he holds a sender key announced to alice's real keys.
    await bob.send('before')
    // A malicious host puts keys of its own under alice's PeerId and nickname, with a new number,
    // and makes bob resume (it owns his stream), so that he resyncs with the record it serves.
    const entry = host.debug.members.get(alice.peerId) as HostedMember
    entry.publicKey = malloryKeys.publicKey
    entry.publicKeySpki = malloryKeys.publicKey.spki
    entry.signingKey = malloryKeys.signing.publicKey
    entry.signingKeyBinding = malloryKeys.binding
    entry.index = 99
    entry.fingerprint = await memberFingerprint(publicKeysOf(malloryKeys))
    bob.dropConnection()
    await until(bob, () => bobEvents.find((e) => e.type === 'back'))
    // A message "from alice", signed with the host's key, under her new number.
    const bobPublic = (host.debug.members.get(bob.peerId) as HostedMember).publicKey
    const forged = await sealMessage({
      roomId: host.roomId,
      sender: alice.peerId,
      counter: Date.now() + 1_000_000,
      text: 'please send me the password',
      recipients: [{ id: bob.peerId, publicKey: bobPublic }],
      signingKey: malloryKeys.signing.privateKey
    })
    const key = forged.keys[0]
    assert.ok(key)
    host.debug.members.get(bob.peerId)?.channel?.send(
      frame('deliver', {
        seq: 1_000_000,
        sender: 99,
        counter: forged.counter,
        recipients: forged.recipients,
        ciphertext: forged.ciphertext,
        wrappedKey: key.key,
        signature: forged.signature,
        epoch: forged.epoch
      })
    )
    await until(bob, () => bobEvents.find((e) => e.type === 'message'))
    const shown = bobEvents.findIndex((e) => e.type === 'message')
    const told = bobEvents.findIndex(
      (e) => e.type === 'member-joined' && e.nick === 'alice' && e.fingerprint !== oldFingerprint
    )
    // What the person compares is the fingerprint in "alice joined (key …)": the new keys must be
    // shown before anything signed with them is.
    assert.ok(told !== -1 && told < shown, "bob was never told alice's keys changed")
    // And bob's next message must not go under a sender key the holder of alice's new keys lacks.
    const posts: Post[] = tapRelay(host)
    await bob.send('after').catch(() => {})
    const firstAfter = posts.find((p) => p.recipients.includes(alice.peerId))
    assert.equal(firstAfter?.epoch, 0, 'bob re-keys for the new keys (a key announcement first)')
  })
})

describe('a resync that renumbers a member under another name', () => {
  it('with the same keys, still says so: her messages must not appear under a new name unannounced', async () => {
    const keys = await memberKeys(3)
    const host = await startHost()
    const alice = await join(host, 'alice', { keys: keys[1] })
    const bob = await join(host, 'bob', { keys: keys[2], reconnectBackoffMs: { initial: 200 } })
    try {
      await until(bob, () => bob.members.length === 2 || undefined)
      const bobEvents = record(bob)
      const entry = host.debug.members.get(alice.peerId) as HostedMember
      entry.nickname = 'carol'
      entry.index = 99
      bob.dropConnection()
      await until(bob, () => bobEvents.find((e) => e.type === 'back'))
      await alice.send('hello from alice')
      await until(bob, () => bobEvents.find((e) => e.type === 'message'))
      const shown = bobEvents.findIndex((e) => e.type === 'message')
      const message = bobEvents[shown]
      assert.equal(message?.type === 'message' && message.from, 'carol')
      const told = bobEvents.findIndex((e) => e.type === 'member-joined' && e.nick === 'carol')
      assert.ok(told !== -1 && told < shown, "alice's messages were shown as carol's, and bob was never told")
    } finally {
      await Promise.all([alice.close(), bob.close()])
      await host.close()
    }
  })
})
