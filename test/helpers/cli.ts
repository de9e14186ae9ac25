/**
 * Runs the real `securechat` binary (dist/src/cli/bin.js) as a child process, as a script or a person
 * would, and reads its --json events. Every wait is bounded and says what it waited for.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
export const QUESTION = 'Which river runs past the office?'
export const ANSWER = 'The Thames'
export const LOOPBACK = ['--listen', '/ip4/127.0.0.1/tcp/0']
/** Generous: a loaded 2-core CI machine runs several test files at once. A bound, not a timing check. */
const WAIT_MS = 60_000

export type JsonEvent = { type: string } & Record<string, unknown>

/** A fresh HOME and XDG_CONFIG_HOME, with the answer in a file; removed by `cleanup`. */
export class Sandbox {
  readonly dir: string
  readonly answerFile: string
  readonly wrongAnswerFile: string
  private readonly children: CliProcess[] = []

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'securechat-cli-'))
    this.answerFile = join(this.dir, 'answer.txt')
    this.wrongAnswerFile = join(this.dir, 'wrong-answer.txt')
    writeFileSync(this.answerFile, `${ANSWER}\n`, { mode: 0o600 })
    writeFileSync(this.wrongAnswerFile, 'The Seine\n', { mode: 0o600 })
  }

  get configHome(): string {
    return join(this.dir, 'config')
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && key !== 'DEBUG' && !key.startsWith('SECURECHAT_')) env[key] = value
    }
    return { ...env, HOME: this.dir, XDG_CONFIG_HOME: this.configHome, ...extra }
  }

  /**
   * Starts `securechat <args>`; the child is killed by `cleanup` if still running. `wrap` is a command
   * prefix that execs the rest (e.g. `ip netns exec <ns>`).
   */
  run(
    args: string[],
    options: { env?: Record<string, string>; wrap?: string[]; mdns?: boolean } = {}
  ): CliProcess {
    const child = new CliProcess(
      options.mdns === true ? args : withoutMdns(args),
      this.env(options.env),
      options.wrap ?? []
    )
    this.children.push(child)
    return child
  }

  /**
   * A host in --json mode with the standard question and answer file, on loopback unless `listen`
   * says otherwise (empty: the default listen addresses, e.g. inside a network namespace).
   */
  host(
    extra: string[] = [],
    options: { env?: Record<string, string>; wrap?: string[]; listen?: string[] } = {}
  ): CliProcess {
    const { listen = LOOPBACK, ...runOptions } = options
    return this.run(
      [
        'p2p',
        'host',
        '--json',
        '--question',
        QUESTION,
        '--answer-file',
        this.answerFile,
        '--nick',
        'host',
        ...listen,
        ...extra
      ],
      runOptions
    )
  }

  /** A joiner in --json mode with the right answer unless told otherwise. */
  /**
   * A joiner in --json mode with the right answer unless told otherwise. With `invitationFromEnv`
   * the invitation goes in SECURECHAT_INVITATION instead of the arguments.
   */
  join(
    invitation: string,
    code: string,
    nick: string,
    extra: string[] = [],
    options: { env?: Record<string, string>; wrap?: string[]; invitationFromEnv?: boolean } = {}
  ): CliProcess {
    const { invitationFromEnv = false, env = {}, ...runOptions } = options
    return this.run(
      [
        'p2p',
        'join',
        ...(invitationFromEnv ? [] : [invitation]),
        '--json',
        '--answer-file',
        this.answerFile,
        '--code',
        code,
        '--nick',
        nick,
        ...extra
      ],
      { ...runOptions, env: invitationFromEnv ? { ...env, SECURECHAT_INVITATION: invitation } : env }
    )
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop()))
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/**
 * mDNS and UPnP's gateway search multicast on every interface of the machine; the tests talk to
 * loopback only, so both are off for them unless a test (inside its own network namespaces) asks.
 */
export function withoutMdns(args: string[]): string[] {
  const [group, command, ...rest] = args
  if (group !== 'p2p' || (command !== 'host' && command !== 'join')) return args
  const upnp = rest.includes('--upnp') ? [] : ['--no-upnp']
  return [group, command, '--no-mdns', ...upnp, ...rest.filter((a) => a !== '--upnp')]
}

export class CliProcess {
  readonly child: ChildProcess
  readonly events: JsonEvent[] = []
  stdout = ''
  stderr = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private readonly args: string[]
  private readonly listeners = new Set<() => void>()
  private partial = ''

