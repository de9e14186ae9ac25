/**
 * @module How file transfers look on the chat screen: one line for each offer and outcome, and the
 * status line of the transfers under way (`⇣ 3 report.pdf [██████░░░░] 61% 12.3 MB/s 0:07 left`).
 */
import type { RoomEvent } from '../node/index.js'
import { displayText } from './sanitize.js'
import { humanRate, humanSize } from './sizes.js'

const FILE_EVENTS = [
  'file-offer',
  'file-offered',
  'progress',
  'file-received',
  'file-sent',
  'file-failed'
] as const

export type FileEvent = Extract<RoomEvent, { type: (typeof FILE_EVENTS)[number] }>
type Progress = Extract<RoomEvent, { type: 'progress' }>

export function isFileEvent(event: RoomEvent): event is FileEvent {
  return (FILE_EVENTS as readonly string[]).includes(event.type)
}

/** Transfers remembered for their names; the oldest are forgotten first (a room may offer many). */
const KEPT = 256
/** A name in a chat line is cut here: the line must stay readable, and the name is the sender's choice. */
const NAME_IN_LINE = 100
const BAR_CELLS = 10
/** Never the terminal's last column: a full row wraps on some terminals and the line would take two. */
const MARGIN = 1

/** "0:07", "12:30", "1:02:03": minutes and seconds, hours from an hour. */
export function formatEta(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** A bar of `cells` cells: full blocks for what is done, light shade for the rest. */
export function progressBar(fraction: number, cells: number): string {
  const done = Math.round(Math.min(1, Math.max(0, fraction)) * cells)
  return `${'█'.repeat(done)}${'░'.repeat(cells - done)}`
}

/**
 * The cells `text` may take, counted high: anything from U+1100 (where the wide scripts begin) as
 * two, so a name never pushes the status line onto a second row.
 */
function cells(text: string): number {
  let n = 0
  for (const char of text) n += (char.codePointAt(0) ?? 0) >= 0x1100 ? 2 : 1
  return n
}

/** `text` cut to at most `room` cells, "…" marking the cut. */
export function fitText(text: string, room: number): string {
  if (cells(text) <= room) return text
  if (room <= 0) return ''
  let out = ''
  let used = 0
  for (const char of text) {
    const w = cells(char)
    if (used + w > room - 1) break
    out += char
    used += w
  }
  return `${out}…`
}

export interface ShownProgress {
  id: number
  name: string
  direction: 'upload' | 'download'
  bytes: number
  size: number
  bytesPerSecond: number
  etaMs?: number
}

/**
 * One transfer's status, fitted into `columns`: the name is cut first, then the rate and the time
 * left go. `others` counts the other transfers under way ("+2 more").
 */
export function progressLine(p: ShownProgress, columns: number, others = 0): string {
  const limit = Math.max(10, columns - MARGIN)
  const fraction = p.size === 0 ? 1 : p.bytes / p.size
  const head = `${p.direction === 'upload' ? '⇡' : '⇣'} ${p.id}`
  const bar = `[${progressBar(fraction, BAR_CELLS)}] ${Math.floor(fraction * 100)}%`
  const more = others > 0 ? ` (+${others} more)` : ''
  const rate = p.bytesPerSecond > 0 ? ` ${humanRate(p.bytesPerSecond)}` : ''
  const eta = p.etaMs === undefined ? '' : ` ${formatEta(p.etaMs)} left`
  const name = displayText(p.name)
  for (const tail of [`${rate}${eta}${more}`, `${rate}${more}`, more]) {
    const fixed = `${head}  ${bar}${tail}`.length
    const room = limit - fixed
    // A name needs a few cells to be recognisable; below that, the details make way.
    if (room >= Math.min(8, cells(name))) return `${head} ${fitText(name, room)} ${bar}${tail}`
  }
  return fitText(`${head} ${bar}`, limit)
}

interface Known {
  name: string
  progress: Progress | undefined
  /** When it last moved: the status line shows the most recent transfer. */
  moved: number
}

export interface FileViewOptions {
  /** How a nickname is shown (coloured by the chat screen); it must make it safe for the terminal. */
  nick?: (nick: string) => string
  /** Offers up to this size are accepted without asking (--accept-files); -1 none. */
  acceptUpTo?: number
}

/** A chat line about a transfer; `alert` lines are failures. */
export interface FileLine {
  text: string
  alert: boolean
}

/**
 * Keeps what the chat screen needs to show transfers by name (the events after an offer carry only
 * its id) and the latest progress of each transfer under way.
 */
export class FileView {
  private readonly known = new Map<number, Known>()
  private readonly nick: (nick: string) => string
  private readonly acceptUpTo: number
  private clock = 0

  constructor(options: FileViewOptions = {}) {
    this.nick = options.nick ?? displayText
    this.acceptUpTo = options.acceptUpTo ?? -1
  }

  /** The chat line an event makes (none for `progress`), with the transfers updated. */
  line(event: FileEvent): FileLine | undefined {
    switch (event.type) {
      case 'file-offer': {
        this.remember(event.id, event.name)
        const what = `${this.nick(event.from)} offers ${this.shownName(event.id)} (${humanSize(event.size)})`
        return plain(
          event.size <= this.acceptUpTo
            ? `${what} — accepting it (under --accept-files)`
            : `${what} — /accept ${event.id} or /reject ${event.id}`
        )
      }
      case 'file-offered': {
        this.remember(event.id, event.name)
        const what = `you offered ${this.shownName(event.id)} (${humanSize(event.size)})`
        return plain(
          event.recipients.length === 0
            ? `${what}; nobody else is here`
            : `${what} to ${this.nicks(event.recipients)}`
        )
      }
      case 'progress': {
        const known = this.known.get(event.id)
        if (known !== undefined) {
          known.progress = event
          known.moved = ++this.clock
        }
        return undefined
      }
      case 'file-received': {
        const from = this.nick(event.from)
        const line = `saved ${this.shownName(event.id)} from ${from}: ${displayText(event.path)}`
        this.known.delete(event.id)
        return plain(line)
      }
      case 'file-sent': {
        const line = `${this.shownName(event.id)} sent to ${this.nicks(event.recipients)}`
        this.ended(event.id)
        return plain(line)
      }
      case 'file-failed':
        this.known.delete(event.id)
        return { text: `transfer ${event.id} failed: ${displayText(event.message)}`, alert: true }
    }
  }

  /** The status line of the transfers under way, or undefined when none is. */
  status(columns: number): string | undefined {
    const moving = [...this.known.entries()].filter(([, k]) => k.progress !== undefined)
    if (moving.length === 0) return undefined
    const [id, latest] = moving.reduce((a, b) => (b[1].moved > a[1].moved ? b : a))
    const p = latest.progress as Progress
    return progressLine({ ...p, id, name: latest.name }, columns, moving.length - 1)
  }

  private remember(id: number, name: string): void {
    this.known.set(id, { name, progress: undefined, moved: 0 })
    for (const old of this.known.keys()) {
      if (this.known.size <= KEPT) break
      this.known.delete(old)
    }
  }

  /** The upload is done (the host holds it): its name stays for a late line, its progress goes. */
  private ended(id: number): void {
    const known = this.known.get(id)
    if (known !== undefined) known.progress = undefined
  }

  private shownName(id: number): string {
    const name = this.known.get(id)?.name
    return name === undefined ? `transfer ${id}` : fitText(displayText(name), NAME_IN_LINE)
  }

  private nicks(nicks: string[]): string {
    return nicks.length === 0 ? 'nobody' : nicks.map((n) => this.nick(n)).join(', ')
  }
}

function plain(text: string): FileLine {
  return { text, alert: false }
}
