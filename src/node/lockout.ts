import { FAILURE_WINDOW_MS, LOCKOUT_MS, MAX_FAILURES } from './constants.js'

export interface LockoutOptions {
  maxFailures?: number
  windowMs?: number
  lockoutMs?: number
  now?: () => number
  /** Keys tracked at most; the oldest are forgotten first, so a spray of addresses cannot exhaust memory. */
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
    this.maxKeys = options.maxKeys ?? 100_000
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
    const record = this.record(key)
    record.inFlight = Math.max(0, record.inFlight - 1)
    if (failed) this.fail(key)
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
