/**
 * @module A counting semaphore: at most `limit` tasks run at once, the rest wait their turn in order.
 */
export class Semaphore {
  private readonly limit: number
  private running = 0
  private readonly waiting: Array<() => void> = []

  constructor(limit: number) {
    this.limit = Math.max(1, limit)
  }

  /** Tasks waiting for their turn now. */
  get queued(): number {
    return this.waiting.length
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.running++
    try {
      return await task()
    } finally {
      // The slot passes straight to the next waiter, so `running` never drops below a full house.
      const next = this.waiting.shift()
      if (next === undefined) this.running--
      else next()
    }
  }
}
