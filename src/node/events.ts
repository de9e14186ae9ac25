/** @module What a room tells its user, as listeners and as async iterators. */
import { pushable } from 'it-pushable'
import { SecureChatError } from '../protocol/errors.js'

/** Events one iterator holds unread at most; a consumer further behind is ended, not buffered for. */
export const MAX_UNREAD_EVENTS = 10_000

/** An `events()` iterator fell more than `MAX_UNREAD_EVENTS` behind and was ended. */
export class EventsOverflowError extends SecureChatError {
  static override readonly name: string = 'EventsOverflowError'
  override name = 'EventsOverflowError'
}

export interface MemberInfo {
  nick: string
  peerId: string
  fingerprint: string
}

/** What a room tells its user. The CLI's `--json` events are these, one per line. */
/** How a member's connection to the host runs: straight to it, or through a circuit relay. */
export type ConnectionKind = 'direct' | 'relayed'

export type RoomEvent =
  | { type: 'joined'; nick: string; peerId: string; members: MemberInfo[]; connection: ConnectionKind }
  /**
   * Member only: its connection to the host changed kind. `upgraded`: DCUtR found a direct path and
   * the session moved to it; `relay-limit`: the relayed connection ended (the relay's time or byte
   * limit, or the relay went away) and the member resumed; `resumed`: back after any other drop.
   */
  | {
      type: 'connection'
      connection: ConnectionKind
      cause: 'upgraded' | 'relay-limit' | 'resumed'
      /** The host's address as this member's connection has it (a `/p2p-circuit` one when relayed). */
      address: string
    }
  | { type: 'member-joined'; nick: string; peerId: string; fingerprint: string }
  | { type: 'member-left'; nick: string; peerId: string; reason: string }
  /** A member's connection dropped; it keeps its place (and its messages are held) while it reconnects. */
  | { type: 'member-away'; nick: string; peerId: string }
  | { type: 'member-back'; nick: string; peerId: string }
  /**
   * This member lost its connection and is trying again (attempt n, next try after delayMs).
   * `cause: 'relay-limit'` on the first attempt after a relayed connection ended: relays limit each
   * connection's time and bytes (libp2p's default: 2 minutes, 128 KiB), or the relay went away.
   */
  | { type: 'reconnecting'; attempt: number; delayMs: number; cause?: 'relay-limit' }
  /** Back in the room; `missed` messages fell out of the host's backlog, or the gap is unknown. */
  | { type: 'back'; missed: number; gapUnknown: boolean }
  | { type: 'message'; from: string; peerId: string; text: string; seq: number; ts: number }
  | { type: 'sent'; seq: number; counter: number }
  | { type: 'error'; code: string; message: string }
  | { type: 'closed'; reason: string }
  /** Host only: a joiner was turned away at a gate. */
  | { type: 'refused'; peerId: string; address: string; reason: string }
  /** Host only: a reservation on a relay was made (with the relayed addresses it gives) or lost. */
  | { type: 'relay'; relay: string; state: 'reserved' | 'lost'; addresses: string[]; reason?: string }
  /** Host only: the router forwarded the room's port (UPnP), or refused to. */
  | {
      type: 'upnp'
      state: 'mapped' | 'refused'
      internal: string
      external?: string
      reason?: string
    }
  /** Host only: the addresses an invitation offers changed (a reservation, a router mapping, AutoNAT). */
  | { type: 'addresses'; addresses: string[] }
  /** A file offered to this member: `/accept <id>` or `/reject <id>` (`sha256` in hex). */
  | {
      type: 'file-offer'
      id: number
      from: string
      peerId: string
      name: string
      size: number
      mediaType: string
      sha256: string
    }
  /** This member's own offer went out as transfer `id`, to these members (nicknames). */
  | { type: 'file-offered'; id: number; name: string; size: number; sha256: string; recipients: string[] }
  /** How far a transfer is: bytes sent (an upload) or received and verified (a download) of `size`. */
  | {
      type: 'progress'
      id: number
      direction: 'upload' | 'download'
      bytes: number
      size: number
      bytesPerSecond: number
      /** Time left at the current rate, in ms; absent until there is a rate. */
      etaMs?: number
    }
  /** A file came whole and verified, and is saved at `path` (0600). */
  | { type: 'file-received'; id: number; from: string; path: string; sha256: string; size: number }
  /** The host holds the whole file for its recipients (nicknames) to fetch. */
  | { type: 'file-sent'; id: number; recipients: string[] }
  /** A transfer ended without the file (refused, cancelled, tampered, the disk full…); nothing was saved. */
  | { type: 'file-failed'; id: number; code: string; message: string }
  /** Host only: a message went through the relay (what it saw: sizes and routing, never plaintext). */
  | { type: 'relayed'; seq: number; sender: string; recipients: string[]; ciphertextBytes: number }

export type RoomEventType = RoomEvent['type']
export type RoomEventOf<T extends RoomEventType> = Extract<RoomEvent, { type: T }>

/**
 * Delivers events to listeners and to async iterators. Each iterator has its own buffer, so a slow
 * consumer sees every event without blocking the room. A room's feed carries `RoomEvent`s; the relay
 * server's, `RelayEvent`s (relay-events.ts): any union of `{ type }` objects whose end is `closed`.
 */
export class EventFeed<E extends { type: string } = RoomEvent> {
  private readonly listeners = new Set<(event: E) => void>()

  emit(event: E): void {
    for (const listener of this.listeners) listener(event)
  }

  /** Calls `handler` for every event of `type` (or every event for '*'); returns the unsubscribe. */
  on<T extends E['type']>(type: T | '*', handler: (event: Extract<E, { type: T }>) => void): () => void {
    const listener = (event: E): void => {
      if (type === '*' || event.type === type) handler(event as Extract<E, { type: T }>)
    }
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Waits for the first event of `type` that satisfies `predicate`. */
  once<T extends E['type']>(
    type: T,
    options: { signal?: AbortSignal; predicate?: (event: Extract<E, { type: T }>) => boolean } = {}
  ): Promise<Extract<E, { type: T }>> {
    return new Promise((resolve, reject) => {
      const { signal, predicate } = options
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      const onAbort = (): void => {
        off()
        reject(signal?.reason)
      }
      const off = this.on(type, (event) => {
        if (predicate !== undefined && !predicate(event)) return
        off()
        signal?.removeEventListener('abort', onAbort)
        resolve(event)
      })
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /**
   * An async iterable of every event from now on; ends on a `closed` event or when `signal` aborts,
   * and throws `EventsOverflowError` when its consumer falls `maxUnread` events behind (an iterator
   * nobody drains must not grow without bound). `maxUnread` @default MAX_UNREAD_EVENTS
   */
  async *events(options: { signal?: AbortSignal; maxUnread?: number } = {}): AsyncGenerator<E> {
    const queue = pushable<E>({ objectMode: true })
    const maxUnread = options.maxUnread ?? MAX_UNREAD_EVENTS
    const off = this.on<E['type']>('*', (event) => {
      if (queue.readableLength >= maxUnread) {
        off()
        queue.end(new EventsOverflowError(`more than ${maxUnread} events were left unread`))
        return
      }
      queue.push(event)
      if (event.type === 'closed') queue.end()
    })
    const onAbort = (): void => {
      queue.end()
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      yield* queue
    } finally {
      off()
      options.signal?.removeEventListener('abort', onAbort)
    }
  }
}
