/**
 * A bare libp2p node made by the project's factory (`createSecureChatNode`), run as a child process inside
 * a namespace of a simulated internet, for tests of relays, hole punching and UPnP without the chat on top.
 *
 * As a program (`node reach-peer.js '<PeerConfig JSON>'`) it starts the node, registers an echo protocol
 * (`runOnLimitedConnection: true`, so it runs over a relayed connection), prints one JSON event a line on
 * stdout (every event has `at`, the wall-clock time in ms) and takes one JSON command a line on stdin.
 * `ReachPeer` is the test's side: it spawns the program (under `ip netns exec`), collects the events and
 * waits for them, every wait bounded.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'

export const ECHO_PROTOCOL = '/securechat-test/echo/1.0.0'
const WAIT_MS = 30_000

export interface PeerConfig {
  listen?: string[]
  announce?: string[]
  reach?: boolean
  upnp?: boolean | { gateways?: string[]; externalAddress?: string; autoConfirmAddress?: boolean }
  /** A relay server; limits as strings/numbers (JSON has no bigint). */
  relayServer?: { defaultDataLimit?: string; defaultDurationLimit?: number; applyDefaultLimit?: boolean }
}

export type PeerEvent = { type: string; at: number } & Record<string, unknown>

export type PeerCommand =
  | { cmd: 'dial'; addr: string }
  | { cmd: 'echo'; peer: string; bytes: number; chunk?: number }
  | { cmd: 'connections' }
  /** Closes every connection to `peer` (a bench trial starts again from no connection). */
  | { cmd: 'hangup'; peer: string }
  | { cmd: 'addresses' }
  | { cmd: 'stop' }

// ---------------------------------------------------------------------------------------------------------
// The program.

type ConnectionInfo = {
  id: string
  remotePeer: string
  remoteAddr: string
  direction: string
  direct: boolean
  limits?: { bytes?: string; seconds?: number }
  status: string
}

function connectionInfo(connection: Connection): ConnectionInfo & Record<string, unknown> {
  const limits = connection.limits
  return {
    id: connection.id,
    remotePeer: connection.remotePeer.toString(),
    remoteAddr: connection.remoteAddr.toString(),
    direction: connection.direction,
    direct: connection.direct,
    ...(limits === undefined
      ? {}
      : {
          limits: {
            ...(limits.bytes === undefined ? {} : { bytes: limits.bytes.toString() }),
            ...(limits.seconds === undefined ? {} : { seconds: limits.seconds })
          }
        }),
    status: connection.status
  }
}

function errorInfo(err: unknown): { name: string; message: string } {
  const e = err as Error | undefined
  return { name: e?.name ?? 'undefined', message: e?.message ?? String(err) }
}

/** The address manager's view with types and verification (not on the public Libp2p interface). */
function addressMetadata(node: Libp2p): Array<{ multiaddr: string; type: string; verified: boolean }> {
  const components = (
    node as unknown as {
      components?: {
        addressManager?: {
          getAddressesWithMetadata(): Array<{
            multiaddr: { toString(): string }
            type: string
            verified: boolean
          }>
        }
      }
    }
  ).components
  return (components?.addressManager?.getAddressesWithMetadata() ?? []).map((a) => ({
    multiaddr: a.multiaddr.toString(),
    type: a.type,
    verified: a.verified
  }))
}

