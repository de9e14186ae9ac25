/** @module Waiting for a wake-up call that may never come, for as long as a signal allows. */

/**
 * Resolves when the function handed to `register` is called; rejects with the signal's reason if it
 * aborts first. `unregister` is called either way, so the waker is not kept.
 */
export function wakeUp(
  register: (wake: () => void) => void,
  unregister: (wake: () => void) => void,
  signal?: AbortSignal
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const done = (): void => {
      unregister(wake)
      signal?.removeEventListener('abort', onAbort)
    }
    const wake = (): void => {
      done()
      resolve()
    }
    const onAbort = (): void => {
      done()
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    register(wake)
  })
}
