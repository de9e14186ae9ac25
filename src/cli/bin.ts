#!/usr/bin/env node
/**
 * The `securechat` executable: checks the Node.js version, then runs the command line and exits with
 * its code once stdout is flushed.
 *
 * The check comes before anything that loads libp2p, which is why the program is imported
 * dynamically: on an older Node, libp2p fails halfway through a join (`Promise.withResolvers` is
 * missing), and a person should get one sentence saying what to do instead. So this file uses only
 * syntax and built-ins that old versions have.
 */
import { fileURLToPath } from 'node:url'

/** The oldest major version libp2p 3 runs on; keep in step with `engines` in package.json. */
const MIN_NODE_MAJOR = 22

/** Quotes a path for a POSIX shell when it holds anything but the usual path characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}

/**
 * The sentence for a Node too old, with a command that runs this very file on Node 24 from the npm
 * registry (the `node` package) for one run, installing nothing globally. The arguments are not
 * repeated: they may hold an invitation.
 */
function nodeTooOldMessage(version: string, bin: string): string {
  return (
    `securechat needs Node.js ${MIN_NODE_MAJOR} or newer, and this is ${version}. ` +
    `Install a newer Node, or run it once with Node 24 from the npm registry: ` +
    `npx -y -p node@24 -- node ${shellWord(bin)} <the same arguments>`
  )
}

const major = Number.parseInt(process.versions.node.split('.')[0] ?? '0', 10)
if (major < MIN_NODE_MAJOR) {
  const message = nodeTooOldMessage(process.version, fileURLToPath(import.meta.url))
  if (process.argv.includes('--json')) {
    // Machine mode's errors are events on stdout, as main() writes them.
    process.stdout.write(`${JSON.stringify({ type: 'error', code: 'node-too-old', message })}\n`)
  } else {
    process.stderr.write(`${message}\n`)
  }
  process.exitCode = 1
} else {
  const { main } = await import('./program.js')
  main().then(
    (code) => {
      process.stdout.write('', () => process.exit(code))
    },
    (err: unknown) => {
      // main() reports its own failures; this is the last resort.
      process.stderr.write(`securechat: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    }
  )
}
