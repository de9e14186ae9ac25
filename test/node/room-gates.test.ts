import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { JoinRefusedError } from '../../src/node/errors.js'
import type { RoomHost } from '../../src/node/host.js'
import { createSecureChatNode } from '../../src/node/libp2p.js'
import { PROTOCOL_ID, WIRE_VERSION } from '../../src/protocol/constants.js'
import { Fernet } from '../../src/protocol/fernet.js'
import { decodeFrame, encodeFrame, frame } from '../../src/protocol/frame.js'
import { decodeInvitation, encodeInvitation } from '../../src/protocol/invitation.js'
import { Step } from '../../src/protocol/wire/securechat.js'
import { ANSWER, eventually, join, memberKeys, startHost } from '../helpers/room.js'

/** Joins and expects a refusal with `code`; returns the error for further checks. */
async function refused(promise: Promise<unknown>, code: string): Promise<JoinRefusedError> {
  const err = await promise.then(
    () => assert.fail(`expected a refusal with ${code}, but the join succeeded`),
    (e: unknown) => e
  )
  assert.ok(err instanceof JoinRefusedError, `expected JoinRefusedError, got ${String(err)}`)
  assert.equal(err.code, code)
  return err
}

function withToken(invitation: string, token: string): string {
  return encodeInvitation({ addresses: decodeInvitation(invitation).addresses, token })
}

