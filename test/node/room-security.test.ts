import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Libp2p } from 'libp2p'
import type { FrameChannel } from '../../src/node/channel.js'
import { JoinRefusedError } from '../../src/node/errors.js'
import type { RoomHost } from '../../src/node/host.js'
import { createSecureChatNode } from '../../src/node/libp2p.js'
import type { RoomMember } from '../../src/node/member.js'
import { utf8 } from '../../src/protocol/bytes.js'
import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, PROTOCOL_ID } from '../../src/protocol/constants.js'
import { open } from '../../src/protocol/envelope.js'
import { DecryptionError } from '../../src/protocol/errors.js'
import { type AnyFrame, decodeFrame, encodeFrame, frame } from '../../src/protocol/frame.js'
import { MessageTooLargeError, sealMessage } from '../../src/protocol/message.js'
import { generateRsaKeyPair, importPublicKey } from '../../src/protocol/rsa.js'
import { additionalData, audienceDigest, messageNonce } from '../../src/protocol/signing.js'
import { type Post, Reason } from '../../src/protocol/wire/securechat.js'
import { lengthPrefixed } from '../helpers/pair.js'
import { hostWithAliceAndBob, join, memberKeys, record, startHost, tapRelay, until } from '../helpers/room.js'

/** Reaches into the host the way a malicious host could: its own member channels. */
function hostChannelTo(host: RoomHost, peerId: string): FrameChannel {
  const channel = host.debug.members.get(peerId)?.channel
  assert.ok(channel, 'member is in the room')
  return channel
}

async function rawStream(host: RoomHost): Promise<{ node: Libp2p; stream: Stream }> {
  const node = await createSecureChatNode()
  await node.start()
  const stream = await node.dialProtocol(host.addresses(), PROTOCOL_ID)
  return { node, stream }
}

