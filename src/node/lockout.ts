/**
 * @module Counting failed guesses at the answer and the room code, and locking out who makes too many.
 */
import {
  FAILURE_WINDOW_MS,
  LOCKOUT_MS,
  MAX_FAILURES,
  MAX_LOCKOUT_KEYS,
  SHARED_FAILURES_FACTOR
} from './constants.js'

export interface LockoutOptions {
  /** Failures one joiner (a PeerId, or one source with one invitation) may make. @default MAX_FAILURES */
  maxFailures?: number
  /**
   * Failures one invitation, or one source address, may see in all before it is locked out: shared
   * by everyone behind it, so higher than a joiner's own. @default SHARED_FAILURES_FACTOR × maxFailures
   */
  sharedMaxFailures?: number
  /** @default FAILURE_WINDOW_MS */
  windowMs?: number
  /** @default LOCKOUT_MS */
  lockoutMs?: number
  now?: () => number
  /** Keys tracked at most; the oldest are forgotten first, so a spray of addresses cannot exhaust memory. @default MAX_LOCKOUT_KEYS */
  maxKeys?: number
}

interface Record {
  failures: number[]
  lockedUntil: number
  /** Checks under way: counted against the attempts left, so parallel guesses cannot outrun the lockout. */
  inFlight: number
}

/**
 * Counts failed admissions per key (a source IP, a PeerId). `maxFailures` within `windowMs` locks the
 * key out for `lockoutMs`. The clock is injected so tests move time instead of sleeping.
 */
export class FailureTracker {
  private readonly records = new Map<string, Record>()
  private readonly maxFailures: number
  private readonly windowMs: number
  private readonly lockoutMs: number
  private readonly now: () => number
  private readonly maxKeys: number

  constructor(options: LockoutOptions = {}) {
    this.maxFailures = options.maxFailures ?? MAX_FAILURES
    this.windowMs = options.windowMs ?? FAILURE_WINDOW_MS
    this.lockoutMs = options.lockoutMs ?? LOCKOUT_MS
    this.now = options.now ?? Date.now
    this.maxKeys = options.maxKeys ?? MAX_LOCKOUT_KEYS
  }

  /** Milliseconds until the key may try again, or 0 when it is not locked out. */
  lockedFor(key: string): number {
    const record = this.records.get(key)
    if (record === undefined) return 0
    return Math.max(0, record.lockedUntil - this.now())
  }

  /** Failures the key may still make before the lockout starts. */
  attemptsLeft(key: string): number {
    const record = this.records.get(key)
    if (record === undefined) return this.maxFailures
    if (this.lockedFor(key) > 0) return 0
    return Math.max(0, this.maxFailures - this.recent(record).length - record.inFlight)
  }

  /**
   * Reserves one attempt for a check about to run; false when none is left. Every reservation is
   * settled with `settle`, as a failure or not.
   */
  reserve(key: string): boolean {
    if (this.attemptsLeft(key) <= 0) return false
    this.record(key).inFlight++
    return true
  }

  settle(key: string, failed: boolean): void {
    const record = this.records.get(key)
    if (record !== undefined) record.inFlight = Math.max(0, record.inFlight - 1)
    if (failed) this.fail(key)
    else this.forgetIfClean(key)
  }

  /** Keys currently tracked (for tests and diagnostics). */
  get size(): number {
    return this.records.size
  }

  /** A key with nothing against it holds no memory: a passed check leaves no record behind. */
  private forgetIfClean(key: string): void {
    const record = this.records.get(key)
    if (record === undefined || record.inFlight > 0 || this.lockedFor(key) > 0) return
    if (this.recent(record).length === 0) this.records.delete(key)
  }

  /** Records a failure; returns true when this failure locked the key out. */
  fail(key: string): boolean {
    const now = this.now()
    const record = this.record(key)
    record.failures = [...this.recent(record), now]
    this.records.delete(key)
    this.records.set(key, record)
    this.evictOldest()
    if (record.failures.length >= this.maxFailures) {
      record.lockedUntil = now + this.lockoutMs
      record.failures = []
      return true
    }
    return false
  }

