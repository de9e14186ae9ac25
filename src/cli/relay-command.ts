/** `securechat relay`: runs a circuit relay v2 server until SIGINT or SIGTERM, and tells what it does. */

import { join } from 'node:path'
import { parsePeerId } from '../node/bans.js'
import { RELAY_DEFAULT_PORT } from '../node/constants.js'
import { IdentityFileError, RelayConfigError } from '../node/errors.js'
import { loadOrCreateIdentity } from '../node/identity-file.js'
import { defaultListenAddresses } from '../node/libp2p.js'
import { createRelayServer, type RelayServer, type RelayServerOptions } from '../node/relay-server.js'
import { configFolder } from '../node/room-store.js'
import { CliError, ExitCode, type ExitCodeValue, UsageError } from './exit-codes.js'
import { withPort } from './host-command.js'
import { type Io, log, onTerminationSignal, writeJson } from './io.js'
import { describeRelay, type RelayOutput, relayEventLine } from './relay-screen.js'

export interface RelayFlags {
  identity?: string
  port?: number
  listen?: string[]
  announce?: string[]
  circuitDuration?: number
  circuitData?: number
  unlimited?: boolean
  reservationTtl?: number
  maxReservations?: number
  maxReservationsPerIp?: number
  maxConnectionsPerIp?: number
  allow?: string[]
  json?: boolean
}

/** Where the relay keeps its identity unless `--identity` says otherwise. */
export function defaultIdentityPath(env: Record<string, string | undefined>): string {
  return join(configFolder(env), 'relay', 'identity.key')
}

/** Bytes of events waiting on stdout past which new ones are dropped (and counted) rather than queued. */
const MAX_UNWRITTEN_BYTES = 1024 * 1024

/**
 * Writes events to stdout without ever queueing more than `MAX_UNWRITTEN_BYTES` for a reader that does
 * not keep up: past that they are counted, and a `dropped` event says how many once it has caught up.
 */
class EventWriter {
  private dropped = 0
  constructor(
    private readonly io: Io,
    private readonly line: (event: RelayOutput) => string
  ) {}

  write(event: RelayOutput): void {
    if (this.io.stdout.writableLength > MAX_UNWRITTEN_BYTES) {
      this.dropped++
      return
    }
    if (this.dropped > 0) {
      this.io.stdout.write(this.line({ type: 'dropped', events: this.dropped }))
      this.dropped = 0
    }
    this.io.stdout.write(this.line(event))
  }
}

/** The relay's options from the flags, checked before anything is made (the identity included). */
function serverOptions(flags: RelayFlags): RelayServerOptions {
  for (const peerId of flags.allow ?? []) {
    if (parsePeerId(peerId) === undefined)
      throw new UsageError(`--allow: not a PeerId: "${peerId.slice(0, 80)}"`)
  }
  if (flags.unlimited === true && (flags.circuitDuration !== undefined || flags.circuitData !== undefined)) {
    throw new UsageError(
      '--unlimited removes the circuit limits: leave out --circuit-duration and --circuit-data'
    )
  }
  const port = flags.port
  return {
    listen:
      flags.listen === undefined
        ? defaultListenAddresses(port ?? RELAY_DEFAULT_PORT)
        : withPort(flags.listen, port),
    announce: flags.announce,
    unlimited: flags.unlimited === true,
    circuitDurationMs: flags.circuitDuration,
    circuitDataBytes: flags.circuitData,
    reservationTtlMs: flags.reservationTtl,
    maxReservations: flags.maxReservations,
    maxReservationsPerSource: flags.maxReservationsPerIp,
    maxConnectionsPerSource: flags.maxConnectionsPerIp,
    allow: flags.allow
  }
}

async function startRelay(options: RelayServerOptions): Promise<RelayServer> {
  try {
    return await createRelayServer(options)
  } catch (err) {
    if (err instanceof RelayConfigError) throw new UsageError(err.message)
    const listen = (options.listen ?? []).join(', ')
    const message = (err as Error).message
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' || /EADDRINUSE/.test(message)) {
      throw new CliError(
        `the port is already in use (listening on ${listen}): pass --port <n>`,
        ExitCode.ERROR,
        'address-in-use'
      )
    }
    const reason = /(E[A-Z]{3,}[^\n]*)/.exec(message)?.[1] ?? message.split('\n')[0]
    throw new CliError(`cannot start the relay on ${listen}: ${reason}`, ExitCode.ERROR, 'listen-failed')
  }
}

export async function relayCommand(flags: RelayFlags, io: Io): Promise<ExitCodeValue> {
  const json = flags.json === true
  const options = serverOptions(flags)
  const identityPath = flags.identity ?? defaultIdentityPath(io.env)
  // Warnings wait until the relay is up: in --json mode its first event is `ready`.
  const warnings: string[] = []
  if (flags.unlimited === true && flags.allow === undefined) {
    warnings.push('--unlimited without --allow: anyone may hold a reservation and relay without limit')
  }
  let identity: Awaited<ReturnType<typeof loadOrCreateIdentity>>
  try {
    identity = await loadOrCreateIdentity(identityPath, { warn: (m) => warnings.push(m) })
  } catch (err) {
    if (err instanceof IdentityFileError) throw new CliError(err.message, ExitCode.ERROR, 'identity')
    throw err
  }
  const relay = await startRelay({ ...options, privateKey: identity.privateKey })
  log('relay %s up on %s', relay.peerId, relay.addresses.join(' '))

  const writer = new EventWriter(io, (event) =>
    json ? `${JSON.stringify(event)}\n` : relayEventLine(event, Date.now())
  )
  const stopped = new Promise<void>((resolve) => {
    const release = onTerminationSignal((signal) => {
      log('%s: stopping the relay', signal)
      release()
      resolve()
    })
  })
  const off = relay.on('*', (event) => {
    if (event.type !== 'closed') writer.write(event)
  })

  if (json) {
    writeJson(io, { type: 'ready', peerId: relay.peerId, listening: relay.addresses })
    for (const message of warnings) writeJson(io, { type: 'warning', message })
  } else {
    for (const message of warnings) io.stderr.write(`securechat: warning: ${message}\n`)
    io.stdout.write(
      describeRelay(relay, { identityPath, created: identity.created, announced: flags.announce })
    )
  }

  await stopped
  off()
  await relay.stop()
  if (json) writeJson(io, { type: 'closed', reason: 'stopped' })
  else io.stdout.write('The relay has stopped.\n')
  return ExitCode.OK
}
