#!/usr/bin/env node
/** The `securechat` executable: runs the command line and exits with its code once stdout is flushed. */
import { main } from './program.js'

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
