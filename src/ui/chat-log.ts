/**
 * @module The chat: messages with their time and nickname, notices, and the lists `/who` and
 * `/help` answer with, in one list that stays scrolled to the newest line unless the reader scrolled
 * up. New messages are also said in an ARIA live region. The page's own messages show as typed and
 * are confirmed by the process's `own-message` events.
 */
import { clock } from '../cli/format.js'
import type { Attention } from './attention.js'
import { type Child, h } from './dom.js'
import type { NickPainter } from './nicks.js'
import { type Notice, safeText } from './text.js'

/** Lines kept in the live region: enough for a burst to be read out, not a growing hidden copy of the chat. */
const LIVE_LINES = 3
/** Within this many pixels of the bottom, the reader is "at the newest line" and is kept there. */
const STICKY_PX = 48

interface Pending {
  text: string
  element: HTMLLIElement
}

export class ChatLog {
  private readonly list: HTMLOListElement
  private readonly live: HTMLElement
  private readonly paint: NickPainter
  private readonly attention: Attention
  /** Own messages typed here and not yet confirmed by an `own-message`, oldest first. */
  private pending: Pending[] = []
  private ownNick = ''
  /** While the replay of earlier events is being drawn: no announcements, notifications or times of arrival. */
  replaying = false

  constructor(list: HTMLOListElement, live: HTMLElement, paint: NickPainter, attention: Attention) {
    this.list = list
    this.live = live
    this.paint = paint
    this.attention = attention
  }

  /**
   * A new socket replays everything: the list starts again. Own messages still waiting are dropped
   * with it: those the process sent come back as `own-message` events.
   */
  reset(): void {
    this.list.replaceChildren()
    this.live.replaceChildren()
    this.pending = []
  }

  setOwnNick(nick: string): void {
    this.ownNick = nick
  }

  /** A message from another member, `seq` its place in the room's one order. */
  message(from: string, text: string, ts: number, seq: number): void {
    this.placed(this.messageItem(from, text, ts, false), seq)
    if (this.replaying) return
    this.announce(`${from}: ${text}`)
    this.attention.message(from, text)
  }

  /** The page's own message, shown at once and marked as waiting until the process confirms it. */
  ownMessage(text: string): void {
    const element = this.messageItem(this.ownNick, text, Date.now(), true)
    element.classList.add('pending')
    this.pending.push({ text, element })
    this.add(element)
  }

  /**
   * `own-message`: this process sent a message. The one typed here that it confirms stops waiting;
   * one sent before this page opened, or typed in the terminal beside it, is drawn now.
   */
  sent(from: string, text: string, ts: number, seq: number): void {
    const index = this.pending.findIndex((p) => p.text === text)
    const waiting = this.pending[index]
    if (waiting === undefined) {
      this.placed(this.messageItem(from, text, ts, true), seq)
      return
    }
    this.pending.splice(index, 1)
    waiting.element.classList.remove('pending')
    this.placed(waiting.element, seq)
  }

  /**
   * A message goes where the room's order (`seq`) puts it among the messages shown. Each process
   * hears of its own message when the room has taken it, which may be before or after it hears of
   * messages the room ordered first; without this, every page would show its own order.
   * Notices and messages still waiting keep their place at the end.
   */
  private placed(element: HTMLLIElement, seq: number): void {
    element.dataset['seq'] = String(seq)
    if (!element.isConnected) this.add(element)
    const seqOf = (other: Element): number | undefined => {
      const at = (other as HTMLElement).dataset['seq']
      return at === undefined ? undefined : Number(at)
    }
    // Messages after it that the room ordered first: it goes after the last of them.
    let lastLower: Element | undefined
    for (let next = element.nextElementSibling; next !== null; next = next.nextElementSibling) {
      const at = seqOf(next)
      if (at !== undefined && at < seq) lastLower = next
    }
    if (lastLower !== undefined) {
      lastLower.after(element)
      return
    }
    // Messages before it that the room ordered later: it goes before the first of them.
    let firstHigher: Element | undefined
    for (let prev = element.previousElementSibling; prev !== null; prev = prev.previousElementSibling) {
      const at = seqOf(prev)
      if (at === undefined) continue
      if (at < seq) break
      firstHigher = prev
    }
    firstHigher?.before(element)
  }

  /**
   * A message of this page's did not go out: the oldest waiting one says so. False when none was
   * waiting (the error is about something else, and is shown as a notice by the caller).
   */
  unsent(message: string): boolean {
    const own = this.pending.shift()
    if (own === undefined) return false
    own.element.classList.remove('pending')
    own.element.classList.add('failed')
    own.element.append(h('span', { class: 'state' }, ` not sent: ${safeText(message)}`))
    if (!this.replaying) this.announce(`not sent: ${message}`)
    return true
  }

  notice(notice: Notice): HTMLLIElement {
    const item = h(
      'li',
      { class: notice.alert ? 'notice alert' : 'notice' },
      this.time(undefined),
      h('span', { class: 'icon', 'aria-hidden': 'true' }, notice.icon),
      ' ',
      notice.nick === undefined ? null : this.paint.nick(notice.nick),
      notice.nick === undefined ? null : ' ',
      h('span', { class: 'text' }, safeText(notice.text))
    )
    this.add(item)
    if (notice.alert && !this.replaying) this.announce(notice.text)
    return item
  }

  /** A titled list (`/who`, `/help`): each row's cells in a line. */
  block(title: string, rows: Child[][]): void {
    this.add(
      h(
        'li',
        { class: 'block' },
        h('p', { class: 'block-title' }, title),
        h('ul', {}, ...rows.map((cells) => h('li', {}, ...cells)))
      )
    )
  }

  /** Any other line (a file transfer's item, which updates itself). */
  add(item: HTMLLIElement): void {
    const atEnd = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < STICKY_PX
    this.list.append(item)
    if (atEnd) this.list.scrollTop = this.list.scrollHeight
  }

  /** A line for screen readers; older ones go, so the region never grows. */
  announce(text: string): void {
    this.live.append(h('p', {}, safeText(text)))
    while (this.live.childElementCount > LIVE_LINES) this.live.firstElementChild?.remove()
  }

  private messageItem(from: string, text: string, ts: number, own: boolean): HTMLLIElement {
    return h(
      'li',
      { class: own ? 'msg own' : 'msg' },
      this.time(ts),
      this.paint.nick(from),
      own ? h('span', { class: 'visually-hidden' }, ' (you)') : null,
      h('span', { class: 'text' }, safeText(text))
    )
  }

  /**
   * A line's time: a message's own, a notice's arrival (`undefined`). A replayed notice has no time of its own
   * (events carry none), so it shows none rather than the time of the replay.
   */
  time(ts: number | undefined): HTMLElement {
    const at = ts ?? (this.replaying ? undefined : Date.now())
    if (at === undefined) return h('span', { class: 'time' })
    return h('time', { class: 'time', datetime: new Date(at).toISOString() }, clock(at))
  }
}
