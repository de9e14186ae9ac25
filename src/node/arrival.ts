/**
 * @module One inbound `/securechat/2.3.0` stream, from its first frame to its end: the handshake or
 * the resume, then the member's frames, with the connection guard told what the stream showed.
 */

import { setTimeout as sleep } from 'node:timers/promises'
import type { Connection, Stream } from '@libp2p/interface'
import type { Logger } from '@libp2p/logger'
import {
  MAX_FRAME_BYTES,
  MAX_HANDSHAKE_FRAME_BYTES,
  MAX_HANDSHAKE_UNREAD_FRAMES
} from '../protocol/constants.js'
import type { Post } from '../protocol/wire/securechat.js'
import { connectionSource } from './addresses.js'
import type { Admission, HandshakeContext } from './admission.js'
import { FrameChannel } from './channel.js'
import type { ConnectionGuard } from './connection-guard.js'
import { MOVE_GRACE_MS, MOVE_POLL_MS } from './constants.js'
import { connectionKind } from './dial-host.js'
import type { EventFeed } from './events.js'
import { readWithin } from './gatekeeper.js'
import type { HostConfig } from './host-config.js'
import type { HostedMember } from './hosted-member.js'
import type { Readmission } from './readmission.js'
import { refuse, rejectsConnection } from './refusal.js'
import type { Roster } from './roster.js'
import { serveMember } from './serve.js'
import { writeBatchBytes } from './write-batch.js'

/**
 * When a member's relayed connection ends, waits up to `graceMs` for its resume on another before
 * the room hears it is away: DCUtR's upgrade closes the relayed connection once a direct one is up,
 * and a relay's limit ends it, and in both cases the member is back within moments.
 */
async function movedWithin(
  member: HostedMember,
  channel: FrameChannel,
  ended: Connection,
  graceMs: number
): Promise<boolean> {
  if (connectionKind(ended) !== 'relayed') return false
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    if (member.channel !== channel) return true
    await sleep(MOVE_POLL_MS)
  }
  return member.channel !== channel
}

export interface ArrivalsInit {
  config: HostConfig
  guard: ConnectionGuard
  admission: Admission
  readmission: Readmission
  roster: Roster
  feed: EventFeed
  log: Logger
  /** The room's shutdown signal. */
  signal: AbortSignal
  /** Throws `RefusedError` when this PeerId may not come in now (closing, banned). */
  barred(peerId: string): void
  isClosing(): boolean
  /** Queues a member's Post for the relay. */
  relay(post: Post, sender: HostedMember): Promise<number>
}

/** The host's inbound streams, and those still before admission (so closing can wait for their refusals). */
export class Arrivals {
  private readonly init: ArrivalsInit
  private readonly arriving = new Set<Promise<void>>()

  constructor(init: ArrivalsInit) {
    this.init = init
  }

  /** Resolves once every stream still before admission has been admitted or told why not. */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.arriving])
  }

  /** One inbound stream: its first frame, the handshake or resume, then the member's frames until it goes. */
  async handle(stream: Stream, connection: Connection): Promise<void> {
    const { config, guard, roster } = this.init
    const peerId = connection.remotePeer.toString()
    // Scoped per stream (as @libp2p/ping does), under the host's own namespace so DEBUG=securechat:* shows it.
    const log = this.init.log.newScope(`stream:${stream.id}`)
    guard.streamOpened(connection)
    let vouched = false
    const ctx: HandshakeContext = {
      peerId,
      source: connectionSource(connection),
      connection,
      vouch: () => {
        if (vouched) return
        vouched = true
        guard.vouch(connection)
      },
      attemptsLeft: () => 0,
      log
    }
    // A stranger gets the small handshake frame limit; the member's limit comes with admission.
    const channel = new FrameChannel(stream, {
      maxFrameBytes: MAX_HANDSHAKE_FRAME_BYTES,
      maxUnreadFrames: MAX_HANDSHAKE_UNREAD_FRAMES,
      maxWriteBytes: writeBatchBytes(connection.limits),
      // A member that stops reading (a stalled link, a sleeping laptop) is not buffered for without
      // bound: its stream is cut and it counts as away, so its messages go to the bounded backlog.
      onOverflow: () => {
        const member = roster.get(peerId)
        if (member?.channel !== channel) return
        log('%s is not reading: cut off, kept as away', peerId)
        channel.abort(new Error('the member is not reading'))
        roster.goAway(member)
      }
    })
    let member: HostedMember
    let arrived = (): void => {}
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve
    })
    this.arriving.add(arrival)
    try {
      // The first frame is read even from a banned peer: refused before it, the peer's side may not
      // have finished negotiating the protocol, and would see a reset instead of the reason.
      const first = await readWithin(channel, 'hello', config.timeouts.helloMs, this.init.signal)
      this.init.barred(peerId)
      if (first.kind === 'resume') {
        member = await this.init.readmission.readmit(first.body, channel, ctx)
      } else {
        const signal = AbortSignal.any([this.init.signal, AbortSignal.timeout(config.timeouts.handshakeMs)])
        member = await this.init.admission.admit(first, channel, ctx, signal)
      }
    } catch (err) {
      await refuse(channel, err as Error, ctx, this.init.feed)
      guard.streamEnded(connection, { vouched, rejected: !vouched && rejectsConnection(err as Error) })
      return
    } finally {
      arrived()
      this.arriving.delete(arrival)
    }
    channel.setFrameLimit(MAX_FRAME_BYTES)
    ctx.vouch()
    await serveMember(member, channel, {
      roster,
      signal: this.init.signal,
      relay: (post) => this.init.relay(post, member),
      isClosing: this.init.isClosing,
      moved: () => movedWithin(member, channel, connection, MOVE_GRACE_MS),
      log
    })
    guard.streamEnded(connection, { vouched, rejected: false })
  }
}
