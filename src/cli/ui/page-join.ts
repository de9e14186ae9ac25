/**
 * @module Joining from the page: what the flags did not give (the invitation, the answer, the room
 * code, a nickname) is asked in the page with `prompt` events, in the words and with the tries-left
 * counts the terminal gives, then the session runs with the page as its face.
 *
 * The answer a page replies with goes into the join and nowhere else: no event, log line or error
 * repeats a reply, whichever step it answers.
 */
import type { JoinRefusedError } from '../../node/index.js'
import { generateMemberKeyPair, memberFingerprint, publicKeysOf } from '../../protocol/member-keys.js'
import { describeNicknameProblem, nicknameProblem, normaliseNickname } from '../../protocol/nickname.js'
import { CancelledError, type ExitCodeValue } from '../exit-codes.js'
import type { Io } from '../io.js'
import {
  CODE_SHAPE_MESSAGE,
  capitalise,
  type JoinAsker,
  type JoinOptions,
  joinAsking,
  memberOpening,
  nicknameRefused
} from '../join-command.js'
import { cleanCode, invitationProblem } from '../join-inputs.js'
import { displayText } from '../sanitize.js'
import { memberSession } from '../session.js'
import { runSession } from '../session-runner.js'
import { type PageLauncher, withPage } from './launch.js'
import { emitter, sessionFaces } from './page-face.js'
import type { PromptEvent, PromptStep } from './page-messages.js'
import type { UiServer } from './server.js'

/** A reply as the step takes it, or the sentence that asks again. */
type Checked = { value: string } | { again: string }

const CHECKS: Record<PromptStep, (value: string) => Checked> = {
  invitation: (value) => {
    const pasted = value.trim()
    const problem = invitationProblem(pasted)
    return problem === undefined
      ? { value: pasted }
      : { again: `That is not a usable invitation: ${problem}. Paste it again (one line, starting sc1).` }
  },
  answer: (value) => ({ value }),
  code: (value) => {
    const code = cleanCode(value)
    return code === undefined ? { again: CODE_SHAPE_MESSAGE } : { value: code }
  },
  nickname: (value) => {
    const nick = normaliseNickname(value)
    const problem = nicknameProblem(nick)
    return problem === undefined
      ? { value: nick }
      : { again: `${describeNicknameProblem(problem)}. Try again.` }
  }
}

/**
 * Asks the pages one step at a time; whichever page replies first answers. A reply that cannot be
 * taken (a code that is not six digits) is asked again with the terminal's sentence.
 */
export class PagePrompter {
  private readonly ui: UiServer
  private pending:
    | { step: PromptStep; resolve: (value: string) => void; reject: (err: Error) => void }
    | undefined
  /** What the last try came to, said with the next prompt (the terminal prints it before asking). */
  private notice: { message: string; attemptsLeft?: number } | undefined

  constructor(ui: UiServer) {
    this.ui = ui
    ui.handle({
      reply: (message, page) => {
        const pending = this.pending
        if (pending?.step !== message.step) {
          page.send({
            type: 'error',
            code: 'ui-bad-message',
            message: `nothing asks for the ${message.step} now`
          })
          return
        }
        this.take(pending.step, message.value)
      }
    })
  }

  /** Asks for `step`, with `fields` (the question, the tries left); resolves with the reply taken. */
  ask(step: PromptStep, fields: Omit<PromptEvent, 'type' | 'step'> = {}): Promise<string> {
    this.pending?.reject(new CancelledError('asked again'))
    const notice = this.notice
    this.notice = undefined
    return new Promise<string>((resolve, reject) => {
      this.pending = { step, resolve, reject }
      this.prompt({ type: 'prompt', step, ...notice, ...fields })
    })
  }

  /** Says `message` (and the tries left) with the next prompt. */
  note(message: string, attemptsLeft?: number): void {
    this.notice = { message, ...(attemptsLeft === undefined ? {} : { attemptsLeft }) }
  }

  /** No more questions: replies are refused from now on. */
  stop(): void {
    this.pending?.reject(new CancelledError('no longer asking'))
    this.pending = undefined
    this.ui.handle({})
  }

  private take(step: PromptStep, value: string): void {
    const checked = CHECKS[step](value)
    if ('again' in checked) {
      this.prompt({ type: 'prompt', step, message: checked.again })
      return
    }
    const pending = this.pending
    this.pending = undefined
    this.ui.publish({ type: 'prompt-done', step })
    pending?.resolve(checked.value)
  }

  private prompt(event: PromptEvent): void {
    this.ui.publish({ ...event })
  }
}

/** The page's way of asking a join's questions (join-command.ts's `JoinAsker`). */
export function pageAsker(prompter: PagePrompter): JoinAsker {
  let question: string | undefined
  return {
    connecting: () => {},
    answer: (asked) => {
      question = asked
      return prompter.ask('answer', { question: asked })
    },
    code: () => prompter.ask('code'),
    nickname: (problem) =>
      prompter.ask('nickname', problem === undefined ? {} : { message: nicknameRefused(problem) }),
    // A host that stopped waiting counts no try: only a wrong answer or code says how many are left.
    retrying: (step, message, attemptsLeft) =>
      prompter.note(message, step === 'timeout' ? undefined : attemptsLeft),
    // The page waits out the lockout (retryAfter) and sends the answer again; the terminal gives up.
    lockedOut: (err: JoinRefusedError) =>
      prompter.ask('answer', {
        ...(question === undefined ? {} : { question }),
        attemptsLeft: 0,
        // The host's own sentence says when ("…; try again in 10 min"); retryAfter lets the page count down.
        message: `${capitalise(displayText(err.message))}.`,
        retryAfter: err.retryAfterMs
      })
  }
}

/**
 * `p2p join --ui` (and a join started on the start page): asks in the page for what is missing,
 * joins, and runs the session with the page (and `--json`'s stdout) as its face.
 */
export function joinWithPage(
  launcher: PageLauncher,
  io: Io,
  json: boolean,
  invitation: string | undefined,
  given: { answer: string | undefined; code: string | undefined; nick: string | undefined },
  joinOptions: Omit<JoinOptions, 'keys'>
): Promise<ExitCodeValue> {
  return withPage(launcher, async () => {
    const ui = await launcher.open()
    const prompter = new PagePrompter(ui)
    let member: Awaited<ReturnType<typeof joinAsking>>
    let fingerprint: string
    try {
      const chosen = invitation ?? (await prompter.ask('invitation'))
      const keys = await generateMemberKeyPair()
      fingerprint = await memberFingerprint(publicKeysOf(keys))
      member = await joinAsking(chosen, given, { keys, ...joinOptions }, pageAsker(prompter))
    } finally {
      prompter.stop()
    }
    const emit = emitter(io, json, ui)
    const opening = memberOpening(member, fingerprint)
    const { face, session } = sessionFaces(io, json, ui, memberSession(member, fingerprint), {
      onStart: () => {
        for (const event of opening) emit(event)
      }
    })
    return runSession(session, face)
  })
}
