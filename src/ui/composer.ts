/**
 * @module Typing: a message box where Enter sends and Shift+Enter breaks the line (as do chat
 * apps), growing with its text; "Send file" and dropping files on the chat hand files over.
 * A line that cannot be sent (no socket) stays in the box.
 */
import { byId } from './dom.js'

/** The box grows to this many lines, then scrolls. */
const MAX_ROWS = 8

export interface ComposerHandlers {
  /** Sends a line; false when it could not go (it then stays in the box). */
  line(text: string): boolean
  file(file: File): void
}

export class Composer {
  private readonly form = byId<HTMLFormElement>('composer')
  private readonly text = byId<HTMLTextAreaElement>('composer-text')
  private readonly status = byId<HTMLElement>('composer-status')
  private readonly fileInput = byId<HTMLInputElement>('file-input')
  private readonly handlers: ComposerHandlers

  constructor(handlers: ComposerHandlers, dropZone: HTMLElement) {
    this.handlers = handlers
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      this.submit()
    })
    this.text.addEventListener('keydown', (event) => {
      // Not while an input method composes (Enter then picks a candidate).
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault()
        this.submit()
      }
    })
    this.text.addEventListener('input', () => this.fit())
    byId<HTMLButtonElement>('file-button').addEventListener('click', () => this.fileInput.click())
    this.fileInput.addEventListener('change', () => {
      for (const file of this.fileInput.files ?? []) handlers.file(file)
      this.fileInput.value = ''
    })
    this.watchDrops(dropZone)
  }

  /** Closed or relay-only: the box says why instead of taking text. */
  setEnabled(enabled: boolean, why = ''): void {
    this.text.disabled = !enabled
    for (const b of this.form.querySelectorAll('button')) b.disabled = !enabled
    this.status.textContent = why
  }

  focus(): void {
    this.text.focus()
  }

  private submit(): void {
    const value = this.text.value
    if (value.trim() === '') return
    if (!this.handlers.line(value)) {
      this.status.textContent = 'Not connected to the securechat process; the text is kept.'
      return
    }
    this.status.textContent = ''
    this.text.value = ''
    this.fit()
  }

  private fit(): void {
    const lines = this.text.value.split('\n').length
    this.text.rows = Math.min(MAX_ROWS, Math.max(1, lines))
  }

  private watchDrops(zone: HTMLElement): void {
    const carriesFiles = (event: DragEvent): boolean => event.dataTransfer?.types.includes('Files') === true
    let depth = 0
    zone.addEventListener('dragenter', (event) => {
      if (!carriesFiles(event) || this.text.disabled) return
      depth++
      zone.classList.add('dropping')
    })
    zone.addEventListener('dragover', (event) => {
      if (!carriesFiles(event) || this.text.disabled) return
      // Without this the browser would open the file in place of the page.
      event.preventDefault()
      if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'copy'
    })
    zone.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1)
      if (depth === 0) zone.classList.remove('dropping')
    })
    zone.addEventListener('drop', (event) => {
      depth = 0
      zone.classList.remove('dropping')
      if (!carriesFiles(event) || this.text.disabled) return
      event.preventDefault()
      for (const file of event.dataTransfer?.files ?? []) this.handlers.file(file)
    })
  }
}
