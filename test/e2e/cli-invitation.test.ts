/**
 * The invitation and the room code kept out of the process arguments, end to end with the real
 * binary: --invitation-file (a path, or `-` for the first line of stdin), SECURECHAT_INVITATION and
 * SECURECHAT_CODE. What other users of the machine could read is checked in /proc/PID/cmdline.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { decodeInvitation } from '../../src/protocol/invitation.js'
import { type CliProcess, currentCode, readyHost, Sandbox } from '../helpers/cli.js'

const procSkip = existsSync('/proc/self/cmdline') ? false : 'no /proc/PID/cmdline on this system'

/** The process's arguments as any user of the machine can read them. */
function cmdline(process: CliProcess): string {
  return readFileSync(`/proc/${process.child.pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
}

describe('joining without the invitation in the process arguments', () => {
  const sandbox = new Sandbox()
  let host: CliProcess
  let invitation: string
  let token: string
  /** A joiner in --json mode with the answer from a file; the invitation and code as `args` say. */
  const joiner = (nick: string, args: string[], env: Record<string, string> = {}): CliProcess =>
    sandbox.run(['p2p', 'join', '--json', '--answer-file', sandbox.answerFile, '--nick', nick, ...args], {
      env
    })

  before(async () => {
    const started = await readyHost(sandbox)
    host = started.host
    invitation = started.invitation
    token = decodeInvitation(invitation).token
  })

  after(() => sandbox.cleanup())

  it('--invitation-file with SECURECHAT_CODE: joins, and neither secret is in /proc/PID/cmdline', {
    skip: procSkip
  }, async () => {
    const file = join(sandbox.dir, 'invitation.txt')
    writeFileSync(file, `\n  ${invitation}  \n# the first non-empty line counts\n`, { mode: 0o600 })
    const code = await currentCode(host)
    const alice = joiner('alice', ['--invitation-file', file], { SECURECHAT_CODE: code })
    await alice.event('joined')
    const args = cmdline(alice)
    // The arguments are still there (nothing was hidden), so the secrets are absent because never given.
    assert.match(args, /--invitation-file/)
    assert.ok(!args.includes(invitation), 'no invitation in the arguments')
    assert.ok(!args.includes(token), 'no token in the arguments')
    assert.ok(!args.includes(code), 'no room code in the arguments')
    alice.send('hello from a file')
    await host.event('message', (e) => e['from'] === 'alice' && e['text'] === 'hello from a file')
    assert.equal(await alice.interrupt(), 0)
  })

  it('--invitation-file - in --json mode: the first stdin line is the invitation, the next ones are messages', async () => {
    const bob = joiner('bob', ['--invitation-file', '-', '--code', await currentCode(host)])
    // One write: the invitation and the first message arrive together, as from a pipe.
    bob.child.stdin?.write(`\n${invitation}\nfirst message\n`)
    await bob.event('joined')
    await host.event('message', (e) => e['from'] === 'bob' && e['text'] === 'first message')
    bob.send('second message')
    await host.event('message', (e) => e['from'] === 'bob' && e['text'] === 'second message')
    assert.equal(await bob.interrupt(), 0)
  })

  it('the old positional form still joins; once read, the arguments are hidden from /proc/PID/cmdline', {
    skip: procSkip
  }, async () => {
    const code = await currentCode(host)
    const carol = joiner('carol', [invitation, '--code', code])
    await carol.event('joined')
    const args = cmdline(carol)
    assert.ok(!args.includes(token), `no token in the arguments: ${args.slice(0, 80)}`)
    assert.ok(!args.includes(code), 'no room code in the arguments')
    assert.match(args, /^securechat p2p join/)
    assert.equal(await carol.interrupt(), 0)
  })

  it('SECURECHAT_INVITATION joins too', async () => {
    const dave = joiner('dave', ['--code', await currentCode(host)], { SECURECHAT_INVITATION: invitation })
    await dave.event('joined')
    assert.equal(await dave.interrupt(), 0)
  })
})

describe('where the invitation comes from: usage errors, exit 2', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())
  const joiner = (args: string[], env: Record<string, string> = {}): CliProcess =>
    sandbox.run(['p2p', 'join', '--answer-file', sandbox.answerFile, '--nick', 'eve', ...args], { env })

  /** Exit 2 with one line saying `pattern`: on stderr, or as an `error` event with --json. */
  async function usage(cli: CliProcess, pattern: RegExp, code = 'usage'): Promise<void> {
    assert.equal(await cli.exitCode(), 2, cli.describe())
    if (cli.events.length > 0) {
      const error = await cli.event('error')
      assert.equal(error['code'], code)
      assert.match(error['message'] as string, pattern)
    } else {
      assert.match(cli.stderr, pattern)
      assert.equal(cli.stderr.trim().split('\n').length, 1, `one line: ${cli.stderr}`)
    }
  }

  it('a missing file: one line on stderr, or a usage error event with --json', async () => {
    const missing = join(sandbox.dir, 'no-such-file')
    await usage(joiner(['--invitation-file', missing]), /cannot read --invitation-file .*ENOENT/)
    await usage(joiner(['--json', '--invitation-file', missing, '--code', '123456']), /ENOENT/)
  })

  it('an empty file, an empty stdin, or both an argument and a file', async () => {
    const empty = join(sandbox.dir, 'empty.txt')
    writeFileSync(empty, '\n\n')
    await usage(joiner(['--invitation-file', empty]), /holds no invitation/)
    const noStdin = joiner(['--json', '--invitation-file', '-', '--code', '123456'])
    noStdin.child.stdin?.end('\n')
    await usage(noStdin, /stdin ended before an invitation/)
    await usage(joiner(['sc1AAAA', '--invitation-file', empty]), /not both/)
  })

  it('an invalid invitation from a file or stdin: invalid-invitation', async () => {
    const bad = join(sandbox.dir, 'bad.txt')
    writeFileSync(bad, 'sc1AAAA\n')
    await usage(joiner(['--invitation-file', bad]), /invalid invitation/)
    const fromStdin = joiner(['--json', '--invitation-file', '-', '--code', '123456'])
    fromStdin.child.stdin?.write('not-an-invitation\n')
    await usage(fromStdin, /invalid invitation/, 'invalid-invitation')
  })

  it('--json with no invitation, or a malformed SECURECHAT_CODE, says what to give (never the value)', async () => {
    await usage(joiner(['--json', '--code', '123456']), /--invitation-file/)
    const badCode = joiner(['--json', '--invitation-file', '-'], { SECURECHAT_CODE: '98765x' })
    badCode.child.stdin?.end('sc1AAAA\n')
    // The code is checked once the invitation is read: this invitation is refused first.
    await usage(badCode, /invalid invitation/, 'invalid-invitation')
    const file = join(sandbox.dir, 'invitation.txt')
    const { host, invitation } = await readyHost(sandbox)
    writeFileSync(file, `${invitation}\n`)
    const codeOnly = joiner(['--json', '--invitation-file', file], { SECURECHAT_CODE: '98765x' })
    await usage(codeOnly, /SECURECHAT_CODE: the room code is 6 to 8 digits/)
    assert.ok(!codeOnly.stdout.includes('98765'), 'the value is not repeated')
    await host.interrupt()
  })
})
