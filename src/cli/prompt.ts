/**
 * The interactive terminal: one node:readline interface for the whole run, so prompts (some with
 * hidden input) and the chat's input line share it and nothing typed ahead is lost. Lines printed
 * while the person types appear above the input line, which is then redrawn as it was.
 */
import { clearScreenDown, createInterface, cursorTo, type Interface, moveCursor } from 'node:readline'
import { Writable } from 'node:stream'
import { stripVTControlCharacters } from 'node:util'
import { CancelledError } from './exit-codes.js'

export interface TerminalStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean; readableEnded?: boolean }
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
}

/** Passes readline's writes on to the real output, or swallows them while a secret is typed. */
class MutableOutput extends Writable {
  muted = false
  private readonly target: TerminalStreams['output']

  constructor(target: TerminalStreams['output']) {
    super()
    this.target = target
    if ('on' in target && typeof target.on === 'function') {
      target.on('resize', () => this.emit('resize'))
    }
  }

  get columns(): number | undefined {
    return this.target.columns
  }

  get isTTY(): boolean {
    return this.target.isTTY === true
  }

  override _write(
    chunk: Buffer | string,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void
  ): void {
    if (this.muted) {
      callback()
      return
    }
    if (typeof chunk === 'string') this.target.write(chunk, encoding)
    else this.target.write(chunk)
    callback()
  }
}

type Waiter = { resolve: (line: string) => void; reject: (err: Error) => void }

export class Terminal {
  /** True when both ends are a terminal: line editing, hidden input, redrawn input line. */
  readonly interactive: boolean
  private readonly output: TerminalStreams['output']
  private readonly sink: MutableOutput
  private readonly rl: Interface
  private readonly queued: string[] = []
  private waiter: Waiter | undefined
  private lineHandler: ((line: string) => void) | undefined
  private interruptHandler: (() => void) | undefined
  private endHandler: (() => void) | undefined
  private ended = false
  private closing = false
  /** The line being asked for stays out of the input history (the up arrow must not recall it). */
  private forgetting = false
  private chatPrompt = '> '
  /** One line kept just above the input line (transfers' progress), or none. */
  private status: string | undefined
  /** Whether the status line is on the screen now, one row above the input line. */
  private statusShown = false

  constructor(streams: TerminalStreams) {
    this.output = streams.output
    this.interactive = streams.input.isTTY === true && streams.output.isTTY === true
    this.sink = new MutableOutput(streams.output)
    this.rl = createInterface({
      input: streams.input,
      output: this.sink,
      terminal: this.interactive,
      historySize: 200,
      crlfDelay: Number.POSITIVE_INFINITY
    })
    this.rl.on('line', (line) => this.onLine(line))
    // A secret typed at a prompt must not be recalled with the up arrow (and sent to the room).
    this.rl.on('history', (history) => {
      if (this.forgetting) history.shift()
    })
    this.rl.on('SIGINT', () => this.interrupt())
    this.rl.on('close', () => {
      this.ended = true
      this.waiter?.reject(new CancelledError('input ended'))
      this.waiter = undefined
      if (this.closing) return
      // Ctrl-D leaves the cursor after the prompt: what follows goes on a line of its own.
      if (this.interactive) this.output.write('\n')
      this.endHandler?.()
    })
    // Input that ended before this reader came (stdin read to its end for the invitation) never
    // closes readline: without this, a prompt would wait for ever.
    if (streams.input.readableEnded === true) this.ended = true
  }

  get columns(): number {
    return this.output.columns ?? 80
  }

  /**
   * Asks for one line. `hidden` echoes nothing (the answer to the security question); `forget` keeps
   * the line out of the input history (a hidden one never enters it). Rejects with `CancelledError`
   * on Ctrl-C or the end of input.
   */
  async ask(prompt: string, options: { hidden?: boolean; forget?: boolean } = {}): Promise<string> {
    const hidden = options.hidden === true
    const queued = this.queued.shift()
    if (queued !== undefined) {
      this.output.write(`${prompt}\n`)
      return queued
    }
    if (this.ended) throw new CancelledError('input ended')
    const answer = new Promise<string>((resolve, reject) => {
      this.waiter = { resolve, reject }
    })
    this.rl.setPrompt(prompt)
    this.rl.prompt()
    this.sink.muted = hidden
    this.forgetting = hidden || options.forget === true
    try {
      return await answer
    } finally {
      this.sink.muted = false
      this.forgetting = false
      // Muted, readline's own newline after Enter was swallowed; without a terminal it never writes one.
      if (hidden || !this.interactive) this.output.write('\n')
      this.rl.setPrompt(this.chatPrompt)
    }
  }

