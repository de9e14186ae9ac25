/**
 * @module `securechat ui`: the start page. The page hosts a room (`start-host`: question, answer,
 * nickname, maybe a name) or joins one (`start-join`: a pasted invitation, then the join's prompts);
 * a try that fails before the room (a refusal, a port in use) is told as an `error` event and the
 * page is the start page again. Once in a room it runs as `p2p host --ui` or `p2p join --ui` would.
 */

import * as defaults from '../../node/constants.js'
import { describeNicknameProblem, nicknameProblem, normaliseNickname } from '../../protocol/nickname.js'
import { type ExitCodeValue, UsageError } from '../exit-codes.js'
import { type FileFlags, memberFileOptions } from '../file-options.js'
import type { HostFlags } from '../host-command.js'
import { type Io, log } from '../io.js'
import type { JoinFlags } from '../join-command.js'
import { invitationProblem } from '../join-inputs.js'
import { classify } from '../program.js'
import { questionProblem } from '../secrets.js'
import { PageLauncher, withPage } from './launch.js'
import { emitter } from './page-face.js'
import type { PageMessage } from './page-messages.js'
import type { UiServer } from './server.js'

export interface UiFlags extends FileFlags {
  /** The TCP port of a room hosted from the page. */
  port?: number
  open?: boolean
  mdns?: boolean
  upnp?: boolean
  maxFileSize?: number
  json?: boolean
}

type Choice = Extract<PageMessage, { type: 'start-host' | 'start-join' }>

/** The next `start-host` or `start-join` of any page; others are not expected meanwhile. */
function nextChoice(server: UiServer): Promise<Choice> {
  return new Promise((resolve) => {
    const take = (choice: Choice): void => {
      server.handle({})
      resolve(choice)
    }
    server.handle({ 'start-host': take, 'start-join': take })
  })
}

/** The start page's own checks, in its words (the flags' would say `--nick`). */
function checkHostChoice(choice: Extract<Choice, { type: 'start-host' }>): {
  roomName?: string
  nick: string
} {
  const question = questionProblem(choice.question)
  if (question !== undefined) throw new UsageError(question)
  const nick = normaliseNickname(choice.nickname)
  const problem = nicknameProblem(nick)
  if (problem !== undefined) throw new UsageError(`the nickname: ${describeNicknameProblem(problem)}`)
  const roomName = choice.roomName?.trim()
  if (roomName === undefined || roomName === '') return { nick }
  const nameProblem = questionProblem(roomName)
  if (nameProblem !== undefined)
    throw new UsageError(nameProblem.replace('the security question', 'the room name'))
  return { roomName, nick }
}

async function start(choice: Choice, flags: UiFlags, io: Io, server: UiServer): Promise<ExitCodeValue> {
  const shared = {
    json: flags.json === true,
    mdns: flags.mdns,
    upnp: flags.upnp,
    downloadDir: flags.downloadDir,
    acceptFiles: flags.acceptFiles,
    downloadRate: flags.downloadRate
  }
  if (choice.type === 'start-host') {
    const { roomName, nick } = checkHostChoice(choice)
    const hostFlags: HostFlags = {
      ...shared,
      question: choice.question,
      nick,
      port: flags.port,
      maxFileSize: flags.maxFileSize
    }
    log('hosting a room from the start page')
    server.setMode('host')
    const { hostCommand } = await import('../host-command.js')
    return hostCommand(hostFlags, io, {
      server,
      answer: choice.answer,
      ...(roomName === undefined ? {} : { roomName })
    })
  }
  const invitation = choice.invitation.trim()
  const problem = invitationProblem(invitation)
  if (problem !== undefined) throw new UsageError(`invalid invitation: ${problem}`, 'invalid-invitation')
  log('joining a room from the start page')
  server.setMode('member')
  const joinFlags: JoinFlags = shared
  const { joinCommand } = await import('../join-command.js')
  return joinCommand(undefined, joinFlags, io, { server, invitation })
}

export async function uiCommand(flags: UiFlags, io: Io): Promise<ExitCodeValue> {
  const json = flags.json === true
  // Checked before the page opens: a wrong --download-dir is a usage error.
  memberFileOptions(flags, { env: io.env })
  const launcher = new PageLauncher(io, {
    json,
    open: flags.open !== false,
    mode: 'start',
    maxUploadBytes: flags.maxFileSize ?? defaults.MAX_FILE_SIZE
  })
  return withPage(launcher, async () => {
    const server = await launcher.open()
    const emit = emitter(io, json, server)
    for (;;) {
      const choice = await nextChoice(server)
      try {
        return await start(choice, flags, io, server)
      } catch (err) {
        // Back to the start page first, so the error is what it (and a page opened later) shows.
        if (server.currentMode !== 'start') server.setMode('start')
        const failure = classify(err)
        log('%s from the start page: %s', choice.type, failure.code)
        emit({
          type: 'error',
          code: failure.code,
          message: failure.message.split('\n')[0] ?? '',
          ...failure.extra
        })
      }
    }
  })
}
