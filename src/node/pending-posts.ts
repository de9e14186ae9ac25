/**
 * @module A member's Posts sent and not yet acknowledged: each waits for the host's Ack or Rejected,
 * is sent again on a resume (in counter order) until the host says what became of it, and is given
 * up when its caller aborts or the session ends.
 */
import type { Post } from '../protocol/wire/securechat.js'

/** A Post sent and not yet acknowledged. */
export interface PendingPost {
  post: Post
  resolve: (seq: number) => void
  reject: (err: Error) => void
}

export class PendingPosts {
  /** By counter: what the host's Ack and Rejected name. */
  readonly byCounter = new Map<number, PendingPost>()

  /**
   * Waits for the host's answer to `post`, sent now by `send` (which does nothing while the member is
   * away: the post is then sent on resume). Resolves with its room sequence number.
   */
  add(post: Post, send: (post: Post) => void, signal?: AbortSignal): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const onAbort = (): void => {
        this.byCounter.delete(post.counter)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          signal?.removeEventListener('abort', onAbort)
          fn(value)
        }
      this.byCounter.set(post.counter, { post, resolve: settle(resolve), reject: settle(reject) })
      send(post)
    })
  }

  /** Every post still waiting, oldest first: what a resume sends again. */
  inOrder(): Post[] {
    return [...this.byCounter.values()].map((p) => p.post).sort((a, b) => a.counter - b.counter)
  }

  /** The session ended: every post still waiting fails with `err`. */
  rejectAll(err: Error): void {
    for (const { reject } of this.byCounter.values()) reject(err)
    this.byCounter.clear()
  }
}
