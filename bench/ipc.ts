/**
 * Request/response over the Node IPC channel between the coordinator and its child processes (the
 * room host, the baseline relay, the member workers). One call is `{ id, cmd, args }`; one reply is
 * `{ id, ok, result | error }`.
 */
import { type ChildProcess, fork } from 'node:child_process'

type Handler = (args: never) => unknown
export type Handlers = Record<string, Handler>

interface Request {
  id: number
  cmd: string
  args: unknown
}

interface Reply {
  id: number
  ok: boolean
  result?: unknown
  error?: string
}

/** The shared monotonic clock: comparable across processes on one machine, in milliseconds. */
export function now(): number {
  return performance.timeOrigin + performance.now()
}

/**
 * Node flags for every child process, from `BENCH_CHILD_FLAGS` (space-separated): a V8 tracing flag
 * such as `--trace-gc-nvp`, which Node does not take from NODE_OPTIONS.
 */
const CHILD_FLAGS = (process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter((flag) => flag !== '')

/** A forked child process that answers `call`s. */
export class Child {
  readonly name: string
  private readonly proc: ChildProcess
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private exited = false

  constructor(name: string, modulePath: string, argv: string[] = [], execArgv: string[] = []) {
    this.name = name
    this.proc = fork(modulePath, argv, {
      execArgv: [...execArgv, ...CHILD_FLAGS],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced'
    })
    this.proc.on('message', (msg: Reply) => {
      const waiter = this.pending.get(msg.id)
      if (waiter === undefined) return
      this.pending.delete(msg.id)
      if (msg.ok) waiter.resolve(msg.result)
      else waiter.reject(new Error(`${this.name}: ${msg.error}`))
    })
    this.proc.on('exit', (code, signal) => {
      this.exited = true
      for (const { reject } of this.pending.values()) {
        reject(new Error(`${this.name} exited (code ${code}, signal ${signal})`))
      }
      this.pending.clear()
    })
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  call<T = unknown>(cmd: string, args: unknown = {}, timeoutMs = 120_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`))
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      timer.unref()
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer)
          resolve(v as T)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        }
      })
      this.proc.send({ id, cmd, args } satisfies Request)
    })
  }

  /** Asks the child to finish (`close`), then kills it if it has not exited within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()))
    await this.call('exit', {}, graceMs).catch(() => {})
    const timer = setTimeout(() => this.kill(), graceMs)
    await exited
    clearTimeout(timer)
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL')
  }
}

/**
 * The child's side: answers each call with its handler's result. `exit` runs `onExit` and ends the
 * process; so does losing the parent, so no child outlives the benchmark.
 */
export function serve(handlers: Handlers, onExit: () => Promise<void>): void {
  let exiting = false
  const exit = async (code: number): Promise<void> => {
    if (exiting) return
    exiting = true
    const force = setTimeout(() => process.exit(code), 5000)
    force.unref()
    await onExit().catch(() => {})
    process.exit(code)
  }
  process.on('disconnect', () => void exit(0))
  const reply = (r: Reply): void => {
    if (process.connected) process.send?.(r)
  }
  process.on('message', async (msg: Request) => {
    if (msg.cmd === 'exit') {
      reply({ id: msg.id, ok: true })
      void exit(0)
      return
    }
    const handler = handlers[msg.cmd]
    try {
      if (handler === undefined) throw new Error(`unknown command ${msg.cmd}`)
      const result = await (handler as (args: unknown) => unknown)(msg.args)
      reply({ id: msg.id, ok: true, result })
    } catch (err) {
      reply({ id: msg.id, ok: false, error: (err as Error).stack ?? String(err) })
    }
  })
}
