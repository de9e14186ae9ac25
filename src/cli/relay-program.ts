/** The `securechat relay` command's flags and help, added to the program by `buildProgram`. */
import { type Command, InvalidArgumentError } from 'commander'
import * as defaults from '../node/constants.js'
import { formatDuration, MAX_TTL_MS, parseDuration } from './duration.js'
import type { ExitCodeValue } from './exit-codes.js'
import type { Io } from './io.js'
import type { RelayFlags } from './relay-command.js'

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gib: 2 ** 30
}

/** `131072`, `128KiB`, `1 MiB`, `2G` → bytes, from 1 KiB to 1 TiB. */
export function parseSize(text: string): number {
  const match = /^(\d{1,13})\s*([a-z]*)$/i.exec(text.trim())
  const scale = match === null ? undefined : UNITS[(match[2] ?? '').toLowerCase()]
  const bytes = match === null || scale === undefined ? Number.NaN : Number(match[1]) * scale
  if (!Number.isSafeInteger(bytes) || bytes < 1024 || bytes > 2 ** 40) {
    throw new InvalidArgumentError(
      'expected a size from 1KiB to 1TiB: a number of bytes, or with KiB, MiB or GiB.'
    )
  }
  return bytes
}

function whole(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`)
    }
    return Number(value)
  }
}

function within(min: number): (value: string) => number {
  return (value) => {
    try {
      return parseDuration(value, { min, max: MAX_TTL_MS })
    } catch (err) {
      throw new InvalidArgumentError(`${(err as Error).message}.`)
    }
  }
}

const RELAY_HELP = `
A circuit relay v2 server (libp2p's), for hosts behind NAT: a host keeps a reservation on it
(securechat p2p host --relay <its address>) and joiners reach the host through it. It carries Noise
ciphertext only: it sees PeerIds, IP addresses, timing and sizes, never a message, answer or code.

It listens on every interface, TCP port ${defaults.RELAY_DEFAULT_PORT} unless --port or --listen says otherwise; on a server
behind NAT or in a container, --announce its public address. Its identity (and so the address hosts
are given) is kept in --identity, by default <config folder>/relay/identity.key, made on first run.

Examples:
  securechat relay
  securechat relay --announce /ip4/203.0.113.7/tcp/${defaults.RELAY_DEFAULT_PORT}
  securechat relay --unlimited --allow 12D3KooW...   (a private relay for your own host)
  securechat relay --json --port 0 --identity ./relay.key
`

/** Adds `relay` to `program`; its action loads the relay only when it runs. */
export function addRelayCommand(program: Command, io: Io, done: (code: ExitCodeValue) => void): void {
  program
    .command('relay')
    .description('run a circuit relay for hosts behind NAT (a small server of your own)')
    .option(
      '--identity <file>',
      'the relay key, kept so its address stays valid (made if missing, mode 0600)'
    )
    .option(
      '--port <n>',
      `TCP port (default ${defaults.RELAY_DEFAULT_PORT}; 0 = any free port)`,
      whole('--port', 0, 65535)
    )
    .option('--listen <multiaddr...>', 'listen addresses (default: every IPv4 and IPv6 interface)')
    .option('--announce <multiaddr...>', 'addresses to advertise (a public IP in front of a NAT)')
    .option(
      '--circuit-duration <duration>',
      `how long one relayed connection may last: 30s, 2m, 1h (default ${formatDuration(defaults.RELAY_CIRCUIT_DURATION_MS)})`,
      within(1000)
    )
    .option(
      '--circuit-data <size>',
      `bytes one relayed connection may carry, both ways: 128KiB, 1MiB (default ${defaults.RELAY_CIRCUIT_DATA_BYTES / 1024}KiB)`,
      parseSize
    )
    .option('--unlimited', 'no duration or data limit on relayed connections (a private relay; see --allow)')
    .option(
      '--reservation-ttl <duration>',
      `how long a reservation lasts unless renewed (default ${formatDuration(defaults.RELAY_RESERVATION_TTL_MS)})`,
      within(60_000)
    )
    .option(
      '--max-reservations <n>',
      `reservations held at once (default ${defaults.RELAY_MAX_RESERVATIONS})`,
      whole('--max-reservations', 1, 100_000)
    )
    .option(
      '--max-reservations-per-ip <n>',
      `of those, for hosts from one IP (default ${defaults.RELAY_MAX_RESERVATIONS_PER_SOURCE})`,
      whole('--max-reservations-per-ip', 1, 100_000)
    )
    .option(
      '--max-connections-per-ip <n>',
      `connections open at once from one IP (default ${defaults.RELAY_MAX_CONNECTIONS_PER_SOURCE})`,
      whole('--max-connections-per-ip', 1, 100_000)
    )
    .option('--allow <peerId...>', 'serve only these hosts: their reservations, and circuits to them')
    .option(
      '--json',
      'machine mode: JSON Lines events on stdout, the first {"type":"ready","peerId","listening"}'
    )
    .addHelpText('after', RELAY_HELP)
    .action(async (flags: RelayFlags) => {
      const { relayCommand } = await import('./relay-command.js')
      done(await relayCommand(flags, io))
    })
}
