/**
 * `securechat p2p join [invitation]`: passes the host's four gates (invitation, answer, room code,
 * nickname) and runs the chat. Interactively, a wrong answer or code is said plainly with the tries
 * left and asked again on a new connection (the host closes the stream on a wrong answer or code).
 */
import * as defaults from '../node/constants.js'
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
import { type PageLauncher, pageLauncher } from './ui/launch.js'
import type { UiServer } from './ui/server.js'

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
  /** Chat in a page served on loopback (ui/); what is not given is asked there, never here. */
  ui?: boolean
  /** With `--ui`: open the browser (`--no-open` turns it off). */
  open?: boolean
}

/** A join started from the page of `securechat ui`: its server, and the invitation pasted there. */
export interface StartedFromPage {
  server: UiServer
  invitation: string
}

/** A person may take longer than the host waits at one step; reconnecting then is not a failure. */
const MAX_TIMEOUT_RETRIES = 3

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

export async function joinCommand(
  argument: string | undefined,
  flags: JoinFlags,
  io: Io,
  fromPage?: StartedFromPage
): Promise<ExitCodeValue> {
  const json = flags.json === true
  const given = fromPage?.invitation ?? (await givenInvitation(argument, flags.invitationFile, io))
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
  const joinOptions = { mdns: flags.mdns !== false, upnp: flags.upnp !== false, files }

  if (flags.ui === true || fromPage !== undefined) {
    const { joinWithPage } = await import('./ui/page-join.js')
    const page = pageLauncher(io, flags, 'member', defaults.MAX_FILE_SIZE, fromPage?.server) as PageLauncher
    return joinWithPage(page, io, json, given, { answer, code, nick }, joinOptions)
  }

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
        for (const event of memberOpening(member, ownFingerprint)) writeJson(io, event)
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
    const member = await joinAsking(
      invitation,
      { answer, code, nick },
      { keys, mdns: flags.mdns !== false, upnp: flags.upnp !== false, files },
      terminalAsker(terminal, style)
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

/** The first events of a member's session in `--json` mode and on the page: `joined`, then `ready`. */
export function memberOpening(
  member: RoomMember,
  fingerprint: string
): Array<{ type: string } & Record<string, unknown>> {
  return [
    {
      type: 'joined',
      nick: member.nickname,
      peerId: member.peerId,
      fingerprint,
      room: member.roomName,
      members: member.members,
      connection: member.connectionKind
    },
    { type: 'ready', role: 'member', peerId: member.peerId, nick: member.nickname }
  ]
}

async function askCode(terminal: Terminal): Promise<string> {
  for (;;) {
    const typed = await terminal.ask("Room code (the digits on the host's screen): ")
    const code = cleanCode(typed)
    if (code !== undefined) return code
    terminal.print(CODE_SHAPE_MESSAGE)
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

/** What a typed room code that is not one is told. */
export const CODE_SHAPE_MESSAGE = 'A room code is 6 digits (spaces are fine). Try again.'

/**
 * Who is asked for what the flags did not give, and told how the last try went: the terminal here,
 * or the page (ui/page-join.ts), in the same words.
 */
export interface JoinAsker {
  /** Before each connection to the host. */
  connecting(): void
  answer(question: string): Promise<string>
  code(): Promise<string>
  /** A nickname: the first time `problem` is undefined, then it is why the host refused the last. */
  nickname(problem: string | undefined): Promise<string>
  /**
   * The last try failed and the next one is coming: `message` is what to tell the person, with the
   * host's count of the tries left (the refusal's: the CLI has always said that one).
   */
  retrying(step: 'answer' | 'code' | 'timeout', message: string, attemptsLeft: number): void
  /**
   * A lockout (the host says when to try again): resolves with the answer to try again with, once the
   * person does. Absent (the terminal): the join fails, as a lockout always has there.
   */
  lockedOut?(err: JoinRefusedError): Promise<string>
}

/** The terminal's way of asking (the questions and sentences the chat has always had). */
function terminalAsker(terminal: Terminal, style: Style): JoinAsker {
  return {
    connecting: () => terminal.print(style.dim('Connecting to the host…')),
    answer: async (question) => {
      terminal.print(`The host asks: ${style.bold(displayText(question))}`)
      return terminal.ask('Your answer (hidden): ', { hidden: true })
    },
    code: () => askCode(terminal),
    nickname: async (problem) => {
      if (problem !== undefined) terminal.print(style.alert(nicknameRefused(problem)))
      return askNickname(terminal, problem === undefined ? 'Your nickname: ' : 'Choose another nickname: ')
    },
    retrying: (_step, message) => terminal.print(style.alert(message))
  }
}

/** The host's reason for refusing a nickname, as a sentence ("That nickname is taken."). */
export function nicknameRefused(problem: string): string {
  return `${capitalise(displayText(problem))}.`
}

/** The sentence for a wrong answer or code with tries left, and for a host that stopped waiting. */
export function retryMessage(step: 'answer' | 'code' | 'timeout', attemptsLeft: number): string {
  const left = plural(attemptsLeft, 'try', 'tries')
  if (step === 'answer') return `Wrong answer. ${left} left.`
  if (step === 'code') return `Wrong room code (it changes every 30 s). ${left} left.`
  return 'The host stopped waiting for that step; connecting again.'
}

export interface JoinOptions {
  keys: MemberKeyPair
  mdns: boolean
  upnp: boolean
  files: MemberFileOptions
}

/**
 * Dials and passes the gates, asking `asker` for what is missing; again after a wrong answer or code
 * (the host closes the stream on those), after a step the host stopped waiting for, and after a
 * lockout where the asker waits for the person.
 */
export async function joinAsking(
  invitation: string,
  given: { answer: string | undefined; code: string | undefined; nick: string | undefined },
  joinOptions: JoinOptions,
  asker: JoinAsker
): Promise<RoomMember> {
  let answer = given.answer
  let code = given.code
  let timeouts = 0
  for (;;) {
    asker.connecting()
    let typedAnswer: string | undefined
    let nickOffered = false
    try {
      return await joinRoom(
        invitation,
        {
          // What is known already goes out without waiting to be asked (a round trip saved each).
          answer:
            answer ??
            (async (question) => {
              typedAnswer = await asker.answer(question)
              return typedAnswer
            }),
          code:
            code ??
            (async () => {
              // Asked only once the answer passed: keep it for a retry.
              answer ??= typedAnswer
              return asker.code()
            }),
          nickname: async ({ problem }) => {
            // Asked only once the answer and the code passed.
            answer ??= typedAnswer
            if (problem === undefined && given.nick !== undefined && !nickOffered) {
              nickOffered = true
              return given.nick
            }
            return asker.nickname(problem)
          }
        },
        joinOptions
      )
    } catch (err) {
      if (err instanceof CancelledError || !(err instanceof JoinRefusedError)) throw err
      const left = err.attemptsLeft
      if ((err.code === 'wrong-answer' || err.code === 'wrong-code') && left > 0) {
        const step = err.code === 'wrong-answer' ? 'answer' : 'code'
        if (step === 'answer') answer = undefined
        else {
          // A wrong code means the answer passed: it is not asked again.
          answer ??= typedAnswer
          code = undefined
        }
        asker.retrying(step, retryMessage(step, left), left)
        continue
      }
      if (err.code === 'timeout' && timeouts < MAX_TIMEOUT_RETRIES) {
        timeouts++
        asker.retrying('timeout', retryMessage('timeout', left), left)
        continue
      }
      if (err.code === 'locked-out' && asker.lockedOut !== undefined) {
        answer = await asker.lockedOut(err)
        code = given.code
        continue
      }
      throw err
    }
  }
}
