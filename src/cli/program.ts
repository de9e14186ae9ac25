/** The command line: commander setup, and the mapping of every failure to one line and an exit code. */
import { readFileSync } from 'node:fs'
import { Command, CommanderError, InvalidArgumentError } from 'commander'
import * as defaults from '../node/constants.js'
import { formatDuration, MAX_TTL_MS, MIN_TTL_MS, parseDuration } from './duration.js'
import { CliError, ExitCode, type ExitCodeValue } from './exit-codes.js'
import type { HostFlags } from './host-command.js'
import { type Io, installSignalHandling, log, processIo, writeJson } from './io.js'
import type { JoinFlags } from './join-command.js'
import { addRelayCommand } from './relay-program.js'
import { ANSWER_ENV, CODE_ENV, INVITATION_ENV } from './secrets.js'
import { binarySize, parseSize } from './sizes.js'
import type { UiFlags } from './ui/ui-command.js'

export function packageVersion(): string {
  try {
    // dist/src/cli/program.js → the package root.
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}

function integer(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`)
    }
    return Number(value)
  }
}

/** A commander parser of a size (sizes.ts) from `min` bytes, its error a usage error like the others. */
function size(min: number): (value: string) => number {
  return (value) => {
    try {
      return parseSize(value, { min })
    } catch (err) {
      throw new InvalidArgumentError(`${(err as Error).message}.`)
    }
  }
}

/**
 * The file options of `p2p host` and `p2p join`: where received files go, which are taken without
 * asking, how fast they come.
 */
function addFileOptions(command: Command): Command {
  return command
    .option(
      '--download-dir <dir>',
      'save received files here (default: $XDG_DOWNLOAD_DIR, else the XDG download folder of ~/.config/user-dirs.dirs, else the current directory)'
    )
    .option(
      '--accept-files <size>',
      'accept files offered up to this size without asking, e.g. 10M (default: ask for every file)',
      size(0)
    )
    .option(
      '--download-rate <size>',
      'download at most this many bytes per second, e.g. 500k (default: as fast as it comes)',
      size(1)
    )
}

/** `--ui` and `--no-open` of `p2p host` and `p2p join`. */
function addPageOptions(command: Command): Command {
  return command
    .option('--ui', 'chat in a page in your browser, served by this process on 127.0.0.1 only')
    .option('--no-open', 'with --ui: print the link to the page, do not open a browser')
}

function duration(value: string): number {
  try {
    return parseDuration(value)
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`)
  }
}

const FILES_HELP = `
Files: /send <path> offers a file to everyone in the room now; each receiver is asked
(/accept <id> or /reject <id>) unless it is within their --accept-files. /cancel <id> stops a
transfer. Files are saved under a safe name that never overwrites one already there.
Sizes are bytes, or a number and a unit: K, M, G, T and KiB, MiB, GiB, TiB count in 1024s,
kB, MB, GB, TB in 1000s (e.g. 500k, 10M, 1.5MB, 2GiB).
`

const HOST_HELP = `
The room opens on every IPv4 and IPv6 interface, TCP port ${defaults.DEFAULT_PORT} unless --port or
--listen says otherwise. The invitation offers the private (LAN) addresses; --public adds the public
addresses this machine's own interfaces have (nothing outside is asked). Behind NAT the machine has
none: by default the host asks the router to forward the port (UPnP) and offers the mapped public
address once another peer confirmed it (AutoNAT); --no-upnp turns that off. Where the router will not,
forward the port by hand and give --announce /ip4/<public-ip>/tcp/<port>, or keep a reservation on a
circuit relay with --relay <relay multiaddr> (see \`securechat relay\`): joiners then come through it,
and DCUtR moves them to a direct connection where the two NATs allow.

The answer is never a command-line argument: use --answer-file, ${ANSWER_ENV}, or type it (hidden).

Examples:
  securechat p2p host --question "Which river runs past the office?"
  securechat p2p host --room team --ttl 7d --max-uses 10
  securechat p2p host --relay /dns4/relay.example.org/tcp/4456/p2p/12D3KooW...
  securechat p2p host --json --question "..." --answer-file ./answer.txt --nick bot
${FILES_HELP}`

const JOIN_HELP = `
Without an invitation argument you are asked to paste it. That, --invitation-file or ${INVITATION_ENV}
is safer than the argument: process arguments are visible to every user of this machine (ps,
/proc/PID/cmdline) and stay in your shell history, and the invitation admits whoever holds it.
With --json nothing is asked: --invitation-file - reads the invitation from the first line of stdin,
and the lines after it are messages.

You are asked for the answer to the host's question (hidden), the room code from the host's screen and
a nickname, unless given. The answer is never a command-line argument: use --answer-file or ${ANSWER_ENV}.
The room code may also come from ${CODE_ENV}.

Examples:
  securechat p2p join
  securechat p2p join --invitation-file ./invitation.txt --nick alice
  cat invitation.txt messages.txt | securechat p2p join --json --invitation-file - \\
      --answer-file ./answer.txt --code 123456 --nick bot

Exit codes: 0 left normally, 2 usage error or bad invitation, 3 refused by the host, 4 host unreachable,
1 anything else.
${FILES_HELP}`

