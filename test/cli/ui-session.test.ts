/**
 * The page ↔ process protocol of `--ui` through the real CLI: malformed page messages, the replay
 * a late page gets, the start page of `securechat ui` (host a room, or join one and answer the
 * prompts), files dropped on the page, a lockout's wait, and a new link from the terminal.
 */
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { after, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ReplayLog } from '../../src/cli/ui/replay-log.js'
import {
  ANSWER,
  type CliProcess,
  currentCode,
  LOOPBACK,
  QUESTION,
  readyHost,
  Sandbox
} from '../helpers/cli.js'
import { http, PageSocket, pageKeyFor, pageLink, sessionCookie } from '../helpers/ui-page.js'

/** Polls `check` (a file another process removes) until true, with a bound. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    if (check()) return
    await sleep(100)
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** A process's page, its link spent and its socket open. */
async function openPage(cli: CliProcess): Promise<{ page: PageSocket; port: number; cookie: string }> {
  const link = await pageLink(cli)
  const cookie = await sessionCookie(link.port, link.path)
  return { page: await PageSocket.open(link.port, cookie), port: link.port, cookie }
}

describe('page messages', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('a malformed message is answered with ui-bad-message to that page alone, and nothing happens', async () => {
    const host = sandbox.host(['--ui', '--no-open'])
    const { page, port, cookie } = await openPage(host)
    const other = await PageSocket.open(port, cookie)
    await page.event('ready')
    await other.event('ready')
    await host.event('ready')
    const before = other.events.length
    const stdoutBefore = host.events.length
    // The room code turns every 30 s whatever happens: no news.
    const news = (events: Array<{ type: string }>): string[] =>
      events.map((e) => e.type).filter((t) => t !== 'code')
    const bad: Array<string | Buffer> = [
      'not json',
      '[1,2]',
      JSON.stringify({ type: 'nope' }),
      JSON.stringify({ type: 'line' }),
      JSON.stringify({ type: 'line', text: 42 }),
      JSON.stringify({ type: 'reply', step: 'answer', value: 'The Thames' }),
      JSON.stringify({ type: 'reply', step: 'colour', value: 'x' }),
      JSON.stringify({ type: 'start-host', question: 'q', answer: 'a', nickname: 'n' }),
      JSON.stringify({ type: 'start-join', invitation: 'sc1' }),
      Buffer.from([1, 2, 3])
    ]
    for (const message of bad) page.ws.send(message)
    // A good line after them: once its result is back, every bad one has been answered.
    page.send({ type: 'line', text: '/help' })
    await page.event('help')
    await other.event('help')
    await host.event('help')
    const errors = page.events.filter((e) => e.type === 'error')
    assert.equal(errors.length, bad.length, 'one error for each')
    for (const error of errors) {
      assert.equal(error['code'], 'ui-bad-message')
      assert.ok(!JSON.stringify(error).includes('Thames'), 'what was sent is not repeated')
    }
    assert.deepEqual(
      news(other.events.slice(before)),
      ['help'],
      'the other page saw only the result of the good line'
    )
    assert.deepEqual(news(host.events.slice(stdoutBefore)), ['help'], 'stdout too: nothing happened')
    const reply = await http(port, '/', { headers: { Cookie: cookie } })
    assert.equal(reply.status, 200, 'the server goes on')
  })
})

describe('the replay a late page gets', () => {
  it('is the latest 2000 events in order, after the state events that fell out of them', () => {
    const log = new ReplayLog()
    log.add({ type: 'ui-test-start' })
    log.add({ type: 'invitation', id: 'a1', invitation: 'sc1…' })
    log.add({ type: 'ready', role: 'host' })
    log.add({ type: 'member-joined', nick: 'alice', peerId: 'P1', fingerprint: 'F' })
    log.add({ type: 'member-joined', nick: 'bob', peerId: 'P2', fingerprint: 'G' })
    log.add({ type: 'member-left', nick: 'bob', peerId: 'P2', reason: 'left' })
    for (let i = 0; i < 2500; i++) {
      log.add({ type: 'message', from: 'alice', text: `m${i}` })
      if (i % 30 === 0) log.add({ type: 'code', code: String(i).padStart(6, '0') })
    }
    const entries = log
      .entries()
      .map((text) => JSON.parse(text) as { type: string } & Record<string, unknown>)
    const head = entries.slice(0, 5).map((e) => `${e.type}:${String(e['nick'] ?? e['id'] ?? '')}`)
    assert.deepEqual(head, [
      'invitation:a1',
      'ready:',
      'member-joined:alice',
      'member-joined:bob',
      'member-left:bob'
    ])
    const window = entries.slice(5)
    assert.equal(window.length, 2000)
    assert.equal(window.at(-1)?.['text'], 'm2499')
    const texts = window.filter((e) => e.type === 'message').map((e) => Number(String(e['text']).slice(1)))
    assert.deepEqual(
      texts,
      [...texts].sort((a, b) => a - b),
      'in order'
    )
    assert.ok(!entries.some((e) => e.type === 'ui-test-start'), 'an old event that is no state is gone')
  })

  it('holds at most its byte bound of the latest events', () => {
    const log = new ReplayLog({ bytes: 100_000 })
    for (let i = 0; i < 100; i++) log.add({ type: 'message', text: 'x'.repeat(10_000) })
    const size = log.entries().reduce((n, text) => n + text.length, 0)
    assert.ok(size <= 100_000, `${size} bytes`)
    assert.ok(size > 80_000, 'and keeps as many as fit')
  })
})

