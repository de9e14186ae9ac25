/**
 * @module The file commands on a session. `/send` and `/accept` start their transfer and answer at
 * once, so a large file never holds up the input line: how far it got and how it ended come as
 * room events (`progress`, `file-sent`, `file-received`, `file-failed`). `/reject` and `/cancel`
 * answer when done.
 */
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { CommandResult } from './actions.js'
import type { Command } from './commands.js'
import { expandHome } from './file-options.js'
import type { ChatSession } from './session.js'
import { humanSize } from './sizes.js'

export type FileCommand = Extract<Command, { name: 'send' | 'accept' | 'reject' | 'cancel' }>

const RELAY_ONLY = 'a relay-only host is not a member and cannot send or receive files'

/**
 * Why `path` cannot be sent, in a sentence, or undefined when it is a readable file. Checked before
 * answering, so a typo is an error now rather than a failed transfer later.
 */
async function unsendable(path: string, typed: string): Promise<string | undefined> {
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return `there is no file "${typed}"`
    if (code === 'EACCES') return `cannot read "${typed}": permission denied`
    return `cannot read "${typed}": ${(err as Error).message}`
  }
  if (info.isDirectory()) return `"${typed}" is a folder; /send sends one file`
  // A FIFO or a device has no size to offer, and reading one may never end.
  if (!info.isFile()) return `"${typed}" is not a regular file`
  try {
    await access(path, constants.R_OK)
  } catch {
    return `cannot read "${typed}": permission denied`
  }
  return undefined
}

/**
 * The error of `work` if it fails at once (an unknown id is refused before anything starts), or
 * undefined if it is under way: its later outcome is the room's to tell.
 */
async function failsAtOnce(work: Promise<unknown>): Promise<Error | undefined> {
  let early: Error | undefined
  work.catch((err: unknown) => {
    early = err as Error
  })
  await nextTurn()
  return early?.name === 'NoSuchTransferError' ? early : undefined
}

/** Runs a file command; `home` is what `~` in a `/send` path stands for. */
export async function runFileCommand(
  command: FileCommand,
  session: ChatSession,
  home: string
): Promise<CommandResult> {
  const files = session.files
  if (files === undefined) return fail(command.name, 'relay-only', RELAY_ONLY)
  switch (command.name) {
    case 'send': {
      const path = expandHome(command.path, home)
      const problem = await unsendable(path, command.path)
      if (problem !== undefined) return fail('send', 'usage', problem)
      const { size } = await stat(path)
      // Its failures are events already (session.ts): nothing is left to catch here.
      files.send(path).catch(() => {})
      const name = basename(path)
      return {
        kind: 'ok',
        command: 'send',
        message: `offering ${name} (${humanSize(size)}) to the room…`,
        detail: { path, name, size }
      }
    }
    case 'accept': {
      const refused = await failsAtOnce(files.accept(command.id))
      if (refused !== undefined) return fail('accept', 'no-such-transfer', refused.message)
      return ok('accept', `downloading transfer ${command.id}…`, command.id)
    }
    case 'reject':
    case 'cancel':
      try {
        await (command.name === 'reject' ? files.reject(command.id) : files.cancel(command.id))
      } catch (err) {
        if ((err as Error).name !== 'NoSuchTransferError') throw err
        return fail(command.name, 'no-such-transfer', (err as Error).message)
      }
      return ok(
        command.name,
        command.name === 'reject' ? `offer ${command.id} rejected` : `transfer ${command.id} cancelled`,
        command.id
      )
  }
}

function ok(command: string, message: string, id: number): CommandResult {
  return { kind: 'ok', command, message, detail: { id } }
}

function fail(command: string, code: string, message: string): CommandResult {
  return { kind: 'error', command, code, message }
}
