/**
 * @module The words the page shows for events, in the terminal's wording, as plain strings: pure
 * functions (no DOM), so they are unit-tested under Node and every caller puts them in text nodes.
 */
import { parseInput } from '../cli/commands.js'
import { displayText } from '../cli/sanitize.js'
import { describeReason } from '../protocol/reasons.js'
import { Reason } from '../protocol/wire/securechat.js'
import type { MessageOf, ProcessMessage } from './protocol.js'

/** The words for a reason code such as `banned` or `wrong-answer`; an unknown code is shown as it is. */
export function describeCode(code: string): string {
  if (code === 'restarting') return 'the host stopped and keeps the room; it may come back'
  const reason = (Reason as unknown as Record<string, unknown>)[code.toUpperCase().replaceAll('-', '_')]
  return typeof reason === 'string' ? describeReason(reason as Reason) : code
}

/**
 * Text from the network made safe to read: control characters visible, bidirectional overrides
 * dropped (a message could otherwise read differently from what it is), line breaks kept, since
 * the page shows a multi-line message on several lines.
 */
export function safeText(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map(displayText)
    .join('\n')
}

/** A notice line: an optional nickname (shown in its colour), then words; `alert` ones stand out. */
export interface Notice {
  icon: string
  nick?: string
  text: string
  alert: boolean
}

type NoticeEvent = MessageOf<
  | 'member-joined'
  | 'member-left'
  | 'member-away'
  | 'member-back'
  | 'reconnecting'
  | 'back'
  | 'refused'
  | 'connection'
  | 'upnp'
  | 'relay'
  | 'warning'
  | 'closed'
>

const NOTICE_TYPES: ReadonlySet<string> = new Set<NoticeEvent['type']>([
  'member-joined',
  'member-left',
  'member-away',
  'member-back',
  'reconnecting',
  'back',
  'refused',
  'connection',
  'upnp',
  'relay',
  'warning',
  'closed'
])

export function isNoticeEvent(event: ProcessMessage): event is NoticeEvent {
  return NOTICE_TYPES.has(event.type)
}

/** The port of `host:port`. */
function portOf(hostPort: string): string {
  return hostPort.slice(hostPort.lastIndexOf(':') + 1)
}

/** The notice an event makes, worded as the chat screen words it. */
export function noticeOf(event: NoticeEvent): Notice {
  const info = (icon: string, text: string, nick?: string): Notice => ({ icon, text, alert: false, nick })
  const alert = (text: string): Notice => ({ icon: '!', text, alert: true })
  switch (event.type) {
    case 'member-joined':
      return info('→', `joined (key ${event.fingerprint})`, event.nick)
    case 'member-left':
      return info('←', `left (${describeCode(event.reason)})`, event.nick)
    case 'member-away':
      return info('…', 'lost the connection; their place is kept', event.nick)
    case 'member-back':
      return info('↺', 'is back', event.nick)
    case 'reconnecting':
      return alert(
        (event.cause === 'relay-limit'
          ? "The relayed connection to the host ended (relays limit each connection's time and data). "
          : '') +
          `Connection to the host lost; reconnecting (attempt ${event.attempt}, in ${Math.max(1, Math.round(event.delayMs / 1000))} s)`
      )
    case 'back':
      return info('↺', backText(event))
    case 'refused':
      return info('*', `a join from ${event.address} was refused: ${describeCode(event.reason)}`)
    case 'connection':
      return info(
        '*',
        event.connection === 'direct'
          ? event.cause === 'upgraded'
            ? 'now connected straight to the host; the relay is no longer used'
            : 'connected straight to the host'
          : 'connected to the host through the relay again'
      )
    case 'upnp':
      return event.state === 'mapped'
        ? info(
            '*',
            `router opened port ${portOf(event.internal)} → ${event.external ?? '?'}; invitations offer it once another peer confirms it`
          )
        : alert(
            `the router would not forward port ${portOf(event.internal)} (${event.reason ?? 'refused'}); joiners from outside need a relay`
          )
    case 'relay':
      return event.state === 'reserved'
        ? info('*', 'a relay holds a place for the room: joiners behind other NATs can reach you through it')
        : alert(
            `lost the place on a relay${event.reason === undefined ? '' : ` (${event.reason})`}; asking again`
          )
    case 'warning':
      return alert(event.message)
    case 'closed':
      return closedNotice(event.reason)
  }
}