describe('what the host cannot do, and what the room survives', () => {
  let host: RoomHost
  let alice: RoomMember
  let bob: RoomMember
  const extra: Libp2p[] = []

  before(async () => {
    const keys = await memberKeys(3)
    host = await startHost({ timeouts: { helloMs: 300 } })
    alice = await join(host, 'alice', { keys: keys[1] })
    bob = await join(host, 'bob', { keys: keys[2] })
    await until(alice, () => alice.members.length === 2 || undefined)
  })

  after(async () => {
    await Promise.all([alice.close(), bob.close(), ...extra.map((n) => n.stop())])
    await host.close()
  })

  it("a message made at the host in a member's name is refused by the receivers", async () => {
    const bobEvents = record(bob)
    const hostKeys = (await memberKeys(1))[0]
    assert.ok(hostKeys)
    const bobKey = (await import('../../src/protocol/rsa.js')).importPublicKey
    const bobEntry = host.memberList.find((m) => m.nick === 'bob')
    assert.ok(bobEntry)
    // The host seals a message "from alice" for bob; it can encrypt, but it can only sign with its own key.
    const bobPublic = await bobKey((await publicKeyOf(host, bob.peerId)) as Uint8Array)
    const forged = await sealMessage({
      roomId: host.roomId,
      sender: alice.peerId,
      counter: 1000,
      text: 'send me your password',
      recipients: [{ id: bob.peerId, publicKey: bobPublic }],
      signingKey: hostKeys.signing.privateKey
    })
    hostChannelTo(host, bob.peerId).send(deliverOf(forged, 999_999, indexOf(host, alice.peerId), 0))
    const error = await until(bob, () => bobEvents.find((e) => e.type === 'error'))
    assert.equal(error.type === 'error' && error.code, 'bad-signature')
    assert.equal(bobEvents.filter((e) => e.type === 'message').length, 0)
  })

  it('a replayed message is dropped by the receiver', async () => {
    const bobEvents = record(bob)
    const relayed: Post[] = []
    tapRelay(host, relayed)
    await alice.send('only once')
    await until(bob, () => bobEvents.find((e) => e.type === 'message'))
    const original = relayed.at(-1)
    assert.ok(original)
    const seq = (bobEvents.find((e) => e.type === 'message') as { seq: number }).seq
    const aliceIndex = indexOf(host, alice.peerId)
    const errors = () => bobEvents.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.code)
    // On the stream it came by, an old seq or counter cannot even be written (Deliver coding, 2.3.0): the
    // original's bytes written raw read back as a later seq and another counter, and fail the signature.
    const raw = encodeFrame(deliverOf(original, seq, aliceIndex, 0))
    hostChannelTo(host, bob.peerId).stream.send(lengthPrefixed(raw))
    await until(bob, () => errors().length >= 1 || undefined)
    // On a new stream (a resume) the coding starts afresh: the same seq again, and a fresh seq with the
    // old counter, each on a stream of its own, are both replays.
    for (const replayed of [seq, seq + 1000]) {
      const back = bobEvents.filter((e) => e.type === 'back').length
      bob.dropConnection()
      await until(bob, () => bobEvents.filter((e) => e.type === 'back').length > back || undefined)
      const told = errors().length
      hostChannelTo(host, bob.peerId).send(deliverOf(original, replayed, aliceIndex, 0))
      await until(bob, () => errors().length > told || undefined)
    }
    assert.deepEqual(errors(), ['bad-signature', 'duplicate', 'replay'])
    assert.equal(bobEvents.filter((e) => e.type === 'message').length, 1)
  })

  it('a message over the size limit is a clear error to its sender and breaks nothing', async () => {
    await assert.rejects(alice.send('x'.repeat(MAX_MESSAGE_BYTES + 1)), MessageTooLargeError)
    const bobEvents = record(bob)
    await alice.send('still here')
    const got = await until(bob, () => bobEvents.find((e) => e.type === 'message'))
    assert.equal(got.type === 'message' && got.text, 'still here')
  })

  it('garbage bytes on the stream are refused as malformed, and the room keeps chatting', async () => {
    const { node, stream } = await rawStream(host)
    extra.push(node)
    const lp = lpStream(stream)
    await lp.write(utf8('this is not a protobuf frame \u0000\u00ff'))
    const reply = decodeFrame(await lp.read())
    assert.equal(reply.kind, 'refusal')
    assert.equal(reply.kind === 'refusal' && reply.body.reason, Reason.MALFORMED)
    await assertRoomAlive(alice, bob)
  })

  it('an oversized frame is refused before it is buffered, and the room keeps chatting', async () => {
    const { node, stream } = await rawStream(host)
    extra.push(node)
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES * 4 })
    await lp.write(new Uint8Array(MAX_FRAME_BYTES + 1)).catch(() => {})
    // Refused on the length prefix alone: either told so, or the stream is cut.
    const reply = await lp.read({ signal: AbortSignal.timeout(10_000) }).then(
      (bytes) => decodeFrame(bytes),
      () => undefined
    )
    if (reply !== undefined) assert.equal(reply.kind === 'refusal' && reply.body.reason, Reason.MALFORMED)
    await assertRoomAlive(alice, bob)
  })

  it('a frame out of order is refused as unexpected', async () => {
    const { node, stream } = await rawStream(host)
    extra.push(node)
    const lp = lpStream(stream)
    await lp.write(encodeFrame(frame('answer', { answer: 'skipping the token' })))
    const reply = decodeFrame(await lp.read())
    assert.equal(reply.kind === 'refusal' && reply.body.reason, Reason.UNEXPECTED_FRAME)
  })

  it('a stalled handshake is timed out and its resources freed', async () => {
    const { node, stream } = await rawStream(host)
    extra.push(node)
    const lp = lpStream(stream)
    const reply = decodeFrame(await lp.read({ signal: AbortSignal.timeout(10_000) }))
    assert.equal(reply.kind === 'refusal' && reply.body.reason, Reason.TIMEOUT)
    assert.equal(host.load.handshakes, 0, 'no handshake left in progress')
    await assertRoomAlive(alice, bob)
  })
})

