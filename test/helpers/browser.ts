/**
 * A real browser for the `--ui` tests: Debian's chromium driven by playwright-core, which downloads
 * none. One browser per test file; each page in its own context (its own cookies), watched for
 * script errors and CSP violations, which fail the test that made them.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Why the browser tests skip, or false when they run. */
export const NO_BROWSER: string | false = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does) to run the page's tests`

/** Where the screenshots go: test-output/ui/ at the root of the repository. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-output/ui/', import.meta.url))

export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 390, height: 844 }

/** A name the browser resolves to 127.0.0.1, as a DNS-rebinding attacker's name would. */
export const REBIND_NAME = 'rebinding.test'

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [`--host-resolver-rules=MAP ${REBIND_NAME} 127.0.0.1`]
  })
}

/** A page of the process and what went wrong in it. */
export interface UiPage {
  page: Page
  context: BrowserContext
  /** Uncaught errors, console errors (a CSP violation is one) and dialogs (alert() ran). */
  problems: string[]
}

/**
 * Opens `url` (the process's one-time link) in a new context and waits for the page's script to
 * have connected (the loading line gone).
 */
export async function openUi(
  browser: Browser,
  url: string,
  options: {
    viewport?: { width: number; height: number }
    colorScheme?: 'light' | 'dark'
    /** Runs on the new context before the page opens (permissions, init scripts). */
    prepare?: (context: BrowserContext) => Promise<void>
  } = {}
): Promise<UiPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light'
  })
  await options.prepare?.(context)
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
  })
  page.on('dialog', (dialog) => {
    problems.push(`a dialog opened: ${dialog.type()} ${dialog.message()}`)
    void dialog.dismiss()
  })
  await page.goto(url)
  await page.locator('#loading').waitFor({ state: 'hidden' })
  return { page, context, problems }
}

/** The chat's messages in the order shown: nickname, text, room seq (absent while waiting). */
export function shownMessages(page: Page): Promise<Array<{ nick: string; text: string; seq?: number }>> {
  return page.$$eval('#log li.msg', (items) =>
    items.map((item) => {
      const seq = (item as HTMLElement).dataset['seq']
      return {
        nick: item.querySelector('.nick')?.textContent ?? '',
        text: item.querySelector('.text')?.textContent ?? '',
        ...(seq === undefined ? {} : { seq: Number(seq) })
      }
    })
  )
}

/** Waits until a line of the chat holds `text`. */
export async function logShows(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('#log > li').filter({ hasText: text }).first().waitFor()
}

/** Types `text` into the message box with the keyboard (Shift+Enter for its line breaks) and sends it. */
export async function typeMessage(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Message', { exact: true })
  await box.focus()
  const lines = text.split('\n')
  for (const [i, line] of lines.entries()) {
    if (i > 0) await page.keyboard.press('Shift+Enter')
    await page.keyboard.type(line)
  }
  await page.keyboard.press('Enter')
}

/**
 * Makes the page believe its tab is hidden (or shown again), as a tab behind another would: the
 * `document.hidden` and `visibilityState` the page reads, and the `visibilitychange` event.
 */
export async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden })
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (hidden ? 'hidden' : 'visible')
    })
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

/**
 * An init script: a stand-in `window.Notification`, permission granted, that records each
 * notification made (`window.__notifications`) instead of showing it.
 */
export function recordNotifications(): void {
  const made: Array<{ title: string; body?: string; tag?: string }> = []
  class Recorded extends EventTarget {
    static readonly permission = 'granted'
    static requestPermission(): Promise<string> {
      return Promise.resolve('granted')
    }
    constructor(title: string, options: { body?: string; tag?: string } = {}) {
      super()
      made.push({ title, ...options })
    }
    close(): void {}
  }
  Object.defineProperty(window, 'Notification', { configurable: true, writable: true, value: Recorded })
  Object.defineProperty(window, '__notifications', { value: made })
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = `${SCREENSHOTS}${name}.png`
  await page.screenshot({ path, fullPage: false })
  return path
}