const UI_HELP = `
The page (--ui, or \`securechat ui\`) is served on 127.0.0.1 on a free port and opened in the
default browser ($BROWSER when set; BROWSER=none, --no-open and --json open nothing). The link holds
a one-time token: it opens the page once, in one browser; without --json, press Enter in the
terminal for a new link. The securechat process keeps every key and does every check; the page is
its screen. Closing the tab does not leave the room: /quit in the page or Ctrl-C here does.
With --json the first line of stdout is {"type":"ui","url":...}, then the usual events.
`

export function buildProgram(io: Io, done: (code: ExitCodeValue) => void): Command {
  const program = new Command('securechat')
    .description('Peer-to-peer secure group chat on libp2p')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text)
    })
    .showHelpAfterError('(add --help for usage)')

  const p2p = program.command('p2p').description('rooms hosted by one peer, joined over libp2p')

  const host = p2p
    .command('host')
    .description('open a room: show its invitation and room code, then chat')
    .option(
      '--port <n>',
      `TCP port (default ${defaults.DEFAULT_PORT}, or the stored room's; 0 = any free port)`,
      integer('--port', 0, 65535)
    )
    .option('--listen <multiaddr...>', 'listen addresses (default: every IPv4 and IPv6 interface)')
    .option(
      '--announce <multiaddr...>',
      'addresses to put in the invitation (a public IP with a forwarded port)'
    )
    .option('--public', "also offer this machine's public interface addresses (see below)")
    .option(
      '--relay <multiaddr...>',
      'keep a reservation on this circuit relay (…/p2p/<relay PeerId>), so joiners behind other NATs reach you through it; repeatable'
    )
    .option('--no-upnp', "do not ask the router (UPnP) to forward the room's port (on by default)")
    .option('--question <text>', 'the security question (asked for if absent)')
    .option(
      '--answer-file <path>',
      `the answer, from a file (or env ${ANSWER_ENV}); otherwise asked, hidden, twice`
    )
    .option('--nick <name>', "the host's nickname (default: host)")
    .option(
      '--ttl <duration>',
      `invitation lifetime, ${formatDuration(MIN_TTL_MS)} to ${formatDuration(MAX_TTL_MS)}: 30m, 24h, 7d (default ${formatDuration(defaults.DEFAULT_INVITATION_TTL_MS)})`,
      duration
    )
    .option('--max-uses <n>', 'how many joins the invitation admits', integer('--max-uses', 1, 1_000_000))
    .option('--relay-only', 'admit and relay, but hold no key that opens a message (no chatting)')
    .option(
      '--room <name>',
      'keep this room (keys, secrets, invitations) in the config folder across restarts'
    )
    .option(
      '--max-connections <n>',
      `most connections the node keeps (default ${defaults.MAX_CONNECTIONS})`,
      integer('--max-connections', 1, 100_000)
    )
    .option(
      '--inbound-threshold <n>',
      `inbound connections accepted per second from one address (default ${defaults.INBOUND_CONNECTION_THRESHOLD})`,
      integer('--inbound-threshold', 1, 100_000)
    )
    .option('--no-mdns', 'do not announce the room on the LAN with mDNS (on by default)')
    .option(
      '--max-file-size <size>',
      `the largest file this host relays (default ${binarySize(defaults.MAX_FILE_SIZE)})`,
      size(1)
    )
  addPageOptions(addFileOptions(host))
    .option('--json', 'machine mode: JSON Lines events on stdout, messages and /commands on stdin')
    .addHelpText('after', HOST_HELP + UI_HELP)
    .action(async (flags: HostFlags) => {
      // Loaded when used, so --help, --version and usage errors answer at once.
      const { hostCommand } = await import('./host-command.js')
      done(await hostCommand(flags, io))
    })

  const join = p2p
    .command('join')
    .description('join a room with an invitation')
    .argument(
      '[invitation]',
      'the invitation from the host (starts with sc1); safer pasted at the prompt or from a file (below)'
    )
    .option(
      '--invitation-file <path>',
      `the invitation, from the first non-empty line of a file (- = stdin; or env ${INVITATION_ENV})`
    )
    .option('--answer-file <path>', `the answer, from a file (or env ${ANSWER_ENV}); otherwise asked, hidden`)
    .option(
      '--code <digits>',
      `the room code shown by the host (it changes every 30 s; or env ${CODE_ENV}); otherwise asked`
    )
    .option('--nick <name>', 'your nickname')
    .option('--no-mdns', "do not look for the host on the LAN with mDNS when the invitation's address fails")
    .option(
      '--no-upnp',
      'through a relay, do not ask the router (UPnP) to forward a port for a direct connection (on by default)'
    )
  addPageOptions(addFileOptions(join))
    .option('--json', 'machine mode: JSON Lines events on stdout, messages and /commands on stdin')
    .addHelpText('after', JOIN_HELP + UI_HELP)
    .action(async (invitation: string | undefined, flags: JoinFlags) => {
      const { joinCommand } = await import('./join-command.js')
      done(await joinCommand(invitation, flags, io))
    })

  const ui = program
    .command('ui')
    .description('open the start page in the browser: host a room, or join one by pasting an invitation')
    .option(
      '--port <n>',
      `TCP port of a room hosted from the page (default ${defaults.DEFAULT_PORT}; 0 = any free port)`,
      integer('--port', 0, 65535)
    )
    .option('--no-open', 'print the link to the page, do not open a browser')
    .option('--no-mdns', 'no mDNS: neither announce a hosted room nor look for a host on the LAN')
    .option('--no-upnp', 'do not ask the router (UPnP) to forward a port')
    .option(
      '--max-file-size <size>',
      `the largest file a room hosted from the page relays (default ${binarySize(defaults.MAX_FILE_SIZE)})`,
      size(1)
    )
  addFileOptions(ui)
    .option(
      '--json',
      'also print the JSON Lines events on stdout and read lines from stdin, as in machine mode'
    )
    .addHelpText('after', UI_HELP)
    .action(async (flags: UiFlags) => {
      const { uiCommand } = await import('./ui/ui-command.js')
      done(await uiCommand(flags, io))
    })

  addRelayCommand(program, io, done)

  return program
}