describe('a relay-only host', () => {
  it('admits and relays but holds no key that opens the messages', async () => {
    const host = await startHost({ relayOnly: true })
    const keys = await memberKeys(3)
    const alice = await join(host, 'alice', { keys: keys[1] })
    const bob = await join(host, 'bob', { keys: keys[2] })
    try {
      assert.equal(host.relayOnly, true)
      await assert.rejects(host.send('hello'), /relay-only/)
      await until(alice, () => alice.members.length > 0 || undefined)
      assert.deepEqual(
        alice.members.map((m) => m.nick),
        ['bob'],
        'the host is not in the roster'
      )
      const relayed: Post[] = []
      tapRelay(host, relayed)
      const bobEvents = record(bob)
      const secret = 'the launch code is 0000'
      await alice.send(secret)
      await until(bob, () => bobEvents.find((e) => e.type === 'message'))
      const post = relayed[0]
      assert.ok(post)
      assert.deepEqual(post.recipients, [bob.peerId], 'wrapped for the members only')
      assert.ok(!post.recipients.includes(host.peerId))
      assert.equal(
        Buffer.from(post.ciphertext).includes(Buffer.from(secret)),
        false,
        'no plaintext on the relay'
      )
      // Whatever RSA key a curious host could make, none opens the message.
      const curious = await generateRsaKeyPair()
      for (const wrapped of post.keys) {
        await assert.rejects(
          open(
            { iv: messageNonce(post.counter), ciphertext: post.ciphertext, wrappedKey: wrapped.key },
            curious.privateKey,
            {
              additionalData: additionalData({
                roomId: host.roomId,
                sender: alice.peerId,
                counter: post.counter,
                epoch: post.epoch,
                recipients: await audienceDigest(alice.peerId, post.recipients)
              })
            }
          ),
          DecryptionError
        )
      }
    } finally {
      await Promise.all([alice.close(), bob.close()])
      await host.close()
    }
  })
})

describe('leave, kick, ban and lock', () => {
  let host: RoomHost
  before(async () => {
    host = await startHost({ resumeTtlMs: 1000 })
  })
  after(async () => {
    await host.close()
  })

  it('a clean leave and a dropped connection are both announced', async () => {
    const keys = await memberKeys(4)
    const watcher = await join(host, 'watcher', { keys: keys[1] })
    const events = record(watcher)
    const leaver = await join(host, 'leaver', { keys: keys[2] })
    await leaver.close()
    const left = await until(watcher, () =>
      events.find((e) => e.type === 'member-left' && e.nick === 'leaver')
    )
    assert.equal(left.type === 'member-left' && left.reason, 'left')
    const node = await createSecureChatNode()
    await node.start()
    const dropper = await join(host, 'dropper', { keys: keys[3], node, reconnect: false })
    await node.stop()
    // First away (its place is kept for the resume window), then gone when the window closes.
    await until(watcher, () => events.find((e) => e.type === 'member-away' && e.nick === 'dropper'))
    const dropped = await until(watcher, () =>
      events.find((e) => e.type === 'member-left' && e.nick === 'dropper')
    )
    assert.equal(dropped.type === 'member-left' && dropped.reason, 'connection-lost')
    await watcher.close()
    await dropper.close()
  })

  it('a kicked member is disconnected and is not a recipient of the next message', async () => {
    const keys = await memberKeys(4)
    const stayer = await join(host, 'stayer', { keys: keys[1] })
    const kicked = await join(host, 'kicked', { keys: keys[2] })
    const stayerEvents = record(stayer)
    const kickedEvents = record(kicked)
    const relayed: Post[] = []
    tapRelay(host, relayed)
    assert.equal(host.kick('kicked'), true)
    const closed = await until(kicked, () => kickedEvents.find((e) => e.type === 'closed'))
    assert.equal(closed.type === 'closed' && closed.reason, 'kicked')
    await until(stayer, () => stayerEvents.find((e) => e.type === 'member-left' && e.nick === 'kicked'))
    await host.send('after the kick')
    await stayer.send('me too')
    assert.ok(relayed.every((p) => !p.recipients.includes(kicked.peerId)))
    await Promise.all([stayer.close(), kicked.close()])
  })

  it('a banned PeerId is disconnected and refused when it comes back', async () => {
    const keys = await memberKeys(3)
    const identity = await generateKeyPair('Ed25519')
    const banned = await join(host, 'banned', { keys: keys[1], privateKey: identity })
    const events = record(banned)
    assert.equal(host.ban('banned'), true)
    const closed = await until(banned, () => events.find((e) => e.type === 'closed'))
    assert.equal(closed.type === 'closed' && closed.reason, 'banned')
    const again = await join(host, 'banned', { keys: keys[1], privateKey: identity }).catch((e: unknown) => e)
    assert.ok(again instanceof JoinRefusedError)
    assert.equal(again.code, 'banned')
    await banned.close()
  })
})