async function main(config: PeerConfig): Promise<void> {
  const emit = (type: string, fields: Record<string, unknown> = {}): void => {
    process.stdout.write(`${JSON.stringify({ type, at: Date.now(), ...fields })}\n`)
  }
  const { createSecureChatNode } = await import('../../src/node/libp2p.js')
  const relayServer =
    config.relayServer === undefined
      ? undefined
      : {
          reservations: {
            ...(config.relayServer.defaultDataLimit === undefined
              ? {}
              : { defaultDataLimit: BigInt(config.relayServer.defaultDataLimit) }),
            ...(config.relayServer.defaultDurationLimit === undefined
              ? {}
              : { defaultDurationLimit: config.relayServer.defaultDurationLimit }),
            ...(config.relayServer.applyDefaultLimit === undefined
              ? {}
              : { applyDefaultLimit: config.relayServer.applyDefaultLimit })
          }
        }
  const started = Date.now()
  let node: Libp2p
  try {
    node = await createSecureChatNode({
      listen: config.listen ?? [],
      announce: config.announce ?? [],
      reach: config.reach === true,
      ...(config.upnp === undefined ? {} : { upnp: config.upnp }),
      ...(relayServer === undefined ? {} : { relayServer })
    })
    await node.start()
  } catch (err) {
    emit('start-failed', errorInfo(err))
    process.exit(1)
  }
  const addresses = (): string[] => node.getMultiaddrs().map((ma) => ma.toString())

  node.addEventListener('self:peer:update', () => {
    emit('self:peer:update', { addrs: addresses(), meta: addressMetadata(node) })
  })
  node.addEventListener('connection:open', (evt) => {
    const connection = evt.detail
    emit('connection:open', connectionInfo(connection))
    connection.addEventListener('close', (closeEvt) => {
      emit('connection:closed-event', {
        ...connectionInfo(connection),
        local: closeEvt.local,
        ...(closeEvt.error === undefined ? {} : { error: errorInfo(closeEvt.error) })
      })
    })
  })
  node.addEventListener('connection:close', (evt) => {
    emit('connection:close', connectionInfo(evt.detail))
  })
  const echoed = new Map<string, number>()
  await node.handle(
    ECHO_PROTOCOL,
    (stream: Stream, connection: Connection) => {
      emit('echo:inbound', { connection: connectionInfo(connection) })
      stream.addEventListener('message', (evt) => {
        const data = evt.data
        echoed.set(connection.id, (echoed.get(connection.id) ?? 0) + data.byteLength)
        stream.send(data)
      })
      stream.addEventListener('close', (evt) => {
        emit('echo:inbound-closed', {
          connection: connectionInfo(connection),
          echoed: echoed.get(connection.id) ?? 0,
          ...(evt.error === undefined ? {} : { error: errorInfo(evt.error) })
        })
      })
    },
    { runOnLimitedConnection: true }
  )
  emit('ready', {
    peerId: node.peerId.toString(),
    addrs: addresses(),
    meta: addressMetadata(node),
    startMs: Date.now() - started
  })

  const lines = createInterface({ input: process.stdin })
  for await (const line of lines) {
    if (line.trim() === '') continue
    const command = JSON.parse(line) as PeerCommand
    if (command.cmd === 'stop') break
    void run(command).catch((err) => emit('command-failed', { cmd: command.cmd, ...errorInfo(err) }))
  }
  await node.stop()
  emit('stopped')
  process.exit(0)

  async function run(command: PeerCommand): Promise<void> {
    switch (command.cmd) {
      case 'dial': {
        const t0 = Date.now()
        try {
          const connection = await node.dial(multiaddr(command.addr), { signal: AbortSignal.timeout(15_000) })
          emit('dialed', { ms: Date.now() - t0, connection: connectionInfo(connection) })
        } catch (err) {
          emit('dial-failed', { ms: Date.now() - t0, addr: command.addr, ...errorInfo(err) })
        }
        return
      }
      case 'hangup': {
        const closing = node.getConnections().filter((c) => c.remotePeer.toString() === command.peer)
        await Promise.allSettled(closing.map((c) => c.close()))
        emit('hung-up', { peer: command.peer, closed: closing.length })
        return
      }
      case 'echo': {
        const connection = node.getConnections().find((c) => c.remotePeer.toString() === command.peer)
        if (connection === undefined) throw new Error(`no connection to ${command.peer}`)
        const t0 = Date.now()
        let stream: Stream
        try {
          stream = await connection.newStream(ECHO_PROTOCOL, {
            runOnLimitedConnection: true,
            signal: AbortSignal.timeout(10_000)
          })
        } catch (err) {
          emit('echo-failed', {
            stage: 'open',
            sent: 0,
            received: 0,
            connection: connectionInfo(connection),
            ...errorInfo(err)
          })
          return
        }
        let received = 0
        let sent = 0
        const chunk = command.chunk ?? 512
        const done = new Promise<void>((resolve, reject) => {
          stream.addEventListener('message', (evt) => {
            received += evt.data.byteLength
            if (received >= command.bytes) resolve()
          })
          stream.addEventListener('close', (evt) => {
            if (received >= command.bytes) resolve()
            else reject(evt.error ?? new Error('stream closed before everything was echoed'))
          })
        })
        done.catch(() => {})
        try {
          while (sent < command.bytes) {
            const n = Math.min(chunk, command.bytes - sent)
            if (!stream.send(new Uint8Array(n).fill(sent % 251))) {
              await new Promise((resolve) => stream.addEventListener('drain', resolve, { once: true }))
            }
            sent += n
            // a steady trickle, so a limit is hit mid-conversation rather than inside one write
            await new Promise((resolve) => setTimeout(resolve, 5))
          }
          await Promise.race([
            done,
            new Promise((_, reject) => setTimeout(() => reject(new Error('echo timed out')), 10_000))
          ])
          emit('echoed', { ms: Date.now() - t0, sent, received, connection: connectionInfo(connection) })
          await stream.close().catch(() => {})
        } catch (err) {
          emit('echo-failed', {
            stage: 'transfer',
            ms: Date.now() - t0,
            sent,
            received,
            connection: connectionInfo(connection),
            ...errorInfo(err)
          })
        }
        return
      }
      case 'connections':
        emit('connections', { connections: node.getConnections().map(connectionInfo) })
        return
      case 'addresses':
        emit('addresses', { addrs: addresses(), meta: addressMetadata(node) })
        return
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The test's side.

const PROGRAM = fileURLToPath(import.meta.url)

export class ReachPeer {
  readonly name: string
  readonly events: PeerEvent[] = []
  readonly log: string[] = []
  readonly child: ChildProcess
  private waiters: Array<() => void> = []
  private exited = false

  /**
   * Starts the program under `wrap` (e.g. `ip netns exec <ns>`). `debug` is a DEBUG value for libp2p's
   * logger (e.g. 'libp2p:dcutr*'); its lines (stderr) are kept in `log`.
   */
  constructor(name: string, wrap: string[], config: PeerConfig, options: { debug?: string } = {}) {
    this.name = name
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && key !== 'DEBUG') env[key] = value
    }
    if (options.debug !== undefined) env['DEBUG'] = options.debug
    const [command, ...args] = [...wrap, process.execPath, PROGRAM, JSON.stringify(config)]
    this.child = spawn(command as string, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as PeerEvent)
      } catch {
        this.log.push(`stdout: ${line}`)
      }
      this.wake()
    })
    createInterface({ input: this.child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
      this.log.push(line)
    })
    this.child.on('exit', () => {
      this.exited = true
      this.wake()
    })
  }

  send(command: PeerCommand): void {
    this.child.stdin?.write(`${JSON.stringify(command)}\n`)
  }

  /** The first event (from `from` on) of a type that passes `test`, waiting for it within `ms`. */
  async event(
    type: string,
    test: (e: PeerEvent) => boolean = () => true,
    what = type,
    ms = WAIT_MS,
    from = 0
  ): Promise<PeerEvent> {
    return this.until(() => this.events.slice(from).find((e) => e.type === type && test(e)), what, ms)
  }

  /** Waits until `check` returns something, or throws after `ms` saying what it waited for. */
  async until<T>(check: () => T | undefined, what: string, ms = WAIT_MS): Promise<T> {
    const deadline = Date.now() + ms
    for (;;) {
      const found = check()
      if (found !== undefined) return found
      if (this.exited) throw new Error(`${this.name} exited while waiting for ${what}\n${this.tail()}`)
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(`${this.name}: timed out after ${ms} ms waiting for ${what}\n${this.tail()}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000))
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Log lines (DEBUG output) that contain `text`. */
  logLines(text: string | RegExp): string[] {
    return this.log.filter((line) => (typeof text === 'string' ? line.includes(text) : text.test(line)))
  }

  async stop(): Promise<void> {
    if (this.exited) return
    const exited = new Promise((resolve) => this.child.on('exit', resolve))
    this.send({ cmd: 'stop' })
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  private tail(): string {
    const events = this.events.slice(-8).map((e) => JSON.stringify(e))
    return [...events, ...this.log.slice(-15)].join('\n')
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }
}

if (process.argv[1] === PROGRAM) {
  void main(JSON.parse(process.argv[2] ?? '{}') as PeerConfig)
}
