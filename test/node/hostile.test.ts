import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import fc from 'fast-check'
import type { Libp2p } from 'libp2p'
import type { RoomHost } from '../../src/node/host.js'
import { createSecureChatNode } from '../../src/node/libp2p.js'
import type { RoomMember } from '../../src/node/member.js'
import {
  MAX_CIPHERTEXT_BYTES,
  MAX_FRAME_BYTES,
  PROTOCOL_ID,
  WIRE_VERSION
} from '../../src/protocol/constants.js'
import { type AnyFrame, decodeFrame, encodeFrame, FRAME_KINDS, frame } from '../../src/protocol/frame.js'
import { sealMessage } from '../../src/protocol/message.js'
import { importPublicKey } from '../../src/protocol/rsa.js'
import { Frame, Reason } from '../../src/protocol/wire/securechat.js'
import { eventually, join, memberKeys, record, startHost, until } from '../helpers/room.js'

const HELLO_MS = 300
const HANDSHAKE_CAP = 8
/** Every member's allowance here: the tests before the last spend up to 20 of alice's. */
const RATE = { perSecond: 20, burst: 20 }

/** A member's own stream to the host, for sending frames a real client never would. */
function channelOf(member: RoomMember): { send: (f: AnyFrame) => boolean } {
  return member.debug.channel
}

