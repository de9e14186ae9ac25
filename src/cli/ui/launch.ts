/**
 * @module Opening the page for a command run with `--ui`: the server started, its link told (the
 * `ui` event first in `--json` mode, plain lines otherwise), the browser opened unless told not to.
 */
import { createInterface, type Interface } from 'node:readline'
import { type Io, log, writeJson } from '../io.js'
import { classify } from '../program.js'
import { openBrowser } from './browser.js'
import type { UiMode } from './page-messages.js'
import { UiServer } from './server.js'

export interface PageOptions {
  json: boolean
  /** False with `--no-open`. */
  open: boolean
  mode: UiMode
  maxUploadBytes: number
}

/**
 * The page of one command: opened when first needed (a host asks its secrets in the terminal first,
 * so the browser does not take the focus while a hidden answer is typed), closed by whoever opened it.
 */
export class PageLauncher {
  private readonly io: Io
  private readonly options: PageOptions
  private server: UiServer | undefined
  private readonly owned: boolean
  private links: Interface | undefined

  /** `existing`: the start page's server, which a host or join started from it goes on with. */
  constructor(io: Io, options: PageOptions, existing?: UiServer) {
    this.io = io
    this.options = options
    this.server = existing
    this.owned = existing === undefined
  }

  /** The server, started and announced on first use. */
  async open(): Promise<UiServer> {
    if (this.server !== undefined) return this.server
    const server = await UiServer.start({
      mode: this.options.mode,
      maxUploadBytes: this.options.maxUploadBytes
    })
    this.server = server
    announce(this.io, server, this.options)
    if (!this.options.json) this.links = offerNewLinks(this.io, server)
    return server
  }

  /** Tells the page why the command failed (when the page is this launcher's own). */
  failed(err: unknown): void {
    if (!this.owned || this.server === undefined) return
    const failure = classify(err)
    this.server.publish({
      type: 'error',
      code: failure.code,
      message: failure.message.split('\n')[0] ?? '',
      ...failure.extra
    })
  }

  /** Closes the server if this launcher started it. */
  async close(): Promise<void> {
    this.links?.close()
    if (this.owned) await this.server?.close()
  }
}

/**
 * The page of `p2p host` or `p2p join`: with `--ui`, or when started from the start page (whose
 * server it goes on with); undefined without either.
 */
export function pageLauncher(
  io: Io,
  flags: { json?: boolean; ui?: boolean; open?: boolean },
  mode: UiMode,
  maxUploadBytes: number,
  existing: UiServer | undefined
): PageLauncher | undefined {
  if (flags.ui !== true && existing === undefined) return undefined
  const options = { json: flags.json === true, open: flags.open !== false, mode, maxUploadBytes }
  return new PageLauncher(io, options, existing)
}

/** Runs `work` with the page; a failure is told to the page before it closes. */
export async function withPage<T>(launcher: PageLauncher, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    launcher.failed(err)
    throw err
  } finally {
    await launcher.close()
  }
}

/**
 * Says where the page is: in `--json` mode the `ui` event (the first line of stdout, as scripts
 * expect), else the link on a line of its own, for when no browser opens. Then opens the browser,
 * except in `--json` mode or with `--no-open` (or `BROWSER=none`).
 */
export function announce(io: Io, server: UiServer, options: Pick<PageOptions, 'json' | 'open'>): void {
  const url = server.link()
  if (options.json) {
    writeJson(io, { type: 'ui', url })
    return
  }
  io.stdout.write(
    'The page, in your browser (the link opens it once, in one browser; press Enter here for a new link):\n' +
      `${url}\n` +
      'Ctrl-C here leaves the room; closing the tab does not.\n'
  )
  if (options.open) openBrowser(url, io.env)
  else log('--no-open: not opening a browser')
}

/**
 * Without `--json`, stdin is not the room's: Enter there prints a new one-time link (for another
 * browser, or after the first was spent), which the pages already open do not need.
 */
function offerNewLinks(io: Io, server: UiServer): Interface {
  const input = createInterface({ input: io.stdin, terminal: false })
  input.on('line', () => {
    io.stdout.write(`A new link (the previous one no longer opens the page):\n${server.newLink()}\n`)
  })
  return input
}
