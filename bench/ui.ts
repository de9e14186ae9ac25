/**
 * The page of `--ui` (issue 14's figures): the bundle's size, raw and gzip; the time from spawning
 * `securechat p2p host --json --ui --no-open` (the real CLI) to the page's first contentful paint in
 * Debian's chromium (playwright-core, no browser downloaded); and a message's latency from one page to
 * another through the room (host page → host process → joiner process → joiner page), beside the
 * terminal clients' figure (a line on one `--json` process's stdin → its `message` event on the
 * other's stdout). About 15 s (the quick run: about 8 s). Without the built page or chromium the
 * figures that need them are null and `why` says so.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { Browser, Page } from 'playwright-core'
import { now } from './ipc.js'
import type { Bench } from './plan.js'
import { percentile, round } from './stats.js'

const CHROMIUM = '/usr/bin/chromium'
const BIN = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url))
const UI_DIR = fileURLToPath(new URL('../ui/', import.meta.url))
const QUESTION = 'Which river runs past the office?'
const ANSWER = 'The Thames'
const WAIT_MS = 30_000

export interface UiBundle {
  app_js_bytes: number
  app_js_gzip_bytes: number
  app_css_bytes: number
  app_css_gzip_bytes: number
  index_html_bytes: number
}

export interface UiResult {
  /** Why some figures are null (no built page, no chromium), or null when all were measured. */
  why: string | null
  bundle: UiBundle | null
  first_paint: {
    runs: number
    /** Spawn of the process → its `ui` event (the link) on stdout. */
    link_p50_ms: number | null
    /** Spawn → first-contentful-paint of the page opened from that link. */
    fcp_p50_ms: number | null
    /** Spawn → the page connected to the process (its loading line gone): the room shown. */
    ready_p50_ms: number | null
  }
  latency: {
    messages: number
    /** Host page's Enter → the text in the joiner page's chat. */
    page_p50_ms: number | null
    page_p95_ms: number | null
    /** A line on the host's stdin → the joiner's `message` event on stdout (both `--json`). */
    terminal_p50_ms: number | null
    terminal_p95_ms: number | null
  }
}

type Event = { type: string } & Record<string, unknown>

/** One `securechat` process in a temporary HOME, its --json events collected. */
class Cli {
  readonly events: Event[] = []
  readonly child: ChildProcess
  private partial = ''
  private readonly waiters = new Set<() => void>()