describe('the start page: securechat ui', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('hosts a room from the page, and joins it from another start page through the prompts', async () => {
    const hostUi = sandbox.run(['ui', '--json', '--no-open', '--no-mdns', '--no-upnp', '--port', '0'])
    const { page: hostPage } = await openPage(hostUi)
    await hostPage.event('ui-hello')
    assert.deepEqual(hostPage.events[0], { type: 'ui-hello', mode: 'start', version: 1 })

    hostPage.send({ type: 'start-host', question: '', answer: ANSWER, nickname: 'hosty' })
    const refused = await hostPage.event('error')
    assert.equal(refused['code'], 'usage')
    assert.equal(refused['message'], 'the security question is empty')
    hostPage.send({
      type: 'start-host',
      roomName: 'Team room',
      question: QUESTION,
      answer: ANSWER,
      nickname: 'hosty'
    })
    await hostPage.event('ui-hello', (e) => e['mode'] === 'host')
    const invitation = (await hostPage.event('invitation'))['invitation'] as string
    await hostPage.event('code')
    const ready = await hostPage.event('ready')
    assert.equal(ready['nick'], 'hosty')
    assert.deepEqual(
      hostUi.events.slice(0, 2).map((e) => e.type),
      ['ui', 'error'],
      'stdout: the ui event first, then the refused try'
    )
    await hostUi.event('ready')
    assert.ok(!hostUi.stdout.includes(ANSWER), 'the answer is in no event')

    const joinUi = sandbox.run(['ui', '--json', '--no-open', '--no-mdns', '--no-upnp'])
    const { page } = await openPage(joinUi)
    page.send({ type: 'start-join', invitation: 'sc1-not-an-invitation' })
    const bad = await page.event('error')
    assert.equal(bad['code'], 'invalid-invitation')
    assert.equal(page.events.filter((e) => e.type === 'ui-hello').length, 1, 'still the start page')
    page.send({ type: 'start-join', invitation: ` ${invitation} ` })
    await page.event('ui-hello', (e) => e['mode'] === 'member')
    const asked = await page.event('prompt', (e) => e['step'] === 'answer')
    assert.equal(asked['question'], QUESTION)
    page.send({ type: 'reply', step: 'answer', value: ANSWER })
    await page.event('prompt', (e) => e['step'] === 'code')
    page.send({ type: 'reply', step: 'code', value: await currentCode(hostUi) })
    await page.event('prompt', (e) => e['step'] === 'nickname')
    page.send({ type: 'reply', step: 'nickname', value: 'bob' })
    const joined = await page.event('joined')
    assert.equal(joined['room'], 'Team room')
    await joinUi.event('joined')

    page.send({ type: 'line', text: 'hello from a start page' })
    await hostPage.event('message', (e) => e['from'] === 'bob' && e['text'] === 'hello from a start page')
    await hostUi.event('message', (e) => e['text'] === 'hello from a start page')
    hostPage.send({ type: 'line', text: '/quit' })
    assert.equal(await hostUi.exitCode(), 0)
    await page.event('closed', (e) => e['reason'] === 'host-closing')
    assert.equal(await joinUi.exitCode(), 0)
  })
})

