// Unit tests of Participant with a fake submit: what it drops (replays, duplicates, strangers), sending, and resync's held departures.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { NobodyToSendToError } from '../../src/node/errors.js'
import { EventFeed, type RoomEvent } from '../../src/node/events.js'
import { Participant } from '../../src/node/participant.js'
import { generateMemberKeyPair, type MemberKeyPair } from '../../src/protocol/member-keys.js'
import { sealMessage } from '../../src/protocol/message.js'
import type { Deliver, Member, Post } from '../../src/protocol/wire/securechat.js'

const ROOM_ID = new Uint8Array(16).fill(3)
/** The member indices the host would have given them. */
const INDEX: Record<string, number> = { bob: 1, alice: 2, carol: 3, dave: 4, mallory: 99 }

describe('Participant', () => {
  let bobKeys: MemberKeyPair
  let aliceKeys: MemberKeyPair
  let carolKeys: MemberKeyPair

  before(async () => {
    ;[bobKeys, aliceKeys, carolKeys] = [
      await generateMemberKeyPair(),
      await generateMemberKeyPair(),
      await generateMemberKeyPair()
    ]
  })

  const member = (peerId: string, keys: MemberKeyPair): Member => ({
    peerId,
    nickname: peerId,
    publicKey: keys.publicKey.spki as Uint8Array<ArrayBuffer>,
    fingerprint: 'claimed by the host, recomputed by the member',
    signingKey: keys.signing.publicKey.raw as Uint8Array<ArrayBuffer>,
    signingKeyBinding: keys.binding as Uint8Array<ArrayBuffer>,
    index: INDEX[peerId] ?? 0
  })

  /** Bob, with alice and carol in his roster; `submitted` is what he hands the host. */
  const bob = async () => {
    const feed = new EventFeed()
    const events: RoomEvent[] = []
    feed.on('*', (e) => events.push(e))
    const submitted: Post[] = []
    const participant = new Participant({
      roomId: ROOM_ID,
      peerId: 'bob',
      nickname: 'bob',
      keys: bobKeys,
      feed,
      // The host numbers what it is handed in order: the count so far is the sequence number.
      submit: async (post) => submitted.push(post)
    })
    await participant.memberJoined(member('alice', aliceKeys), { announce: false })
    await participant.memberJoined(member('carol', carolKeys), { announce: false })
    return { participant, events, submitted }
  }

  /** A delivery to bob from `sender`, sealed and signed by `keys`, as the host would relay it. */
  const deliver = async (
    sender: string,
    keys: MemberKeyPair,
    seq: number,
    counter: number
  ): Promise<Deliver> => {
    const post = await sealMessage({
      roomId: ROOM_ID,
      sender,
      counter,
      text: `${sender} ${counter}`,
      recipients: [{ id: 'bob', publicKey: bobKeys.publicKey }],
      signingKey: keys.signing.privateKey
    })
    const wrappedKey = post.keys[0]?.key
    assert.ok(wrappedKey)
    return { ...post, seq, sender: INDEX[sender] ?? 0, wrappedKey }
  }

  const shown = (events: RoomEvent[]) =>
    events.map((e) =>
      e.type === 'message' ? `${e.from}: ${e.text}` : e.type === 'error' ? `error ${e.code}` : e.type
    )

  it('shows a message once; drops a duplicate, a replayed counter and a stranger', async () => {
    const { participant, events } = await bob()
    await participant.receive(await deliver('alice', aliceKeys, 1, 10))
    await participant.receive(await deliver('alice', aliceKeys, 1, 11))
    await participant.receive(await deliver('alice', aliceKeys, 2, 10))
    await participant.receive(await deliver('mallory', aliceKeys, 3, 12))
    await participant.receive(await deliver('carol', aliceKeys, 4, 13))
    assert.deepEqual(shown(events), [
      'alice: alice 10',
      'error duplicate',
      'error replay',
      'error unknown-sender',
      'error bad-signature'
    ])
    assert.equal(participant.lastSequence, 1)
  })

  it("resync keeps a departed member's key until the replay is through, then says it left", async () => {
    const { participant, events } = await bob()
    await participant.resync([member('alice', aliceKeys)], { nextSeq: 1, hostRestarted: false, replayed: 2 })
    assert.deepEqual(shown(events), [])
    await participant.receive(await deliver('carol', carolKeys, 1, 20))
    assert.deepEqual(shown(events), ['carol: carol 20'])
    await participant.receive(await deliver('alice', aliceKeys, 2, 21))
    assert.deepEqual(shown(events), ['carol: carol 20', 'alice: alice 21', 'member-left'])
    await participant.receive(await deliver('carol', carolKeys, 3, 22))
    assert.equal(shown(events).at(-1), 'error unknown-sender')
    assert.deepEqual(
      participant.members.map((m) => m.nick),
      ['alice']
    )
  })

  it('resync with nothing to replay says at once who left, and who came', async () => {
    const { participant, events } = await bob()
    const dave = await generateMemberKeyPair()
    await participant.resync([member('alice', aliceKeys), member('dave', dave)], {
      nextSeq: 1,
      hostRestarted: false
    })
    assert.deepEqual(
      events.map((e) => e.type !== 'error' && 'nick' in e && `${e.type} ${e.nick}`),
      ['member-joined dave', 'member-left carol']
    )
  })

  it('after a host restart the members are numbered afresh, even swapping numbers, and each is found by its new one', async () => {
    const { participant, events } = await bob()
    // Alice was 2 and carol 3; the restarted host gives alice 3 and carol 2.
    const renumbered = (peerId: string, keys: MemberKeyPair, index: number): Member => ({
      ...member(peerId, keys),
      index
    })
    await participant.resync([renumbered('alice', aliceKeys, 3), renumbered('carol', carolKeys, 2)], {
      nextSeq: 1,
      hostRestarted: true
    })
    const fromAlice = await deliver('alice', aliceKeys, 1, 50)
    const fromCarol = await deliver('carol', carolKeys, 2, 51)
    await participant.receive({ ...fromAlice, sender: 3 })
    await participant.receive({ ...fromCarol, sender: 2 })
    // Under her old number, alice's message now names carol: her signature does not hold for carol.
    await participant.receive({ ...(await deliver('alice', aliceKeys, 3, 52)), sender: 2 })
    assert.deepEqual(shown(events), ['alice: alice 50', 'carol: carol 51', 'error bad-signature'])
  })

  it('sends a sender key announcement, then messages under it, each counter higher, seq from the host', async () => {
    const { participant, submitted } = await bob()
    const first = await participant.send('hello')
    const second = await participant.send('again')
    assert.deepEqual(
      submitted.map((p) => p.epoch > 0),
      [false, true, true],
      'one wrapped announcement, then both messages under the key'
    )
    assert.deepEqual([first.seq, second.seq], [2, 3])
    assert.ok(first.counter < second.counter)
    assert.deepEqual(submitted[1]?.recipients.sort(), ['alice', 'carol'])
  })

  it('refuses to send to an empty room', async () => {
    const feed = new EventFeed()
    const alone = new Participant({
      roomId: ROOM_ID,
      peerId: 'bob',
      nickname: 'bob',
      keys: bobKeys,
      feed,
      submit: async () => 1
    })
    await assert.rejects(alone.send('anyone?'), NobodyToSendToError)
  })

  it('drops a message whose named recipients leave this member out', async () => {
    const { participant, events } = await bob()
    const post = await sealMessage({
      roomId: ROOM_ID,
      sender: 'alice',
      counter: 30,
      text: 'for carol only',
      recipients: [{ id: 'carol', publicKey: carolKeys.publicKey }],
      signingKey: aliceKeys.signing.privateKey
    })
    await participant.receive({ ...post, seq: 1, sender: INDEX['alice'] ?? 0, wrappedKey: new Uint8Array(0) })
    assert.deepEqual(shown(events), ['error not-a-recipient'])
  })

  it('checks a message that names no recipients against the room as it knows it', async () => {
    const { participant, events } = await bob()
    const seal = (counter: number, ids: string[]) =>
      sealMessage({
        roomId: ROOM_ID,
        sender: 'alice',
        counter,
        text: `to ${ids.join(' ')}`,
        recipients: ids.map((id) => ({
          id,
          publicKey: id === 'bob' ? bobKeys.publicKey : carolKeys.publicKey
        })),
        signingKey: aliceKeys.signing.privateKey
      })
    const implicit = (post: Post, seq: number): Deliver => ({
      ...post,
      seq,
      sender: INDEX['alice'] ?? 0,
      recipients: [],
      wrappedKey: post.keys[0]?.key ?? new Uint8Array(0)
    })
    // Bob knows alice and carol: a message alice sealed for bob and carol is for the whole room...
    await participant.receive(implicit(await seal(40, ['bob', 'carol']), 1))
    // ...one she sealed for bob alone is not, and unnamed it cannot pass as one for the room.
    await participant.receive(implicit(await seal(41, ['bob']), 2))
    assert.deepEqual(shown(events), ['alice: to bob carol', 'error bad-signature'])
  })

  /**
   * Alice in one session of hers (a restarted host that is a member starts a new one): her own
   * `Participant`, with bob in her roster, reading the clock `now`; `posts` is what she hands the host.
   */
  const aliceSession = async (now: () => number) => {
    const posts: Post[] = []
    const alice = new Participant({
      roomId: ROOM_ID,
      peerId: 'alice',
      nickname: 'alice',
      keys: aliceKeys,
      feed: new EventFeed(),
      now,
      submit: async (post) => posts.push(post)
    })
    await alice.memberJoined(member('bob', bobKeys), { announce: false })
    return { alice, posts }
  }

  /** A Post of alice's as the host relays it to bob, with the next `seq`. */
  const relayed = (post: Post, seq: number): Deliver => ({
    ...post,
    seq,
    sender: INDEX['alice'] ?? 0,
    wrappedKey: post.keys[0]?.key ?? new Uint8Array(0)
  })

  it("a sender's new session numbers its keys from 1 again: they replace the old ones, nothing old opens after, no key seals twice", async () => {
    const { participant, events } = await bob()
    let seq = 0
    const toBob = async (post: Post) => participant.receive(relayed(post, ++seq))
    // Session 1: four keys (epochs 1-4), a re-key each time bob is announced again.
    const start = Date.now()
    const first = await aliceSession(() => start)
    const oldKeys: string[] = []
    for (let epoch = 1; epoch <= 4; epoch++) {
      if (epoch > 1) await first.alice.memberJoined(member('bob', bobKeys), { announce: false })
      await first.alice.send(`old ${epoch}`)
      oldKeys.push(Buffer.from(first.alice.ownSenderKey?.raw ?? []).toString('hex'))
    }
    assert.deepEqual(
      first.posts.map((p) => p.epoch),
      [0, 1, 0, 2, 0, 3, 0, 4]
    )
    for (const post of first.posts) await toBob(post)
    // Session 2, ten seconds on: epoch 1 again, under a new key.
    const second = await aliceSession(() => start + 10_000)
    await second.alice.send('new 1')
    const newKey = Buffer.from(second.alice.ownSenderKey?.raw ?? []).toString('hex')
    assert.equal(second.posts[1]?.epoch, 1)
    assert.ok(!oldKeys.includes(newKey), 'a new session draws new keys, whatever their numbers')
    for (const post of second.posts) await toBob(post)
    // The old session's messages, relayed again (epoch 1, whose number the new key took, and epoch
    // 4, which bob still holds): replays by their counters, whichever key they name.
    await toBob(first.posts[1] as Post)
    await toBob(first.posts[7] as Post)
    // Session 2 moves on to its key 2: bob takes it in place of the old session's key 2.
    await second.alice.send('new 1, again')
    await second.alice.memberJoined(member('bob', bobKeys), { announce: false })
    await second.alice.send('new 2')
    assert.deepEqual(
      second.posts.slice(2).map((p) => p.epoch),
      [1, 0, 2]
    )
    for (const post of second.posts.slice(2)) await toBob(post)
    assert.deepEqual(shown(events), [
      'alice: old 1',
      'alice: old 2',
      'alice: old 3',
      'alice: old 4',
      'alice: new 1',
      'error replay',
      'error replay',
      'alice: new 1, again',
      'alice: new 2'
    ])
    // Within each session counters rise, so no nonce repeats under any of its keys.
    for (const { posts } of [first, second]) {
      const counters = posts.map((p) => p.counter)
      assert.ok(counters.every((c, i) => i === 0 || c > (counters[i - 1] as number)))
    }
  })

  it('a message sealed under a key the receiver holds under that number from an old session does not open', async () => {
    // The announcement of session 2's key 1 never reached bob (a host dropping it): bob still holds
    // session 1's key 1. Session 2's line under its key 1 fails its tag, rather than opening as
    // anything, and is reported, not shown.
    const { participant, events } = await bob()
    const start = Date.now()
    const first = await aliceSession(() => start)
    await first.alice.send('old 1')
    for (const [i, post] of first.posts.entries()) await participant.receive(relayed(post, i + 1))
    const second = await aliceSession(() => start + 10_000)
    await second.alice.send('new 1')
    assert.equal(second.posts[1]?.epoch, 1)
    await participant.receive(relayed(second.posts[1] as Post, 3))
    assert.deepEqual(shown(events), ['alice: old 1', 'error undecryptable'])
  })

  it('a sender restarted before its clock passed its last counter is dropped until then, and unread until its next key', async () => {
    // Session 1 sealed faster than one Post per millisecond (a burst): its counters ran 5 ms ahead
    // of its clock. Session 2 starts 2 ms later, below them: its key announcement is a replay to bob.
    const { participant, events } = await bob()
    let seq = 0
    const toBob = async (post: Post) => participant.receive(relayed(post, ++seq))
    const start = Date.now()
    const first = await aliceSession(() => start)
    for (let i = 1; i <= 5; i++) await first.alice.send(`old ${i}`)
    assert.equal(first.posts.at(-1)?.counter, start + 5)
    for (const post of first.posts) await toBob(post)
    let clock = start + 2
    const second = await aliceSession(() => clock)
    await second.alice.send('too soon')
    // Past the old counters, the line is no replay, but its key 1 is not the one bob holds as 1.
    clock = start + 100
    await second.alice.send('clock passed')
    // Her next key (here, bob announced again) is the first bob can open.
    await second.alice.memberJoined(member('bob', bobKeys), { announce: false })
    await second.alice.send('next key')
    assert.deepEqual(
      second.posts.map((p) => p.epoch),
      [0, 1, 1, 0, 2]
    )
    for (const post of second.posts) await toBob(post)
    assert.deepEqual(shown(events).slice(5), [
      'error replay',
      'error replay',
      'error undecryptable',
      'alice: next key'
    ])
  })
})