/** What `back` says: how many messages were missed, or that nobody can tell. */
export function backText(event: MessageOf<'back'>): string {
  if (event.gapUnknown)
    return 'back in the room; the host restarted, so messages sent meanwhile may be missing'
  return event.missed > 0
    ? `back in the room; ${event.missed} message(s) were missed`
    : 'back in the room; nothing was missed'
}

/** The end of the session in words: a normal leave is not an alarm, a kick or a lost connection is. */
export function closedNotice(reason: string): Notice {
  switch (reason) {
    case 'left':
      return { icon: '*', text: 'You left the room. This page can be closed.', alert: false }
    case 'restarting':
      return {
        icon: '*',
        text: 'The host stopped; the room is kept and its members wait for it to come back.',
        alert: false
      }
    case 'host-closing':
      return { icon: '*', text: 'The room was closed by the host.', alert: false }
    default:
      return { icon: '!', text: `You are no longer in the room: ${describeCode(reason)}.`, alert: true }
  }
}

/** Whole seconds from `now` until `expiresAt`, never below 0. */
export function secondsLeft(expiresAt: number, now: number): number {
  return Math.max(0, Math.ceil((expiresAt - now) / 1000))
}

/** "9 min 58 s", "45 s": how long until a locked-out joiner may try again. */
export function waitText(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  return minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`
}

/** The tab title: "(3) securechat" while messages wait unread. */
export function unreadTitle(base: string, unread: number): string {
  return unread > 0 ? `(${unread}) ${base}` : base
}

/** The CSS colour of an xterm-256 index (the terminal's nickname palette: see src/cli/colours.ts). */
export function xtermHex(index: number): string {
  const hex = (n: number): string => n.toString(16).padStart(2, '0')
  if (index >= 16 && index <= 231) {
    const levels = [0, 0x5f, 0x87, 0xaf, 0xd7, 0xff]
    const i = index - 16
    const [r, g, b] = [Math.floor(i / 36), Math.floor(i / 6) % 6, i % 6].map((c) => levels[c] as number)
    return `#${hex(r as number)}${hex(g as number)}${hex(b as number)}`
  }
  if (index >= 232 && index <= 255) {
    const grey = 8 + (index - 232) * 10
    return `#${hex(grey)}${hex(grey)}${hex(grey)}`
  }
  return '#808080'
}

/**
 * The `/invite` line for the host's form: a duration such as `24h` and, optionally, how many uses.
 * Returns the line, or `{ problem }` saying what to fix (the process checks again and says so too).
 */
export function inviteCommand(ttl: string, uses: string): string | { problem: string } {
  const t = ttl.trim()
  const u = uses.trim()
  if (!/^\d{1,7}[smhd]$/i.test(t))
    return { problem: 'a duration is a whole number and s, m, h or d: 30m, 24h, 7d' }
  if (u === '') return `/invite ${t}`
  if (!/^[1-9]\d{0,5}$/.test(u)) return { problem: 'uses is a whole number from 1, or empty for any number' }
  return `/invite ${t} ${u}`
}

/**
 * What a line typed in the page is, by the terminal's own rules (commands.ts): a message shows at
 * once as the user's own, with `//` sending a leading `/`; a command shows as typed.
 */
export function lineKind(
  line: string,
  role: 'host' | 'member'
): { kind: 'empty' } | { kind: 'message'; text: string } | { kind: 'command' } {
  const parsed = parseInput(line, role)
  if (parsed.kind === 'empty') return parsed
  if (parsed.kind === 'message') return { kind: 'message', text: parsed.text }
  return { kind: 'command' }
}

/**
 * Errors that answer a line which was not sent as a message: the codes the terminal's parser gives
 * a mistyped command. Any other `error` without a `command` is a message that failed to go out.
 */
export const LINE_ERROR_CODES: ReadonlySet<string> = new Set(['unknown-command', 'usage', 'host-only'])
