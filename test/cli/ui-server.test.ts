/**
 * The local page server of `--ui` against the real CLI: who it answers (the link's one-time token,
 * then the session cookie; `Host` and `Origin` against DNS rebinding and other sites), what every
 * response carries, where it listens, what it logs, when it opens a browser, and the page as a face
 * of the room (a line is a message, closing the tab does not leave, /quit does). No browser: raw
 * HTTP and the page's WebSocket on loopback, as a page would speak them.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sameSecret } from '../../src/cli/ui/access.js'
import {
  ANSWER,
  type CliProcess,
  currentCode,
  type JsonEvent,
  LOOPBACK,
  QUESTION,
  readyHost,
  Sandbox,
  wrongCode
} from '../helpers/cli.js'
import { http, PageSocket, pageLink, type Reply, sessionCookie } from '../helpers/ui-page.js'

const FORBIDDEN = 'Forbidden. Open the link the securechat process printed (each link opens the page once).\n'

/** The headers every response must carry, with their exact values. */
function expectedHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; ` +
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store'
  }
}

function assertSecurityHeaders(reply: Reply, port: number, what: string): void {
  for (const [name, value] of Object.entries(expectedHeaders(port))) {
    assert.equal(reply.headers[name], value, `${what}: ${name}`)
  }
}

/** A WebSocket upgrade request as raw HTTP, for the refusals (a 101 would never end as a reply). */
function upgradeRequest(port: number, headers: Record<string, string>): Promise<Reply> {
  return http(port, '/ws', {
    headers: {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      ...headers
    }
  })
}

/** Listening TCP sockets on `port` from /proc/net/tcp and tcp6, as addresses ('127.0.0.1', '::1', …). */
function listeningAddresses(port: number): string[] | undefined {
  if (!existsSync('/proc/net/tcp')) return undefined
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  const found: string[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local = '', , state] = line.trim().split(/\s+/)
      const [address = '', portHex] = local.split(':')
      if (state !== '0A' || portHex !== hexPort) continue
      if (address.length === 8) {
        found.push(
          address
            .match(/../g)
            ?.reverse()
            .map((b) => Number.parseInt(b, 16))
            .join('.') ?? address
        )
      } else {
        found.push(address === '00000000000000000000000001000000' ? '::1' : address)
      }
    }
  }
  return found
}

function refusedAt(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 3000 })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(true)
    })
  })
}

describe('the page server of a host', () => {
  const sandbox = new Sandbox()
  let host: CliProcess
  let port: number
  let token: string
  let linkPath: string
  let exchange: Reply
  let cookie: string
  let pageKey: string

  before(async () => {
    host = sandbox.host(['--ui', '--no-open'], { env: { DEBUG: 'securechat:*', BROWSER: 'none' } })
    const link = await pageLink(host)
    port = link.port
    token = link.token
    linkPath = link.path
    await host.event('ready')
    // The link works once: its one use here is what a browser's would be.
    exchange = await http(port, linkPath)
    cookie = (exchange.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? ''
    pageKey = /#key=([A-Za-z0-9_-]+)$/.exec(String(exchange.headers['location']))?.[1] ?? ''
  })

  after(() => sandbox.cleanup())

  it('--json --ui: the first line of stdout is the ui event, its URL on 127.0.0.1 with a 128-bit token', () => {
    const first = JSON.parse(host.stdout.split('\n')[0] ?? '') as JsonEvent
    assert.equal(first.type, 'ui')
    assert.match(first['url'] as string, /^http:\/\/127\.0\.0\.1:\d+\/open\?token=[A-Za-z0-9_-]{22}$/)
    assert.equal(Buffer.from(token, 'base64url').byteLength, 16)
    assert.deepEqual(
      host.events.slice(1, 4).map((e) => e.type),
      ['invitation', 'code', 'ready'],
      'then the usual events'
    )
  })

  it('without the session cookie every request is 403, and the body says nothing about the room', async () => {
    const invitation = (await host.event('invitation'))['invitation'] as string
    const ready = await host.event('ready')
    const requests: Array<[string, string]> = [
      ['GET', '/'],
      ['GET', '/index.html'],
      ['GET', '/app.js'],
      ['GET', '/app.css'],
      ['GET', '/nothing-here'],
      ['GET', '/ws'],
      ['POST', '/upload?name=a.txt'],
      ['HEAD', '/']
    ]
    for (const [method, path] of requests) {
      const reply = await http(port, path, { method })
      assert.equal(reply.status, 403, `${method} ${path}`)
      if (method !== 'HEAD') assert.equal(reply.body, FORBIDDEN, `${method} ${path}: the one refusal body`)
      for (const secret of [QUESTION, invitation, ready['peerId'] as string, 'host']) {
        assert.ok(!reply.body.includes(secret), `${method} ${path} names nothing of the room`)
      }
    }
    const wrongCookie = await http(port, '/', {
      headers: { Cookie: `${cookie.split('=')[0]}=AAAAAAAAAAAAAAAAAAAAAA` }
    })
    assert.equal(wrongCookie.status, 403, 'a made-up session cookie')
  })

  it("the link's token answers 303 to / with the session cookie and a page key in the fragment, once; a wrong or spent token is 403", async () => {
    assert.equal(exchange.status, 303)
    assert.match(String(exchange.headers['location']), /^\/#key=[A-Za-z0-9_-]{22}$/)
    assert.equal(exchange.headers['referrer-policy'], 'no-referrer')
    const set = exchange.headers['set-cookie'] ?? []
    assert.equal(set.length, 1)
    assert.match(
      set[0] ?? '',
      new RegExp(`^securechat_ui_${port}=[A-Za-z0-9_-]{22}; HttpOnly; SameSite=Strict; Path=/$`)
    )
    assert.notEqual(cookie.split('=')[1], token, 'the session secret is not the token')
    for (const path of [
      '/open?token=wrong',
      '/open',
      `/open?token=${token}x`,
      `/open?token=${token.slice(1)}`,
      linkPath
    ]) {
      const reply = await http(port, path)
      assert.equal(reply.status, 403, path === linkPath ? 'the spent link' : path)
      assert.equal(reply.headers['set-cookie'], undefined)
      assert.equal(reply.body, FORBIDDEN)
    }
    const page = await http(port, '/', { headers: { Cookie: cookie } })
    assert.equal(page.status, 200, 'the cookie opens the page')
  })

  it('every response carries the security headers with their exact values, and its Content-Type', async () => {
    const withCookie = { headers: { Cookie: cookie } }
    const index = await http(port, '/', withCookie)
    assert.equal(index.status, 200)
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8')
    assertSecurityHeaders(index, port, 'GET /')
    assert.doesNotMatch(
      index.body,
      /<script(?![^>]*\bsrc=)[^>]*>|<style[\s>]|\son[a-z]+=/i,
      'no inline script or style'
    )
    const bundle = new URL('../../ui/', import.meta.url)
    for (const [file, type] of [
      ['app.js', 'text/javascript; charset=utf-8'],
      ['app.css', 'text/css; charset=utf-8']
    ] as const) {
      const reply = await http(port, `/${file}`, withCookie)
      assertSecurityHeaders(reply, port, `GET /${file}`)
      if (existsSync(new URL(file, bundle))) {
        assert.equal(reply.status, 200, file)
        assert.equal(reply.headers['content-type'], type, file)
      } else {
        assert.equal(reply.status, 404, `${file} (no bundle built)`)
      }
    }
    for (const [path, status] of [
      ['/nothing.js', 404],
      ['/../package.json', 404],
      ['/%2e%2e/package.json', 404],
      ['/.hidden.js', 404]
    ] as const) {
      const reply = await http(port, path, withCookie)
      assert.equal(reply.status, status, path)
      assertSecurityHeaders(reply, port, path)
    }
    const refused = await http(port, '/')
    assertSecurityHeaders(refused, port, 'a 403')
    assertSecurityHeaders(exchange, port, 'the 303')
  })

  it('a wrong Host is 403 even with the cookie (DNS rebinding), on HTTP and on the WebSocket', async () => {
    for (const hostHeader of [
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      `localhost.evil.example:${port}`
    ]) {
      const reply = await http(port, '/', { headers: { Host: hostHeader, Cookie: cookie } })
      assert.equal(reply.status, 403, hostHeader)
      assert.equal(reply.body, FORBIDDEN)
      const upgrade = await upgradeRequest(port, {
        Host: hostHeader,
        Cookie: cookie,
        Origin: `http://${hostHeader}`
      })
      assert.equal(upgrade.status, 403, `upgrade with Host ${hostHeader}`)
    }
    for (const hostHeader of [`localhost:${port}`, `[::1]:${port}`]) {
      const reply = await http(port, '/', { headers: { Host: hostHeader, Cookie: cookie } })
      assert.equal(reply.status, 200, hostHeader)
    }
  })

  it("a WebSocket from another Origin, without the cookie or without the page key is refused; from the page's own it gets ui-hello, then the replay", async () => {
    const origin = `http://127.0.0.1:${port}`
    for (const [what, headers] of [
      ['another Origin', { Host: `127.0.0.1:${port}`, Cookie: cookie, Origin: 'http://evil.example' }],
      [
        'a look-alike Origin',
        { Host: `127.0.0.1:${port}`, Cookie: cookie, Origin: `http://127.0.0.1:${port}.evil.example` }
      ],
      ['no Origin', { Host: `127.0.0.1:${port}`, Cookie: cookie }],
      ['no cookie', { Host: `127.0.0.1:${port}`, Origin: origin }]
    ] as const) {
      const reply = await upgradeRequest(port, headers)
      assert.equal(reply.status, 403, what)
    }
    await assert.rejects(PageSocket.open(port, cookie, 'http://evil.example'), /upgrade refused: 403/)
    // The cookie alone is not enough: browsers send it to every port of 127.0.0.1, so whatever listens
    // on another one the browser is sent to has it. The page key of the link's fragment is also needed.
    await assert.rejects(
      PageSocket.open(port, cookie, origin, 'AAAAAAAAAAAAAAAAAAAAAA'),
      /upgrade refused: 403/
    )
    await assert.rejects(PageSocket.open(port, cookie, origin, ''), /upgrade refused: 403/)
    const page = await PageSocket.open(port, cookie, origin, pageKey)
    await page.event('ready')
    assert.deepEqual(page.events[0], { type: 'ui-hello', mode: 'host', version: 1 })
    assert.deepEqual(page.events.slice(1, 4), host.events.slice(1, 4), 'the events stdout printed, in order')
    await page.close()
  })

  it('listens on 127.0.0.1 and ::1 only, never on another address', async () => {
    const listening = listeningAddresses(port)
    if (listening !== undefined) {
      assert.ok(listening.includes('127.0.0.1'), `listening on 127.0.0.1 (${listening.join(', ')})`)
      assert.deepEqual(
        listening.filter((a) => a !== '127.0.0.1' && a !== '::1'),
        [],
        'no listening socket on that port but loopback'
      )
    }
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i !== undefined && !i.internal && i.family === 'IPv4')
      .map((i) => i?.address as string)
    for (const address of others)
      assert.ok(await refusedAt(address, port), `nothing answers on ${address}:${port}`)
  })

  it('the token and the session cookie are in no log line (DEBUG=securechat:*), and the URL only in the ui event', () => {
    const session = cookie.split('=')[1] ?? ''
    assert.ok(host.stderr.includes('securechat:cli'), 'debug logging is on')
    assert.ok(!host.stderr.includes(token), 'no token in the log')
    assert.ok(!host.stderr.includes(session), 'no session secret in the log')
    assert.equal(host.stdout.split(token).length, 2, 'the token once on stdout: in the ui event')
    assert.ok(!host.stdout.includes(session))
  })
})

