import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { FAILURE_WINDOW_MS, LOCKOUT_MS, MAX_FAILURES } from '../../src/node/constants.js'
import { FailureTracker, Lockout, type LockoutOptions, strictest } from '../../src/node/lockout.js'

const T0 = 1_767_225_600_000

/** A tracker on a clock the test moves by hand. */
function tracker(options: Omit<LockoutOptions, 'now'> = {}): { t: FailureTracker; clock: { now: number } } {
  const clock = { now: T0 }
  return { t: new FailureTracker({ ...options, now: () => clock.now }), clock }
}

describe('FailureTracker', () => {
  it('defaults to 5 failures in 10 minutes locking out for 10 minutes', () => {
    assert.equal(MAX_FAILURES, 5)
    assert.equal(FAILURE_WINDOW_MS, 10 * 60_000)
    assert.equal(LOCKOUT_MS, 10 * 60_000)
    const { t } = tracker()
    assert.equal(t.attemptsLeft('1.2.3.4'), MAX_FAILURES)
    assert.equal(t.lockedFor('1.2.3.4'), 0)
  })

  it('4 failures do not lock; the 5th does', () => {
    const { t, clock } = tracker()
    for (let i = 1; i <= 4; i++) {
      assert.equal(t.fail('ip'), false, `failure ${i}`)
      assert.equal(t.attemptsLeft('ip'), MAX_FAILURES - i)
      assert.equal(t.lockedFor('ip'), 0)
      clock.now += 1000
    }
    assert.equal(t.fail('ip'), true)
    assert.equal(t.lockedFor('ip'), LOCKOUT_MS)
    assert.equal(t.attemptsLeft('ip'), 0)
  })

  it('lockedFor counts down as the clock moves, and the key is released after lockoutMs', () => {
    const { t, clock } = tracker()
    for (let i = 0; i < MAX_FAILURES; i++) t.fail('ip')
    const start = clock.now
    assert.equal(t.lockedFor('ip'), LOCKOUT_MS)
    clock.now = start + 1
    assert.equal(t.lockedFor('ip'), LOCKOUT_MS - 1)
    clock.now = start + LOCKOUT_MS / 2
    assert.equal(t.lockedFor('ip'), LOCKOUT_MS / 2)
    clock.now = start + LOCKOUT_MS - 1
    assert.equal(t.lockedFor('ip'), 1)
    clock.now = start + LOCKOUT_MS
    assert.equal(t.lockedFor('ip'), 0)
    clock.now = start + LOCKOUT_MS * 10
    assert.equal(t.lockedFor('ip'), 0)
  })

  it('starts afresh after a lockout ends', () => {
    const { t, clock } = tracker()
    for (let i = 0; i < MAX_FAILURES; i++) t.fail('ip')
    clock.now += LOCKOUT_MS
    assert.equal(t.lockedFor('ip'), 0)
    assert.equal(t.attemptsLeft('ip'), MAX_FAILURES)
    assert.equal(t.fail('ip'), false)
    assert.equal(t.attemptsLeft('ip'), MAX_FAILURES - 1)
  })

  it('does not count failures older than the window', () => {
    const { t, clock } = tracker()
    for (let i = 0; i < MAX_FAILURES - 1; i++) t.fail('ip')
    assert.equal(t.attemptsLeft('ip'), 1)
    clock.now += FAILURE_WINDOW_MS
    // Exactly windowMs old no longer counts.
    assert.equal(t.attemptsLeft('ip'), MAX_FAILURES)
    assert.equal(t.fail('ip'), false)
    assert.equal(t.lockedFor('ip'), 0)
    assert.equal(t.attemptsLeft('ip'), MAX_FAILURES - 1)
  })

  it('a sliding window: failures spread just inside it still lock', () => {
    const { t, clock } = tracker()
    const step = Math.floor(FAILURE_WINDOW_MS / MAX_FAILURES) - 1
    for (let i = 0; i < MAX_FAILURES - 1; i++) {
      assert.equal(t.fail('ip'), false)
      clock.now += step
    }
    assert.equal(t.fail('ip'), true)
  })

  it('a sliding window: the oldest failure drops out as the window moves', () => {
    const { t, clock } = tracker()
    t.fail('ip') // at T0
    clock.now = T0 + FAILURE_WINDOW_MS / 2
    for (let i = 0; i < MAX_FAILURES - 2; i++) t.fail('ip')
    assert.equal(t.attemptsLeft('ip'), 1)
    clock.now = T0 + FAILURE_WINDOW_MS
    assert.equal(t.attemptsLeft('ip'), 2)
    assert.equal(t.fail('ip'), false)
  })

  it('keeps keys apart', () => {
    const { t } = tracker()
    for (let i = 0; i < MAX_FAILURES; i++) t.fail('10.0.0.1')
    assert.ok(t.lockedFor('10.0.0.1') > 0)
    assert.equal(t.lockedFor('10.0.0.2'), 0)
    assert.equal(t.attemptsLeft('10.0.0.2'), MAX_FAILURES)
  })

  it('honours custom limits', () => {
    const { t, clock } = tracker({ maxFailures: 2, windowMs: 1000, lockoutMs: 5000 })
    assert.equal(t.attemptsLeft('k'), 2)
    assert.equal(t.fail('k'), false)
    clock.now += 999
    assert.equal(t.fail('k'), true)
    assert.equal(t.lockedFor('k'), 5000)
    clock.now += 5000
    assert.equal(t.lockedFor('k'), 0)
  })

  it('forgets the least recently failed keys beyond maxKeys', () => {
    const { t } = tracker({ maxKeys: 2 })
    for (let i = 0; i < MAX_FAILURES; i++) t.fail('a')
    t.fail('b')
    assert.ok(t.lockedFor('a') > 0)
    // A new failure by 'a' makes it the most recent, so 'b' is the one forgotten.
    t.fail('a')
    t.fail('c')
    assert.ok(t.lockedFor('a') > 0)
    assert.equal(t.attemptsLeft('b'), MAX_FAILURES)
    assert.equal(t.attemptsLeft('c'), MAX_FAILURES - 1)
    // Two newer keys push 'a' (and its lockout) out.
    t.fail('d')
    t.fail('e')
    assert.equal(t.lockedFor('a'), 0)
    assert.equal(t.attemptsLeft('a'), MAX_FAILURES)
  })

  it('never tracks more than maxKeys keys (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { maxLength: 60 }),
        (maxKeys, failures) => {
          const { t } = tracker({ maxKeys })
          for (const key of failures) t.fail(key)
          const tracked = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].filter(
            (k) => t.attemptsLeft(k) < MAX_FAILURES || t.lockedFor(k) > 0
          )
          assert.ok(tracked.length <= maxKeys)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('lockedFor and attemptsLeft stay in range whatever happens (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('x', 'y'), fc.integer({ min: 0, max: 4 * 60_000 })), {
          maxLength: 40
        }),
        (events) => {
          const { t, clock } = tracker()
          for (const [key, advance] of events) {
            clock.now += advance
            t.fail(key)
            for (const k of ['x', 'y']) {
              const locked = t.lockedFor(k)
              const left = t.attemptsLeft(k)
              assert.ok(locked >= 0 && locked <= LOCKOUT_MS)
              assert.ok(left >= 0 && left <= MAX_FAILURES)
            }
          }
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('strictest()', () => {
  it('takes the longest lockout and the fewest attempts over the keys', () => {
    const { t, clock } = tracker()
    t.fail('peer')
    t.fail('peer')
    assert.deepEqual(strictest(t, ['ip', 'peer']), { lockedFor: 0, attemptsLeft: MAX_FAILURES - 2 })
    for (let i = 0; i < MAX_FAILURES; i++) t.fail('ip')
    clock.now += 1000
    // A locked key has no attempts left.
    assert.deepEqual(strictest(t, ['ip', 'peer']), { lockedFor: LOCKOUT_MS - 1000, attemptsLeft: 0 })
    assert.deepEqual(strictest(t, ['peer', 'ip']), strictest(t, ['ip', 'peer']))
    // A PeerId locked on another address is locked here too.
    assert.equal(strictest(t, ['another-ip', 'ip']).lockedFor, LOCKOUT_MS - 1000)
    clock.now += LOCKOUT_MS
    // The lockout is over and the PeerId's two failures have left the window.
    assert.deepEqual(strictest(t, ['ip', 'peer']), { lockedFor: 0, attemptsLeft: MAX_FAILURES })
  })

  it('a single key is that key', () => {
    const { t } = tracker()
    t.fail('only')
    assert.deepEqual(strictest(t, ['only']), { lockedFor: 0, attemptsLeft: MAX_FAILURES - 1 })
  })
})

describe("Lockout: a joiner's own keys and the shared ones", () => {
  const who = (peer: string, source = '198.18.0.1', invitationId = 'inv-a') => ({
    peerId: peer,
    source,
    invitationId
  })

  function lockout(): { l: Lockout; clock: { now: number } } {
    const clock = { now: T0 }
    return { l: new Lockout({ now: () => clock.now }), clock }
  }

  it('locks a source with an invitation after 5 failures, whatever the PeerIds; another invitation there is free', () => {
    const { l } = lockout()
    for (let i = 0; i < 5; i++) {
      assert.equal(l.reserve(who(`p${i}`)), true)
      l.settle(who(`p${i}`), true)
    }
    assert.ok(l.status(who('fresh')).lockedFor > 0)
    assert.equal(l.status(who('fresh', '198.18.0.1', 'inv-b')).lockedFor, 0)
  })

  it('locks an invitation after 20 failures across addresses, and an address after 20 across invitations', () => {
    const { l } = lockout()
    for (let i = 0; i < 20; i++) l.settle(who(`p${i}`, `198.18.1.${i}`, 'shared'), true)
    assert.ok(l.status(who('x', '198.18.9.9', 'shared')).lockedFor > 0, 'the invitation is locked')
    assert.equal(l.status(who('x', '198.18.9.9', 'other')).lockedFor, 0)
    for (let i = 0; i < 20; i++) l.settle(who(`q${i}`, '198.18.2.2', `inv-${i}`), true)
    assert.ok(l.status(who('y', '198.18.2.2', 'new')).lockedFor > 0, 'the address is locked')
  })

  it("reserves under the PeerId only: one peer's parallel checks are bounded, many peers' are not mistaken for guesses", () => {
    const { l } = lockout()
    const taken = Array.from({ length: 8 }, () => l.reserve(who('same')))
    assert.deepEqual(taken, [true, true, true, true, true, false, false, false])
    const many = Array.from({ length: 30 }, (_, i) => l.reserve(who(`guest${i}`)))
    assert.ok(many.every(Boolean), 'thirty honest joiners at once on one invitation')
  })

  it('a settled success leaves nothing behind', () => {
    const { l } = lockout()
    assert.equal(l.reserve(who('ok')), true)
    l.settle(who('ok'), false)
    assert.equal(l.size, 0)
  })
})
