/**
 * End-to-end tests of the `securechat` binary in --json mode: each spawns the real executable (hosts on
 * 127.0.0.1 only), writes to its stdin and reads its JSON Lines events and exit code.
 */
import assert from 'node:assert/strict'
import { chmodSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  type CliProcess,
  currentCode,
  type JsonEvent,
  readyHost,
  Sandbox,
  wrongCode
} from '../helpers/cli.js'

const messageFrom = (from: string, text: string) => (e: JsonEvent) => e['from'] === from && e['text'] === text

describe('securechat p2p in --json mode: a host and two joiners', () => {
  const sandbox = new Sandbox()
  let host: CliProcess
  let alice: CliProcess
  let bob: CliProcess

  before(async () => {
    const started = await readyHost(sandbox)
    host = started.host
    alice = sandbox.join(started.invitation, started.code, 'alice')
    await alice.event('joined')
    bob = sandbox.join(started.invitation, await currentCode(host), 'bob')
    const joined = await bob.event('joined')
    const names = (joined['members'] as Array<{ nick: string }>).map((m) => m.nick).sort()
    assert.deepEqual(names, ['alice', 'host'], 'bob sees the host and alice in the room')
  })

  after(() => sandbox.cleanup())

  it('announces members as they join, with fingerprints', async () => {
    const joined = await host.event('member-joined', (e) => e['nick'] === 'bob')
    assert.match(joined['fingerprint'] as string, /^(\d{5} ){5}\d{5}$/)
    await alice.event('member-joined', (e) => e['nick'] === 'bob')
  })

  it('delivers messages both ways, and tells the sender its sequence number', async () => {
    alice.send('hello from alice')
    await host.event(
      'message',
      messageFrom('alice', 'hello from alice'),
      'the host to receive alice’s message'
    )
    await bob.event('message', messageFrom('alice', 'hello from alice'), 'bob to receive alice’s message')
    const sent = await alice.event('sent')
    assert.equal(typeof sent['seq'], 'number')

    host.send('hello from the host')
    await alice.event('message', messageFrom('host', 'hello from the host'))
    await bob.event('message', messageFrom('host', 'hello from the host'))
    await host.event('sent')

    bob.send('and from bob')
    await alice.event('message', messageFrom('bob', 'and from bob'))
    const atHost = await host.event('message', messageFrom('bob', 'and from bob'))
    assert.equal(typeof atHost['ts'], 'number')
    assert.equal(typeof atHost['seq'], 'number')
    assert.equal(
      alice.events.filter((e) => e.type === 'message' && e['from'] === 'alice').length,
      0,
      'no echo of one’s own message'
    )
  })

  it('answers /who with nicknames and fingerprints, and /code with the room code', async () => {
    bob.send('/who')
    const who = await bob.event('who')
    const members = who['members'] as Array<{ nick: string; fingerprint: string; self: boolean }>
    assert.deepEqual(members.map((m) => m.nick).sort(), ['alice', 'bob', 'host'])
    assert.equal(members.find((m) => m.self)?.nick, 'bob')
    host.send('/code')
    await host.until(
      () => host.events.filter((e) => e.type === 'code').length >= 2 || undefined,
      'a second code event'
    )
    bob.send('/code')
    const refused = await bob.event('error', (e) => e['code'] === 'host-only')
    assert.match(refused['message'] as string, /host only/)
  })

  it('stays in the room when stdin ends, and leaves cleanly with exit 0 on SIGTERM', async () => {
    bob.child.stdin?.end()
    alice.send('still there?')
    await bob.event(
      'message',
      messageFrom('alice', 'still there?'),
      'bob to keep receiving after its stdin ended'
    )
    assert.equal(await bob.interrupt('SIGTERM'), 0)
    const left = await host.event('member-left', (e) => e['nick'] === 'bob')
    assert.equal(left['reason'], 'left')
    await alice.event('member-left', (e) => e['nick'] === 'bob')
  })

  it('closes the room on SIGINT: the members are told and exit 0', async () => {
    assert.equal(await host.interrupt('SIGINT'), 0)
    assert.equal(await alice.exitCode(), 0)
    const closed = await alice.event('closed')
    assert.equal(closed['reason'], 'host-closing')
  })
})

