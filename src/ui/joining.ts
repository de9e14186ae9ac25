/**
 * @module Getting into a room from the page: the joiner's prompts (invitation, the host's question
 * and its answer in a password field, the room code, a nickname asked again when taken), with the
 * process's own messages and tries left; and the start page of `securechat ui`, to host a room or
 * paste an invitation. The answer goes to the process over the socket and is never shown again.
 */
import { byId } from './dom.js'
import type { MessageOf, PageMessage, PromptStep } from './protocol.js'
import { waitText } from './text.js'

interface StepText {
  label: string
  type: 'text' | 'password'
  autocomplete: string
  inputMode?: string
}

const STEPS: Record<PromptStep, StepText> = {
  invitation: { label: 'Paste the invitation', type: 'text', autocomplete: 'off' },
  answer: { label: 'Your answer', type: 'password', autocomplete: 'off' },
  code: {
    label: "The room code on the host's screen",
    type: 'text',
    autocomplete: 'one-time-code',
    inputMode: 'numeric'
  },
  nickname: { label: 'Your nickname in the room', type: 'text', autocomplete: 'nickname' }
}

export class JoinPrompts {
  private readonly form = byId<HTMLFormElement>('prompt-form')
  private readonly question = byId<HTMLElement>('prompt-question')
  private readonly label = byId<HTMLLabelElement>('prompt-label')
  private readonly input = byId<HTMLInputElement>('prompt-input')
  private readonly message = byId<HTMLElement>('prompt-message')
  private readonly tries = byId<HTMLElement>('prompt-tries')
  private readonly submitButton = byId<HTMLButtonElement>('prompt-submit')
  private readonly status = byId<HTMLElement>('join-status')
  private readonly steps = byId<HTMLOListElement>('join-steps')
  private readonly send: (message: PageMessage) => boolean
  private step: PromptStep | undefined
  private waitUntil = 0
  private hostQuestion = ''

  constructor(send: (message: PageMessage) => boolean) {
    this.send = send
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      if (this.step === undefined || this.submitButton.disabled) return
      const value = this.input.value
      if (value.trim() === '') return
      if (!this.send({ type: 'reply', step: this.step, value })) {
        this.status.textContent = 'Not connected to the securechat process.'
        return
      }
      this.submitButton.disabled = true
      this.status.textContent = 'Checking…'
    })
    setInterval(() => this.tick(), 1000)
  }

  reset(): void {
    this.step = undefined
    this.form.hidden = true
    this.status.textContent = 'Waiting for the securechat process…'
    this.hostQuestion = ''
    this.waitUntil = 0
  }

  /** A prompt: the form asks for its step, with what went wrong before and the tries left. */
  prompt(event: MessageOf<'prompt'>): void {
    const text = STEPS[event.step]
    if (text === undefined) return
    this.step = event.step
    if (event.question !== undefined) this.hostQuestion = event.question
    this.question.textContent =
      event.step === 'answer' && this.hostQuestion !== '' ? `The host asks: ${this.hostQuestion}` : ''
    this.question.hidden = this.question.textContent === ''
    this.label.textContent = text.label
    this.input.type = text.type
    this.input.autocomplete = text.autocomplete as AutoFill
    this.input.inputMode = text.inputMode ?? ''
    this.input.spellcheck = false
    this.input.value = ''
    this.message.textContent = event.message ?? ''
    // The process's message already counts the tries left after a failure; said once is enough.
    this.tries.textContent =
      event.attemptsLeft === undefined || event.message !== undefined
        ? ''
        : event.attemptsLeft === 1
          ? '1 try left before a lockout.'
          : `${event.attemptsLeft} tries left before a lockout.`
    this.waitUntil = event.retryAfter === undefined ? 0 : Date.now() + event.retryAfter
    this.form.hidden = false
    this.status.textContent = ''
    // Asked again (a wrong answer), a step is current and no longer done, nor is any after it.
    let reached = false
    for (const item of this.steps.querySelectorAll('li')) {
      reached ||= item.dataset['step'] === event.step
      item.classList.toggle('done', !reached && item.classList.contains('done'))
      if (item.dataset['step'] === event.step) item.setAttribute('aria-current', 'step')
      else item.removeAttribute('aria-current')
    }
    this.tick()
    this.input.focus()
  }

  /** The process took the step's value: on to the next prompt, or into the room. */
  done(event: MessageOf<'prompt-done'>): void {
    if (event.step !== this.step) return
    this.form.hidden = true
    this.status.textContent = event.step === 'nickname' ? 'Entering the room…' : 'Checking…'
    const item = this.steps.querySelector<HTMLElement>(`li[data-step="${event.step}"]`)
    item?.classList.add('done')
  }

  /** An error before the room (a refusal, an unreachable host): said where the joiner is looking. */
  error(message: string): void {
    this.status.textContent = message
  }

  /** A locked-out joiner sees how long until it may try again; the button waits as long. */
  private tick(): void {
    if (this.waitUntil === 0) {
      this.submitButton.disabled = false
      return
    }
    const left = this.waitUntil - Date.now()
    if (left <= 0) {
      this.waitUntil = 0
      this.tries.textContent = 'You may try again now.'
      this.submitButton.disabled = false
      return
    }
    this.tries.textContent = `You may try again in ${waitText(left)}.`
    this.submitButton.disabled = true
  }
}

/** The start page: host a room, or join one with an invitation. */
export class StartPage {
  private readonly error = byId<HTMLElement>('start-error')

  constructor(send: (message: PageMessage) => boolean) {
    const value = (id: string): string => byId<HTMLInputElement | HTMLTextAreaElement>(id).value
    byId<HTMLFormElement>('host-form').addEventListener('submit', (event) => {
      event.preventDefault()
      const answer = value('host-answer')
      if (answer !== value('host-answer-again')) {
        this.say('The two answers differ; type the same answer twice.')
        return
      }
      const roomName = value('host-room').trim()
      const sent = send({
        type: 'start-host',
        ...(roomName === '' ? {} : { roomName }),
        question: value('host-question').trim(),
        answer,
        nickname: value('host-nick').trim()
      })
      this.say(sent ? 'Opening the room…' : 'Not connected to the securechat process.')
    })
    byId<HTMLFormElement>('join-form').addEventListener('submit', (event) => {
      event.preventDefault()
      const sent = send({ type: 'start-join', invitation: value('join-invitation').trim() })
      this.say(sent ? 'Joining…' : 'Not connected to the securechat process.')
    })
  }

  /** A problem the process reported (a bad question, a malformed invitation): said on the page. */
  say(text: string): void {
    this.error.textContent = text
  }
}