  constructor(args: string[], env: Record<string, string>, wrap: string[] = []) {
    this.args = args
    const [command, ...prefix] = [...wrap, process.execPath, BIN, ...args]
    this.child = spawn(command as string, prefix, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    this.child.stdout?.setEncoding('utf8')
    this.child.stderr?.setEncoding('utf8')
    this.child.stdout?.on('data', (chunk: string) => {
      this.stdout += chunk
      this.partial += chunk
      const lines = this.partial.split('\n')
      this.partial = lines.pop() ?? ''
      for (const line of lines) {
        if (line.trim() === '') continue
        try {
          this.events.push(JSON.parse(line) as JsonEvent)
        } catch {
          // Not JSON (an interactive run): kept in `stdout` only.
        }
      }
      this.changed()
    })
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk
      this.changed()
    })
    this.child.stdin?.on('error', () => {})
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.changed()
        resolve({ code, signal })
      })
    })
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Writes one line to the process's stdin. */
  send(line: string): void {
    this.child.stdin?.write(`${line}\n`)
  }

  /** Waits for the first event (seen already or to come) of `type` matching `predicate`. */
  event(type: string, predicate: (e: JsonEvent) => boolean = () => true, what?: string): Promise<JsonEvent> {
    return this.until(
      () => this.events.find((e) => e.type === type && predicate(e)),
      what ?? `a "${type}" event`
    )
  }

  /** Waits until `check` returns something, or fails after a bounded time saying what was awaited. */
  until<T>(check: () => T | undefined | false, what: string, timeoutMs = WAIT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = (): boolean => {
        const value = check()
        if (value === undefined || value === false) return false
        cleanup()
        resolve(value)
        return true
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.describe()}`))
      }, timeoutMs)
      const listener = (): void => {
        if (attempt()) return
        if (!this.running && !attempt()) {
          cleanup()
          reject(new Error(`the process ended while waiting for ${what}\n${this.describe()}`))
        }
      }
      const cleanup = (): void => {
        clearTimeout(timer)
        this.listeners.delete(listener)
      }
      this.listeners.add(listener)
      listener()
    })
  }

  /** Waits for the process to exit by itself; returns its exit code. */
  async exitCode(timeoutMs = WAIT_MS): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`timed out after ${timeoutMs} ms waiting for the process to exit\n${this.describe()}`)
          ),
        timeoutMs
      )
    })
    try {
      return (await Promise.race([this.exited, timeout])).code
    } finally {
      clearTimeout(timer)
    }
  }

  /** Sends `signal` and returns the exit code. */
  async interrupt(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.running) this.child.kill(signal)
    return this.exitCode()
  }

  /** Kills the process if it still runs (test cleanup). */
  async stop(): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGKILL')
    await this.exited
  }

  describe(): string {
    return `  command: securechat ${this.args.map((a) => (a.length > 40 ? `${a.slice(0, 12)}…` : a)).join(' ')}\n  stdout: ${this.stdout.slice(-2000)}\n  stderr: ${this.stderr.slice(-2000)}`
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener()
  }
}

/** Starts a host and waits until it is ready; returns it with its first invitation and code. */
export async function readyHost(
  sandbox: Sandbox,
  extra: string[] = []
): Promise<{ host: CliProcess; invitation: string; invitationId: string; code: string; peerId: string }> {
  const host = sandbox.host(extra)
  const ready = await host.event('ready')
  const invitation = await host.event('invitation')
  return {
    host,
    invitation: invitation['invitation'] as string,
    invitationId: invitation['id'] as string,
    code: await currentCode(host),
    peerId: ready['peerId'] as string
  }
}

/** The host's code now: the last `code` event, if it has not expired (else the next one). */
export async function currentCode(host: CliProcess): Promise<string> {
  const event = await host.until(() => {
    const codes = host.events.filter((e) => e.type === 'code')
    const last = codes[codes.length - 1]
    // A code about to turn may be stale by the time the joiner sends it; the host accepts the previous step too.
    return last !== undefined && (last['expiresAt'] as number) > Date.now() ? last : undefined
  }, 'a current "code" event')
  return event['code'] as string
}

/** A code that is not the one given (nor, in practice, a neighbour step's). */
export function wrongCode(code: string): string {
  return String((Number(code) + 500_000) % 1_000_000).padStart(6, '0')
}
