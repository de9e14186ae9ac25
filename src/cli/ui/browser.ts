/**
 * @module Opening the page in the person's browser: `$BROWSER` when set (`none` opens nothing), else
 * the system's opener (`xdg-open` on Linux and the BSDs, `open` on macOS). The browser is started
 * detached with no stdio, so it outlives nothing of ours and writes nothing into the room's log.
 */
import { spawn } from 'node:child_process'
import { log } from '../io.js'

/** The command and arguments that open `url`, or undefined when nothing is to be opened. */
export function browserCommand(
  url: string,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform
): string[] | undefined {
  const chosen = env['BROWSER']?.trim()
  if (chosen === 'none') return undefined
  if (chosen !== undefined && chosen !== '') {
    // The convention: a list of commands split by ':', each maybe with %s for the URL. The first is used.
    const first = chosen.split(':')[0]?.trim() ?? ''
    const words = first.split(/\s+/).filter((w) => w !== '')
    if (words.length === 0) return undefined
    return words.some((w) => w.includes('%s')) ? words.map((w) => w.replaceAll('%s', url)) : [...words, url]
  }
  if (platform === 'darwin') return ['open', url]
  if (platform === 'win32') return ['explorer.exe', url]
  return ['xdg-open', url]
}

/**
 * Starts the browser on `url` and returns at once. A failure (no opener installed) is only logged:
 * the link is printed anyway. The URL is never logged, the command's name only.
 */
export function openBrowser(url: string, env: Record<string, string | undefined>): void {
  const command = browserCommand(url, env)
  if (command === undefined) {
    log('BROWSER=none: not opening a browser')
    return
  }
  const [program, ...args] = command as [string, ...string[]]
  log('opening the page with %s', program)
  try {
    const child = spawn(program, args, { detached: true, stdio: 'ignore' })
    child.on('error', (err) => log('could not open a browser with %s: %s', program, err.message))
    child.unref()
  } catch (err) {
    log('could not open a browser with %s: %s', program, (err as Error).message)
  }
}
