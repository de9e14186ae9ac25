/**
 * @module What the page and the process say to each other over the page's one WebSocket (JSON text
 * messages, version 1), and the strict reading of what the page sends.
 *
 * Process → page: `ui-hello` first (again whenever the start page becomes a host or a member), then
 * the replayed events, then each event as it comes. The events are exactly those `--json` mode prints
 * (one schema for scripts and the page), plus the page's own:
 * - `{"type":"prompt","step","question"?,"attemptsLeft"?,"message"?,"retryAfter"?}`: the joining
 *   process needs what the terminal would ask for; `message` is the CLI's sentence about the last try
 *   (a wrong answer, a taken nickname), `retryAfter` the milliseconds of a lockout left.
 * - `{"type":"prompt-done","step"}`: the reply to that step was taken.
 * - `{"type":"own-message","from","peerId","text","seq","ts"}`: a message this process sent (from
 *   any face): `--json` has only its `sent`, which a script pairs with the line it wrote, but a page
 *   must show lines it did not type itself too.
 *
 * Page → process: `line` (one stdin line of `--json` mode; a `\n` inside is part of one message),
 * `reply` (to a prompt), and on the start page `start-host` and `start-join`. Anything else is
 * answered with an `error` event, code `ui-bad-message`, to that page alone, and nothing happens.
 * No error ever quotes what the page sent: a reply may be the answer to the security question.
 */

/** The version in `ui-hello`; a page built for another refuses to go on. */
export const UI_PROTOCOL_VERSION = 1

/** What the page shows: a host's room, a member's, or the start page of `securechat ui`. */
export type UiMode = 'host' | 'member' | 'start'

/** The inputs a joiner may be asked for, in the order a join asks them. */
export const PROMPT_STEPS = ['invitation', 'answer', 'code', 'nickname'] as const
export type PromptStep = (typeof PROMPT_STEPS)[number]

/** Any event for the page: a `--json` event or one of the page's own. */
export type PageEvent = { type: string } & Record<string, unknown>

export interface PromptEvent {
  type: 'prompt'
  step: PromptStep
  question?: string
  attemptsLeft?: number
  message?: string
  retryAfter?: number
}

export type PageMessage =
  | { type: 'line'; text: string }
  | { type: 'reply'; step: PromptStep; value: string }
  | { type: 'start-host'; roomName?: string; question: string; answer: string; nickname: string }
  | { type: 'start-join'; invitation: string }

export type PageMessageType = PageMessage['type']

/** Far above any honest value (an invitation is at most 8192 characters), far below harm. */
const MAX_FIELD_CHARS = 16 * 1024

/** Why a message cannot be taken, in words that quote none of it. */
export class BadPageMessage extends Error {
  override name = 'BadPageMessage'
}

function field(body: Record<string, unknown>, name: string, optional = false): string | undefined {
  const value = body[name]
  if (value === undefined && optional) return undefined
  if (typeof value !== 'string') throw new BadPageMessage(`"${name}" must be a string`)
  if (value.length > MAX_FIELD_CHARS) throw new BadPageMessage(`"${name}" is too long`)
  return value
}

/** Reads one text message of the page; throws `BadPageMessage` for anything but the four kinds. */
export function parsePageMessage(text: string): PageMessage {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new BadPageMessage('a message is one JSON object')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadPageMessage('a message is one JSON object')
  }
  const record = body as Record<string, unknown>
  switch (record['type']) {
    case 'line': {
      // The line itself is bounded by the WebSocket's maxPayload; a room message by the room.
      const line = record['text']
      if (typeof line !== 'string') throw new BadPageMessage('"text" must be a string')
      // Enter in a textarea may give CRLF on some systems: one message keeps LF only.
      return { type: 'line', text: line.replace(/\r\n/g, '\n') }
    }
    case 'reply': {
      const step = record['step']
      if (typeof step !== 'string' || !(PROMPT_STEPS as readonly string[]).includes(step)) {
        throw new BadPageMessage(`"step" must be one of ${PROMPT_STEPS.join(', ')}`)
      }
      return { type: 'reply', step: step as PromptStep, value: field(record, 'value') as string }
    }
    case 'start-host': {
      const roomName = field(record, 'roomName', true)
      return {
        type: 'start-host',
        ...(roomName === undefined ? {} : { roomName }),
        question: field(record, 'question') as string,
        answer: field(record, 'answer') as string,
        nickname: field(record, 'nickname') as string
      }
    }
    case 'start-join':
      return { type: 'start-join', invitation: field(record, 'invitation') as string }
    default:
      throw new BadPageMessage('"type" must be line, reply, start-host or start-join')
  }
}

/** The `error` event that answers a message the process cannot take. */
export function badMessageEvent(message: string): PageEvent {
  return { type: 'error', code: 'ui-bad-message', message }
}
