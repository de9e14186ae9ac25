/**
 * A token bucket: `burst` messages at once, refilled at `perSecond`. One per member on the host, so a
 * flood from one member is refused at the door instead of queueing ahead of everyone else's messages.
 */
export class TokenBucket {
  private tokens: number
  private last: number
  private readonly perSecond: number
  private readonly burst: number
  private readonly now: () => number

  constructor(options: { perSecond: number; burst: number; now?: () => number }) {
    this.perSecond = options.perSecond
    this.burst = options.burst
    this.now = options.now ?? Date.now
    this.tokens = options.burst
    this.last = this.now()
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

/**
 * A byte-rate limit that slows down rather than refuses: `consume` takes the bytes at once (the bucket
 * may go into debt) and waits as long as the debt takes to repay, so one member's upload runs at most at
 * `perSecond` on average, with `burst` bytes ahead.
 */
export class ByteThrottle {
  private tokens: number
  private last: number
  private readonly perSecond: number
  private readonly burst: number
  private readonly now: () => number

  constructor(options: { perSecond: number; burst: number; now?: () => number }) {
    this.perSecond = options.perSecond
    this.burst = options.burst
    this.now = options.now ?? Date.now
    this.tokens = options.burst
    this.last = this.now()
  }

  /** How long to wait, in ms, before `bytes` more may go (taken now either way). */
  delayFor(bytes: number): number {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    this.tokens -= bytes
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000)
  }
}
