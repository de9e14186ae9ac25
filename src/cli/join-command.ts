/**
 * `securechat p2p join [invitation]`: passes the host's four gates (invitation, answer, room code,
 * nickname) and runs the chat. Interactively, a wrong answer or code is said plainly with the tries
 * left and asked again on a new connection (the host closes the stream on a wrong answer or code).
 */
import type { MemberFileOptions } from '../node/file-transfers.js'
import { JoinRefusedError, joinRoom, type RoomMember } from '../node/index.js'
import {
  generateMemberKeyPair,
  type MemberKeyPair,
  memberFingerprint,
  publicKeysOf
} from '../protocol/member-keys.js'
import { describeNicknameProblem, nicknameProblem, normaliseNickname } from '../protocol/nickname.js'
import { ChatScreen } from './chat-screen.js'
import { colourEnabled, Style } from './colours.js'
import { CancelledError, type ExitCodeValue, UsageError } from './exit-codes.js'
import { type FileFlags, memberFileOptions } from './file-options.js'
import { type Io, log, writeJson } from './io.js'
import { askInvitation, cleanCode, givenCode, givenInvitation, hideArguments } from './join-inputs.js'
import { JsonFace } from './json-mode.js'
import { Terminal } from './prompt.js'
import { displayText } from './sanitize.js'
import { ANSWER_ENV, CODE_ENV, givenAnswer, INVITATION_ENV } from './secrets.js'
import { memberSession } from './session.js'
import { runSession } from './session-runner.js'

export interface JoinFlags extends FileFlags {
  invitationFile?: string
  answerFile?: string
  code?: string
  nick?: string
  json?: boolean
  /** mDNS discovery of the host on the LAN; `--no-mdns` turns it off. */
  mdns?: boolean
  /** Through a relay, ask the router to forward a port (UPnP); `--no-upnp` turns it off. */
  upnp?: boolean
}

/** A person may take longer than the host waits at one step; reconnecting then is not a failure. */
const MAX_TIMEOUT_RETRIES = 3

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

export async function joinCommand(
  argument: string | undefined,
  flags: JoinFlags,
  io: Io
): Promise<ExitCodeValue> {
  const json = flags.json === true
  const given = await givenInvitation(argument, flags.invitationFile, io)
  const code = givenCode(flags.code, io.env)
  // Read now: from here on the process list shows no invitation or code given as an argument.
  if (argument !== undefined || flags.code !== undefined) hideArguments('securechat p2p join')
  let nick: string | undefined
  if (flags.nick !== undefined) {
    nick = normaliseNickname(flags.nick)
    const problem = nicknameProblem(nick)
    if (problem !== undefined) throw new UsageError(`--nick: ${describeNicknameProblem(problem)}`)
  }
  const answer = givenAnswer(flags.answerFile, io.env)
  const files = memberFileOptions(flags, { env: io.env })

  if (json) {
    if (given === undefined) {
      throw new UsageError(
        `--json needs the invitation: give --invitation-file <path> (- reads the first line of stdin) or set ${INVITATION_ENV}`
      )
    }
    const invitation = given
    if (answer === undefined) {
      throw new UsageError(`--json needs the answer: give --answer-file <path> or set ${ANSWER_ENV}`)
    }
    if (code === undefined) {
      throw new UsageError(`--json needs the room code: give --code <digits> or set ${CODE_ENV}`)
    }
    if (nick === undefined) throw new UsageError('--json needs a nickname: give --nick <name>')
    const keys = await generateMemberKeyPair()
    const ownFingerprint = await memberFingerprint(publicKeysOf(keys))
    log('joining (machine mode)')
    const member = await joinRoom(
      invitation,
      { answer, code, nickname: nick },
      { keys, mdns: flags.mdns !== false, upnp: flags.upnp !== false, files }
    )
    const face = new JsonFace(io, {
      onStart: () => {
        writeJson(io, {
          type: 'joined',
          nick: member.nickname,
          peerId: member.peerId,
          fingerprint: ownFingerprint,
          room: member.roomName,
          members: member.members,
          connection: member.connectionKind
        })
        writeJson(io, { type: 'ready', role: 'member', peerId: member.peerId, nick: member.nickname })
      }
    })
    return runSession(memberSession(member, ownFingerprint), face)
  }

  const style = new Style(colourEnabled(io.stdout, io.env))
  const terminal = new Terminal({ input: io.stdin, output: io.stdout })
  try {
    const invitation = given ?? (await askInvitation(terminal))
    const keys = await generateMemberKeyPair()
    const ownFingerprint = await memberFingerprint(publicKeysOf(keys))
    const member = await joinInteractively(
      invitation,
      { answer, code, nick },
      { keys, mdns: flags.mdns !== false, upnp: flags.upnp !== false, files },
      terminal,
      style
    )
    const session = memberSession(member, ownFingerprint)
    const screen = new ChatScreen(session, terminal, {
      style,
      stdout: io.stdout,
      acceptFilesUpTo: files.acceptUpTo
    })
    const others = session
      .who()
      .filter((p) => !p.self)
      .map((p) => `${displayText(p.nick)}${p.host ? ' (host)' : ''}`)
    terminal.print('')
    terminal.print(
      `${style.bold(`Joined "${displayText(member.roomName)}"`)} as ${displayText(member.nickname)}. ` +
        (others.length === 0 ? 'Nobody else is here yet.' : `Here: ${others.join(', ')}.`)
    )
    terminal.print(`${style.dim('Your key fingerprint:')} ${ownFingerprint}`)
    if (member.connectionKind === 'relayed') {
      terminal.print(
        style.dim(
          'Connected through a relay (it sees only encrypted bytes); a direct connection is tried meanwhile.'
        )
      )
    }
    terminal.print(
      style.dim('Compare fingerprints aloud with /who. Type /help for commands; /quit or Ctrl-D leaves.')
    )
    return await runSession(session, screen)
  } finally {
    terminal.close()
  }
}