describe('the secrets of the page server', () => {
  it('are compared in constant time: both hashed to equal lengths, then timingSafeEqual', () => {
    assert.equal(sameSecret('5dJUbwyMW3yqBb5u9cu78g', '5dJUbwyMW3yqBb5u9cu78g'), true)
    assert.equal(sameSecret('5dJUbwyMW3yqBb5u9cu78h', '5dJUbwyMW3yqBb5u9cu78g'), false)
    // timingSafeEqual alone throws on unequal lengths (and its length check would leak the length).
    assert.equal(sameSecret('', '5dJUbwyMW3yqBb5u9cu78g'), false)
    assert.equal(sameSecret('5dJUbwyMW3yqBb5u9cu78g-and-more', '5dJUbwyMW3yqBb5u9cu78g'), false)
  })
})

describe('a room in the page', () => {
  const sandbox = new Sandbox()
  let host: CliProcess
  let joiner: CliProcess
  let page: PageSocket
  let port: number
  let cookie: string

  before(async () => {
    host = sandbox.host(['--ui', '--no-open'], { env: { BROWSER: 'none' } })
    const link = await pageLink(host)
    port = link.port
    const invitation = (await host.event('invitation'))['invitation'] as string
    joiner = sandbox.join(invitation, await currentCode(host), 'alice')
    await joiner.event('joined')
    cookie = await sessionCookie(port, link.path)
    page = await PageSocket.open(port, cookie)
    await page.event('member-joined', (e) => e['nick'] === 'alice')
  })

  after(() => sandbox.cleanup())

  it('a line from the page is a message a --json joiner receives; a multi-line one is one message', async () => {
    page.send({ type: 'line', text: 'hello from the page' })
    await joiner.event('message', (e) => e['from'] === 'host' && e['text'] === 'hello from the page')
    const own = await page.event('own-message', (e) => e['text'] === 'hello from the page')
    assert.equal(own['from'], 'host')
    assert.equal(typeof own['seq'], 'number')
    page.send({ type: 'line', text: 'line one\r\nline two\nline three' })
    const multi = await joiner.event('message', (e) => String(e['text']).startsWith('line one'))
    assert.equal(multi['text'], 'line one\nline two\nline three')
    // A slash command from the page is one too; its result is the --json result, on both faces.
    page.send({ type: 'line', text: '/who' })
    const who = await page.event('who')
    assert.deepEqual((who['members'] as Array<{ nick: string }>).map((m) => m.nick).sort(), ['alice', 'host'])
    await host.event('who')
  })

  it('a page cannot send a file by its path (only by upload): /send from the page is refused, nothing is offered', async () => {
    const before = page.events.length
    page.send({ type: 'line', text: '/send /etc/hostname' })
    const refused = await page.event('error', (e) => e['code'] === 'ui-no-paths', before)
    assert.match(refused['message'] as string, /not by a path/)
    // The same line typed in the terminal face would be taken; from the page nothing went out.
    page.send({ type: 'line', text: 'after the refused send' })
    await joiner.event('message', (e) => e['text'] === 'after the refused send')
    assert.equal(
      joiner.events.find((e) => e.type === 'file-offer'),
      undefined
    )
    assert.equal(
      host.events.find((e) => e.type === 'ok' && e['command'] === 'send'),
      undefined
    )
  })

  it('closing the tab does not leave: the room goes on, and a page opened later is replayed what happened', async () => {
    await page.close()
    joiner.send('are you still there?')
    await host.event('message', (e) => e['text'] === 'are you still there?')
    assert.ok(host.running, 'the host is still in the room')
    page = await PageSocket.open(port, cookie)
    const replayed = await page.event('message', (e) => e['text'] === 'are you still there?')
    assert.equal(replayed['from'], 'alice')
    assert.deepEqual(page.events[0], { type: 'ui-hello', mode: 'host', version: 1 })
    const types = page.events.map((e) => e.type)
    assert.ok(types.indexOf('invitation') < types.indexOf('member-joined'), 'in the order they happened')
    await page.event('own-message', (e) => e['text'] === 'hello from the page')
  })

  it('/quit from the page leaves: the room is closed and the process exits 0', async () => {
    page.send({ type: 'line', text: '/quit' })
    await page.event('closed', (e) => e['reason'] === 'left')
    await host.event('closed', (e) => e['reason'] === 'left')
    assert.equal(await host.exitCode(), 0)
    await joiner.event('closed', (e) => e['reason'] === 'host-closing')
  })
})

