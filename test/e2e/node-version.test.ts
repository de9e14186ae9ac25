/**
 * On a Node.js older than 22, the binary and `npm test` say so in one sentence (with a command that
 * works) instead of failing inside libp2p. Run with a Node < 22 found on the machine (the system's
 * `node` beside the newer one the tests run on); skipped, saying why, when there is none.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { accessSync, constants, readFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { BIN } from '../helpers/cli.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const CHECK = join(ROOT, 'scripts', 'check-node.mjs')
const engines = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
).engines.node
const MIN_MAJOR = Number(/\d+/.exec(engines)?.[0])

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The first `node` on PATH (or in the usual places) older than the minimum, if any. */
function findOldNode(): { path: string; version: string } | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/bin', '/usr/local/bin']
  for (const path of new Set(dirs.filter((d) => d !== '').map((d) => join(d, 'node')))) {
    if (!executable(path)) continue
    const run = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' })
    const version = run.stdout.trim()
    if (run.status === 0 && Number(version.split('.')[0]) < MIN_MAJOR) return { path, version }
  }
  return undefined
}

const old = findOldNode()
const skip = old === undefined ? `no Node.js older than ${MIN_MAJOR} on this machine (PATH, /usr/bin)` : false

function run(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(old?.path ?? 'node', [script, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, DEBUG: '' },
    timeout: 60_000
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Exit 1 and exactly one line, naming the minimum version, with no stack trace. */
function assertOneSentence(out: { status: number | null; stderr: string }, stream: string): void {
  assert.equal(out.status, 1, stream)
  const lines = stream.split('\n').filter((line) => line !== '')
  assert.equal(lines.length, 1, `one line, got:\n${stream}`)
  assert.match(stream, new RegExp(`Node\\.js ${MIN_MAJOR} or newer`))
  assert.match(stream, /npx -y -p node@24 -- /, 'says what to run instead')
  assert.doesNotMatch(stream, /^\s+at /m, 'no stack trace')
}

describe(`on a Node.js older than ${MIN_MAJOR}`, { skip }, () => {
  it(`the binary exits 1 with one line on stderr (Node ${old?.version ?? '?'})`, () => {
    const out = run(BIN, ['p2p', 'join', 'sc1SECRETINVITATION', '--code', '123456'])
    assertOneSentence(out, out.stderr)
    assert.equal(out.stdout, '')
    assert.match(out.stderr, new RegExp(`node ${BIN.replaceAll('.', '\\.')} <the same arguments>`))
    assert.doesNotMatch(out.stderr, /SECRETINVITATION|123456/, 'the arguments are not repeated')
  })

  it('the binary in --json mode writes one error event, code node-too-old', () => {
    const out = run(BIN, ['p2p', 'host', '--json'])
    assertOneSentence(out, out.stdout)
    const event = JSON.parse(out.stdout) as { type: string; code: string; message: string }
    assert.equal(event.type, 'error')
    assert.equal(event.code, 'node-too-old')
    assert.equal(out.stderr, '')
  })

  it('securechat relay gets the same sentence, and in --json mode the same error event', () => {
    const human = run(BIN, ['relay', '--identity', '/nonexistent/relay.key'])
    assertOneSentence(human, human.stderr)
    const machine = run(BIN, ['relay', '--json'])
    assertOneSentence(machine, machine.stdout)
    assert.equal((JSON.parse(machine.stdout) as { code: string }).code, 'node-too-old')
  })

  it('the pretest check of npm test exits 1 with one line on stderr', () => {
    const out = run(CHECK, [])
    assertOneSentence(out, out.stderr)
    assert.match(out.stderr, /npx -y -p node@24 -- npm test/)
  })
})

describe('on this Node.js', () => {
  it('the pretest check passes silently', () => {
    const result = spawnSync(process.execPath, [CHECK], { encoding: 'utf8', cwd: ROOT })
    assert.equal(result.status, 0, result.stderr)
    assert.equal(result.stdout + result.stderr, '')
  })
})