describe('hostile input against a running host', () => {
  let host: RoomHost
  let attacker: Libp2p
  let alice: RoomMember
  let bob: RoomMember
  let joined = 0

  before(async () => {
    const keys = await memberKeys(3)
    // The attacks come from 127.0.0.1 like the legitimate members, so the failure lockout is set out of
    // the way here; it has its own tests. Everything else is at its defaults.
    host = await startHost({
      timeouts: { helloMs: HELLO_MS, stepMs: HELLO_MS },
      lockout: { maxFailures: 1_000_000 },
      maxHandshakesPerSource: HANDSHAKE_CAP,
      // Junk closes the connection it came on, so every attempt here is a new connection from 127.0.0.1.
      inboundConnectionThreshold: 100_000,
      rateLimit: RATE
    })
    alice = await join(host, 'alice', { keys: keys[1] })
    bob = await join(host, 'bob', { keys: keys[2] })
    attacker = await createSecureChatNode()
    await attacker.start()
  })

  after(async () => {
    await Promise.all([alice.close(), bob.close(), attacker.stop()])
    await host.close()
  })

  /** After each attack: a newcomer still gets in and the room still chats. */
  async function legitimateMemberJoinsAndChats(): Promise<void> {
    const [, , , keys] = await memberKeys(4)
    const newcomer = await join(host, `newcomer${++joined}`, { keys })
    const events = record(bob)
    const text = `hello from newcomer ${joined}`
    await until(newcomer, () => newcomer.members.some((m) => m.nick === 'bob') || undefined)
    await newcomer.send(text)
    await until(bob, () => events.find((e) => e.type === 'message' && e.text === text))
    await newcomer.close()
  }

  async function openStream(): Promise<Stream> {
    return attacker.dialProtocol(host.addresses(), PROTOCOL_ID)
  }

  it('2,000 random and oversized frames, each refused, and the connection that sent junk closed', async () => {
    const frames = fc.sample(
      fc.oneof(
        { weight: 6, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 512 }) },
        { weight: 3, arbitrary: fc.constantFrom(...FRAME_KINDS).chain(randomlyFilled) },
        {
          weight: 1,
          arbitrary: fc
            .integer({ min: MAX_FRAME_BYTES + 1, max: MAX_FRAME_BYTES + 4096 })
            .map((n) => new Uint8Array(n))
        }
      ),
      2_000
    )
    let refused = 0
    let reset = 0
    const lanes = 4
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let i = lane; i < frames.length; i += lanes) {
          let stream: Stream | undefined
          try {
            stream = await openStream()
            const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES * 2 })
            await lp.write(frames[i] as Uint8Array)
            const reply = decodeFrame(await lp.read({ signal: AbortSignal.timeout(5000) }))
            assert.ok(reply.kind === 'refusal' || reply.kind === 'challenge', `got ${reply.kind}`)
            refused++
          } catch (err) {
            if ((err as Error).name === 'AssertionError') throw err
            reset++
          } finally {
            stream?.abort(new Error('done'))
          }
        }
      })
    )
    assert.equal(refused + reset, frames.length)
    assert.ok(refused > 0)
    await eventually(() => host.load.handshakes === 0, 'no handshake left behind')
    await legitimateMemberJoinsAndChats()
  })

  it('random sequences of frames never get past the gates (handshake state machine fuzz)', async () => {
    const { invitation } = await host.invite()
    const token = (await import('../../src/protocol/invitation.js')).decodeInvitation(invitation).token
    const step = fc.oneof(
      fc.constant(frame('hello', { version: WIRE_VERSION, token })),
      fc.string({ maxLength: 40 }).map((answer) => frame('answer', { answer })),
      fc.stringMatching(/^[0-9]{0,8}$/).map((code) => frame('roomCode', { code })),
      fc.string({ maxLength: 40 }).map((nickname) =>
        frame('register', {
          nickname,
          publicKey: new Uint8Array(64),
          signingKey: new Uint8Array(65),
          signingKeyBinding: new Uint8Array(64)
        })
      ),
      fc
        .constantFrom(...FRAME_KINDS)
        .chain(randomlyFilled)
        .map((bytes) => ({ raw: bytes }))
    )
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const stream = await openStream()
        const lp = lpStream(stream)
        try {
          for (const s of steps) await lp.write('raw' in s ? s.raw : encodeFrame(s as AnyFrame))
          for (;;) {
            const reply = decodeFrame(await lp.read({ signal: AbortSignal.timeout(5000) }))
            assert.notEqual(reply.kind, 'welcome', 'admitted without passing the gates')
            if (reply.kind === 'refusal' && !reply.body.retry) return
          }
        } catch (err) {
          if ((err as Error).name === 'AssertionError') throw err
        } finally {
          stream.abort(new Error('done'))
        }
      }),
      { numRuns: 150 }
    )
    await legitimateMemberJoinsAndChats()
  })

  it('half-open handshakes (slowloris) hold only their small buffer, time out, and keep no joiner out', async () => {
    // Twelve connections of three streams each from 127.0.0.1, the newcomer's own address.
    const nodes = await Promise.all(Array.from({ length: 12 }, () => createSecureChatNode()))
    await Promise.all(nodes.map((n) => n.start()))
    const streams = (
      await Promise.all(
        nodes.map((n) => Promise.all([1, 2, 3].map(() => n.dialProtocol(host.addresses(), PROTOCOL_ID))))
      )
    ).flat()
    // Some send nothing, some drip part of a frame and stop.
    for (const [i, s] of streams.entries()) {
      try {
        if (i % 2 === 1) s.send(new Uint8Array([0x40, 0x0a]))
      } catch {
        // Already closed by the host.
      }
    }
    const replies = streams.map(async (s) => {
      try {
        const reply = decodeFrame(await lpStream(s).read({ signal: AbortSignal.timeout(10_000) }))
        return reply.kind === 'refusal' ? reply.body.reason : -1
      } catch {
        return -2
      } finally {
        s.abort(new Error('done'))
      }
    })
    // While every one of them is still waiting: a joiner from the same address gets in and chats.
    await legitimateMemberJoinsAndChats()
    const outcomes = await Promise.all(replies)
    const timedOut = outcomes.filter((r) => r === Reason.TIMEOUT).length
    assert.ok(
      outcomes.every((r) => r === Reason.TIMEOUT || r === -2),
      `each timed out or was cut: ${outcomes.join(', ')}`
    )
    assert.ok(timedOut > 0, 'the host says why when it can')
    assert.equal(host.load.handshakes, 0, 'no handshake slot was ever taken by a stream without a token')
    // The connections that only ever timed out are closed by the host, not kept for the attacker.
    await eventually(
      () => nodes.every((n) => n.getConnections().length === 0),
      'the host closed every connection that sent nothing useful'
    )
    await Promise.all(nodes.map((n) => n.stop()))
  })

  it('a flood from one member is rate-limited without starving the others', async () => {
    // A member of its own, so the others' allowances are untouched for the tests that follow.
    const [, , , keys] = await memberKeys(4)
    const flooder = await join(host, 'flooder', { keys })
    await until(flooder, () => flooder.members.some((m) => m.nick === 'bob') || undefined)
    const flooderEvents = record(flooder)
    const bobEvents = record(bob)
    const flood = Array.from({ length: 300 }, (_, i) =>
      flooder.send(`flood ${i}`).then(
        () => 'sent',
        () => 'refused'
      )
    )
    const calm = []
    for (let i = 0; i < 10; i++) calm.push(await alice.send(`calm ${i}`))
    const outcomes = await Promise.all(flood)
    assert.ok(outcomes.includes('refused'), 'the flood was limited')
    assert.ok(flooderEvents.some((e) => e.type === 'error' && e.code === 'rate-limited'))
    assert.equal(calm.length, 10, "the other member's messages all went through")
    await until(
      bob,
      () =>
        bobEvents.filter((e) => e.type === 'message' && e.text.startsWith('calm')).length === 10 || undefined
    )
    const floodReceived = bobEvents.filter((e) => e.type === 'message' && e.text.startsWith('flood')).length
    assert.ok(floodReceived <= outcomes.filter((o) => o === 'sent').length)
    await flooder.close()
    await legitimateMemberJoinsAndChats()
  })

  it("a member's Posts padded with 256 long made-up recipients each cost the host one digest, within its rate, and harm no bystander", async (t) => {
    const [, , , keys] = await memberKeys(4)
    const padder = await join(host, 'padder', { keys })
    await until(padder, () => padder.members.some((m) => m.nick === 'bob') || undefined)
    const padderEvents = record(padder)
    const bobEvents = record(bob)
    // Never the whole room, so every one is digested afresh: 256 PeerId-length ids, ~27 KB to hash.
    const recipients = Array.from({ length: 256 }, (_, i) => `12D3KooW${String(i).padStart(44, 'x')}`)
    const padded = (counter: number) =>
      frame('post', {
        counter,
        fileOffer: false,
        recipients,
        ciphertext: new Uint8Array(64),
        keys: [],
        signature: new Uint8Array(64),
        epoch: 1
      })
    const start = Date.now()
    const cpu0 = process.cpuUsage()
    const POSTS = 600
    for (let i = 1; i <= POSTS; i++) channelOf(padder).send(padded(start + i))
    // A bystander talks meanwhile, and is timed.
    const latencies: number[] = []
    for (let i = 0; i < 10; i++) {
      const sent = Date.now()
      await alice.send(`beside the padding ${i}`)
      await until(bob, () =>
        bobEvents.find((e) => e.type === 'message' && e.text === `beside the padding ${i}`)
      )
      latencies.push(Date.now() - sent)
    }
    const rejected = () =>
      padderEvents.filter(
        (e) => e.type === 'error' && (e.code === 'bad-signature' || e.code === 'rate-limited')
      )
    await until(padder, () => rejected().length >= POSTS || undefined, AbortSignal.timeout(20_000))
    const cpu = process.cpuUsage(cpu0)
    const badSignatures = padderEvents.filter((e) => e.type === 'error' && e.code === 'bad-signature').length
    t.diagnostic(
      `${POSTS} padded Posts: ${badSignatures} checked and refused (bad signature), ${POSTS - badSignatures} over the rate; ` +
        `this process's CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms in all (host, members and test), ` +
        `bystander latency ${latencies.join(', ')} ms (the bench judges speed)`
    )
    // The rate bounds the work: at most the burst and what refilled were checked at all.
    assert.ok(badSignatures > 0 && badSignatures < POSTS, `${badSignatures} checked`)
    assert.equal(rejected().length, POSTS, 'every padded Post refused with its reason')
    assert.equal(bobEvents.filter((e) => e.type === 'message' && e.text.startsWith('beside')).length, 10)
    assert.ok(!bobEvents.some((e) => e.type === 'error'), 'no padded Post reached anyone')
    await padder.close()
  })

  it('a member cannot send as another, replay, or pass the size limits', async () => {
    // Alice's allowance is full again once a whole burst has refilled: what follows is refused only
    // for what it is, not for the lines she sent in the tests before (a fast run left her none).
    await sleep((RATE.burst / RATE.perSecond) * 1000)
    const bobEvents = record(bob)
    const aliceEvents = record(alice)
    const aliceKey = (await memberKeys(2))[1]
    assert.ok(aliceKey)
    const bobKey = await importPublicKey((await memberKeys(3))[2]?.publicKey.spki ?? new Uint8Array())
    // Signed by alice's key, but claiming bob as the sender: the host checks against the connection's member.
    const asBob = await sealMessage({
      roomId: host.roomId,
      sender: bob.peerId,
      counter: Date.now() + 1_000_000,
      text: 'I am bob, honest',
      recipients: [{ id: bob.peerId, publicKey: bobKey }],
      signingKey: aliceKey.signing.privateKey
    })
    channelOf(alice).send(frame('post', asBob))
    await until(alice, () => aliceEvents.find((e) => e.type === 'error' && e.code === 'bad-signature'))
    // Replaying an old counter: at most acknowledged again, never relayed twice.
    const before = bobEvents.filter((e) => e.type === 'message').length
    const { seq } = await alice.send('once only')
    await until(bob, () => bobEvents.find((e) => e.type === 'message' && e.text === 'once only'))
    const replay = await sealMessage({
      roomId: host.roomId,
      sender: alice.peerId,
      counter: 1,
      text: 'old news',
      recipients: [{ id: bob.peerId, publicKey: bobKey }],
      signingKey: aliceKey.signing.privateKey
    })
    channelOf(alice).send(frame('post', replay))
    await alice.send('marker')
    await until(bob, () => bobEvents.find((e) => e.type === 'message' && e.text === 'marker'))
    const received = bobEvents
      .filter((e) => e.type === 'message')
      .map((e) => (e.type === 'message' ? e.text : ''))
    assert.equal(received.length, before + 2)
    assert.ok(!received.includes('old news'))
    assert.ok(seq > 0)
    // An oversized ciphertext is a malformed frame: that member's session ends, the room goes on.
    const huge = {
      ...asBob,
      counter: Date.now() + 2_000_000,
      ciphertext: new Uint8Array(MAX_CIPHERTEXT_BYTES + 1)
    }
    channelOf(alice).send({ kind: 'post', body: huge } as AnyFrame)
    await until(bob, () =>
      bobEvents.find((e) => (e.type === 'member-left' || e.type === 'member-away') && e.nick === 'alice')
    )
    await legitimateMemberJoinsAndChats()
  })
})

/** A frame of the given kind whose message body is random bytes: valid framing, arbitrary content. */
function randomlyFilled(kind: string): fc.Arbitrary<Uint8Array> {
  const field = FRAME_KINDS.indexOf(kind as (typeof FRAME_KINDS)[number]) + 1
  return fc.uint8Array({ maxLength: 300 }).map((body) => {
    const tag = (field << 3) | 2
    const out = Frame.encode({})
    const header = [...varint(tag), ...varint(body.length)]
    return new Uint8Array([...out, ...header, ...body])
  })
}

function varint(n: number): number[] {
  const out: number[] = []
  let value = n
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80)
    value >>>= 7
  }
  out.push(value)
  return out
}