describe('joining in the page', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it("asks for the answer, the code and a nickname in the page, again after a wrong one in the CLI's words, and never repeats the answer", async () => {
    const started = await readyHost(sandbox)
    const wrongAnswer = 'The Seine'
    const joiner = sandbox.run(['p2p', 'join', '--json', '--ui', '--no-open'], {
      env: { SECURECHAT_INVITATION: started.invitation, DEBUG: 'securechat:*', BROWSER: 'none' }
    })
    const link = await pageLink(joiner)
    const page = await PageSocket.open(link.port, await sessionCookie(link.port, link.path))
    await page.event('ui-hello')
    assert.deepEqual(page.events[0], { type: 'ui-hello', mode: 'member', version: 1 })

    const first = await page.event('prompt', (e) => e['step'] === 'answer')
    assert.equal(first['question'], QUESTION)
    let seen = page.events.length
    page.send({ type: 'reply', step: 'answer', value: wrongAnswer })
    await page.event('prompt-done', (e) => e['step'] === 'answer', seen)
    const again = await page.event('prompt', (e) => e['step'] === 'answer', seen)
    assert.equal(again['question'], QUESTION)
    assert.match(again['message'] as string, /^Wrong answer\. \d tries left\.$/)
    assert.equal(again['message'], `Wrong answer. ${again['attemptsLeft']} tries left.`)

    seen = page.events.length
    page.send({ type: 'reply', step: 'code', value: '123456' })
    await page.event('error', (e) => e['code'] === 'ui-bad-message', seen)
    page.send({ type: 'reply', step: 'answer', value: ANSWER })
    await page.event('prompt', (e) => e['step'] === 'code', seen)

    seen = page.events.length
    page.send({ type: 'reply', step: 'code', value: 'twelve' })
    const shape = await page.event('prompt', (e) => e['step'] === 'code', seen)
    assert.equal(shape['message'], 'A room code is 6 digits (spaces are fine). Try again.')
    seen = page.events.length
    page.send({ type: 'reply', step: 'code', value: wrongCode(await currentCode(started.host)) })
    const wrong = await page.event('prompt', (e) => e['step'] === 'code' && e['message'] !== undefined, seen)
    assert.match(wrong['message'] as string, /^Wrong room code \(it changes every 30 s\)\. \d tries left\.$/)

    seen = page.events.length
    const code = await currentCode(started.host)
    page.send({ type: 'reply', step: 'code', value: `${code.slice(0, 3)} ${code.slice(3)}` })
    await page.event('prompt', (e) => e['step'] === 'nickname', seen)
    seen = page.events.length
    page.send({ type: 'reply', step: 'nickname', value: 'host' })
    const taken = await page.event('prompt', (e) => e['step'] === 'nickname', seen)
    // The host's reason, as the terminal prints it: capitalised, with a full stop.
    assert.equal(taken['message'], 'The nickname "host" is taken.')
    page.send({ type: 'reply', step: 'nickname', value: 'alice' })
    const joined = await page.event('joined')
    assert.equal(joined['nick'], 'alice')
    await joiner.event('joined')
    await started.host.event('member-joined', (e) => e['nick'] === 'alice')

    const everything = [joiner.stdout, joiner.stderr, JSON.stringify(page.events)].join('\n').toLowerCase()
    assert.ok(joiner.stderr.includes('securechat:'), 'debug logging is on')
    for (const answer of [wrongAnswer, ANSWER]) {
      assert.ok(!everything.includes(answer.toLowerCase()), `"${answer}" is in no event or log`)
    }
    await page.close()
    assert.ok(joiner.running, 'closing the tab did not leave')
    assert.equal(await joiner.interrupt('SIGINT'), 0, 'SIGINT leaves as ever')
  })
})

