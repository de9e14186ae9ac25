import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RoomEvent } from '../../src/node/events.js'
import type { RoomHost } from '../../src/node/host.js'
import type { RoomMember } from '../../src/node/member.js'
import { join, memberKeys, record, startHost, until } from '../helpers/room.js'

const texts = (events: RoomEvent[]): string[] => events.flatMap((e) => (e.type === 'message' ? [e.text] : []))

describe('reconnect and resume', () => {
  let host: RoomHost
  let alice: RoomMember
  let bob: RoomMember

  before(async () => {
    const keys = await memberKeys(3)
    host = await startHost({ backlogSize: 5 })
    alice = await join(host, 'alice', { keys: keys[1] })
    // Bob's first reconnect waits a second, so the messages sent while he is away are sent by then.
    bob = await join(host, 'bob', { keys: keys[2], reconnectBackoffMs: { initial: 1000 } })
    await until(alice, () => alice.members.length === 2 || undefined)
  })

  after(async () => {
    await Promise.all([alice.close(), bob.close()])
    await host.close()
  })

  it('a dropped member comes back by itself, gets what it missed and delivers what it sent meanwhile, once', async () => {
    const bobEvents = record(bob)
    const aliceEvents = record(alice)
    const hostEvents = record(host)
    bob.dropConnection()
    await until(alice, () => aliceEvents.find((e) => e.type === 'member-away' && e.nick === 'bob'))
    // Sent while bob is away: held for him by the host.
    await alice.send('while you were away 1')
    await host.send('while you were away 2')
    // Sent by bob while away: queued, then delivered on resume.
    const queued = bob.send('sent from the train')
    await until(bob, () => bobEvents.find((e) => e.type === 'back'))
    const { seq } = await queued
    assert.ok(seq > 0)
    await until(bob, () => texts(bobEvents).length === 2 || undefined)
    assert.deepEqual(texts(bobEvents), ['while you were away 1', 'while you were away 2'])
    await until(alice, () => texts(aliceEvents).includes('sent from the train') || undefined)
    await until(host, () => texts(hostEvents).includes('sent from the train') || undefined)
    assert.ok(bobEvents.some((e) => e.type === 'reconnecting'))
    const back = bobEvents.find((e) => e.type === 'back')
    assert.deepEqual(back, { type: 'back', missed: 0, gapUnknown: false })
    assert.ok(aliceEvents.some((e) => e.type === 'member-back' && e.nick === 'bob'))
    // Nobody saw anything twice, and bob is still a full member.
    await alice.send('after')
    await until(bob, () => texts(bobEvents).includes('after') || undefined)
    assert.equal(texts(aliceEvents).filter((t) => t === 'sent from the train').length, 1)
    assert.equal(texts(hostEvents).filter((t) => t === 'sent from the train').length, 1)
    assert.equal(bobEvents.filter((e) => e.type === 'closed').length, 0)
  })

  it('the last words of someone who left while a member was away reach it, then the leaving', async () => {
    const [, , , carolKeys] = await memberKeys(4)
    const carol = await join(host, 'carol', { keys: carolKeys })
    await until(bob, () => bob.members.some((m) => m.nick === 'carol') || undefined)
    await until(carol, () => carol.members.some((m) => m.nick === 'bob') || undefined)
    const bobEvents = record(bob)
    bob.dropConnection()
    await until(carol, () => carol.members.length > 0 || undefined)
    await until(host, () => host.memberList.length > 0 || undefined)
    // Sent to bob (still a recipient while away), then carol leaves before bob is back.
    await carol.send('goodbye, bob')
    await carol.close()
    const back = await until(bob, () => bobEvents.find((e) => e.type === 'back'))
    await until(bob, () => bobEvents.find((e) => e.type === 'member-left' && e.nick === 'carol'))
    assert.deepEqual(back, { type: 'back', missed: 0, gapUnknown: false })
    const order = bobEvents.flatMap((e) =>
      e.type === 'message' ? [`message ${e.text}`] : e.type === 'member-left' ? [`left ${e.nick}`] : []
    )
    assert.deepEqual(order, ['message goodbye, bob', 'left carol'])
    assert.equal(
      bobEvents.filter((e) => e.type === 'error').length,
      0,
      'nothing dropped as from a non-member'
    )
    // Alice re-keys for the smaller room now, so the tests that count messages start from quiet.
    await alice.send('after carol')
    await until(bob, () => texts(bobEvents).includes('after carol') || undefined)
  })

  it('a gap larger than the backlog is reported as a count, not lost silently', async () => {
    const bobEvents = record(bob)
    const aliceEvents = record(alice)
    bob.dropConnection()
    await until(alice, () => aliceEvents.find((e) => e.type === 'member-away' && e.nick === 'bob'))
    await Promise.all(Array.from({ length: 8 }, (_, i) => alice.send(`burst ${i}`)))
    const back = await until(bob, () => bobEvents.find((e) => e.type === 'back'))
    assert.deepEqual(back, { type: 'back', missed: 3, gapUnknown: false })
    await until(bob, () => texts(bobEvents).length === 5 || undefined)
    assert.deepEqual(texts(bobEvents), ['burst 3', 'burst 4', 'burst 5', 'burst 6', 'burst 7'])
  })

  it('a locked room keeps newcomers out but lets a returning member back', async () => {
    const bobEvents = record(bob)
    host.lock()
    try {
      bob.dropConnection()
      await until(bob, () => bobEvents.find((e) => e.type === 'back'))
      assert.equal(bobEvents.filter((e) => e.type === 'closed').length, 0)
    } finally {
      host.unlock()
    }
  })

  it('a forged or borrowed resume credential is refused', async () => {
    const { createSecureChatNode } = await import('../../src/node/libp2p.js')
    const { lpStream } = await import('@libp2p/utils')
    const { decodeFrame, encodeFrame, frame } = await import('../../src/protocol/frame.js')
    const { PROTOCOL_ID } = await import('../../src/protocol/constants.js')
    const { Reason } = await import('../../src/protocol/wire/securechat.js')
    const [, aliceKeys] = await memberKeys(2)
    assert.ok(aliceKeys)
    // Alice's real credential, but presented from another PeerId (Noise proves which one it is).
    const borrowed = alice.debug.resumeToken
    for (const token of ['not a credential', borrowed]) {
      const thief = await createSecureChatNode()
      await thief.start()
      try {
        const lp = lpStream(await thief.dialProtocol(host.addresses(), PROTOCOL_ID))
        await lp.write(
          encodeFrame(
            frame('resume', {
              token,
              lastSeq: 0,
              timestamp: Date.now(),
              publicKey: new Uint8Array(aliceKeys.publicKey.spki),
              signature: new Uint8Array(256),
              signingKey: new Uint8Array(aliceKeys.signing.publicKey.raw),
              signingKeyBinding: new Uint8Array(aliceKeys.binding)
            })
          )
        )
        const reply = decodeFrame(await lp.read({ signal: AbortSignal.timeout(10_000) }))
        assert.equal(reply.kind === 'refusal' && reply.body.reason, Reason.RESUME_INVALID)
      } finally {
        await thief.stop()
      }
    }
  })

  it('a kicked member does not come back', async () => {
    const [, , , extraKeys] = await memberKeys(4)
    const carol = await join(host, 'carol', { keys: extraKeys })
    const carolEvents = record(carol)
    host.kick('carol')
    const closed = await until(carol, () => carolEvents.find((e) => e.type === 'closed'))
    assert.equal(closed.type === 'closed' && closed.reason, 'kicked')
    assert.equal(carolEvents.filter((e) => e.type === 'reconnecting').length, 0)
    assert.ok(!host.memberList.some((m) => m.nick === 'carol'))
  })
})

