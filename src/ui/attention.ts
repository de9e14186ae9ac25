/**
 * @module Getting the reader's attention while the tab is hidden: the count of unread messages in
 * the tab's title, and a desktop notification when the reader allowed them. Nothing happens while
 * the page is in view.
 */
import { unreadTitle } from './text.js'

/** A notification's body is cut here: it is a nudge, the chat has the whole message. */
const BODY_CHARS = 160

export class Attention {
  private base = 'securechat'
  private unread = 0
  private readonly button: HTMLButtonElement

  /** `button` offers to turn notifications on; it shows only while the browser has not been asked. */
  constructor(button: HTMLButtonElement) {
    this.button = button
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) this.seen()
    })
    button.addEventListener('click', () => {
      void Notification.requestPermission().finally(() => this.updateButton())
    })
    this.updateButton()
  }

  /** The title without the count: "securechat — alice in team". */
  setTitle(title: string): void {
    this.base = title
    document.title = unreadTitle(this.base, this.unread)
  }

  /** A message from someone else arrived live (not in a replay). */
  message(from: string, text: string): void {
    if (!document.hidden) return
    this.unread++
    document.title = unreadTitle(this.base, this.unread)
    if (!('Notification' in window) || Notification.permission !== 'granted') return
    const body = text.length > BODY_CHARS ? `${text.slice(0, BODY_CHARS)}…` : text
    // One notification per room at a time: a burst of messages replaces rather than piles up.
    const notification = new Notification(from, { body, tag: 'securechat-message' })
    notification.addEventListener('click', () => {
      window.focus()
      notification.close()
    })
  }

  private seen(): void {
    this.unread = 0
    document.title = this.base
  }

  private updateButton(): void {
    this.button.hidden = !('Notification' in window) || Notification.permission !== 'default'
  }
}