describe('opening the browser', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('$BROWSER, else xdg-open, is started with the link; never with --no-open, --json or BROWSER=none', async () => {
    const bin = join(sandbox.dir, 'bin')
    const script = (name: string): string => {
      const path = join(sandbox.dir, `${name}.sh`)
      writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(sandbox.dir, `${name}.opened`)}"\n`, {
        mode: 0o700
      })
      return path
    }
    const { mkdirSync } = await import('node:fs')
    mkdirSync(bin)
    writeFileSync(
      join(bin, 'xdg-open'),
      `#!/bin/sh\nprintf '%s\\n' "$@" >> "${join(sandbox.dir, 'xdg.opened')}"\n`,
      {
        mode: 0o700
      }
    )
    const path = `${bin}:${process.env['PATH'] ?? ''}`
    const plain = [
      'p2p',
      'host',
      '--ui',
      '--question',
      QUESTION,
      '--answer-file',
      sandbox.answerFile,
      ...LOOPBACK
    ]
    const cases = {
      browser: sandbox.run(plain, { env: { BROWSER: script('browser'), PATH: path } }),
      xdg: sandbox.run(plain, { env: { BROWSER: '', PATH: path } }),
      noOpen: sandbox.run([...plain, '--no-open'], { env: { BROWSER: script('no-open'), PATH: path } }),
      none: sandbox.run(plain, { env: { BROWSER: 'none', PATH: path } }),
      json: sandbox.run([...plain, '--json'], { env: { BROWSER: script('json'), PATH: path } })
    }
    const urls: Record<string, string> = {}
    for (const [name, cli] of Object.entries(cases)) {
      urls[name] =
        name === 'json'
          ? (await pageLink(cli)).url
          : await cli.until(
              () => /^(http:\/\/127\.0\.0\.1:\d+\/open\?token=\S+)$/m.exec(cli.stdout)?.[1],
              'the link line'
            )
    }
    // The marker is written by another process: polled, with a bound.
    const opened = async (file: string): Promise<string> => {
      const at = join(sandbox.dir, file)
      for (let waited = 0; waited < 30_000; waited += 100) {
        if (existsSync(at)) return readFileSync(at, 'utf8').trim()
        await sleep(100)
      }
      throw new Error(`nothing wrote ${file} within 30 s`)
    }
    assert.equal(await opened('browser.opened'), urls['browser'], '$BROWSER got the link')
    assert.equal(await opened('xdg.opened'), urls['xdg'], 'xdg-open got the link (BROWSER unset)')
    // Those that open a browser did so within moments of printing the link; the others had as long.
    await sleep(1500)
    const markers = readdirSync(sandbox.dir)
      .filter((f) => f.endsWith('.opened'))
      .sort()
    assert.deepEqual(
      markers,
      ['browser.opened', 'xdg.opened'],
      'nothing opened with --no-open, BROWSER=none or --json'
    )
    assert.equal(
      readFileSync(join(sandbox.dir, 'xdg.opened'), 'utf8').trim().split('\n').length,
      1,
      'xdg-open once'
    )
  })
})
