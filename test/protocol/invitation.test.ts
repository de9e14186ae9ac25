import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { DEFAULT_INVITATION_TTL_MS } from '../../src/node/constants.js'
import { TokenRefusedError } from '../../src/node/errors.js'
import { InvitationBook, type InvitationRecord } from '../../src/node/invitations.js'
import { fromBase64Url, randomBytes, toBase64Url } from '../../src/protocol/bytes.js'
import {
  INVITATION_VERSION,
  MAX_ADDRESS_BYTES,
  MAX_INVITATION_ADDRESSES,
  MAX_TOKEN_LENGTH,
  WIRE_VERSION
} from '../../src/protocol/constants.js'
import { Fernet } from '../../src/protocol/fernet.js'
import {
  decodeClaims,
  decodeInvitation,
  encodeClaims,
  encodeInvitation,
  INVITATION_PREFIX,
  InvalidInvitationError,
  type InvitationParts,
  ROOM_ID_BYTES
} from '../../src/protocol/invitation.js'
import { Invitation, Reason } from '../../src/protocol/wire/securechat.js'

const HOST = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const ADDRESSES = [
  new Uint8Array(multiaddr(`/ip4/192.168.1.20/tcp/4455/p2p/${HOST}`).bytes),
  new Uint8Array(multiaddr(`/ip6/2001:db8::1/tcp/4455/p2p/${HOST}`).bytes)
]
const SAMPLE_TOKEN = `gAAAAAB${'x'.repeat(120)}==`

/** The pasteable form of any Invitation protobuf, bypassing encodeInvitation's fixed version. */
function raw(fields: Partial<Invitation>): string {
  return (
    INVITATION_PREFIX +
    toBase64Url(Invitation.encode({ version: 1, addresses: ADDRESSES, token: SAMPLE_TOKEN, ...fields }), {
      pad: false
    })
  )
}

function rejects(text: string, message: RegExp, what = text.slice(0, 40)): void {
  assert.throws(
    () => decodeInvitation(text),
    (err: unknown) => {
      assert.ok(err instanceof InvalidInvitationError, `${what}: got ${String(err)}`)
      assert.equal(err.name, 'InvalidInvitationError')
      assert.match(err.message, message, what)
      return true
    }
  )
}

