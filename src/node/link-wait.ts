/**
 * @module Waiting for a member's link to the host to be what a transfer needs: up at all, or not
 * through a relay that limits it. Every room event is a moment the answer may have changed.
 */
import { RoomClosedError } from './errors.js'
import type { EventFeed } from './events.js'

export interface LinkWait {
  feed: EventFeed
  /** Whether the link is as wanted now. */
  ready(): boolean
  /** Why the session ended, once it has. */
  closed(): string | undefined
  signal: AbortSignal
  /** Give up after this long, with `timedOut()`'s error. @default never */
  timeoutMs?: number
  timedOut?: () => Error
}

/** Resolves once `ready()` holds (at once if it does); rejects if the session ends, `signal` aborts or time runs out. */
export function untilLink(wait: LinkWait): Promise<void> {
  const closed = wait.closed()
  if (closed !== undefined) return Promise.reject(new RoomClosedError(closed))
  if (wait.ready()) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer =
      wait.timeoutMs === undefined
        ? undefined
        : setTimeout(() => settle(wait.timedOut?.() ?? new Error('timed out')), wait.timeoutMs)
    const settle = (fail?: Error): void => {
      off()
      if (timer !== undefined) clearTimeout(timer)
      wait.signal.removeEventListener('abort', onAbort)
      if (fail === undefined) resolve()
      else reject(fail)
    }
    const onAbort = (): void => settle(wait.signal.reason as Error)
    const off = wait.feed.on('*', (event) => {
      if (event.type === 'closed') settle(new RoomClosedError(event.reason))
      else if (wait.ready()) settle()
    })
    wait.signal.addEventListener('abort', onAbort, { once: true })
  })
}
