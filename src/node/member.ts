/**
 * @module A member's session in a room: sending, receiving, and coming back by itself after a drop.
 */

import { setMaxListeners } from 'node:events'
import type { Connection } from '@libp2p/interface'
import type { Logger } from '@libp2p/logger'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { constantTimeEqual } from '../protocol/bytes.js'
import type { FileOffer } from '../protocol/file-offer.js'
import { type AnyFrame, frame } from '../protocol/frame.js'
import type { MemberKeyPair } from '../protocol/member-keys.js'
import { reasonCode } from '../protocol/reasons.js'
import type { SenderKey } from '../protocol/sender-key.js'
import { type Post, Reason, type Welcome } from '../protocol/wire/securechat.js'
import type { FrameChannel } from './channel.js'
import { CLOSE_FLUSH_MS, RESUME_ATTEMPT_TIMEOUT_MS, RESUME_TTL_MS } from './constants.js'
import {
  closeRelayedConnectionsTo,
  connectionKind,
  dialHost,
  directConnectionTo,
  type HostLink,
  openRoomStream
} from './dial-host.js'
import { watchForDirect } from './direct-path.js'
import { RoomClosedError, StreamEndedError } from './errors.js'
import type { ConnectionKind, EventFeed, MemberInfo, RoomEvent } from './events.js'
import type { StreamCarrier } from './file-carrier.js'
import type { FileInput } from './file-source.js'
import type { FileTransfers, MemberFileOptions, SendFileOptions, SentFile } from './file-transfers.js'
import { memberFiles } from './member-files.js'
import { handleHostFrame, readFailureEvent } from './member-frames.js'
import { Participant } from './participant.js'
import { PendingPosts } from './pending-posts.js'
import {
  connectionEvent,
  memberChannel,
  reconnectingEvent,
  requestResume,
  retryResume
} from './resume-request.js'

export { memberChannel } from './resume-request.js'

export interface RoomMemberInit {
  feed: EventFeed
  node: Libp2p
  ownsNode: boolean
  channel: FrameChannel
  /** The connection the channel runs on. */
  connection: Connection
  welcome: Welcome
  keys: MemberKeyPair
  hostPeerId: string
  addresses: Multiaddr[]
  reconnect: boolean
  backoff: { initial: number; max: number }
  discoveryMs: number
  files: MemberFileOptions
  now?: () => number
}

/**
 * A member's session in a room: sends sealed, signed messages through the host and shows what it
 * receives once verified. When the connection drops it reconnects by itself with backoff and resumes
 * with its credential; what it sent meanwhile is delivered on resume, once. When a direct connection
 * to the host opens while it runs through a relay (DCUtR), it moves there the same way, with no
 * reconnect shown. Created by `joinRoom`.
 */
export class RoomMember {
  readonly feed: EventFeed
  readonly hostPeerId: string
  readonly roomName: string
  readonly roomId: Uint8Array
  readonly hostIsMember: boolean
  /** The files this member sends and is offered: `accept`, `reject`, `cancel` by transfer id. */
  readonly files: FileTransfers
  private readonly fileCarrier: StreamCarrier
  /** What the session keeps of how it was started: its keys, the host's addresses, how it reconnects. */
  private readonly settings: Pick<
    RoomMemberInit,
    'keys' | 'ownsNode' | 'addresses' | 'reconnect' | 'discoveryMs' | 'backoff'
  >
  private readonly participant: Participant
  private readonly node: Libp2p
  private readonly now: () => number
  private readonly log: Logger
  private readonly pending = new PendingPosts()
  private readonly stop = new AbortController()
  private channel: FrameChannel
  private connection: Connection
  /** A move to a direct connection under way; true once it took. */
  private move: Promise<boolean> | undefined
  private readonly stopWatchingDirect: () => void
  private connected = true
  private resumeToken: string
  private hostEpoch: Uint8Array
  private closeReason: string | undefined
  private session: Promise<void>

