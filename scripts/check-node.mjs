// Runs first in `npm test` (pretest). On a Node older than package.json's `engines`, every test that
// starts a libp2p node would fail on its own; one sentence saying what to do is better. Plain,
// old-fashioned JavaScript: it has to run on the old Node it turns away.
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const min = Number((/\d+/.exec(pkg.engines && pkg.engines.node) || ['22'])[0])
const major = Number(process.versions.node.split('.')[0])
if (major < min) {
  process.stderr.write(
    'securechat needs Node.js ' + min + ' or newer, and this is ' + process.version + '. ' +
      'Install a newer Node, or run the tests once with Node 24 from the npm registry: ' +
      'npx -y -p node@24 -- npm test\n'
  )
  process.exit(1)
}