describe('invitation string', () => {
  const parts: InvitationParts = { addresses: ADDRESSES, token: SAMPLE_TOKEN }

  it('round-trips', () => {
    const text = encodeInvitation(parts)
    const decoded = decodeInvitation(text)
    assert.deepEqual(
      decoded.addresses.map((a) => multiaddr(a).toString()),
      [`/ip4/192.168.1.20/tcp/4455/p2p/${HOST}`, `/ip6/2001:db8::1/tcp/4455/p2p/${HOST}`]
    )
    assert.equal(decoded.token, SAMPLE_TOKEN)
  })

  it('is sc1 then unpadded base64url of the Invitation protobuf', () => {
    const text = encodeInvitation(parts)
    assert.ok(text.startsWith('sc1'))
    assert.match(text, /^[A-Za-z0-9_-]+$/)
    const message = Invitation.decode(fromBase64Url(text.slice(3)))
    assert.equal(message.version, 1)
    assert.equal(message.token, SAMPLE_TOKEN)
    assert.equal(message.addresses.length, 2)
  })

  it('never holds spaces, padding or other characters, whatever the content', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: MAX_ADDRESS_BYTES }), {
          minLength: 1,
          maxLength: MAX_INVITATION_ADDRESSES
        }),
        fc.string({ minLength: 1, maxLength: 200 }),
        (addresses, token) => {
          const text = encodeInvitation({ addresses, token })
          assert.match(text, /^[A-Za-z0-9_-]+$/)
          const decoded = decodeInvitation(text)
          assert.deepEqual(
            decoded.addresses.map((a) => [...a]),
            addresses.map((a) => [...a])
          )
          assert.equal(decoded.token, token)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('tolerates whitespace around a pasted invitation', () => {
    const text = encodeInvitation(parts)
    assert.equal(decodeInvitation(`  ${text}\n`).token, SAMPLE_TOKEN)
  })

  it('refuses a bad prefix', () => {
    const body = encodeInvitation(parts).slice(3)
    rejects(`sc2${body}`, /starts with "sc1"/)
    rejects(body, /starts with "sc1"/)
    rejects('', /starts with "sc1"/)
    rejects(`SC1${body}`, /starts with "sc1"/)
  })

  it('refuses damaged base64', () => {
    const text = encodeInvitation(parts)
    rejects(`${text.slice(0, 20)} ${text.slice(20)}`, /damaged/, 'inner space')
    rejects(`${text.slice(0, 20)}+/${text.slice(20)}`, /damaged/, 'standard base64 characters')
    rejects(`${text.slice(0, 20)}!${text.slice(20)}`, /damaged/, 'stray character')
    rejects(`${text}x`, /damaged/, 'one extra character')
  })

  it('refuses a truncated invitation', () => {
    const text = encodeInvitation(parts)
    for (const keep of [text.length - 1, text.length - 7, Math.floor(text.length / 2), 10]) {
      // Any cut is refused; where it lands decides whether the bytes stop decoding or lose a field.
      assert.throws(() => decodeInvitation(text.slice(0, keep)), InvalidInvitationError, `kept ${keep}`)
    }
    // Nothing after the prefix decodes as an all-default message: version 0.
    assert.throws(() => decodeInvitation('sc1'), InvalidInvitationError)
  })

  it('refuses another format version', () => {
    rejects(raw({ version: 2 }), /format 2 is not supported \(expected 1\)/)
    rejects(raw({ version: 0 }), /format 0 is not supported/)
  })

  it('keeps format 1 under protocol 2.0.0: its format did not change with the wire version', () => {
    assert.equal(INVITATION_VERSION, 1)
    assert.notEqual(WIRE_VERSION, INVITATION_VERSION)
    const message = Invitation.decode(fromBase64Url(encodeInvitation(parts).slice(3)))
    assert.equal(message.version, INVITATION_VERSION)
    // An invitation made before 2.0.0 (format 1) still decodes; one carrying the Hello version does not.
    assert.equal(decodeInvitation(raw({ version: 1 })).token, SAMPLE_TOKEN)
    rejects(raw({ version: WIRE_VERSION }), /format 2 is not supported/)
  })

  it('refuses an invitation without addresses, or with a malformed one', () => {
    rejects(raw({ addresses: [] }), /no host address/)
    rejects(raw({ addresses: [new Uint8Array(0)] }), /malformed address/)
    rejects(raw({ addresses: [new Uint8Array(MAX_ADDRESS_BYTES + 1)] }), /malformed address/)
  })

  it('refuses too many addresses', () => {
    const many = Array.from(
      { length: MAX_INVITATION_ADDRESSES + 1 },
      () => ADDRESSES[0] as Uint8Array<ArrayBuffer>
    )
    assert.throws(() => decodeInvitation(raw({ addresses: many })), InvalidInvitationError)
    const enough = many.slice(1)
    assert.equal(decodeInvitation(raw({ addresses: enough })).addresses.length, MAX_INVITATION_ADDRESSES)
  })

  it('refuses a missing or oversize token', () => {
    rejects(raw({ token: '' }), /no valid token/)
    rejects(raw({ token: 't'.repeat(MAX_TOKEN_LENGTH + 1) }), /no valid token/)
    assert.equal(
      decodeInvitation(raw({ token: 't'.repeat(MAX_TOKEN_LENGTH) })).token.length,
      MAX_TOKEN_LENGTH
    )
  })

  it('refuses an oversize invitation before decoding it', () => {
    rejects(`sc1${'A'.repeat(9000)}`, /too long/)
  })

  it('fuzz: random strings throw nothing but InvalidInvitationError', () => {
    const check = (text: string): void => {
      try {
        decodeInvitation(text)
      } catch (err) {
        if (!(err instanceof InvalidInvitationError)) throw err
      }
    }
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 600 }), check), { numRuns: 3000 })
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_=-]{0,400}$/), (body) => check(INVITATION_PREFIX + body)),
      { numRuns: 3000 }
    )
    const valid = encodeInvitation(parts)
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.constantFrom(...'Aa0_-=+/ .'), (at, c) =>
        check(valid.slice(0, at) + c + valid.slice(at + 1))
      ),
      { numRuns: 2000 }
    )
  })
})