  /** Takes every line typed from now on (after the prompts) for the chat. */
  onInput(handler: (line: string) => void): void {
    this.lineHandler = handler
    for (let line = this.queued.shift(); line !== undefined; line = this.queued.shift()) handler(line)
  }

  /** Ctrl-C at the chat prompt (a terminal delivers it as a key, not a signal). */
  onInterrupt(handler: () => void): void {
    this.interruptHandler = handler
  }

  /** Ctrl-D on an empty line, or the end of piped input. */
  onEnd(handler: () => void): void {
    this.endHandler = handler
    if (this.ended) handler()
  }

  /** Shows the chat's input line; `prompt` may change later (the host's countdown). */
  showPrompt(prompt: string): void {
    this.chatPrompt = prompt
    this.rl.setPrompt(prompt)
    if (this.interactive) this.rl.prompt(true)
  }

  /** Replaces the prompt in place, keeping what is typed and where the cursor is. */
  updatePrompt(prompt: string): void {
    if (prompt === this.chatPrompt) return
    this.chatPrompt = prompt
    if (this.waiter !== undefined) return
    this.rl.setPrompt(prompt)
    if (this.interactive && !this.ended) this.rl.prompt(true)
  }

  /** Draws the input line again (after Enter on an empty line, readline leaves none). */
  refresh(): void {
    if (this.interactive && !this.ended && this.waiter === undefined) this.redraw('')
  }

  /** Prints lines above the input line, which is redrawn below them with what was typed. */
  print(text: string): void {
    if (!this.interactive || this.ended || this.waiter !== undefined) {
      this.output.write(`${text}\n`)
      return
    }
    this.redraw(`${text}\n`)
  }

  /**
   * Keeps `text` as one line just above the input line, redrawn in place at each call; undefined
   * removes it. It must fit in one row (`columns`). Only on a terminal: piped output has no place
   * that can be redrawn.
   */
  setStatus(text: string | undefined): void {
    if (text === this.status) return
    this.status = text
    if (this.interactive && !this.ended && this.waiter === undefined) this.redraw('')
  }

  /**
   * Clears the status line and the input line, writes `above`, then the status line and the input
   * line again with what was typed.
   */
  private redraw(above: string): void {
    const { rows } = this.rl.getCursorPos()
    moveCursor(this.output, 0, -rows - (this.statusShown ? 1 : 0))
    cursorTo(this.output, 0)
    clearScreenDown(this.output)
    this.statusShown = this.status !== undefined
    const status = this.status === undefined ? '' : `${this.status}\n`
    // readline redraws from `rows` lines above the cursor: leave it that many blank lines to climb.
    this.output.write(`${above}${status}${'\n'.repeat(rows)}`)
    this.rl.prompt(true)
  }

  /**
   * Removes the line just entered (prompt and text), so the chat can print it again in its own
   * format. Only on a terminal, where readline echoed it.
   */
  eraseEntered(line: string): void {
    if (!this.interactive) return
    const width = stripVTControlCharacters(this.chatPrompt + line).length
    const rows = Math.max(1, Math.ceil(width / Math.max(1, this.columns)))
    moveCursor(this.output, 0, -rows - (this.statusShown ? 1 : 0))
    cursorTo(this.output, 0)
    clearScreenDown(this.output)
    // Gone with it; the next print or refresh draws it again below what is printed.
    this.statusShown = false
  }

  /** Ends input; on a terminal the input line is erased, so the screen ends with the last output. */
  close(): void {
    if (this.ended) return
    this.closing = true
    if (this.interactive && this.waiter === undefined) {
      const { rows } = this.rl.getCursorPos()
      moveCursor(this.output, 0, -rows - (this.statusShown ? 1 : 0))
      cursorTo(this.output, 0)
      clearScreenDown(this.output)
    }
    this.rl.close()
  }

  private onLine(line: string): void {
    const waiter = this.waiter
    if (waiter !== undefined) {
      this.waiter = undefined
      waiter.resolve(line)
      return
    }
    if (this.lineHandler !== undefined) this.lineHandler(line)
    else this.queued.push(line)
  }

  private interrupt(): void {
    const waiter = this.waiter
    if (waiter !== undefined) {
      this.waiter = undefined
      waiter.reject(new CancelledError('cancelled'))
      return
    }
    if (this.interruptHandler !== undefined) {
      this.interruptHandler()
      return
    }
    // Nothing is listening (connecting, say): behave as Ctrl-C does without readline.
    this.close()
    process.kill(process.pid, 'SIGINT')
  }
}
