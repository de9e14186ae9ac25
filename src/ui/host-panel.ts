/**
 * @module The host's controls: each invitation with a Copy button, its QR code and the addresses it
 * leads to; the room code with a live countdown; a form for `/invite [ttl] [uses]`, Revoke, and
 * Lock/Unlock. Every control sends the slash command the terminal would, so the process decides
 * and its events (`invitation`, `ok`, `error`) say what happened.
 */
import { localDateTime, spacedCode } from '../cli/format.js'
import { button, byId, copyText, h } from './dom.js'
import type { MessageOf } from './protocol.js'
import { qrSvg } from './qr-svg.js'
import { inviteCommand, secondsLeft } from './text.js'

/** The room code's TOTP step (src/protocol/totp.ts): the countdown's full bar. */
const CODE_STEP_SECONDS = 30

interface Shown {
  element: HTMLDetailsElement
  event: MessageOf<'invitation'>
}

export class HostPanel {
  private readonly panel = byId<HTMLElement>('host-panel')
  private readonly invitations = byId<HTMLElement>('invitations')
  private readonly codeText = byId<HTMLElement>('room-code')
  private readonly codeLeft = byId<HTMLElement>('code-left')
  private readonly codeBar = byId<HTMLProgressElement>('code-progress')
  private readonly lockButton = byId<HTMLButtonElement>('lock-button')
  private readonly lockState = byId<HTMLElement>('lock-state')
  private readonly listeningText = byId<HTMLElement>('listening')
  private readonly problem = byId<HTMLElement>('invite-problem')
  private readonly send: (line: string) => boolean
  private readonly shown = new Map<string, Shown>()
  private code: MessageOf<'code'> | undefined
  private locked = false
  /** Element ids for the invitations' labels: never built from an invitation id, which the process chose. */
  private serial = 0

  constructor(send: (line: string) => boolean) {
    this.send = send
    const form = byId<HTMLFormElement>('invite-form')
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const line = inviteCommand(
        byId<HTMLInputElement>('invite-ttl').value,
        byId<HTMLInputElement>('invite-uses').value
      )
      if (typeof line !== 'string') {
        this.problem.textContent = line.problem
        return
      }
      this.problem.textContent = this.send(line) ? '' : 'not connected to the securechat process'
    })
    this.lockButton.addEventListener('click', () => {
      this.send(this.locked ? '/unlock' : '/lock')
    })
    setInterval(() => this.tick(), 1000)
  }

  reset(): void {
    this.shown.clear()
    this.invitations.replaceChildren()
    this.code = undefined
    this.setLocked(false)
    this.listeningText.textContent = ''
    this.tick()
  }

  setVisible(visible: boolean): void {
    this.panel.hidden = !visible
  }

  /** An invitation, new or issued again with new addresses (same id and token): shown or updated. */
  invitation(event: MessageOf<'invitation'>): void {
    const old = this.shown.get(event.id)
    const element = this.invitationItem(event, old?.element.open ?? true)
    if (old === undefined) this.invitations.prepend(element)
    else old.element.replaceWith(element)
    this.shown.set(event.id, { element, event })
  }

  /** `/revoke` succeeded: the invitation no longer admits anyone. */
  revoked(id: string): void {
    const shown = this.shown.get(id)
    if (shown === undefined) return
    shown.element.remove()
    this.shown.delete(id)
  }

  roomCode(event: MessageOf<'code'>): void {
    this.code = event
    this.tick()
  }

  setLocked(locked: boolean): void {
    this.locked = locked
    this.lockButton.textContent = locked ? 'Unlock the room' : 'Lock the room'
    this.lockButton.setAttribute('aria-pressed', String(locked))
    this.lockState.textContent = locked
      ? 'Locked: new joiners are refused.'
      : 'Open to joiners with an invitation.'
  }

  listening(addresses: string[]): void {
    this.listeningText.textContent = addresses.length === 0 ? '' : `Listening on ${addresses.join('  ')}`
  }

  /** The code's countdown, once a second; a code past its time shows until the next one arrives. */
  private tick(): void {
    if (this.code === undefined) {
      this.codeText.textContent = '––– –––'
      this.codeLeft.textContent = ''
      this.codeBar.value = 0
      return
    }
    const left = secondsLeft(this.code.expiresAt, Date.now())
    this.codeText.textContent = spacedCode(this.code.code)
    this.codeLeft.textContent = left > 0 ? `valid ${left} s more` : 'changing…'
    this.codeBar.max = CODE_STEP_SECONDS
    this.codeBar.value = Math.min(CODE_STEP_SECONDS, left)
  }

  private invitationItem(event: MessageOf<'invitation'>, open: boolean): HTMLDetailsElement {
    const textId = `invitation-text-${++this.serial}`
    const uses = event.maxUses === null ? 'any number of uses' : `at most ${event.maxUses} use(s)`
    const text = h('textarea', {
      id: textId,
      class: 'invitation-text',
      readonly: true,
      rows: 4,
      spellcheck: 'false'
    })
    text.value = event.invitation
    const status = h('span', { class: 'copied', role: 'status' })
    const copy = button(
      'Copy',
      () => {
        void copyText(event.invitation).then((ok) => {
          if (!ok) text.select()
          status.textContent = ok ? 'Copied.' : 'Selected: press Ctrl+C to copy.'
        })
      },
      { 'aria-label': `Copy invitation ${event.id}` }
    )
    const revoke = button('Revoke', () => this.send(`/revoke ${event.id}`), {
      class: 'danger',
      'aria-label': `Revoke invitation ${event.id}`
    })
    const qr = qrSvg(event.invitation, `QR code of invitation ${event.id}`)
    const details = h(
      'details',
      { class: 'invitation', open },
      h(
        'summary',
        {},
        h('span', { class: 'invitation-id' }, `Invitation ${event.id}`),
        ' ',
        h('span', { class: 'hint' }, `valid until ${localDateTime(event.expiresAt)}; ${uses}`)
      ),
      h('label', { for: textId, class: 'visually-hidden' }, `Invitation ${event.id}`),
      text,
      h('p', { class: 'row' }, copy, ' ', revoke, ' ', status),
      h('p', { class: 'hint' }, 'Send it privately: with the answer and the room code, it lets someone in.'),
      qr ?? h('p', { class: 'hint' }, 'Too long for a QR code.'),
      h('p', { class: 'hint' }, 'It leads to:'),
      h('ul', { class: 'addresses' }, ...event.addresses.map((a) => h('li', {}, h('code', {}, a))))
    )
    return details
  }
}