  constructor(home: string, args: string[]) {
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && key !== 'DEBUG' && !key.startsWith('SECURECHAT_')) env[key] = value
    }
    Object.assign(env, { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), BROWSER: 'none' })
    this.child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    this.child.stdout?.setEncoding('utf8')
    this.child.stdout?.on('data', (chunk: string) => {
      const lines = (this.partial + chunk).split('\n')
      this.partial = lines.pop() ?? ''
      for (const line of lines) {
        try {
          this.events.push({ ...(JSON.parse(line) as Event), at: now() })
        } catch {
          // not an event
        }
      }
      for (const w of [...this.waiters]) w()
    })
    this.child.stderr?.resume()
    this.child.on('exit', () => {
      for (const w of [...this.waiters]) w()
    })
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`)
  }

  event(type: string, predicate: (e: Event) => boolean = () => true): Promise<Event> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.events.find((e) => e.type === type && predicate(e))
        if (found !== undefined) {
          done()
          resolve(found)
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          done()
          reject(new Error(`securechat ended before a "${type}" event`))
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`no "${type}" event within ${WAIT_MS} ms`))
      }, WAIT_MS)
      const done = (): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
      check()
    })
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
  }
}

/** A temporary HOME with the answer in a file, and the processes started in it. */
class Home {
  readonly dir = mkdtempSync(join(tmpdir(), 'securechat-bench-ui-'))
  readonly answerFile = join(this.dir, 'answer.txt')
  private readonly started: Cli[] = []

  constructor() {
    writeFileSync(this.answerFile, `${ANSWER}\n`, { mode: 0o600 })
  }

  host(extra: string[]): Cli {
    return this.run([
      'p2p',
      'host',
      '--no-mdns',
      '--no-upnp',
      '--json',
      '--question',
      QUESTION,
      '--answer-file',
      this.answerFile,
      '--nick',
      'host',
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      ...extra
    ])
  }

  join(invitation: string, code: string, nick: string, extra: string[]): Cli {
    return this.run([
      'p2p',
      'join',
      invitation,
      '--no-mdns',
      '--no-upnp',
      '--json',
      '--answer-file',
      this.answerFile,
      '--code',
      code,
      '--nick',
      nick,
      ...extra
    ])
  }

  cleanup(): void {
    for (const c of this.started) c.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }

  private run(args: string[]): Cli {
    const cli = new Cli(this.dir, args)
    this.started.push(cli)
    return cli
  }
}

/** The host's current room code (the last `code` event not about to expire). */
async function currentCode(host: Cli): Promise<string> {
  const event = await host.event('code', (e) => {
    const codes = host.events.filter((c) => c.type === 'code')
    return e === codes[codes.length - 1] && (e['expiresAt'] as number) > Date.now() + 2_000
  })
  return event['code'] as string
}

function bundleSize(): UiBundle | null {
  const file = (name: string) => join(UI_DIR, name)
  if (!['app.js', 'app.css', 'index.html'].every((n) => existsSync(file(n)))) return null
  const js = readFileSync(file('app.js'))
  const css = readFileSync(file('app.css'))
  return {
    app_js_bytes: js.length,
    app_js_gzip_bytes: gzipSync(js).length,
    app_css_bytes: css.length,
    app_css_gzip_bytes: gzipSync(css).length,
    index_html_bytes: readFileSync(file('index.html')).length
  }
}

async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  page.setDefaultTimeout(WAIT_MS)
  await page.goto(url)
  await page.locator('#loading').waitFor({ state: 'hidden' })
  return page
}

/** One host started with --ui: spawn → link, → first contentful paint, → the page connected. */
async function firstPaint(browser: Browser): Promise<{ link: number; fcp: number; ready: number }> {
  const home = new Home()
  try {
    const started = now()
    const host = home.host(['--ui', '--no-open'])
    const ui = await host.event('ui')
    const page = await openPage(browser, ui['url'] as string)
    const ready = now()
    const fcp = await page.evaluate(async () => {
      const entry = (): PerformanceEntry | undefined =>
        performance.getEntriesByName('first-contentful-paint')[0]
      for (let i = 0; i < 100 && entry() === undefined; i++) await new Promise((r) => setTimeout(r, 20))
      const e = entry()
      return e === undefined ? null : performance.timeOrigin + e.startTime
    })
    await page.context().close()
    return {
      link: (ui['at'] as number) - started,
      fcp: fcp === null ? Number.NaN : fcp - started,
      ready: ready - started
    }
  } finally {
    home.cleanup()
  }
}

/** `n` messages, one at a time, from the host's page to the joiner's page; ms each. */
async function pageLatency(browser: Browser, n: number): Promise<number[]> {
  const home = new Home()
  try {
    const host = home.host(['--ui', '--no-open'])
    const hostUrl = (await host.event('ui'))['url'] as string
    const invitation = (await host.event('invitation'))['invitation'] as string
    const joiner = home.join(invitation, await currentCode(host), 'bob', ['--ui', '--no-open'])
    const joinerUrl = (await joiner.event('ui'))['url'] as string
    await joiner.event('joined')
    const sender = await openPage(browser, hostUrl)
    const receiver = await openPage(browser, joinerUrl)
    await receiver.locator('#room-view').waitFor()
    // Both pages stamp with the same wall clock (timeOrigin + now): the sender on Enter, the
    // receiver as the message's line is added to its chat.
    await sender.evaluate(() => {
      const w = window as unknown as { __sentAt: number[] }
      w.__sentAt = []
      document.getElementById('composer-text')?.addEventListener(
        'keydown',
        (event) => {
          if (event.key === 'Enter' && !event.shiftKey)
            w.__sentAt.push(performance.timeOrigin + performance.now())
        },
        { capture: true }
      )
    })
    await receiver.evaluate(() => {
      const w = window as unknown as { __shownAt: Record<string, number> }
      w.__shownAt = {}
      const log = document.getElementById('log') as HTMLElement
      new MutationObserver(() => {
        const at = performance.timeOrigin + performance.now()
        for (const text of log.querySelectorAll('li.msg .text')) {
          const t = text.textContent ?? ''
          if (/^bench \d+$/.test(t) && w.__shownAt[t] === undefined) w.__shownAt[t] = at
        }
      }).observe(log, { childList: true, subtree: true, characterData: true })
    })
    const box = sender.locator('#composer-text')
    const ms: number[] = []
    for (let i = 0; i < n; i++) {
      const text = `bench ${i}`
      await box.fill(text)
      await box.press('Enter')
      await receiver.waitForFunction(
        (t) => (window as unknown as { __shownAt: Record<string, number> }).__shownAt[t] !== undefined,
        text
      )
      const shown = await receiver.evaluate(
        (t) => (window as unknown as { __shownAt: Record<string, number> }).__shownAt[t] as number,
        text
      )
      const sent = await sender.evaluate(
        (k) => (window as unknown as { __sentAt: number[] }).__sentAt[k] as number,
        i
      )
      ms.push(shown - sent)
    }
    await sender.context().close()
    await receiver.context().close()
    return ms
  } finally {
    home.cleanup()
  }
}

/** The same `n` messages between two `--json` processes: a line on the host's stdin → bob's event. */
async function terminalLatency(n: number): Promise<number[]> {
  const home = new Home()
  try {
    const host = home.host([])
    const invitation = (await host.event('invitation'))['invitation'] as string
    const joiner = home.join(invitation, await currentCode(host), 'bob', [])
    await joiner.event('joined')
    await host.event('member-joined')
    const ms: number[] = []
    for (let i = 0; i < n; i++) {
      const text = `bench ${i}`
      const sent = now()
      host.send(text)
      const got = await joiner.event('message', (e) => e['text'] === text)
      ms.push((got['at'] as number) - sent)
    }
    return ms
  } finally {
    home.cleanup()
  }
}

const r1 = (v: number) => round(v, 1)

export async function measureUi(bench: Bench, runs: number, messages: number): Promise<UiResult> {
  const bundle = bundleSize()
  const result: UiResult = {
    why: null,
    bundle,
    first_paint: { runs: 0, link_p50_ms: null, fcp_p50_ms: null, ready_p50_ms: null },
    latency: { messages, page_p50_ms: null, page_p95_ms: null, terminal_p50_ms: null, terminal_p95_ms: null }
  }
  const terminal = await terminalLatency(messages)
  result.latency.terminal_p50_ms = r1(percentile(terminal, 50))
  result.latency.terminal_p95_ms = r1(percentile(terminal, 95))
  if (bundle === null) result.why = `the page is not built (no ${UI_DIR}app.js): npm run build makes it`
  else if (!existsSync(CHROMIUM)) result.why = `${CHROMIUM} is missing (apt-get install chromium)`
  if (result.why !== null) {
    bench.log(`ui: ${result.why}`)
    return result
  }
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true })
  try {
    const paints: Array<{ link: number; fcp: number; ready: number }> = []
    for (let i = 0; i < runs; i++) paints.push(await firstPaint(browser))
    const p50 = (pick: (p: (typeof paints)[number]) => number) =>
      r1(percentile(paints.map(pick).filter(Number.isFinite), 50))
    result.first_paint = {
      runs,
      link_p50_ms: p50((p) => p.link),
      fcp_p50_ms: p50((p) => p.fcp),
      ready_p50_ms: p50((p) => p.ready)
    }
    const page = await pageLatency(browser, messages)
    result.latency.page_p50_ms = r1(percentile(page, 50))
    result.latency.page_p95_ms = r1(percentile(page, 95))
  } finally {
    await browser.close()
  }
  bench.log(
    `ui: app.js ${bundle?.app_js_gzip_bytes} B gzip; start → first paint p50 ${result.first_paint.fcp_p50_ms} ms; ` +
      `page → page p50 ${result.latency.page_p50_ms} ms (terminal ${result.latency.terminal_p50_ms} ms)`
  )
  return result
}
