/** Carries out a slash command on a session; the chat screen and --json mode each show the result. */
import { homedir } from 'node:os'
import { nicknameKey } from '../protocol/nickname.js'
import { type Command, type CommandHelp, commandsFor } from './commands.js'
import { runFileCommand } from './file-actions.js'
import type { ChatSession, IssuedInvitation, Person, RoomCode } from './session.js'

export type CommandResult =
  | { kind: 'help'; commands: CommandHelp[] }
  | { kind: 'who'; members: Person[] }
  | { kind: 'code'; code: RoomCode }
  | { kind: 'invitation'; invitation: IssuedInvitation }
  | { kind: 'ok'; command: string; message: string; detail: Record<string, string | number> }
  | { kind: 'error'; command: string; code: string; message: string }
  | { kind: 'quit' }

export async function runCommand(command: Command, session: ChatSession): Promise<CommandResult> {
  const host = session.host
  const hostOnly = (): CommandResult => ({
    kind: 'error',
    command: command.name,
    code: 'host-only',
    message: `/${command.name} is for the host only`
  })
  switch (command.name) {
    case 'help':
      return { kind: 'help', commands: commandsFor(session.role) }
    case 'who':
      return { kind: 'who', members: session.who() }
    case 'quit':
      return { kind: 'quit' }
    case 'code':
      if (host === undefined) return hostOnly()
      return { kind: 'code', code: await host.code() }
    case 'invite':
      if (host === undefined) return hostOnly()
      return {
        kind: 'invitation',
        invitation: await host.invite({
          ttlMs: command.ttlMs,
          maxUses: command.maxUses
        })
      }
    case 'revoke':
      if (host === undefined) return hostOnly()
      return host.revoke(command.id)
        ? ok('revoke', `invitation ${command.id} revoked`, { id: command.id })
        : fail('revoke', 'unknown-invitation', `no outstanding invitation with id "${command.id}"`)
    case 'kick':
    case 'ban': {
      if (host === undefined) return hostOnly()
      // Nicknames match case-insensitively everywhere else too: `/kick HOST` is the host itself.
      if (
        nicknameKey(command.nick) === nicknameKey(session.nickname ?? '') ||
        command.nick === session.peerId
      ) {
        return fail(command.name, 'not-yourself', `the host cannot /${command.name} itself`)
      }
      const done = command.name === 'kick' ? host.kick(command.nick) : host.ban(command.nick)
      return done
        ? ok(command.name, `${command.nick} ${command.name === 'kick' ? 'kicked' : 'banned'}`, {
            nick: command.nick
          })
        : fail(command.name, 'unknown-member', `no member "${command.nick}" in the room`)
    }
    case 'lock':
      if (host === undefined) return hostOnly()
      host.lock()
      return ok('lock', 'room locked: new joiners are refused', {})
    case 'unlock':
      if (host === undefined) return hostOnly()
      host.unlock()
      return ok('unlock', 'room unlocked: joiners are admitted again', {})
    case 'send':
    case 'accept':
    case 'reject':
    case 'cancel':
      return runFileCommand(command, session, homedir())
  }
}

function ok(command: string, message: string, detail: Record<string, string>): CommandResult {
  return { kind: 'ok', command, message, detail }
}

function fail(command: string, code: string, message: string): CommandResult {
  return { kind: 'error', command, code, message }
}
