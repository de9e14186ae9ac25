/**
 * The bench's own command line, without running a bench: --help lists the options on stdout, and a
 * bad argument is told in a sentence with the usage, exit 64, never a stack trace.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url))

function bench(...args: string[]) {
  const result = spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', timeout: 20_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('npm run bench -- <arguments>', () => {
  for (const help of ['--help', '-h']) {
    it(`${help} lists every option on stdout and exits 0`, () => {
      const { code, stdout, stderr } = bench(help)
      assert.equal(code, 0)
      assert.equal(stderr, '')
      for (const option of [
        '--quick',
        '--json',
        '--rate',
        '--workers',
        '--profile',
        '--save',
        '--only',
        '--members',
        '--attacks'
      ]) {
        assert.match(stdout, new RegExp(`^  ${option}\\b`, 'm'), option)
      }
    })
  }

  for (const [args, said] of [
    [['--bogus'], /^Unknown option '--bogus'/],
    [['--only', 'nope'], /^--only nope: one of attack, throughput, fanout, slow-link, files, ui$/m],
    [['--attacks', 'decode-bomb,nope'], /^--attacks: no attack is named "nope"$/m],
    [['--attacks', 'decode-bomb,'], /^--attacks: no attack is named ""$/m],
    [['--rate', '0'], /^--rate 0: /],
    [['--workers', '1.5'], /^--workers 1\.5: /],
    [['--members', '1'], /^--members 1: /]
  ] as const) {
    it(`${args.join(' ')}: one sentence and the usage on stderr, exit 64`, () => {
      const { code, stdout, stderr } = bench(...args)
      assert.equal(code, 64)
      assert.equal(stdout, '')
      assert.match(stderr, said)
      assert.match(stderr, /^usage: npm run bench/m)
      assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace')
    })
  }
})