describe('the four gates refuse what they should, with the right reason code', () => {
  const hosts: RoomHost[] = []
  let clock = Date.now()
  const now = (): number => clock

  after(async () => {
    await Promise.all(hosts.map((h) => h.close()))
  })

  async function host(options: Parameters<typeof startHost>[0] = {}): Promise<RoomHost> {
    const h = await startHost({ now, ...options })
    hosts.push(h)
    return h
  }

  it('a tampered token', async () => {
    const h = await host()
    const { invitation } = await h.invite()
    const token = decodeInvitation(invitation).token
    const i = 20
    const flipped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1)
    const [, keys] = await memberKeys(2)
    await refused(join(h, 'mallory', { invitation: withToken(invitation, flipped), keys }), 'token-invalid')
  })

  it('a token made with another key', async () => {
    const h = await host()
    const { invitation } = await h.invite()
    const forged = await new Fernet(Fernet.generateKey()).encrypt('anything')
    await refused(join(h, 'mallory', { invitation: withToken(invitation, forged) }), 'token-invalid')
  })

  it('an expired token', async () => {
    const h = await host()
    const { invitation } = await h.invite({ ttlMs: 60_000 })
    clock += 61_000
    await refused(join(h, 'late', { invitation }), 'token-expired')
  })

  it("another room's token (same Fernet key, other room id)", async () => {
    const fernetKey = Fernet.generateKey()
    const a = await host({ fernetKey })
    const b = await host({ fernetKey })
    const { invitation: forA } = await a.invite()
    const { invitation: forB } = await b.invite()
    await refused(
      join(a, 'wanderer', { invitation: withToken(forA, decodeInvitation(forB).token) }),
      'token-wrong-room'
    )
  })

  it('a revoked invitation', async () => {
    const h = await host()
    const { invitation, id } = await h.invite()
    assert.equal(h.revoke(id), true)
    await refused(join(h, 'revoked', { invitation }), 'token-revoked')
  })

  it('a used-up invitation', async () => {
    const h = await host()
    const { invitation } = await h.invite({ maxUses: 1 })
    const first = await join(h, 'first', { invitation })
    await refused(join(h, 'second', { invitation }), 'token-used-up')
    await first.close()
  })

  it('a wrong answer, with the tries left', async () => {
    const h = await host()
    const err = await refused(join(h, 'guesser', { credentials: { answer: 'the seine' } }), 'wrong-answer')
    assert.equal(err.attemptsLeft, 4)
  })

  it('the answer is compared after normalisation', async () => {
    const h = await host()
    const m = await join(h, 'sloppy', { credentials: { answer: '  THE   thames ' } })
    await m.close()
  })

  it('a wrong room code', async () => {
    const h = await host()
    const code = (await h.roomCode()).code
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0')
    await refused(join(h, 'typo', { credentials: { code: wrong } }), 'wrong-code')
  })

  it('a taken nickname is a retry, not a disconnect', async () => {
    const h = await host()
    const keys = await memberKeys(3)
    const alice = await join(h, 'alice', { keys: keys[1] })
    await refused(join(h, 'ALICE', { keys: keys[2] }), 'nickname-taken')
    const asked: string[] = []
    const second = await join(h, 'alice', {
      keys: keys[2],
      credentials: {
        nickname: (info) => {
          asked.push(info.reason ?? 'first')
          return asked.length === 1 ? 'alice' : 'alice2'
        }
      }
    })
    assert.deepEqual(asked, ['first', 'nickname-taken'])
    assert.equal(second.nickname, 'alice2')
    await Promise.all([alice.close(), second.close()])
  })

  it('a nickname that looks like a present one (all-Cyrillic асе for ace) is refused as taken; a mixed-script one as invalid, first or not', async () => {
    const h = await host()
    const [, aceKeys, otherKeys] = await memberKeys(3)
    // Cyrillic аlice mixes scripts: refused before alice is here, so it cannot take her name first.
    const first = await refused(join(h, '\u0430lice', { keys: otherKeys }), 'nickname-invalid')
    assert.match(first.message, /one script/)
    const ace = await join(h, 'ace', { keys: aceKeys })
    const lookAlike = await refused(join(h, '\u0430\u0441\u0435', { keys: otherKeys }), 'nickname-taken')
    assert.match(lookAlike.message, /looks like "ace"/)
    assert.equal(
      (await refused(join(h, 'ace\u034f', { keys: otherKeys }), 'nickname-invalid')).code,
      'nickname-invalid'
    )
    await ace.close()
  })

  it('an invalid nickname is refused with its own reason', async () => {
    const h = await host()
    await refused(join(h, 'two words'), 'nickname-invalid')
  })

  it('a locked room, then unlocked', async () => {
    const h = await host()
    h.lock()
    await refused(join(h, 'door'), 'room-locked')
    h.unlock()
    const m = await join(h, 'door')
    await m.close()
  })

  it('locks a joiner (its source with its invitation) out after 5 failures, and lets it in after the lockout', async () => {
    const h = await host()
    const { invitation } = await h.invite()
    for (let i = 0; i < 5; i++) {
      const attempt = join(h, 'brute', { invitation, credentials: { answer: `guess ${i}` } })
      const err = await refused(attempt, 'wrong-answer')
      assert.equal(err.attemptsLeft, 4 - i)
    }
    const locked = await refused(join(h, 'brute', { invitation }), 'locked-out')
    assert.ok(locked.retryAfterMs > 0)
    clock += 9 * 60_000
    await refused(join(h, 'brute', { invitation }), 'locked-out')
    // Another invitation from the same source is not locked by this one's failures.
    const other = await join(h, 'bystander')
    await other.close()
    clock += 61_000
    const m = await join(h, 'brute', { invitation })
    await m.close()
  })

  /** Walks a raw handshake with the right answer (and the right code, for `upTo: 'nickname'`), then hangs up. */
  async function abandonAt(h: RoomHost, invitation: string, upTo: 'code' | 'nickname'): Promise<void> {
    const { token } = decodeInvitation(invitation)
    const node = await createSecureChatNode()
    await node.start()
    try {
      const stream = await node.dialProtocol(h.addresses(), PROTOCOL_ID)
      const lp = lpStream(stream)
      await lp.write(encodeFrame(frame('hello', { version: WIRE_VERSION, token })))
      assert.equal(decodeFrame(await lp.read()).kind, 'challenge')
      await lp.write(encodeFrame(frame('answer', { answer: ANSWER })))
      const atCode = decodeFrame(await lp.read())
      assert.ok(atCode.kind === 'challenge' && atCode.body.step === Step.ROOM_CODE, 'the answer was right')
      if (upTo === 'nickname') {
        await lp.write(encodeFrame(frame('roomCode', { code: (await h.roomCode()).code })))
        const atNick = decodeFrame(await lp.read())
        assert.ok(atNick.kind === 'challenge' && atNick.body.step === Step.NICKNAME, 'the code was right')
      }
      stream.abort(new Error('hung up'))
      await eventually(() => h.load.handshakes === 0, 'the abandoned handshake ended')
    } finally {
      await node.stop()
    }
  }

  async function abandonedFiveTimes(upTo: 'code' | 'nickname'): Promise<void> {
    const h = await host()
    const { invitation } = await h.invite()
    for (let i = 0; i < 5; i++) await abandonAt(h, invitation, upTo)
    await refused(join(h, 'quitter', { invitation }), 'locked-out')
  }

  it('a handshake abandoned at the room code after a correct answer counts as a failed attempt', () =>
    abandonedFiveTimes('code'))

  it('a handshake parked at the nickname after a correct code counts as a failed attempt', () =>
    abandonedFiveTimes('nickname'))

  it('many honest joiners on one invitation at once are not taken for guesses in flight', async () => {
    const h = await host({ maxHandshakesPerSource: 64 })
    const { invitation } = await h.invite()
    const keys = await memberKeys(26)
    const members = await Promise.all(
      Array.from({ length: 25 }, (_, i) => join(h, `guest${i}`, { invitation, keys: keys[i + 1] }))
    )
    assert.equal(members.length, 25)
    await Promise.all(members.map((m) => m.close()))
  })

  it('parallel guesses from one peer cannot make more attempts than the lockout allows', async () => {
    const h = await host()
    const { invitation } = await h.invite()
    const identity = await generateKeyPair('Ed25519')
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        join(h, `swarm${i}`, {
          invitation,
          privateKey: identity,
          credentials: { answer: `guess ${i}` }
        }).then(
          () => 'admitted',
          (e: unknown) => (e instanceof JoinRefusedError ? e.code : String(e))
        )
      )
    )
    const checked = outcomes.filter((o) => o === 'wrong-answer').length
    assert.ok(checked <= 5, `at most 5 answers checked, ${checked} were: ${outcomes.join(', ')}`)
    assert.ok(
      outcomes.every((o) => ['wrong-answer', 'locked-out', 'too-many-handshakes'].includes(o)),
      outcomes.join(', ')
    )
    assert.equal((outcomes as string[]).includes('admitted'), false)
  })

  it('failures older than the window do not add up', async () => {
    const h = await host()
    const { invitation } = await h.invite()
    for (let i = 0; i < 4; i++)
      await refused(join(h, 'slow', { invitation, credentials: { answer: 'no' } }), 'wrong-answer')
    clock += 11 * 60_000
    const err = await refused(join(h, 'slow', { invitation, credentials: { answer: 'no' } }), 'wrong-answer')
    assert.equal(err.attemptsLeft, 4)
  })
})