async function askCode(terminal: Terminal): Promise<string> {
  for (;;) {
    const typed = await terminal.ask("Room code (the digits on the host's screen): ")
    const code = cleanCode(typed)
    if (code !== undefined) return code
    terminal.print('A room code is 6 digits (spaces are fine). Try again.')
  }
}

async function askNickname(terminal: Terminal, prompt: string): Promise<string> {
  for (;;) {
    const nick = normaliseNickname(await terminal.ask(prompt))
    const problem = nicknameProblem(nick)
    if (problem === undefined) return nick
    terminal.print(`${describeNicknameProblem(problem)}. Try again.`)
  }
}

/** Dials and passes the gates, asking for what is missing; again after a wrong answer or code. */
async function joinInteractively(
  invitation: string,
  given: { answer: string | undefined; code: string | undefined; nick: string | undefined },
  joinOptions: { keys: MemberKeyPair; mdns: boolean; upnp: boolean; files: MemberFileOptions },
  terminal: Terminal,
  style: Style
): Promise<RoomMember> {
  let answer = given.answer
  let code = given.code
  let timeouts = 0
  for (;;) {
    terminal.print(style.dim('Connecting to the host…'))
    let typedAnswer: string | undefined
    let nickOffered = false
    try {
      return await joinRoom(
        invitation,
        {
          answer: async (question) => {
            if (answer !== undefined) {
              typedAnswer = answer
              return answer
            }
            terminal.print(`The host asks: ${style.bold(displayText(question))}`)
            typedAnswer = await terminal.ask('Your answer (hidden): ', { hidden: true })
            return typedAnswer
          },
          code: async () => {
            // Asked only once the answer passed: keep it for a retry.
            answer = typedAnswer
            return code ?? askCode(terminal)
          },
          nickname: async ({ problem }) => {
            if (problem === undefined && given.nick !== undefined && !nickOffered) {
              nickOffered = true
              return given.nick
            }
            if (problem !== undefined) terminal.print(`${style.alert(capitalise(displayText(problem)))}.`)
            return askNickname(
              terminal,
              problem === undefined ? 'Your nickname: ' : 'Choose another nickname: '
            )
          }
        },
        joinOptions
      )
    } catch (err) {
      if (err instanceof CancelledError || !(err instanceof JoinRefusedError)) throw err
      const left = err.attemptsLeft
      if (err.code === 'wrong-answer' && left > 0) {
        answer = undefined
        terminal.print(style.alert(`Wrong answer. ${plural(left, 'try', 'tries')} left.`))
        continue
      }
      if (err.code === 'wrong-code' && left > 0) {
        code = undefined
        terminal.print(
          style.alert(`Wrong room code (it changes every 30 s). ${plural(left, 'try', 'tries')} left.`)
        )
        continue
      }
      if (err.code === 'timeout' && timeouts < MAX_TIMEOUT_RETRIES) {
        timeouts++
        terminal.print(style.alert('The host stopped waiting for that step; connecting again.'))
        continue
      }
      throw err
    }
  }
}