describe('refusals exit 3 with the reason code', () => {
  const sandbox = new Sandbox()
  let host: CliProcess
  let invitation: string

  before(async () => {
    const started = await readyHost(sandbox)
    host = started.host
    invitation = started.invitation
  })

  after(() => sandbox.cleanup())

  async function refused(joiner: CliProcess): Promise<string> {
    assert.equal(await joiner.exitCode(), 3, `exit code 3\n${joiner.describe()}`)
    return (await joiner.event('error'))['code'] as string
  }

  it('a wrong answer: wrong-answer, with the tries left', async () => {
    const joiner = sandbox.join(invitation, await currentCode(host), 'eve', [
      '--answer-file',
      sandbox.wrongAnswerFile
    ])
    assert.equal(await refused(joiner), 'wrong-answer')
    const error = await joiner.event('error')
    assert.equal(typeof error['attemptsLeft'], 'number')
    assert.match(joiner.stdout, /wrong answer/)
  })

  it('a wrong room code: wrong-code', async () => {
    const joiner = sandbox.join(invitation, wrongCode(await currentCode(host)), 'eve')
    assert.equal(await refused(joiner), 'wrong-code')
  })

  it('a nickname already taken: nickname-taken', async () => {
    const first = sandbox.join(invitation, await currentCode(host), 'carol')
    await first.event('joined')
    const second = sandbox.join(invitation, await currentCode(host), 'Carol')
    assert.equal(await refused(second), 'nickname-taken')
    assert.ok(first.running, 'the first carol stays')
    await first.interrupt()
  })

  it('a locked room: room-locked; /unlock admits again', async () => {
    host.send('/lock')
    await host.event('ok', (e) => e['command'] === 'lock')
    const joiner = sandbox.join(invitation, await currentCode(host), 'dave')
    assert.equal(await refused(joiner), 'room-locked')
    host.send('/unlock')
    await host.event('ok', (e) => e['command'] === 'unlock')
    const again = sandbox.join(invitation, await currentCode(host), 'dave')
    await again.event('joined')
    await again.interrupt()
  })

  it('/ban disconnects the member (reason banned) and it exits 3 with code banned', async () => {
    const mallory = sandbox.join(invitation, await currentCode(host), 'mallory')
    await mallory.event('joined')
    await host.event('member-joined', (e) => e['nick'] === 'mallory')
    host.send('/ban mallory')
    await host.event('ok', (e) => e['command'] === 'ban')
    const left = await host.event('member-left', (e) => e['nick'] === 'mallory')
    assert.equal(left['reason'], 'banned')
    assert.equal(await refused(mallory), 'banned')
    host.send('/ban nobody')
    await host.event('error', (e) => e['code'] === 'unknown-member')
  })
})

describe('invitations: used up and revoked', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('--max-uses 1 admits once (token-used-up after), and /revoke refuses its invitation (token-revoked)', async () => {
    const { host, invitation, code } = await readyHost(sandbox, ['--max-uses', '1'])
    const first = sandbox.join(invitation, code, 'alice')
    await first.event('joined')
    const second = sandbox.join(invitation, await currentCode(host), 'bob')
    assert.equal(await second.exitCode(), 3)
    assert.equal((await second.event('error'))['code'], 'token-used-up')

    host.send('/invite 30m')
    const issued = await host.event('invitation', (e) => e['invitation'] !== invitation)
    host.send(`/revoke ${issued['id'] as string}`)
    await host.event('ok', (e) => e['command'] === 'revoke')
    const third = sandbox.join(issued['invitation'] as string, await currentCode(host), 'carol')
    assert.equal(await third.exitCode(), 3)
    assert.equal((await third.event('error'))['code'], 'token-revoked')

    host.send('/revoke 0000000000000000')
    await host.event('error', (e) => e['code'] === 'unknown-invitation')
  })
})

describe('a relay-only host', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('relays between members without reading, and cannot send', async () => {
    const { host, invitation, code } = await readyHost(sandbox, ['--relay-only'])
    assert.equal((await host.event('ready'))['relayOnly'], true)
    const alice = sandbox.join(invitation, code, 'alice')
    const joined = await alice.event('joined')
    assert.deepEqual(joined['members'], [], 'the host is not a member')
    const bob = sandbox.join(invitation, await currentCode(host), 'bob')
    await bob.event('joined')
    bob.send('through the relay')
    await alice.event('message', messageFrom('bob', 'through the relay'))
    const relayed = await host.event('relayed')
    assert.equal(typeof relayed['ciphertextBytes'], 'number')
    assert.equal(host.events.filter((e) => e.type === 'message').length, 0, 'the host reads nothing')
    host.send('can I talk?')
    await host.event('error', (e) => e['code'] === 'relay-only')
  })
})