/**
 * The one-line description, exit code and machine code of a failure. Errors are told apart by their
 * stable `name` (the errors of src/node and src/protocol are made for that), which also spares loading
 * the room's modules just to classify a usage error.
 */
export function classify(err: unknown): {
  exitCode: ExitCodeValue
  code: string
  message: string
  extra: Record<string, unknown>
} {
  if (err instanceof CliError) {
    return { exitCode: err.exitCode, code: err.code, message: err.message, extra: err.details }
  }
  const error = err instanceof Error ? err : new Error(String(err))
  switch (error.name) {
    case 'JoinRefusedError': {
      const refused = error as Error & { code: string; attemptsLeft: number; retryAfterMs: number }
      return {
        exitCode: ExitCode.REFUSED,
        code: refused.code,
        message: `the host refused: ${refused.message}`,
        extra: { attemptsLeft: refused.attemptsLeft, retryAfterMs: refused.retryAfterMs }
      }
    }
    case 'HostUnreachableError':
      return { exitCode: ExitCode.UNREACHABLE, code: 'host-unreachable', message: error.message, extra: {} }
    case 'InvalidInvitationError':
      return {
        exitCode: ExitCode.USAGE,
        code: 'invalid-invitation',
        message: `invalid invitation: ${error.message}`,
        extra: {}
      }
    default:
      return { exitCode: ExitCode.ERROR, code: 'internal', message: error.message, extra: {} }
  }
}

/** Runs the command line; resolves with the exit code. Never throws. */
export async function main(argv: string[] = process.argv, io: Io = processIo()): Promise<ExitCodeValue> {
  const json = argv.includes('--json')
  installSignalHandling()
  let exitCode: ExitCodeValue | undefined
  const program = buildProgram(io, (code) => {
    exitCode = code
  })
  try {
    await program.parseAsync(argv)
    return exitCode ?? ExitCode.OK
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with 0; every parse error is a usage error (commander printed it).
      if (err.exitCode === 0) return ExitCode.OK
      if (json) writeJson(io, { type: 'error', code: 'usage', message: err.message.replace(/^error: /, '') })
      return ExitCode.USAGE
    }
    const failure = classify(err)
    // One line, always: a multi-line message (a wrapped stack) is cut to its first line.
    failure.message = failure.message.split('\n')[0]?.trim() ?? ''
    log.error('%s: %s', failure.code, failure.message)
    if (json) {
      writeJson(io, { type: 'error', code: failure.code, message: failure.message, ...failure.extra })
    } else {
      io.stderr.write(`securechat: ${failure.message}\n`)
    }
    if (
      io.env['DEBUG'] !== undefined &&
      io.env['DEBUG'] !== '' &&
      err instanceof Error &&
      err.stack !== undefined
    ) {
      io.stderr.write(`${err.stack}\n`)
    }
    return failure.exitCode
  }
}
