/**
 * Slash commands, shared by the chat screen and --json mode: a line starting with "/" is a command,
 * any other line a message ("//" sends a message that starts with "/").
 */
import { parseDuration } from './duration.js'

export type Role = 'host' | 'member'

export type Command =
  | { name: 'help' }
  | { name: 'who' }
  | { name: 'quit' }
  | { name: 'code' }
  | { name: 'invite'; ttlMs?: number; maxUses?: number }
  | { name: 'revoke'; id: string }
  | { name: 'kick'; nick: string }
  | { name: 'ban'; nick: string }
  | { name: 'lock' }
  | { name: 'unlock' }
  | { name: 'send'; path: string }
  | { name: 'accept' | 'reject' | 'cancel'; id: number }

export type CommandName = Command['name']

export type ParsedInput =
  | { kind: 'empty' }
  | { kind: 'message'; text: string }
  | { kind: 'command'; command: Command }
  | { kind: 'invalid'; code: 'unknown-command' | 'usage' | 'host-only'; message: string }

export interface CommandHelp {
  name: CommandName
  usage: string
  summary: string
  hostOnly: boolean
}

export const COMMANDS: readonly CommandHelp[] = [
  { name: 'help', usage: '/help', summary: 'list the commands', hostOnly: false },
  { name: 'who', usage: '/who', summary: 'who is in the room, with key fingerprints', hostOnly: false },
  {
    name: 'quit',
    usage: '/quit',
    summary: 'leave (the host: close the room, for good if kept with --room)',
    hostOnly: false
  },
  { name: 'code', usage: '/code', summary: 'the current room code and how long it lasts', hostOnly: true },
  {
    name: 'invite',
    usage: '/invite [ttl] [max-uses]',
    summary: 'issue another invitation (ttl like 30m, 24h, 7d)',
    hostOnly: true
  },
  { name: 'revoke', usage: '/revoke <id>', summary: 'revoke an invitation by its id', hostOnly: true },
  { name: 'kick', usage: '/kick <nick>', summary: 'disconnect a member', hostOnly: true },
  {
    name: 'ban',
    usage: '/ban <nick>',
    summary: 'disconnect a member and refuse it from now on',
    hostOnly: true
  },
  { name: 'lock', usage: '/lock', summary: 'refuse every new joiner', hostOnly: true },
  { name: 'unlock', usage: '/unlock', summary: 'admit joiners again', hostOnly: true },
  {
    name: 'send',
    usage: '/send <path>',
    summary: 'offer a file to everyone in the room now (~ is your home; spaces are fine)',
    hostOnly: false
  },
  { name: 'accept', usage: '/accept <id>', summary: 'download a file offered to you', hostOnly: false },
  { name: 'reject', usage: '/reject <id>', summary: 'decline a file offered to you', hostOnly: false },
  {
    name: 'cancel',
    usage: '/cancel <id>',
    summary: 'stop a transfer: your upload (for everyone) or your download',
    hostOnly: false
  }
]

const ALIASES: Record<string, CommandName> = {
  '?': 'help',
  exit: 'quit',
  q: 'quit',
  members: 'who',
  // What a script that knows the library's sendFile may write; the same command as /send.
  'send-file': 'send'
}

/** The commands a role may use. */
export function commandsFor(role: Role): CommandHelp[] {
  return COMMANDS.filter((c) => role === 'host' || !c.hostOnly)
}

export function parseInput(line: string, role: Role): ParsedInput {
  const text = line.replace(/\r$/, '')
  if (text.trim() === '') return { kind: 'empty' }
  if (text.startsWith('//')) return { kind: 'message', text: text.slice(1) }
  if (!text.startsWith('/')) return { kind: 'message', text }
  const body = text.slice(1).trim()
  const [word = '', ...args] = body.split(/\s+/)
  const lower = word.toLowerCase()
  const name = ALIASES[lower] ?? COMMANDS.find((c) => c.name === lower)?.name
  if (name === undefined) {
    return { kind: 'invalid', code: 'unknown-command', message: `unknown command "/${word}" (try /help)` }
  }
  const help = COMMANDS.find((c) => c.name === name) as CommandHelp
  if (help.hostOnly && role !== 'host') {
    return { kind: 'invalid', code: 'host-only', message: `/${name} is for the host only` }
  }
  try {
    // A path is the rest of the line, spaces and all.
    const rest = body.slice(word.length).trim()
    return { kind: 'command', command: build(name, name === 'send' ? [rest] : args, help) }
  } catch (err) {
    return { kind: 'invalid', code: 'usage', message: (err as Error).message }
  }
}

function build(name: CommandName, args: string[], help: CommandHelp): Command {
  const usage = (): Error => new Error(`usage: ${help.usage}`)
  switch (name) {
    case 'invite': {
      if (args.length > 2) throw usage()
      const [ttl, uses] = args
      const command: Command = { name }
      if (ttl !== undefined) command.ttlMs = parseDuration(ttl)
      if (uses !== undefined) {
        if (!/^[1-9][0-9]{0,5}$/.test(uses))
          throw new Error(`max-uses must be a whole number from 1 (got "${uses}")`)
        command.maxUses = Number(uses)
      }
      return command
    }
    case 'revoke': {
      const [id] = args
      if (id === undefined || args.length !== 1) throw usage()
      return { name, id }
    }
    case 'send': {
      const path = unquote(args[0] ?? '')
      if (path === '') throw usage()
      return { name, path }
    }
    case 'accept':
    case 'reject':
    case 'cancel': {
      const [id] = args
      if (id === undefined || args.length !== 1) throw usage()
      if (!/^[0-9]{1,15}$/.test(id)) {
        throw new Error(`a transfer id is the number shown with the file, e.g. /${name} 3 (got "${id}")`)
      }
      return { name, id: Number(id) }
    }
    case 'kick':
    case 'ban': {
      const [nick] = args
      if (nick === undefined || args.length !== 1) throw usage()
      return { name, nick }
    }
    default:
      if (args.length > 0) throw usage()
      return { name } as Command
  }
}

/**
 * A path in one pair of matching quotes loses them: terminals quote a path dropped onto them when it
 * has spaces, and people paste it as a shell would want it.
 */
function unquote(path: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(path)
  return quoted === null ? path : (quoted[2] as string)
}
