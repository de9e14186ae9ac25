// Unit tests of relayPost with a fake RelayRoom whose members' channels are stream pairs: checks, numbering, re-sends, the backlog.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { entryCharge, entryDeliver, entrySeq } from '../../src/node/backlog.js'
import type { FrameChannel } from '../../src/node/channel.js'
import type { RefusedError } from '../../src/node/errors.js'
import type { MemberLimits } from '../../src/node/host-config.js'
import { freshSession, type HostedMember } from '../../src/node/hosted-member.js'
import { type RelayRoom, relayPost } from '../../src/node/relay.js'
import { RoomDigests } from '../../src/node/room-recipients.js'
import { decodeFrame, encodeFrame, type FrameKind, type FrameOf, frame } from '../../src/protocol/frame.js'
import { generateMemberKeyPair, type MemberKeyPair } from '../../src/protocol/member-keys.js'
import { sealMessage } from '../../src/protocol/message.js'
import { generateSenderKey, type SenderKey } from '../../src/protocol/sender-key.js'
import type { Deliver, Post } from '../../src/protocol/wire/securechat.js'
import { Reason } from '../../src/protocol/wire/securechat.js'
import { channelPair } from '../helpers/pair.js'

const ROOM_ID = new Uint8Array(16).fill(7)
const LIMITS: MemberLimits = {
  rateLimit: { perSecond: 1000, burst: 1000 },
  backlogSize: 100,
  backlogBytes: 1 << 20
}

interface Seat {
  member: HostedMember
  /** The member's end of its stream: what the host sent it. */
  inbox: FrameChannel
}

let lastIndex = 0

async function seat(peerId: string, keys: MemberKeyPair, local = false): Promise<Seat> {
  const [hostEnd, memberEnd] = await channelPair()
  const member: HostedMember = {
    peerId,
    nickname: peerId,
    publicKey: keys.publicKey,
    publicKeySpki: keys.publicKey.spki,
    signingKey: keys.signing.publicKey,
    signingKeyBinding: keys.binding,
    index: ++lastIndex,
    fingerprint: '',
    local,
    ...freshSession(LIMITS, Date.now),
    channel: local ? undefined : hostEnd
  }
  return { member, inbox: memberEnd }
}

/** The next frame the host sent this member, which must be of `kind`. */
async function nextOf<K extends FrameKind>(seat: Seat, kind: K): Promise<FrameOf<K>['body']> {
  const received = await seat.inbox.read(AbortSignal.timeout(5000))
  assert.equal(received.kind, kind)
  return received.body as FrameOf<K>['body']
}

