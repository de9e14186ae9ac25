/**
 * @module The messages between the page and its securechat process, one JSON object per WebSocket
 * text message. The process sends `ui-hello`, then every event so far, then live ones: the room's
 * events exactly as `--json` mode prints them (README, "Machine mode"), plus the joining prompts.
 * The page sends what a person would type (`line`), prompt replies, and the start page's choice.
 * The process's side of it is src/cli/ui/page-messages.ts.
 */
import type { PageMessage, PromptEvent, PromptStep, UiMode } from '../cli/ui/page-messages.js'
import { UI_PROTOCOL_VERSION } from '../cli/ui/page-messages.js'
import type { MemberInfo, RoomEvent } from '../node/events.js'

export type { PageMessage, PromptStep }
/** The protocol version this page speaks (`ui-hello`'s `version`). */
export { UI_PROTOCOL_VERSION }

/** Which page the process serves: a host's room, a joiner's, or the start page of `securechat ui`. */
export type Mode = UiMode

/** A member as `/who` lists it. */
export interface Person extends MemberInfo {
  self: boolean
  host: boolean
}

export interface CommandHelp {
  usage: string
  summary: string
  hostOnly: boolean
}

/** What the CLI adds to the room's events, or prints in its own shape (`joined` with more fields). */
export type CliEvent =
  | { type: 'ui-hello'; mode: Mode; version: number }
  | PromptEvent
  | { type: 'prompt-done'; step: PromptStep }
  /** A message this process sent, from any of its faces (`--json` has only its `sent`). */
  | { type: 'own-message'; from: string; peerId: string; text: string; seq: number; ts: number }
  | {
      type: 'ready'
      role: 'host' | 'member'
      peerId: string
      nick: string | null
      fingerprint?: string | null
      relayOnly?: boolean
      room?: string | null
      listening?: string[]
    }
  | {
      type: 'joined'
      nick: string
      peerId: string
      fingerprint: string
      room: string
      members: MemberInfo[]
      connection: 'direct' | 'relayed'
    }
  | {
      type: 'invitation'
      id: string
      invitation: string
      addresses: string[]
      expiresAt: number
      maxUses: number | null
    }
  | { type: 'code'; code: string; expiresAt: number; secondsLeft: number }
  | { type: 'who'; members: Person[] }
  | { type: 'help'; commands: CommandHelp[] }
  | {
      type: 'ok'
      command: string
      message: string
      id?: string | number
      nick?: string
      path?: string
      name?: string
      size?: number
    }
  | {
      type: 'error'
      code: string
      message: string
      command?: string
      attemptsLeft?: number
      retryAfterMs?: number
    }
  | { type: 'warning'; message: string }

/** Everything the process may send. */
export type ProcessMessage = Exclude<RoomEvent, { type: 'joined' | 'error' }> | CliEvent

export type MessageOf<T extends ProcessMessage['type']> = Extract<ProcessMessage, { type: T }>

/**
 * A message from the process, or undefined for anything that is not a JSON object with a string
 * `type`. Fields are not checked one by one: the process is this page's own, and whatever it sends
 * is shown as text, so a wrong field can garble a line but never run as code.
 */
export function parseProcessMessage(text: string): ProcessMessage | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const type = (value as { type?: unknown }).type
  return typeof type === 'string' ? (value as ProcessMessage) : undefined
}
