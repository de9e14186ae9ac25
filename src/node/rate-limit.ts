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
