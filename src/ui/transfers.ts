/**
 * @module Files on the page: a file dropped on the chat or picked with "Send file" is handed to the
 * process (`POST /upload`), which offers it to the room as `/send` would; each transfer then is one
 * line of the chat that updates in place from the events: Accept and Reject for an offer, a
 * progress bar and Cancel while it runs, and how it ended.
 */

import { formatEta, isFileEvent } from '../cli/file-view.js'
import { humanRate, humanSize } from '../cli/sizes.js'
import type { RoomEvent } from '../node/events.js'
import type { ChatLog } from './chat-log.js'
import { pageKey } from './connection.js'
import { button, h } from './dom.js'
import type { NickPainter } from './nicks.js'
import type { MessageOf, ProcessMessage } from './protocol.js'
import { safeText } from './text.js'

export type FileMessage = MessageOf<
  'file-offer' | 'file-offered' | 'progress' | 'file-received' | 'file-sent' | 'file-failed'
>

/** The file events, as the chat screen tells them apart. */
export function isFileMessage(message: ProcessMessage): message is FileMessage {
  return isFileEvent(message as RoomEvent)
}

interface Item {
  name: string
  line: HTMLLIElement
  bar: HTMLProgressElement
  status: HTMLElement
  actions: HTMLElement
}

export class Transfers {
  private readonly log: ChatLog
  private readonly paint: NickPainter
  private readonly send: (line: string) => boolean
  private readonly items = new Map<number, Item>()

  constructor(log: ChatLog, paint: NickPainter, send: (line: string) => boolean) {
    this.log = log
    this.paint = paint
    this.send = send
  }

  reset(): void {
    this.items.clear()
  }

  show(event: FileMessage): void {
    switch (event.type) {
      case 'file-offer': {
        const item = this.item(event.id, event.name, [
          this.paint.nick(event.from),
          ` offers ${safeText(event.name)} (${humanSize(event.size)})`
        ])
        const accept = button('Accept', () => this.answer(event.id, 'accept'), {
          'aria-label': `Accept ${event.name} from ${event.from}`
        })
        const reject = button('Reject', () => this.answer(event.id, 'reject'), {
          'aria-label': `Reject ${event.name} from ${event.from}`
        })
        item.actions.replaceChildren(accept, ' ', reject)
        return
      }
      case 'file-offered': {
        const to = event.recipients.length === 0 ? 'nobody else is here' : `to ${event.recipients.join(', ')}`
        const item = this.item(event.id, event.name, [
          `you offered ${safeText(event.name)} (${humanSize(event.size)}) ${to}`
        ])
        this.running(event.id, item)
        return
      }
      case 'progress': {
        const item = this.items.get(event.id)
        if (item === undefined) return
        if (item.bar.hidden) this.running(event.id, item)
        item.bar.max = Math.max(1, event.size)
        item.bar.value = event.bytes
        const percent = event.size === 0 ? 100 : Math.floor((event.bytes / event.size) * 100)
        const rate = event.bytesPerSecond > 0 ? ` · ${humanRate(event.bytesPerSecond)}` : ''
        const eta = event.etaMs === undefined ? '' : ` · ${formatEta(event.etaMs)} left`
        item.status.textContent = `${event.direction === 'upload' ? 'uploading' : 'downloading'} ${percent}%${rate}${eta}`
        return
      }
      case 'file-sent':
        this.finished(event.id, `sent to ${event.recipients.join(', ') || 'nobody'}`)
        return
      case 'file-received':
        this.finished(event.id, `saved from ${event.from}: ${safeText(event.path)}`)
        return
      case 'file-failed': {
        const item = this.items.get(event.id)
        if (item === undefined) {
          this.log.notice({ icon: '!', text: `transfer ${event.id} failed: ${event.message}`, alert: true })
          return
        }
        this.finished(event.id, `failed: ${safeText(event.message)}`)
        item.line.classList.add('alert')
        if (!this.log.replaying) this.log.announce(`${item.name}: transfer failed: ${event.message}`)
      }
    }
  }

  /** `ok` of `/accept`, `/reject` or `/cancel`: the line says so at once. */
  answered(command: string, id: number): void {
    const item = this.items.get(id)
    if (item === undefined) return
    if (command === 'accept') {
      this.running(id, item)
      item.status.textContent = 'downloading…'
    } else if (command === 'reject') {
      this.finished(id, 'declined')
    } else if (command === 'cancel') {
      item.status.textContent = 'cancelling…'
    }
  }

  /** Hands a file to the process; the room's events follow if it goes out, an alert if not. */
  async upload(file: File): Promise<void> {
    const line = this.log.notice({
      icon: '⇡',
      text: `handing ${file.name} (${humanSize(file.size)}) to securechat…`,
      alert: false
    })
    let problem: string | undefined
    try {
      const response = await fetch(`/upload?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        body: file,
        credentials: 'same-origin',
        headers: { 'X-Securechat-Key': pageKey() }
      })
      if (!response.ok) problem = await refusal(response)
    } catch (err) {
      problem = (err as Error).message
    }
    if (problem === undefined) {
      line.remove()
      return
    }
    line.classList.add('alert')
    const text = line.querySelector('.text')
    if (text !== null) text.textContent = `could not send ${safeText(file.name)}: ${safeText(problem)}`
  }

  private answer(id: number, command: 'accept' | 'reject'): void {
    const item = this.items.get(id)
    if (!this.send(`/${command} ${id}`) || item === undefined) return
    for (const b of item.actions.querySelectorAll('button')) b.disabled = true
  }

  /** The line of transfer `id`, created with `words` if new. */
  private item(id: number, name: string, words: (Node | string)[]): Item {
    const known = this.items.get(id)
    if (known !== undefined) return known
    const bar = h('progress', { max: 1, value: 0, 'aria-label': `Progress of ${name}` })
    bar.hidden = true
    const status = h('span', { class: 'transfer-status' })
    const actions = h('span', { class: 'transfer-actions' })
    const line = h(
      'li',
      { class: 'notice transfer', 'data-transfer': id },
      this.log.time(undefined),
      h('span', { class: 'icon', 'aria-hidden': 'true' }, '⇅'),
      ' ',
      h('span', { class: 'text' }, ...words),
      ' ',
      bar,
      ' ',
      status,
      ' ',
      actions
    )
    const item = { name, line, bar, status, actions }
    this.items.set(id, item)
    this.log.add(line)
    return item
  }

  /** Under way: a bar and a Cancel button. */
  private running(id: number, item: Item): void {
    item.bar.hidden = false
    item.actions.replaceChildren(
      button('Cancel', () => this.send(`/cancel ${id}`), { 'aria-label': `Cancel ${item.name}` })
    )
  }

  private finished(id: number, words: string): void {
    const item = this.items.get(id)
    if (item === undefined) return
    item.bar.hidden = true
    item.actions.replaceChildren()
    item.status.textContent = words
  }
}

/** Why the process refused an upload: the `message` of its JSON answer, else the HTTP status. */
async function refusal(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown }
    if (typeof body.message === 'string' && body.message !== '') return body.message
  } catch {
    // Not JSON: a proxy or a very old process; the status says enough.
  }
  return `HTTP ${response.status}`
}
