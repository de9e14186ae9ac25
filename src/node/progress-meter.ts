/**
 * @module A transfer's progress as its events show it: bytes so far, a rate smoothed over the last
 * seconds, the time left at that rate, and no more than a few events a second (and always the last).
 */
import { FILE_PROGRESS_PER_SECOND } from './constants.js'

/** The rate is measured over about this long a window. */
const RATE_WINDOW_MS = 3000

export interface Progress {
  bytes: number
  size: number
  bytesPerSecond: number
  etaMs?: number
}

export class ProgressMeter {
  private readonly size: number
  private readonly now: () => number
  private readonly perSecond: number
  private readonly samples: Array<{ at: number; bytes: number }> = []
  private lastShown = Number.NEGATIVE_INFINITY

  constructor(size: number, options: { now?: () => number; perSecond?: number } = {}) {
    this.size = size
    this.now = options.now ?? Date.now
    this.perSecond = options.perSecond ?? FILE_PROGRESS_PER_SECOND
  }

  /** Records `bytes` done so far; returns the progress to show, or undefined when it is too soon. */
  update(bytes: number): Progress | undefined {
    const at = this.now()
    this.samples.push({ at, bytes })
    while (this.samples.length > 2 && at - (this.samples[1]?.at ?? at) >= RATE_WINDOW_MS) this.samples.shift()
    const last = bytes >= this.size
    if (!last && at - this.lastShown < 1000 / this.perSecond) return undefined
    this.lastShown = at
    const first = this.samples[0] ?? { at, bytes }
    const elapsed = at - first.at
    const bytesPerSecond = elapsed > 0 ? Math.round(((bytes - first.bytes) * 1000) / elapsed) : 0
    const progress: Progress = { bytes, size: this.size, bytesPerSecond }
    if (bytesPerSecond > 0) progress.etaMs = Math.round(((this.size - bytes) * 1000) / bytesPerSecond)
    return progress
  }
}
