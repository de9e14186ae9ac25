/**
 * @module What a page that connects late is sent first: the latest events, in order, and the state
 * events among the older ones, so a tab opened after a long chat still shows the invitation, the
 * code, who is here.
 */
import type { PageEvent } from './page-messages.js'

export interface ReplayLimits {
  /** The latest events kept whole. @default 2000 */
  events: number
  /** …and at most this many bytes of them (a message may be 64 KiB). @default 8 MiB */
  bytes: number
  /** State events kept from before those (one per key below). @default 1000 */
  pinned: number
}

const DEFAULT_LIMITS: ReplayLimits = { events: 2000, bytes: 8 * 1024 * 1024, pinned: 1000 }

interface Entry {
  seq: number
  text: string
}

/**
 * The key under which the latest event of its kind is kept past the window: what the page needs to
 * draw the room as it is now (each member's latest join and latest state, each invitation, the
 * current code), or undefined for an event that only says what happened.
 */
function stateKey(event: PageEvent): string | undefined {
  switch (event.type) {
    case 'ready':
    case 'joined':
    case 'code':
    case 'addresses':
    case 'upnp':
      return event.type
    case 'prompt':
    case 'prompt-done':
      return 'prompt'
    case 'invitation':
      return `invitation:${String(event['id'])}`
    case 'relay':
      return `relay:${String(event['relay'])}`
    case 'member-joined':
      return `member-joined:${String(event['peerId'])}`
    case 'member-left':
    case 'member-away':
    case 'member-back':
      return `member-state:${String(event['peerId'])}`
    default:
      return undefined
  }
}

/** Events as sent (JSON text), the latest within limits, plus the state events older than those. */
export class ReplayLog {
  private readonly limits: ReplayLimits
  private readonly window: Entry[] = []
  private windowBytes = 0
  private readonly pinned = new Map<string, Entry>()
  private seq = 0

  constructor(limits: Partial<ReplayLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits }
  }

  /** Keeps `event`; returns its JSON text, to send to the pages connected now. */
  add(event: PageEvent): string {
    const entry = { seq: ++this.seq, text: JSON.stringify(event) }
    this.window.push(entry)
    this.windowBytes += entry.text.length
    const key = stateKey(event)
    if (key !== undefined) {
      // Re-inserted, so the map's order is by recency and the oldest key goes first.
      this.pinned.delete(key)
      this.pinned.set(key, entry)
      if (this.pinned.size > this.limits.pinned) {
        this.pinned.delete(this.pinned.keys().next().value as string)
      }
    }
    while (
      this.window.length > this.limits.events ||
      (this.window.length > 1 && this.windowBytes > this.limits.bytes)
    ) {
      this.windowBytes -= (this.window.shift() as Entry).text.length
    }
    return entry.text
  }

  /** What a new page is sent, oldest first: pinned state from before the window, then the window. */
  entries(): string[] {
    const start = this.window[0]?.seq ?? Number.POSITIVE_INFINITY
    const older = [...this.pinned.values()].filter((e) => e.seq < start).sort((a, b) => a.seq - b.seq)
    return [...older, ...this.window].map((e) => e.text)
  }

  /** Forgets everything (the start page became a room: its attempts are no longer news). */
  clear(): void {
    this.window.length = 0
    this.windowBytes = 0
    this.pinned.clear()
  }
}