describe('files dropped on the page', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('are sent to the room under their name from a private temporary copy, removed once sent', async () => {
    const temporary = join(sandbox.dir, 'tmp')
    const downloads = join(sandbox.dir, 'downloads')
    mkdirSync(temporary)
    mkdirSync(downloads)
    const host = sandbox.host(['--ui', '--no-open', '--max-file-size', '1K'], { env: { TMPDIR: temporary } })
    const { port, cookie } = await openPage(host)
    const invitation = (await host.event('invitation'))['invitation'] as string
    const joiner = sandbox.join(invitation, await currentCode(host), 'alice', [
      '--accept-files',
      '1M',
      '--download-dir',
      downloads
    ])
    await joiner.event('joined')
    const origin = `http://127.0.0.1:${port}`
    const body = Buffer.from('the minutes of the meeting\n')
    const post = (path: string, headers: Record<string, string>, data: Buffer = body) =>
      http(port, path, {
        method: 'POST',
        headers: { Cookie: cookie, Origin: origin, 'X-Securechat-Key': pageKeyFor(cookie), ...headers },
        body: data
      })

    const sent = await post('/upload?name=notes%20one.txt', { 'Content-Length': String(body.byteLength) })
    assert.equal(sent.status, 202)
    assert.deepEqual(JSON.parse(sent.body), { ok: true })
    const ok = await host.event('ok', (e) => e['command'] === 'send')
    assert.equal(ok['name'], 'notes one.txt')
    const received = await joiner.event('file-received')
    assert.equal(basename(received['path'] as string), 'notes one.txt')
    assert.deepEqual(readFileSync(received['path'] as string), body)
    await host.event('file-sent')
    await eventually(() => readdirSync(temporary).length === 0, 'the temporary copy to be removed')

    const big = Buffer.alloc(2048)
    const tooLarge = await post('/upload?name=big.bin', { 'Content-Length': '2048' }, big)
    assert.equal(tooLarge.status, 413)
    assert.equal(JSON.parse(tooLarge.body).code, 'file-too-large')
    const noName = await post('/upload', { 'Content-Length': String(body.byteLength) })
    assert.equal(noName.status, 400)
    const otherSite = await post('/upload?name=x.txt', {
      'Content-Length': String(body.byteLength),
      Origin: 'http://evil.example'
    })
    assert.equal(otherSite.status, 403, 'a POST from another site, cookie or not')
    // The cookie alone (what another loopback port the browser is sent to receives) uploads nothing.
    const cookieOnly = await post('/upload?name=x.txt', {
      'Content-Length': String(body.byteLength),
      'X-Securechat-Key': 'not-the-page-key'
    })
    assert.equal(cookieOnly.status, 403, 'the cookie without the page key')
    assert.deepEqual(readdirSync(temporary), [], 'nothing kept of the refused ones')
  })
})

describe('a lockout in the page', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('a locked-out joiner is told in the page when it may try again', async () => {
    const started = await readyHost(sandbox)
    const env = { SECURECHAT_INVITATION: started.invitation }
    const first = sandbox.run(['p2p', 'join', '--json', '--ui', '--no-open'], { env })
    const { page } = await openPage(first)
    let from = 0
    for (let i = 0; i < 5; i++) {
      await page.event('prompt', (e) => e['step'] === 'answer', from)
      from = page.events.length
      page.send({ type: 'reply', step: 'answer', value: `wrong ${i}` })
      await page.event('prompt-done', () => true, from)
    }
    const last = await page.event('error', (e) => e['code'] === 'wrong-answer')
    assert.equal(last['attemptsLeft'], 0)
    assert.equal(await first.exitCode(), 3, 'out of tries: refused, as in the terminal')

    const second = sandbox.run(['p2p', 'join', '--json', '--ui', '--no-open'], { env })
    const { page: later } = await openPage(second)
    const wait = await later.event('prompt', (e) => e['retryAfter'] !== undefined)
    assert.equal(wait['step'], 'answer')
    assert.ok((wait['retryAfter'] as number) > 5 * 60_000, `a lockout of minutes (${wait['retryAfter']} ms)`)
    assert.match(wait['message'] as string, /^Too many failed attempts; try again in \d+ min\.$/)
    assert.ok(second.running, 'the page waits with the person')
  })
})

describe('a new link', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('without --json, Enter in the terminal prints a new one-time link, and the old one stops working', async () => {
    const host = sandbox.run(
      [
        'p2p',
        'host',
        '--ui',
        '--no-open',
        '--question',
        QUESTION,
        '--answer-file',
        sandbox.answerFile,
        ...LOOPBACK
      ],
      { env: { BROWSER: 'none' } }
    )
    const links = (): string[] =>
      [...host.stdout.matchAll(/^http:\/\/127\.0\.0\.1:\d+(\/open\?token=\S+)$/gm)].map((m) => m[1] as string)
    const [old] = await host.until(() => links().length === 1 && links(), 'the first link')
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(host.stdout)?.[1])
    host.send('')
    const [, fresh] = await host.until(() => links().length === 2 && links(), 'a new link')
    assert.notEqual(fresh, old)
    assert.equal((await http(port, old as string)).status, 403, 'the old link, never used, no longer opens')
    assert.equal((await http(port, fresh as string)).status, 303)
    assert.equal((await http(port, fresh as string)).status, 403, 'and the new one works once')
    assert.equal(await host.interrupt('SIGINT'), 0, 'Ctrl-C leaves as ever')
  })
})