describe('failures before the room: usage, bad invitation, unreachable host', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('a malformed invitation exits 2: a line on stderr, or an invalid-invitation event with --json', async () => {
    const plain = sandbox.run(['p2p', 'join', 'not-an-invitation', '--answer-file', sandbox.answerFile])
    assert.equal(await plain.exitCode(), 2)
    assert.match(plain.stderr, /invalid invitation/)
    assert.doesNotMatch(plain.stderr, /\n\s+at /, 'no stack trace')
    const json = sandbox.join('sc1AAAA', '123456', 'alice')
    assert.equal(await json.exitCode(), 2)
    assert.equal((await json.event('error'))['code'], 'invalid-invitation')
  })

  it('a host that cannot be reached exits 4', async () => {
    const { host, invitation, code } = await readyHost(sandbox)
    assert.equal(await host.interrupt(), 0)
    const joiner = sandbox.join(invitation, code, 'alice')
    assert.equal(await joiner.exitCode(), 4)
    assert.equal((await joiner.event('error'))['code'], 'host-unreachable')
  })

  it('machine mode never prompts: a missing answer, code or question is a usage error (exit 2)', async () => {
    const { host, invitation } = await readyHost(sandbox)
    const noAnswer = sandbox.run(['p2p', 'join', invitation, '--json', '--code', '123456', '--nick', 'a'])
    assert.equal(await noAnswer.exitCode(), 2)
    assert.equal((await noAnswer.event('error'))['code'], 'usage')
    const noCode = sandbox.run([
      'p2p',
      'join',
      invitation,
      '--json',
      '--answer-file',
      sandbox.answerFile,
      '--nick',
      'a'
    ])
    assert.equal(await noCode.exitCode(), 2)
    assert.match((await noCode.event('error'))['message'] as string, /--code/)
    const noQuestion = sandbox.run([
      'p2p',
      'host',
      '--json',
      '--answer-file',
      sandbox.answerFile,
      '--port',
      '0'
    ])
    assert.equal(await noQuestion.exitCode(), 2)
    assert.match((await noQuestion.event('error'))['message'] as string, /--question/)
    await host.interrupt()
  })

  it('bad flag values are usage errors (exit 2); --help and --version exit 0', async () => {
    const ttl = sandbox.run(['p2p', 'host', '--ttl', '90x', '--question', 'q'])
    assert.equal(await ttl.exitCode(), 2)
    assert.match(ttl.stderr, /duration/)
    const tooLong = sandbox.run(['p2p', 'host', '--ttl', '31d', '--question', 'q'])
    assert.equal(await tooLong.exitCode(), 2)
    const unknown = sandbox.run(['p2p', 'join', 'x', '--frobnicate'])
    assert.equal(await unknown.exitCode(), 2)
    const help = sandbox.run(['p2p', 'join', '--help'])
    assert.equal(await help.exitCode(), 0)
    assert.match(help.stdout, /--answer-file/)
    const version = sandbox.run(['--version'])
    assert.equal(await version.exitCode(), 0)
    assert.match(version.stdout, /^\d+\.\d+\.\d+/)
  })
})

describe('--room keeps the room across a restart', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('keeps the PeerId, the port and the invitations; members resume; question and answer are reused', async () => {
    const first = await readyHost(sandbox, ['--room', 'team'])
    const alice = sandbox.join(first.invitation, first.code, 'alice')
    await alice.event('joined')
    await first.host.event('member-joined', (e) => e['nick'] === 'alice')
    assert.equal(await first.host.interrupt(), 0)
    assert.equal((await first.host.event('closed'))['reason'], 'restarting')
    await alice.event('reconnecting', undefined, 'alice to try again while the host restarts')

    const folder = join(sandbox.configHome, 'securechat', 'rooms', 'team')
    assert.equal(statSync(folder).mode & 0o777, 0o700)
    for (const file of [
      'room.json',
      'identity.key',
      'member-key.pem',
      'signing-key.pem',
      'invitations.json'
    ]) {
      assert.equal(statSync(join(folder, file)).mode & 0o777, 0o600, `${file} is 0600`)
    }
    // Loose permissions are fixed, with a warning.
    chmodSync(join(folder, 'room.json'), 0o644)

    // No --question, no answer: both come from the stored room; the port too.
    const again = sandbox.run(['p2p', 'host', '--json', '--room', 'team', '--listen', '/ip4/127.0.0.1/tcp/0'])
    const ready = await again.event('ready')
    assert.equal(ready['peerId'], first.peerId, 'the same PeerId')
    const warning = await again.event('warning')
    assert.match(warning['message'] as string, /room\.json was readable by others/)
    assert.equal(statSync(join(folder, 'room.json')).mode & 0o777, 0o600)

    const back = await alice.event('back', undefined, 'alice to resume in the restarted room')
    assert.equal(back['gapUnknown'], true)
    const bob = sandbox.join(first.invitation, await currentCode(again), 'bob')
    const joined = await bob.event(
      'joined',
      undefined,
      'bob to join with the invitation issued before the restart'
    )
    assert.deepEqual((joined['members'] as Array<{ nick: string }>).map((m) => m.nick).sort(), [
      'alice',
      'host'
    ])
    // Alice seals for the room as she knows it: she must have been told bob is in it.
    await alice.event('member-joined', (e) => e['nick'] === 'bob')
    alice.send('we are back')
    await bob.event('message', messageFrom('alice', 'we are back'))
    await again.event('message', messageFrom('alice', 'we are back'))

    // /quit closes a kept room for good: the members are told and exit 0.
    again.send('/quit')
    assert.equal(await again.exitCode(), 0)
    assert.equal((await again.event('closed'))['reason'], 'left')
    assert.equal(await bob.exitCode(), 0)
    assert.equal((await bob.event('closed'))['reason'], 'host-closing')
    assert.equal(await alice.exitCode(), 0)
  })
})
