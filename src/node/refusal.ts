/**
 * @module Turning a joiner away: telling it why, and whether its connection goes with it.
 */
import { ReasonError } from '../protocol/errors.js'
import { frame } from '../protocol/frame.js'
import { reasonCode } from '../protocol/reasons.js'
import { Reason } from '../protocol/wire/securechat.js'
import type { HandshakeContext } from './admission.js'
import type { FrameChannel } from './channel.js'
import { CLOSE_FLUSH_MS } from './constants.js'
import { RefusedError } from './errors.js'
import type { EventFeed } from './events.js'

/** Tells a refused joiner why (reason code and tries left), then closes its stream. */
export async function refuse(
  channel: FrameChannel,
  err: Error,
  ctx: HandshakeContext,
  feed: EventFeed
): Promise<void> {
  const reason =
    err instanceof ReasonError ? err.reason : err.name === 'TimeoutError' ? Reason.TIMEOUT : undefined
  if (reason === undefined) {
    // The stream itself failed (reset, closed): nothing can be told.
    ctx.log('handshake from %s ended: %s', ctx.peerId, err.message)
    channel.abort(err)
    return
  }
  ctx.log('refused %s from %s: %s', ctx.peerId, ctx.source, reasonCode(reason))
  channel.send(
    frame('refusal', {
      reason,
      message: err.message.slice(0, 200),
      attemptsLeft: ctx.attemptsLeft(),
      retry: false,
      retryAfter: err instanceof RefusedError ? err.retryAfter : 0
    })
  )
  feed.emit({ type: 'refused', peerId: ctx.peerId, address: ctx.source, reason: reasonCode(reason) })
  await channel.close(AbortSignal.timeout(CLOSE_FLUSH_MS))
}

/**
 * Refusals that no honest client earns (it never sends a malformed frame or a forged credential, and
 * always sends its first frame at once): the connection they came on is closed with them, so each
 * such try costs the sender a new connection, which libp2p rate-limits per address. A wrong answer or
 * code, a taken nickname or a full room are honest mistakes or states: the connection stays for a retry.
 */
const CONNECTION_REJECTING_REASONS: ReadonlySet<Reason> = new Set([
  Reason.MALFORMED,
  Reason.UNEXPECTED_FRAME,
  Reason.VERSION_UNSUPPORTED,
  Reason.TOKEN_INVALID,
  Reason.TOKEN_WRONG_ROOM,
  Reason.RESUME_INVALID,
  Reason.TIMEOUT
])

export function rejectsConnection(err: Error): boolean {
  if (err.name === 'TimeoutError') return true
  return err instanceof ReasonError ? CONNECTION_REJECTING_REASONS.has(err.reason) : true
}