describe('a host restart with the same stored room', () => {
  it('keeps its PeerId and invitations, and members come back by themselves', async () => {
    const { generateKeyPair } = await import('@libp2p/crypto/keys')
    const { Fernet } = await import('../../src/protocol/fernet.js')
    const { randomBytes } = await import('../../src/protocol/bytes.js')
    const [hostKeys, aliceKeys, bobKeys] = await memberKeys(3)
    const stored = {
      privateKey: await generateKeyPair('Ed25519'),
      fernetKey: Fernet.generateKey(),
      roomId: randomBytes(16),
      roomSecret: (await import('../../src/protocol/totp.js')).generateRoomSecret(),
      ...(hostKeys === undefined ? {} : { keys: hostKeys })
    }
    const invitations: import('../../src/node/invitations.js').InvitationRecord[][] = []
    const first = await startHost({ ...stored, onInvitationsChange: (records) => invitations.push(records) })
    const port = first
      .addresses()[0]
      ?.getComponents()
      .find((c) => c.name === 'tcp')?.value
    assert.ok(port)
    const { invitation } = await first.invite()
    const alice = await join(first, 'alice', { keys: aliceKeys, invitation })
    const bob = await join(first, 'bob', { keys: bobKeys, invitation })
    const aliceEvents = record(alice)
    const bobEvents = record(bob)
    await first.close({ restarting: true })
    const second = await startHost({
      ...stored,
      listen: [`/ip4/127.0.0.1/tcp/${port}`],
      invitations: invitations.at(-1) ?? []
    })
    try {
      assert.equal(second.peerId, first.peerId)
      await until(alice, () => aliceEvents.find((e) => e.type === 'back'))
      await until(bob, () => bobEvents.find((e) => e.type === 'back'))
      assert.deepEqual(
        aliceEvents.find((e) => e.type === 'back'),
        { type: 'back', missed: 0, gapUnknown: true }
      )
      await until(alice, () => alice.members.length === 2 || undefined)
      await until(bob, () => bob.members.length === 2 || undefined)
      await alice.send('we are back')
      await second.send('so am I')
      await until(bob, () => texts(bobEvents).length === 2 || undefined)
      assert.deepEqual(texts(bobEvents).sort(), ['so am I', 'we are back'])
      // The invitation issued before the restart still admits a newcomer.
      const [, , , carolKeys] = await memberKeys(4)
      const carol = await join(second, 'carol', { keys: carolKeys, invitation })
      await carol.close()
    } finally {
      await Promise.all([alice.close(), bob.close()])
      await second.close()
    }
  })
})
