/**
 * @module A member's read loop on the host: its Posts go to the relay, anything else ends its session.
 */
import type { Logger } from '@libp2p/logger'
import { FrameError, frame } from '../protocol/frame.js'
import { describeReason } from '../protocol/reasons.js'
import { type Post, Reason } from '../protocol/wire/securechat.js'
import type { FrameChannel } from './channel.js'
import { CLOSE_FLUSH_MS } from './constants.js'
import type { HostedMember } from './hosted-member.js'
import type { Roster } from './roster.js'

export interface ServeDeps {
  roster: Roster
  /** The room's shutdown signal. */
  signal: AbortSignal
  /** Queues a Post for the relay, which runs them one at a time. */
  relay(post: Post): Promise<number>
  isClosing(): boolean
  /**
   * Resolves true when the member came back on another stream within a short grace after its
   * relayed connection ended (DCUtR moved it, or the relay's limit cut it): no away, no back.
   */
  moved(): Promise<boolean>
  log: Logger
}

/**
 * Reads a member's frames until it leaves. A flood is refused post by post (RATE_LIMITED) without
 * reading ahead of the relay's queue; a frame that breaks the rules ends this member's session with
 * its reason, never the room. A dropped stream leaves the member away, to resume.
 */
export async function serveMember(
  member: HostedMember,
  channel: FrameChannel,
  deps: ServeDeps
): Promise<void> {
  let departure = Reason.CONNECTION_LOST
  try {
    while (!channel.isClosed) {
      const received = await channel.read(deps.signal)
      if (received.kind === 'post') {
        const post = received.body
        if (!member.rate.take()) {
          channel.send(
            frame('rejected', {
              counter: post.counter,
              reason: Reason.RATE_LIMITED,
              message: describeReason(Reason.RATE_LIMITED)
            })
          )
          continue
        }
        // A refused post was already answered with Rejected; its error only ends the queued task.
        deps
          .relay(post)
          .catch((err: unknown) =>
            deps.log('post from %s refused: %s', member.peerId, (err as Error).message)
          )
      } else if (received.kind === 'goodbye') {
        departure = Reason.LEFT
        break
      } else {
        throw new FrameError(`unexpected ${received.kind} from a member`, Reason.UNEXPECTED_FRAME)
      }
    }
  } catch (err) {
    if (err instanceof FrameError) {
      departure = err.reason
      deps.log('%s broke the wire rules: %s', member.peerId, err.message)
    }
  }
  // The room is closing: saying goodbye to everyone is the host's to do, in one place.
  if (deps.isClosing()) return
  const closeStream = (): void => {
    if (!channel.isClosed) void channel.close(AbortSignal.timeout(CLOSE_FLUSH_MS))
  }
  // A resumed member has a new channel by now: this loop's end is not its departure.
  if (deps.roster.get(member.peerId) !== member || member.channel !== channel) {
    closeStream()
    return
  }
  if (departure === Reason.CONNECTION_LOST && (await deps.moved())) {
    closeStream()
    return
  }
  if (deps.roster.get(member.peerId) !== member || member.channel !== channel) {
    closeStream()
    return
  }
  if (departure === Reason.CONNECTION_LOST) {
    deps.roster.goAway(member)
    closeStream()
  } else {
    // Told why (a Goodbye with the reason) before its stream is closed.
    deps.roster.depart(member, departure)
  }
}