  private record(key: string): Record {
    let record = this.records.get(key)
    if (record === undefined) {
      record = { failures: [], lockedUntil: 0, inFlight: 0 }
      this.records.set(key, record)
    }
    return record
  }

  private recent(record: Record): number[] {
    const since = this.now() - this.windowMs
    return record.failures.filter((t) => t > since)
  }

  private evictOldest(): void {
    while (this.records.size > this.maxKeys) {
      const oldest = this.records.keys().next().value
      if (oldest === undefined) return
      this.records.delete(oldest)
    }
  }
}

/** Several trackers' views of one joiner (its IP and its PeerId): the strictest wins. */
export function strictest(
  tracker: FailureTracker,
  keys: readonly string[]
): { lockedFor: number; attemptsLeft: number } {
  return {
    lockedFor: Math.max(...keys.map((k) => tracker.lockedFor(k))),
    attemptsLeft: Math.min(...keys.map((k) => tracker.attemptsLeft(k)))
  }
}

/** Who is guessing: the keys of one handshake past a valid invitation token. */
export interface Guesser {
  peerId: string
  /** The source address key (IPv4, or IPv6 /64). */
  source: string
  invitationId: string
}

/**
 * The lockout of the answer and room-code gates, on two tiers. A joiner's own keys (its PeerId, and
 * its source together with its invitation) lock after `maxFailures`; the shared keys (the invitation
 * alone, the source alone) after `sharedMaxFailures`, bounding guesses spread over many PeerIds or
 * many invitations. Only someone holding a valid invitation ever gets here, so an outsider cannot
 * move any of these counts, and a guesser can exhaust only what it shares (its invitation, its
 * address), never another invitation's budget elsewhere.
 */
export class Lockout {
  private readonly own: FailureTracker
  private readonly shared: FailureTracker

  constructor(options: LockoutOptions = {}) {
    const maxFailures = options.maxFailures ?? MAX_FAILURES
    this.own = new FailureTracker({ ...options, maxFailures })
    this.shared = new FailureTracker({
      ...options,
      maxFailures: options.sharedMaxFailures ?? maxFailures * SHARED_FAILURES_FACTOR
    })
  }

  /** The strictest view over every key of the guesser. */
  status(who: Guesser): { lockedFor: number; attemptsLeft: number } {
    const own = strictest(this.own, ownKeys(who))
    const shared = strictest(this.shared, sharedKeys(who))
    return {
      lockedFor: Math.max(own.lockedFor, shared.lockedFor),
      attemptsLeft: Math.min(own.attemptsLeft, shared.attemptsLeft)
    }
  }

  /**
   * Reserves one attempt on the joiner's PeerId, or none (false) when it has none left, so one peer's
   * parallel handshakes cannot guess past its limit. Every other key counts failures only: many
   * honest joiners behind one address, or using one invitation, at once must not look like guesses
   * in flight (parallel handshakes from one address are bounded by its handshake slots instead).
   */
  reserve(who: Guesser): boolean {
    if (this.status(who).lockedFor > 0) return false
    return this.own.reserve(peerKey(who))
  }

  settle(who: Guesser, failed: boolean): void {
    this.own.settle(peerKey(who), failed)
    if (!failed) return
    for (const key of ownKeys(who).slice(1)) this.own.fail(key)
    for (const key of sharedKeys(who)) this.shared.fail(key)
  }

  /** Keys tracked on both tiers. */
  get size(): number {
    return this.own.size + this.shared.size
  }
}

function peerKey(who: Guesser): string {
  return `peer ${who.peerId}`
}

/** The joiner's own keys, its PeerId's first. */
function ownKeys(who: Guesser): string[] {
  return [peerKey(who), `joiner ${who.source} ${who.invitationId}`]
}

function sharedKeys(who: Guesser): string[] {
  return [`invitation ${who.invitationId}`, `source ${who.source}`]
}
