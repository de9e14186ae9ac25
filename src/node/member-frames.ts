/**
 * @module What a member does with each frame the host sends it during the session.
 */

import { SecureChatError } from '../protocol/errors.js'
import type { AnyFrame } from '../protocol/frame.js'
import { describeReason, reasonCode } from '../protocol/reasons.js'
import { MessageRejectedError, RoomClosedError, StreamEndedError } from './errors.js'
import type { EventFeed, RoomEvent } from './events.js'
import type { Participant } from './participant.js'

import type { PendingPost } from './pending-posts.js'

export interface HostFrameTarget {
  participant: Participant
  pending: Map<number, PendingPost>
  feed: EventFeed
  renewCredential(token: string): void
}

/** Handles one frame from the host; returns the close reason when the host said goodbye. */
export function handleHostFrame(received: AnyFrame, target: HostFrameTarget): string | undefined {
  const { participant, pending, feed } = target
  switch (received.kind) {
    case 'deliver':
      void participant.receive(received.body)
      return undefined
    case 'ack':
      pending.get(received.body.counter)?.resolve(received.body.seq)
      pending.delete(received.body.counter)
      return undefined
    case 'rejected': {
      const { counter, reason, message } = received.body
      pending.get(counter)?.reject(new MessageRejectedError(reason, message || describeReason(reason)))
      pending.delete(counter)
      feed.emit({ type: 'error', code: reasonCode(reason), message: describeReason(reason) })
      return undefined
    }
    case 'memberJoined':
      if (received.body.member !== undefined) void participant.memberJoined(received.body.member)
      return undefined
    case 'memberLeft':
      void participant.memberLeft(received.body.peerId, reasonCode(received.body.reason))
      return undefined
    case 'presence':
      void participant.presence(received.body.peerId, received.body.away)
      return undefined
    case 'credential':
      target.renewCredential(received.body.resumeToken)
      return undefined
    case 'goodbye':
      return reasonCode(received.body.reason)
    default:
      feed.emit({
        type: 'error',
        code: 'unexpected-frame',
        message: `unexpected ${received.kind} from the host`
      })
      return undefined
  }
}

/**
 * What the member is told when reading from the host failed, if anything. Its own ending (close,
 * finish) aborts the channel with RoomClosedError: not the host's fault. The stream ending is a lost
 * connection, told by the reconnect events. Any other typed failure is the host breaking the protocol.
 */
export function readFailureEvent(err: unknown): RoomEvent | undefined {
  if (!(err instanceof SecureChatError)) return undefined
  if (err instanceof RoomClosedError || err instanceof StreamEndedError) return undefined
  return { type: 'error', code: 'protocol', message: err.message }
}
