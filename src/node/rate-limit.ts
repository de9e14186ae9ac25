/**
 * @module Token buckets: `burst` tokens at once, refilled at `perSecond`. A member's messages take one
 * each and are refused when none is left; its uploads take their bytes and are slowed, not refused.
 */

interface BucketOptions {
  perSecond: number
  burst: number
  now?: () => number
}

/** The bucket itself: its level, refilled by the time passed since it was last looked at. */
class Bucket {
  protected tokens: number
  protected readonly perSecond: number
  private last: number
  private readonly burst: number
  private readonly now: () => number

  constructor(options: BucketOptions) {
    this.perSecond = options.perSecond
    this.burst = options.burst
    this.now = options.now ?? Date.now
    this.tokens = options.burst
    this.last = this.now()
  }

  protected refill(): void {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
  }
}

/**
 * One message a token. One per member on the host, so a flood from one member is refused at the door
 * instead of queueing ahead of everyone else's messages.
 */
export class TokenBucket extends Bucket {
  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

/**
 * A byte-rate limit that slows down rather than refuses: the bytes are taken at once (the bucket may
 * go into debt) and the caller waits as long as the debt takes to repay, so one member's upload runs
 * at most at `perSecond` on average, with `burst` bytes ahead.
 */
export class ByteThrottle extends Bucket {
  /** How long to wait, in ms, before `bytes` more may go (taken now either way). */
  delayFor(bytes: number): number {
    this.refill()
    this.tokens -= bytes
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000)
  }
}