  constructor(init: RoomMemberInit) {
    const { keys, ownsNode, addresses, reconnect, discoveryMs, backoff } = init
    this.settings = { keys, ownsNode, addresses, reconnect, discoveryMs, backoff }
    this.feed = init.feed
    this.node = init.node
    this.channel = init.channel
    this.connection = init.connection
    this.hostPeerId = init.hostPeerId
    this.now = init.now ?? Date.now
    this.log = init.node.logger.forComponent('securechat:member')
    // Sends, reads and the reconnect loop all listen on it; many at once is normal, not a leak.
    setMaxListeners(Number.POSITIVE_INFINITY, this.stop.signal)
    this.roomName = init.welcome.roomName
    this.roomId = init.welcome.roomId
    this.hostIsMember = init.welcome.hostIsMember
    this.resumeToken = init.welcome.resumeToken
    this.hostEpoch = init.welcome.hostEpoch
    this.participant = new Participant({
      roomId: init.welcome.roomId,
      peerId: init.node.peerId.toString(),
      nickname: init.welcome.you?.nickname ?? '',
      keys: init.keys,
      feed: init.feed,
      now: this.now,
      submit: (post, signal) => this.submit(post, signal),
      onFileOffer: (seq, sender, offer) =>
        this.files.offered(seq, { nick: sender.nickname, peerId: sender.peerId }, offer)
    })
    const { files, carrier } = memberFiles({
      options: init.files,
      feed: this.feed,
      connection: () => this.connection,
      connected: () => this.connected,
      closed: () => this.closeReason,
      offer: (offer, signal) => this.participant.sendOffer(offer, signal),
      log: this.log.newScope('files')
    })
    this.files = files
    this.fileCarrier = carrier
    this.participant.startAt(init.welcome.nextSeq)
    const relayed = (): boolean => this.connected && this.connectionKind === 'relayed'
    this.stopWatchingDirect = watchForDirect({
      node: this.node,
      hostPeerId: this.hostPeerId,
      relayedConnection: () => (relayed() ? this.connection : undefined),
      wantsDirect: () => this.closeReason === undefined && (!this.connected || relayed()),
      onSettledDirect: (connection) => {
        if (this.closeReason === undefined && relayed()) void this.moveTo(connection)
      },
      log: this.log
    })
    this.session = this.run()
  }

  /** Loads the roster from the Welcome; resolves once every key is imported and fingerprinted. */
  async load(welcome: Welcome): Promise<void> {
    await Promise.all(welcome.members.map((m) => this.participant.memberJoined(m, { announce: false })))
    this.feed.emit({
      type: 'joined',
      nick: this.nickname,
      peerId: this.peerId,
      members: this.members,
      connection: this.connectionKind
    })
  }

  /** Whether the session runs straight to the host or through a relay now. */
  get connectionKind(): ConnectionKind {
    return connectionKind(this.connection)
  }

  get peerId(): string {
    return this.participant.peerId
  }

  get nickname(): string {
    return this.participant.nickname
  }

  /** Everyone else in the room, with the fingerprints this member computed itself. */
  get members(): MemberInfo[] {
    return this.participant.members
  }

  get closed(): boolean {
    return this.closeReason !== undefined
  }

  /** Seals, signs and sends; resolves with the room sequence number once the host has relayed it. */
  send(text: string, options: { signal?: AbortSignal } = {}): Promise<{ seq: number }> {
    return this.closeReason === undefined ? this.participant.send(text, options) : this.notInTheRoom()
  }

  /** Offers a file to the room and uploads it; resolves once the host holds all of it. */
  sendFile(input: FileInput, options: SendFileOptions = {}): Promise<SentFile> {
    return this.closeReason === undefined ? this.files.send(input, options) : this.notInTheRoom()
  }

  private notInTheRoom(): Promise<never> {
    return Promise.reject(new RoomClosedError(`not in the room: ${this.closeReason}`))
  }