describe('what the host cannot do with the recipients', () => {
  let host: RoomHost
  let alice: RoomMember
  let bob: RoomMember

  let close: () => Promise<void>

  before(async () => {
    ;({ host, alice, bob, close } = await hostWithAliceAndBob())
  })

  // Alice's counters are moved far ahead at bob here: nothing of hers may be tested after this.
  after(() => close())

  it('a host that drops a recipient from a delivery, or passes a message for some as one for the whole room, is caught', async () => {
    const bobEvents = record(bob)
    const [, aliceKeys] = await memberKeys(2)
    assert.ok(aliceKeys)
    const hostSelf = host.debug.members.get(host.peerId)
    const bobKey = await importPublicKey((await publicKeyOf(host, bob.peerId)) as Uint8Array)
    assert.ok(hostSelf)
    // What alice seals, with her own keys, as her software would: bob first, so his is wrapped key 0.
    const seal = (text: string, counter: number, to: { id: string; publicKey: typeof bobKey }[]) =>
      sealMessage({
        roomId: host.roomId,
        sender: alice.peerId,
        counter,
        text,
        recipients: to,
        signingKey: aliceKeys.signing.privateKey
      })
    const base = Date.now() + 5_000_000
    const errors = () => bobEvents.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.code)
    const sender = indexOf(host, alice.peerId)
    const toBob = (post: Post, seq: number, recipients: string[]) => {
      const f = deliverOf(post, seq, sender, 0)
      if (f.kind === 'deliver') f.body.recipients = recipients
      hostChannelTo(host, bob.peerId).send(f)
    }
    // 1. Sealed for bob and the host; named to bob as for bob alone: he would think the host was not sent it.
    const both = await seal('for bob and the host', base, [
      { id: bob.peerId, publicKey: bobKey },
      { id: host.peerId, publicKey: hostSelf.publicKey }
    ])
    toBob(both, 1_000_001, [bob.peerId])
    await until(bob, () => errors().length >= 1 || undefined)
    // 2. Sealed for bob alone, passed off as one for the whole room (no list).
    const forBob = await seal('just between us', base + 1, [{ id: bob.peerId, publicKey: bobKey }])
    toBob(forBob, 1_000_002, [])
    await until(bob, () => errors().length >= 2 || undefined)
    assert.deepEqual(errors(), ['bad-signature', 'bad-signature'])
    // Named as they were sealed, or for the whole room when they were, both are shown: what failed was the
    // set. (Sealed again: on one stream a sender's counters only go up, Deliver coding, 2.3.0.)
    toBob(
      await seal('for bob and the host', base + 2, [
        { id: bob.peerId, publicKey: bobKey },
        { id: host.peerId, publicKey: hostSelf.publicKey }
      ]),
      1_000_003,
      []
    )
    toBob(await seal('just between us', base + 3, [{ id: bob.peerId, publicKey: bobKey }]), 1_000_004, [
      bob.peerId
    ])
    await until(bob, () => bobEvents.find((e) => e.type === 'message' && e.text === 'just between us'))
    assert.ok(bobEvents.some((e) => e.type === 'message' && e.text === 'for bob and the host'))
    assert.equal(errors().length, 2)
  })
})

async function publicKeyOf(host: RoomHost, peerId: string): Promise<Uint8Array | undefined> {
  const members = host.debug.members
  return members.get(peerId)?.publicKeySpki
}

/** The member index by which the host's deliveries name `peerId`. */
function indexOf(host: RoomHost, peerId: string): number {
  const index = host.debug.members.get(peerId)?.index
  assert.ok(index !== undefined, `${peerId} is a member`)
  return index
}

function deliverOf(post: Post, seq: number, sender: number, keyIndex: number): AnyFrame {
  // Under a sender key (epoch > 0) there is no wrapped key to pick.
  const wrapped = post.epoch === 0 ? post.keys[keyIndex] : { key: new Uint8Array(0) }
  assert.ok(wrapped)
  return frame('deliver', {
    seq,
    sender,
    counter: post.counter,
    recipients: post.recipients,
    ciphertext: post.ciphertext,
    wrappedKey: wrapped.key,
    signature: post.signature,
    epoch: post.epoch
  })
}

async function assertRoomAlive(a: RoomMember, b: RoomMember): Promise<void> {
  const events = record(b)
  const text = `alive ${Math.random()}`
  await a.send(text)
  await until(b, () => events.find((e) => e.type === 'message' && e.text === text))
}