describe('invitation claims', () => {
  it('round-trip and refuse a bad room id or empty invitation id', () => {
    const claims = {
      roomId: new Uint8Array(randomBytes(ROOM_ID_BYTES)),
      invitationId: 'abcd',
      expiresAt: 1234
    }
    assert.deepEqual(decodeClaims(encodeClaims(claims)), claims)
    assert.throws(() => decodeClaims(encodeClaims({ ...claims, roomId: new Uint8Array(15) })))
    assert.throws(() => decodeClaims(encodeClaims({ ...claims, invitationId: '' })))
  })
})

describe('InvitationBook', () => {
  const T0 = 1_767_225_600_000

  function setup(options: { roomId?: Uint8Array; fernetKey?: string; records?: InvitationRecord[] } = {}) {
    const clock = { now: T0 }
    const changes: InvitationRecord[][] = []
    const fernetKey = options.fernetKey ?? Fernet.generateKey()
    const roomId = options.roomId ?? randomBytes(ROOM_ID_BYTES)
    const book = new InvitationBook({
      fernetKey,
      roomId,
      now: () => clock.now,
      onChange: (records) => changes.push(records),
      ...(options.records === undefined ? {} : { records: options.records })
    })
    return { book, clock, changes, fernetKey, roomId }
  }

  async function refused(promise: Promise<unknown>, reason: Reason): Promise<void> {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof TokenRefusedError, `got ${String(err)}`)
      assert.equal(err.reason, reason)
      return true
    })
  }

  it('issues a token that checks out', async () => {
    const { book, changes } = setup()
    const { record, token } = await book.issue({ ttlMs: 60_000, maxUses: 3 })
    assert.equal(record.createdAt, T0)
    assert.equal(record.expiresAt, T0 + 60_000)
    assert.equal(record.maxUses, 3)
    assert.equal(record.uses, 0)
    assert.equal(record.revoked, false)
    assert.match(record.id, /^[0-9a-f]{16}$/)
    assert.deepEqual(await book.check(token), record)
    assert.equal(changes.length, 1)
    assert.ok(token.length <= MAX_TOKEN_LENGTH)
  })

  it('uses the default lifetime when none is given', async () => {
    const { book } = setup()
    const { record } = await book.issue()
    assert.equal(record.expiresAt - record.createdAt, DEFAULT_INVITATION_TTL_MS)
    assert.equal(record.maxUses, undefined)
  })

  it('puts the room id, invitation id and expiry inside the Fernet token', async () => {
    const { book, fernetKey, roomId } = setup()
    const { record, token } = await book.issue({ ttlMs: 5000 })
    const claims = decodeClaims(await new Fernet(fernetKey).decrypt(token))
    assert.deepEqual([...claims.roomId], [...roomId])
    assert.equal(claims.invitationId, record.id)
    assert.equal(claims.expiresAt, T0 + 5000)
  })

  it('refuses a tampered token: TOKEN_INVALID', async () => {
    const { book } = setup()
    const { token } = await book.issue()
    const at = 40
    const tampered = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1)
    await refused(book.check(tampered), Reason.TOKEN_INVALID)
    await refused(book.check('not a token'), Reason.TOKEN_INVALID)
    await refused(book.check(''), Reason.TOKEN_INVALID)
    await refused(book.check(token.slice(0, -4)), Reason.TOKEN_INVALID)
  })

  it('refuses a token made with another Fernet key: TOKEN_INVALID', async () => {
    const { book, roomId } = setup()
    const other = setup({ roomId })
    const { token } = await other.book.issue()
    await refused(book.check(token), Reason.TOKEN_INVALID)
  })

  it('refuses an expired token: TOKEN_EXPIRED', async () => {
    const { book, clock } = setup()
    const { token } = await book.issue({ ttlMs: 60_000 })
    clock.now = T0 + 59_999
    await book.check(token)
    clock.now = T0 + 60_000
    await refused(book.check(token), Reason.TOKEN_EXPIRED)
    clock.now = T0 + 365 * 24 * 3600_000
    await refused(book.check(token), Reason.TOKEN_EXPIRED)
  })

  it('refuses a token of another room sharing the key: TOKEN_WRONG_ROOM', async () => {
    const { book, fernetKey } = setup()
    const other = setup({ fernetKey })
    const { token } = await other.book.issue()
    await refused(book.check(token), Reason.TOKEN_WRONG_ROOM)
  })

  it('refuses a revoked token: TOKEN_REVOKED', async () => {
    const { book, changes } = setup()
    const { record, token } = await book.issue()
    assert.equal(book.revoke(record.id), true)
    assert.equal(book.revoke(record.id), false)
    assert.equal(book.revoke('no-such-id'), false)
    assert.equal(changes.length, 2)
    await refused(book.check(token), Reason.TOKEN_REVOKED)
  })

  it('refuses a token the book does not know: TOKEN_REVOKED', async () => {
    const { book, fernetKey, roomId } = setup()
    const { token } = await book.issue()
    const forgetful = setup({ fernetKey, roomId })
    await refused(forgetful.book.check(token), Reason.TOKEN_REVOKED)
  })

  it('refuses a used-up token: TOKEN_USED_UP', async () => {
    const { book } = setup()
    const { record, token } = await book.issue({ maxUses: 2 })
    await book.check(token)
    book.use(record.id)
    assert.equal((await book.check(token)).uses, 1)
    book.use(record.id)
    await refused(book.check(token), Reason.TOKEN_USED_UP)
    book.use('no-such-id')
  })

  it('checks in order: MAC, expiry, room, revocation, uses', async () => {
    const { book, clock, fernetKey } = setup()
    const { record, token } = await book.issue({ ttlMs: 1000, maxUses: 1 })
    book.use(record.id)
    book.revoke(record.id)
    await refused(book.check(token), Reason.TOKEN_REVOKED)
    const elsewhere = setup({ fernetKey, records: book.list() })
    await refused(elsewhere.book.check(token), Reason.TOKEN_WRONG_ROOM)
    clock.now = T0 + 1000
    elsewhere.clock.now = T0 + 1000
    await refused(book.check(token), Reason.TOKEN_EXPIRED)
    await refused(elsewhere.book.check(token), Reason.TOKEN_EXPIRED)
  })

  it('keeps its records across reconstruction from list()', async () => {
    const { book, fernetKey, roomId } = setup()
    const kept = await book.issue({ maxUses: 2 })
    const revoked = await book.issue()
    const usedUp = await book.issue({ maxUses: 1 })
    book.use(kept.record.id)
    book.use(usedUp.record.id)
    book.revoke(revoked.record.id)
    const saved = JSON.parse(JSON.stringify(book.list())) as InvitationRecord[]

    const restored = setup({ fernetKey, roomId, records: saved })
    assert.deepEqual(JSON.parse(JSON.stringify(restored.book.list())), saved)
    assert.equal((await restored.book.check(kept.token)).uses, 1)
    await refused(restored.book.check(revoked.token), Reason.TOKEN_REVOKED)
    await refused(restored.book.check(usedUp.token), Reason.TOKEN_USED_UP)
    restored.book.use(kept.record.id)
    await refused(restored.book.check(kept.token), Reason.TOKEN_USED_UP)
    // The originals are untouched by the copy's changes.
    assert.equal((await book.check(kept.token)).uses, 1)
  })

  it('list() returns copies', async () => {
    const { book } = setup()
    const { record, token } = await book.issue()
    const listed = book.list()
    ;(listed[0] as InvitationRecord).revoked = true
    assert.equal((await book.check(token)).id, record.id)
  })

  it('prune() forgets expired invitations only', async () => {
    const { book, clock } = setup()
    const short = await book.issue({ ttlMs: 1000 })
    const long = await book.issue({ ttlMs: 10_000 })
    clock.now = T0 + 5000
    book.prune()
    assert.deepEqual(
      book.list().map((r) => r.id),
      [long.record.id]
    )
    assert.notEqual(short.record.id, long.record.id)
  })
})