  /**
   * What this member holds of its own session, read-only: for diagnostics, and for tests that play a
   * hostile member (sending frames a real client never would, presenting its credential from another
   * node). All of it is this member's own (its stream to the host, its resume credential, its sender
   * key), so it gives away nothing the member does not already hold.
   */
  get debug(): {
    readonly channel: FrameChannel
    readonly node: Libp2p
    readonly resumeToken: string
    readonly ownSenderKey: SenderKey | undefined
    readonly fileCarrier: StreamCarrier
    offerFile(offer: FileOffer): Promise<{ seq: number; recipients: string[] }>
  } {
    return {
      channel: this.channel,
      node: this.node,
      resumeToken: this.resumeToken,
      ownSenderKey: this.participant.ownSenderKey,
      fileCarrier: this.fileCarrier,
      offerFile: (offer) => this.participant.sendOffer(offer)
    }
  }

  events(options: { signal?: AbortSignal } = {}): AsyncGenerator<RoomEvent> {
    return this.feed.events(options)
  }

  on: EventFeed['on'] = (type, handler) => this.feed.on(type, handler)

  /** Leaves: the host is told (and tells the room), then the connection closes. */
  async close(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.closeReason === undefined) {
      this.stop.abort(new RoomClosedError('left'))
      if (this.connected) {
        this.channel.send(frame('goodbye', { reason: Reason.LEFT, message: 'left' }))
        await this.channel.close(options.signal ?? AbortSignal.timeout(CLOSE_FLUSH_MS))
      }
      this.finish('left')
    }
    await this.session.catch((err: unknown) => this.log.error('session ended with %e', err))
    if (this.settings.ownsNode) await this.node.stop()
  }

  /** Drops the connection without leaving, as a Wi-Fi flap would (for tests and diagnostics). */
  dropConnection(): void {
    this.channel.abort(new Error('connection dropped'))
  }

  private submit(post: Post, signal?: AbortSignal): Promise<number> {
    // While reconnecting the post waits; it is sent on resume.
    return this.pending.add(post, (p) => this.connected && this.channel.send(frame('post', p)), signal)
  }

  /** One connection's frames, then, when it drops, reconnection; until the session ends. */
  private async run(): Promise<void> {
    for (;;) {
      const channel = this.channel
      const reason = await this.readUntilClosed(channel)
      // Moved to a direct connection meanwhile: read the new channel.
      if (this.channel !== channel) continue
      if (reason === 'connection-lost' && (await this.move) === true) continue
      const dropped = this.connectionKind
      this.connected = false
      if (this.closeReason !== undefined) return
      const mayResume = reason === 'connection-lost' || reason === reasonCode(Reason.HOST_RESTARTING)
      if (!mayResume || !this.settings.reconnect || this.resumeToken === '') {
        await this.participant.idle()
        this.finish(reason)
        return
      }
      // DCUtR closes the relayed connection once the direct one is up: that is a move, not a drop.
      const direct = dropped === 'relayed' ? directConnectionTo(this.node, this.hostPeerId) : undefined
      if (direct !== undefined && (await this.moveTo(direct))) continue
      const outcome = await this.reconnect(dropped)
      if (outcome !== undefined) {
        this.finish(outcome)
        return
      }
    }
  }

  private async readUntilClosed(channel: FrameChannel): Promise<string> {
    try {
      for (;;) {
        const goodbye = this.handle(await channel.read())
        if (goodbye !== undefined) return goodbye
      }
    } catch (err) {
      const news = readFailureEvent(err)
      if (news !== undefined) this.feed.emit(news)
      this.log('connection to the host lost: %s', (err as Error).message)
      return 'connection-lost'
    }
  }

  /** Tries to resume with backoff until it works, the host refuses, or the credential must have expired. */
  private reconnect(dropped: ConnectionKind): Promise<string | undefined> {
    return retryResume({
      backoff: this.settings.backoff,
      deadline: this.now() + RESUME_TTL_MS,
      now: this.now,
      signal: this.stop.signal,
      onAttempt: (attempt, delayMs) => this.feed.emit(reconnectingEvent(attempt, delayMs, dropped)),
      resume: () => this.resumeOnce(dropped),
      log: this.log
    })
  }

  private async resumeOnce(dropped: ConnectionKind): Promise<void> {
    const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(RESUME_ATTEMPT_TIMEOUT_MS)])
    const link = await dialHost(this.node, this.settings.addresses, this.hostPeerId, {
      signal,
      discoveryMs: this.settings.discoveryMs
    })
    const cause = dropped === 'relayed' ? (link.kind === 'direct' ? 'upgraded' : 'relay-limit') : 'resumed'
    await this.resumeOver(link, signal, { cause, moved: false })
  }

  /**
   * Moves the session to `connection` with a Resume on a new stream there; the host swaps this
   * member's stream and replays, from its backlog, everything after the last sequence number this
   * member had, so nothing is lost, and what arrives twice is dropped by its sequence number. Resolves
   * false when the move did not take (the session stays where it was).
   */
  private moveTo(connection: Connection): Promise<boolean> {
    if (this.move !== undefined) return this.move
    const attempt = (async (): Promise<boolean> => {
      const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(RESUME_ATTEMPT_TIMEOUT_MS)])
      try {
        await this.resumeOver(await openRoomStream(connection, signal), signal, {
          cause: 'upgraded',
          moved: true
        })
        return true
      } catch (err) {
        this.log('could not move to the direct connection: %s', (err as Error).message)
        return false
      } finally {
        this.move = undefined
      }
    })()
    this.move = attempt
    return attempt
  }

  private async resumeOver(
    link: HostLink,
    signal: AbortSignal,
    how: { cause: 'upgraded' | 'relay-limit' | 'resumed'; moved: boolean }
  ): Promise<void> {
    const channel = memberChannel(link)
    const before = this.connectionKind
    const granted = await requestResume(channel, {
      keys: this.settings.keys,
      roomId: this.roomId,
      peerId: this.peerId,
      token: this.resumeToken,
      lastSeq: this.participant.lastSequence,
      now: this.now,
      signal
    })
    const { welcome, missed, gapUnknown, replayed } = granted
    const hostRestarted = !constantTimeEqual(welcome.hostEpoch, this.hostEpoch)
    this.hostEpoch = welcome.hostEpoch
    this.resumeToken = welcome.resumeToken
    const previous = this.channel
    this.channel = channel
    this.connection = link.connection
    this.connected = true
    // The host replays on the new stream whatever the old one still held: stop reading the old one.
    if (previous !== channel) previous.abort(new StreamEndedError('moved to a new connection'))
    // Roster first, then the held messages the host sends next, then our own queued posts.
    void this.participant.resync(welcome.members, { nextSeq: welcome.nextSeq, hostRestarted, replayed })
    if (hostRestarted) this.files.hostRestarted()
    for (const post of this.pending.inOrder()) channel.send(frame('post', post))
    if (link.kind === 'direct') closeRelayedConnectionsTo(this.node, this.hostPeerId)
    if (!how.moved) this.feed.emit({ type: 'back', missed, gapUnknown: gapUnknown || hostRestarted })
    if (how.cause !== 'resumed' || link.kind !== before) this.feed.emit(connectionEvent(link, how.cause))
  }

  /** Handles one frame from the host; returns the close reason when the host said goodbye. */
  private handle(received: AnyFrame): string | undefined {
    return handleHostFrame(received, {
      participant: this.participant,
      pending: this.pending.byCounter,
      feed: this.feed,
      renewCredential: (token) => {
        this.resumeToken = token
      }
    })
  }

  private finish(reason: string): void {
    if (this.closeReason !== undefined) return
    this.closeReason = reason
    this.stopWatchingDirect()
    this.stop.abort(new RoomClosedError(reason))
    this.files.close()
    this.pending.rejectAll(new RoomClosedError(`not in the room: ${reason}`))
    this.channel.abort(new RoomClosedError(reason))
    this.feed.emit({ type: 'closed', reason })
    // A session ended by the host (kick, ban, host gone) frees its node as a leave would.
    if (this.settings.ownsNode && reason !== 'left') void this.node.stop()
  }
}