describe('relayPost', () => {
  let keys: MemberKeyPair[]
  let alice: Seat
  let bob: Seat
  let carol: Seat
  let room: RelayRoom & { seq: number; local: Deliver[]; version: number }

  before(async () => {
    keys = [await generateMemberKeyPair(), await generateMemberKeyPair(), await generateMemberKeyPair()]
  })

  const setUp = async (withHost = false) => {
    const [a, b, c] = keys as [MemberKeyPair, MemberKeyPair, MemberKeyPair]
    alice = await seat('alice', a)
    bob = await seat('bob', b)
    carol = await seat('carol', c, withHost)
    const members = new Map([alice, bob, carol].map((s) => [s.member.peerId, s.member]))
    const local: Deliver[] = []
    const membership = { members, version: 0 }
    room = {
      roomId: ROOM_ID,
      members,
      version: 0,
      digests: new RoomDigests(membership),
      limits: LIMITS,
      seq: 0,
      local,
      nextSeq: () => ++room.seq,
      deliverLocally: (deliver) => void local.push(deliver)
    }
  }

  /** A Post from alice as the host decodes it off the wire: its fields are views into the frame. */
  const post = async (
    counter: number,
    options: { to?: Seat[]; signer?: MemberKeyPair; senderKey?: SenderKey } = {}
  ): Promise<Post> => {
    const sealed = await sealMessage({
      roomId: ROOM_ID,
      sender: 'alice',
      counter,
      text: `message ${counter}`,
      recipients: (options.to ?? [bob, carol]).map((s) => ({
        id: s.member.peerId,
        publicKey: s.member.publicKey
      })),
      signingKey: (options.signer ?? (keys[0] as MemberKeyPair)).signing.privateKey,
      senderKey: options.senderKey
    })
    const decoded = decodeFrame(encodeFrame(frame('post', sealed)))
    assert.equal(decoded.kind, 'post')
    return decoded.body as Post
  }

  it('numbers each post once, in order, delivers each recipient its own key, and acknowledges', async () => {
    await setUp()
    const posts = [await post(1), await post(2), await post(3)]
    const seqs = []
    for (const p of posts) seqs.push(await relayPost(room, p, alice.member))
    assert.deepEqual(seqs, [1, 2, 3])
    for (const [i, p] of posts.entries()) {
      const toBob = await nextOf(bob, 'deliver')
      assert.deepEqual([toBob.seq, toBob.sender, toBob.counter], [i + 1, alice.member.index, p.counter])
      assert.deepEqual(toBob.recipients, [], 'a message for the whole room does not name it')
      assert.deepEqual(toBob.wrappedKey, p.keys[0]?.key)
      assert.deepEqual((await nextOf(carol, 'deliver')).wrappedKey, p.keys[1]?.key)
      assert.deepEqual(await nextOf(alice, 'ack'), { counter: p.counter, seq: i + 1 })
    }
  })

  it('a post re-sent after a reconnect is acknowledged again, not relayed twice', async () => {
    await setUp()
    const first = await post(1)
    assert.equal(await relayPost(room, first, alice.member), 1)
    assert.equal(await relayPost(room, first, alice.member), 1)
    assert.equal(await relayPost(room, await post(2), alice.member), 2)
    assert.deepEqual([(await nextOf(bob, 'deliver')).seq, (await nextOf(bob, 'deliver')).seq], [1, 2])
    assert.equal(bob.member.backlog.length, 2)
    const acks = [await nextOf(alice, 'ack'), await nextOf(alice, 'ack'), await nextOf(alice, 'ack')]
    assert.deepEqual(
      acks.map((a) => [a.counter, a.seq]),
      [
        [1, 1],
        [1, 1],
        [2, 2]
      ]
    )
  })

  it('refuses a stale counter, a bad recipient list and a bad signature, telling the sender, numbering none', async () => {
    await setUp()
    assert.equal(await relayPost(room, await post(5), alice.member), 1)
    await nextOf(alice, 'ack')
    const swapped = await post(7)
    swapped.keys.reverse()
    const cases: [Post, Reason][] = [
      [await post(3), Reason.BAD_COUNTER],
      [await post(6, { to: [alice, bob] }), Reason.BAD_RECIPIENTS],
      [swapped, Reason.BAD_RECIPIENTS],
      [await post(8, { signer: keys[1] }), Reason.BAD_SIGNATURE]
    ]
    for (const [p, reason] of cases) {
      await assert.rejects(relayPost(room, p, alice.member), (err) => (err as RefusedError).reason === reason)
      const rejected = await nextOf(alice, 'rejected')
      assert.deepEqual([rejected.counter, rejected.reason], [p.counter, reason])
    }
    assert.equal(room.seq, 1)
    assert.equal(alice.member.lastCounter, 5)
    assert.equal(bob.member.backlog.length, 1)
  })

  it('a member away gets nothing sent, but the delivery held for its return', async () => {
    await setUp()
    carol.member.away = true
    await relayPost(room, await post(1), alice.member)
    carol.member.away = false
    await relayPost(room, await post(2), alice.member)
    assert.equal((await nextOf(carol, 'deliver')).seq, 2, 'the first was not sent while away')
    assert.deepEqual(carol.member.backlog.map(entrySeq), [1, 2])
  })

  it("a message's holders are charged its real bytes between them, each its own wrapped key, and keep copies of their own", async () => {
    await setUp()
    const p = await post(1)
    await relayPost(room, p, alice.member)
    const [toBob, toCarol] = [bob.member.backlog[0], carol.member.backlog[0]]
    assert.ok(toBob && toCarol)
    const held = entryDeliver(toBob)
    const before = structuredClone(held)
    const fields = held.ciphertext.byteLength + held.signature.byteLength
    const keys = held.wrappedKey.byteLength + entryDeliver(toCarol).wrappedKey.byteLength
    const charged = entryCharge(bob.member, toBob) + entryCharge(carol.member, toCarol)
    assert.ok(charged >= fields + keys, `charged ${charged} for ${fields + keys} bytes of fields`)
    assert.equal(held.ciphertext.buffer.byteLength, fields, 'one buffer of its own, not the frame')
    assert.equal(entryDeliver(toCarol).ciphertext, held.ciphertext, 'one copy for both holders')
    assert.equal(bob.member.backlogBytes, entryCharge(bob.member, toBob))
    assert.equal(carol.member.backlogBytes, entryCharge(carol.member, toCarol))
    assert.deepEqual(held.recipients, p.recipients, 'what is held for a replay names its recipients')
    assert.deepEqual(held.wrappedKey, p.keys[0]?.key, "bob's replay carries bob's own wrapped key")
    for (const bytes of [p.ciphertext, p.signature, ...p.keys.map((k) => k.key)]) bytes.fill(0)
    assert.deepEqual(entryDeliver(toBob), before)
  })

  it("hands the host's own member its delivery in-process, and holds none for it", async () => {
    await setUp(true)
    const p = await post(1)
    await relayPost(room, p, alice.member)
    assert.equal(room.local.length, 1)
    assert.deepEqual(room.local[0]?.wrappedKey, p.keys[1]?.key)
    assert.equal(carol.member.backlog.length, 0)
    assert.equal(bob.member.backlog.length, 1)
  })

  it('a message under a sender key goes to every recipient the same, with no wrapped key', async () => {
    await setUp()
    await relayPost(room, await post(1, { senderKey: await generateSenderKey(9) }), alice.member)
    const [toBob, toCarol] = [await nextOf(bob, 'deliver'), await nextOf(carol, 'deliver')]
    assert.equal(toBob.epoch, 9)
    assert.equal(toBob.wrappedKey.byteLength, 0)
    assert.deepEqual(toBob, toCarol)
  })

  it('names the recipients when they are not the whole room, and the signature still holds for them', async () => {
    await setUp()
    await relayPost(room, await post(1, { to: [bob] }), alice.member)
    const toBob = await nextOf(bob, 'deliver')
    assert.deepEqual(toBob.recipients, ['bob'])
    assert.equal(carol.member.backlog.length, 0, 'carol was not sent it')
  })

  it('refuses a signature made for another set of recipients than the Post names', async () => {
    await setUp()
    // Signed for bob and carol, but the Post claims bob alone (a host or a member editing the list).
    const signed = await post(1)
    const edited = { ...signed, recipients: ['bob'], keys: signed.keys.slice(0, 1) }
    await assert.rejects(
      relayPost(room, edited, alice.member),
      (err) => (err as RefusedError).reason === Reason.BAD_SIGNATURE
    )
  })
})
