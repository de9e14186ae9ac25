import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RoomHost } from '../../src/node/host.js'
import type { RoomMember } from '../../src/node/member.js'
import { frame } from '../../src/protocol/frame.js'
import { sealMessage } from '../../src/protocol/message.js'
import type { Post } from '../../src/protocol/wire/securechat.js'
import { join, memberKeys, record, startHost, tapRelay, until } from '../helpers/room.js'

const announcements = (posts: Post[]): Post[] => posts.filter((p) => p.epoch === 0)
const messages = (posts: Post[]): Post[] => posts.filter((p) => p.epoch > 0)

describe('sender keys follow the membership', () => {
  let host: RoomHost
  let alice: RoomMember
  let bob: RoomMember
  const others: RoomMember[] = []

  before(async () => {
    const keys = await memberKeys(3)
    host = await startHost({ backlogSize: 3 })
    alice = await join(host, 'alice', { keys: keys[1] })
    bob = await join(host, 'bob', { keys: keys[2], reconnectBackoffMs: { initial: 1500 } })
    await until(alice, () => alice.members.length === 2 || undefined)
  })

  after(async () => {
    await Promise.all([alice.close(), bob.close(), ...others.map((m) => m.close())])
    await host.close()
  })

  it('one announcement, then every message under the key, with no wrapped keys', async () => {
    const posts = tapRelay(host)
    const bobEvents = record(bob)
    for (let i = 0; i < 3; i++) await alice.send(`steady ${i}`)
    await until(bob, () => bobEvents.filter((e) => e.type === 'message').length === 3 || undefined)
    assert.equal(announcements(posts).length, 1)
    assert.equal(messages(posts).length, 3)
    assert.ok(messages(posts).every((p) => p.keys.length === 0 && p.epoch === messages(posts)[0]?.epoch))
  })

  it('a newcomer gets a new key, never the one used before it came', async () => {
    const posts = tapRelay(host)
    const [, , , carolKeys] = await memberKeys(4)
    const before = messages(posts)
    const carol = await join(host, 'carol', { keys: carolKeys })
    others.push(carol)
    await until(alice, () => alice.members.some((m) => m.nick === 'carol') || undefined)
    const carolEvents = record(carol)
    await alice.send('hello carol')
    await until(carol, () => carolEvents.find((e) => e.type === 'message' && e.text === 'hello carol'))
    const [announcement] = announcements(posts)
    assert.ok(announcement?.recipients.includes(carol.peerId))
    const used = messages(posts).at(-1)?.epoch ?? 0
    assert.ok(
      before.every((p) => p.epoch !== used),
      'a key made after carol came'
    )
  })

  it('a departed member is not sent the next key', async () => {
    const posts = tapRelay(host)
    const carol = others.pop() as RoomMember
    const aliceEvents = record(alice)
    host.kick('carol')
    await until(alice, () => aliceEvents.find((e) => e.type === 'member-left' && e.nick === 'carol'))
    await alice.send('carol is gone')
    const [announcement] = announcements(posts)
    assert.ok(announcement, 'the membership change made a new key')
    assert.ok(!announcement.recipients.includes(carol.peerId))
    assert.ok(messages(posts).every((p) => !p.recipients.includes(carol.peerId)))
    await carol.close()
  })

  it('a member whose announcement fell out of its backlog can read again once back', async () => {
    const bobEvents = record(bob)
    const aliceEvents = record(alice)
    bob.dropConnection()
    await until(alice, () => aliceEvents.find((e) => e.type === 'member-away' && e.nick === 'bob'))
    // A new member makes alice re-key while bob is away; the announcement then falls out of his backlog.
    const [, , , daveKeys] = await memberKeys(4)
    const dave = await join(host, 'dave', { keys: daveKeys })
    others.push(dave)
    await until(alice, () => alice.members.some((m) => m.nick === 'dave') || undefined)
    for (let i = 0; i < 5; i++) await alice.send(`while away ${i}`)
    const back = await until(bob, () => bobEvents.find((e) => e.type === 'back'))
    assert.ok(back.type === 'back' && back.missed >= 1)
    await until(alice, () => aliceEvents.find((e) => e.type === 'member-back' && e.nick === 'bob'))
    await alice.send('readable again')
    await until(bob, () => bobEvents.find((e) => e.type === 'message' && e.text === 'readable again'))
  })

  it("holding a sender key does not let a member forge its owner's messages", async () => {
    const bobEvents = record(bob)
    await alice.send('prime')
    await until(bob, () => bobEvents.find((e) => e.type === 'message' && e.text === 'prime'))
    // Bob holds alice's current key (he can read her); he seals under it but can only sign as himself.
    const aliceKey = alice.debug.ownSenderKey
    assert.ok(aliceKey, 'alice has announced a sender key')
    const [, , bobKeys] = await memberKeys(3)
    assert.ok(bobKeys)
    const dave = others.at(-1) as RoomMember
    const daveEvents = record(dave)
    const forged = await sealMessage({
      roomId: host.roomId,
      sender: alice.peerId,
      counter: Date.now() + 1_000_000,
      text: 'alice says: trust bob',
      recipients: [{ id: dave.peerId, publicKey: bobKeys.publicKey }],
      signingKey: bobKeys.signing.privateKey,
      senderKey: aliceKey
    })
    host.debug.members.get(dave.peerId)?.channel?.send(
      frame('deliver', {
        ...forged,
        seq: 1_000_000,
        sender: host.debug.members.get(alice.peerId)?.index ?? 0,
        wrappedKey: new Uint8Array(0)
      })
    )
    const error = await until(dave, () => daveEvents.find((e) => e.type === 'error'))
    assert.equal(error.type === 'error' && error.code, 'bad-signature')
    assert.ok(!daveEvents.some((e) => e.type === 'message' && e.text.startsWith('alice says')))
  })
})
