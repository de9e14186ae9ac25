/**
 * The page of `--ui` in a real browser (Debian's chromium, driven by playwright-core), each test
 * through the real CLI process: issue 14's proof. One browser for the file; every page in its own
 * context, and any script error, CSP violation or dialog in a page fails the test.
 */
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import type { Browser } from 'playwright-core'
import { preferredColour } from '../../src/cli/colours.js'
import { decodeInvitation, encodeInvitation } from '../../src/protocol/invitation.js'
import { xtermHex } from '../../src/ui/text.js'
import {
  DESKTOP,
  launchBrowser,
  logShows,
  NO_BROWSER,
  openUi,
  PHONE,
  REBIND_NAME,
  recordNotifications,
  SCREENSHOTS,
  screenshot,
  setTabHidden,
  shownMessages,
  typeMessage,
  type UiPage
} from '../helpers/browser.js'
import {
  ANSWER,
  type CliProcess,
  currentCode,
  type JsonEvent,
  QUESTION,
  readyHost,
  Sandbox,
  wrongCode
} from '../helpers/cli.js'
import { type CuttableLink, cuttableLink } from '../helpers/tcp-cut.js'

/** The page's link: the `ui` event, which --json prints before anything else. */
async function uiUrl(cli: CliProcess): Promise<string> {
  const event = await cli.event('ui', undefined, 'the link to the page')
  assert.equal(cli.events[0]?.type, 'ui', 'the ui event is the first line')
  return event['url'] as string
}

/** The invitation with its addresses replaced by one loopback port (the token is unchanged). */
function through(invitation: string, port: number, peerId: string): string {
  const { token } = decodeInvitation(invitation)
  return encodeInvitation({ addresses: [multiaddr(`/ip4/127.0.0.1/tcp/${port}/p2p/${peerId}`).bytes], token })
}

function noProblems(...pages: UiPage[]): void {
  for (const ui of pages) assert.deepEqual(ui.problems, [], 'no script error, CSP violation or dialog')
}

/** The room in the order the room gave it, as a `--json` member saw it: others' messages and its own. */
function roomOrder(member: CliProcess, own: string[]): string[] {
  const sent = member.events.filter((e) => e.type === 'sent')
  const lines = [
    ...member.events
      .filter((e) => e.type === 'message')
      .map((e) => ({ seq: e['seq'] as number, line: `${e['from']}: ${e['text']}` })),
    ...own.map((text, i) => ({
      seq: sent[i]?.['seq'] as number,
      line: `${member.events.find((e) => e.type === 'joined')?.['nick']}: ${text}`
    }))
  ]
  return lines.sort((a, b) => a.seq - b.seq).map((l) => l.line)
}

describe('the page (--ui) in a real browser', { skip: NO_BROWSER }, () => {
  let browser: Browser
  before(async () => {
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
  })

  describe('a room with a host page, a joiner page and a terminal joiner', () => {
    const sandbox = new Sandbox()
    let host: CliProcess
    let bob: CliProcess
    let carol: CliProcess
    let hostUi: UiPage
    let bobUi: UiPage
    let link: CuttableLink
    let invitation: string
    const carolSaid: string[] = []

    before(async () => {
      const ready = await readyHost(sandbox, ['--ui', '--no-open'])
      host = ready.host
      invitation = ready.invitation
      hostUi = await openUi(browser, await uiUrl(host))
      const direct = (await host.event('invitation'))['addresses'] as string[]
      const port = Number(/\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\//.exec(direct.join(' '))?.[1])
      // Bob reaches the host through a link the test can cut (proof 6).
      link = await cuttableLink({ host: '127.0.0.1', port })
      bob = sandbox.join(through(invitation, link.port, ready.peerId), ready.code, 'bob', [
        '--ui',
        '--no-open',
        '--download-dir',
        sandbox.dir
      ])
      bobUi = await openUi(browser, await uiUrl(bob))
      await bob.event('joined')
      const carolDownloads = join(sandbox.dir, 'carol-downloads')
      mkdirSync(carolDownloads)
      carol = sandbox.join(invitation, await currentCode(host), 'carol', ['--download-dir', carolDownloads])
      await carol.event('joined')
    })
    after(async () => {
      await hostUi?.context.close()
      await bobUi?.context.close()
      await link?.close()
      await sandbox.cleanup()
    })

    it('1. shows the host its invitation and code, and messages go all ways in one order, with nicknames and notices', async () => {
      const h = hostUi.page
      const b = bobUi.page
      const text = h.locator('#invitations .invitation-text').first()
      await text.waitFor()
      assert.equal(await text.inputValue(), invitation)
      assert.equal(await h.locator('#invitations svg.qr').count(), 1, 'the QR code of the invitation')
      assert.ok((await h.locator('#invitations .addresses li').count()) >= 1, 'the addresses it leads to')
      assert.match((await h.locator('#room-code').textContent()) ?? '', /^\d{3} \d{3}$/)
      assert.match((await h.locator('#code-left').textContent()) ?? '', /^valid \d+ s more$/)

      // Join notices and who is here, with fingerprints.
      await logShows(h, /bob joined \(key /)
      await logShows(h, /carol joined \(key /)
      await logShows(b, /carol joined \(key /)
      for (const nick of ['bob', 'carol']) {
        const joined = await host.event('member-joined', (e) => e['nick'] === nick)
        const row = h.locator('#members li.member').filter({ hasText: nick })
        assert.match((await row.textContent()) ?? '', new RegExp(joined['fingerprint'] as string))
      }
      assert.equal(
        await b.evaluate(() => document.activeElement?.id),
        'composer-text',
        'the joiner lands in the message box'
      )

      await typeMessage(h, 'hello from the host page')
      await typeMessage(b, 'two lines\nfrom bob')
      carol.send('hello from carol')
      carolSaid.push('hello from carol')
      await carol.event('message', (e) => e['text'] === 'two lines\nfrom bob' && e['from'] === 'bob')
      await carol.event('message', (e) => e['text'] === 'hello from the host page' && e['from'] === 'host')
      for (const page of [h, b]) await logShows(page, 'hello from carol')
      await logShows(h, 'from bob')
      await logShows(b, 'hello from the host page')

      // All at once: each page still shows the room's one order.
      await Promise.all([
        typeMessage(h, 'burst: host'),
        typeMessage(b, 'burst: bob'),
        carol.send('burst: carol')
      ])
      carolSaid.push('burst: carol')
      await carol.until(
        () =>
          carol.events.filter((e) => e.type === 'message' && /^burst/.test(e['text'] as string)).length === 2,
        'both bursts'
      )
      for (const page of [h, b]) {
        await logShows(page, 'burst: carol')
        await page.waitForFunction(
          () =>
            document.querySelectorAll('#log li.msg.pending').length === 0 &&
            document.querySelectorAll('#log li.msg').length === 6
        )
      }
      const onHost = await shownMessages(h)
      const onBob = await shownMessages(b)
      const lines = (shown: typeof onHost): string[] => shown.map((m) => `${m.nick}: ${m.text}`)
      assert.deepEqual(lines(onBob), lines(onHost), 'both pages in one order')
      assert.deepEqual(lines(onHost), roomOrder(carol, carolSaid), 'the terminal joiner’s order too')
      for (const shown of [onHost, onBob]) {
        const seqs = shown.map((m) => m.seq ?? -1)
        assert.deepEqual(
          seqs,
          [...seqs].sort((x, y) => x - y),
          'by the room’s seq'
        )
      }
      assert.ok(
        lines(onHost).includes('bob: two lines\nfrom bob'),
        'a multi-line message keeps its line break'
      )

      // Nicknames in the terminal's colours; new messages in the live region.
      for (const nick of ['host', 'bob', 'carol']) {
        const colour = await h
          .locator('#log li.msg .nick', { hasText: nick })
          .first()
          .evaluate((e) => (e as HTMLElement).style.getPropertyValue('--nick'))
        assert.equal(colour, xtermHex(preferredColour(nick)), `${nick}'s colour`)
      }
      assert.match((await h.locator('#live').textContent()) ?? '', /carol: burst: carol|bob: burst: bob/)
      noProblems(hostUi, bobUi)
    })

    it('4. a message of HTML and script shows as text, and nothing in it runs', async () => {
      const h = hostUi.page
      const b = bobUi.page
      const img = '<img src=x onerror="window.__xss=1;alert(1)">'
      const script = '<script>window.__xss=2</script><b>not bold</b>'
      carol.send(img)
      await typeMessage(h, script)
      carol.send('left\u202eright')
      for (const page of [h, b]) {
        await logShows(page, img)
        await logShows(page, script)
        await logShows(page, 'leftright')
        assert.equal(
          await page.locator('#log img, #log script, #log b').count(),
          0,
          'no element was made of it'
        )
        assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined)
      }
      noProblems(hostUi, bobUi)
    })

    it('6. the joiner page survives its process reconnecting, and a reload', async () => {
      const h = hostUi.page
      const b = bobUi.page
      link.cut()
      await bob.event('reconnecting', undefined, 'bob to notice the cut link')
      await b.locator('#banner').filter({ hasText: 'reconnecting' }).waitFor()
      await host.event('member-away', (e) => e['nick'] === 'bob')
      await logShows(h, /bob lost the connection/)
      await typeMessage(h, 'said while bob was away')
      link.mend()
      await bob.event('back', undefined, 'bob back in the room')
      await b.locator('#banner').waitFor({ state: 'hidden' })
      await logShows(b, /back in the room; (nothing was missed|\d+ message\(s\) were missed)/)
      await logShows(b, 'said while bob was away')
      await typeMessage(b, 'bob is back')
      await logShows(h, 'bob is back')

      // A reload opens a new socket: the replay draws the chat again, bob's own lines included.
      await b.reload()
      await b.locator('#room-view').waitFor()
      await logShows(b, 'bob is back')
      const lines = (await shownMessages(b)).map((m) => `${m.nick}: ${m.text}`)
      for (const line of [
        'host: hello from the host page',
        'bob: two lines\nfrom bob',
        'carol: hello from carol'
      ]) {
        assert.ok(lines.includes(line), `after the reload: ${line}`)
      }
      noProblems(hostUi, bobUi)
    })

    it('a file sent from the host page is offered on the joiner page and to a terminal member, and saved by both', async () => {
      const h = hostUi.page
      const b = bobUi.page
      await h.locator('#file-input').setInputFiles({
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('hello, file\n')
      })
      await logShows(h, /you offered notes\.txt \(12 B\) to /)
      const offer = b.locator('#log li.transfer').filter({ hasText: 'host offers notes.txt (12 B)' })
      await offer.waitFor()
      await b.getByRole('button', { name: 'Accept notes.txt from host' }).click()
      const saved = await bob.event('file-received')
      assert.equal(readFileSync(saved['path'] as string, 'utf8'), 'hello, file\n')
      await offer.filter({ hasText: 'saved from host' }).waitFor()
      // The terminal member (--json) is offered the same file and takes it with the stdin line /accept.
      const offered = await carol.event('file-offer', (e) => e['name'] === 'notes.txt')
      assert.equal(offered['from'], 'host')
      carol.send(`/accept ${offered['id']}`)
      const atCarol = await carol.event('file-received', (e) => e['id'] === offered['id'])
      assert.equal(readFileSync(atCarol['path'] as string, 'utf8'), 'hello, file\n')
      await h
        .locator('#log li.transfer')
        .filter({ hasText: /sent to .*bob/ })
        .waitFor()
      noProblems(hostUi, bobUi)
    })

    it('7. screenshots of the host and joiner pages, desktop and 390 px wide', async () => {
      const shots: string[] = []
      for (const [who, ui] of [
        ['host', hostUi],
        ['joiner', bobUi]
      ] as const) {
        await ui.page.setViewportSize(DESKTOP)
        shots.push(await screenshot(ui.page, `${who}-desktop`))
        await ui.page.setViewportSize(PHONE)
        shots.push(await screenshot(ui.page, `${who}-390`))
        const width = await ui.page.evaluate(() => document.documentElement.scrollWidth)
        assert.ok(width <= PHONE.width, `${who}: nothing wider than the window at 390 px (${width})`)
        await ui.page.locator('#side-toggle').click()
        shots.push(await screenshot(ui.page, `${who}-390-room-panel`))
        await ui.page.locator('#side-toggle').click()
        await ui.page.setViewportSize(DESKTOP)
      }
      await hostUi.page.emulateMedia({ colorScheme: 'dark' })
      shots.push(await screenshot(hostUi.page, 'host-desktop-dark'))
      await hostUi.page.emulateMedia({ colorScheme: 'light' })
      console.log(
        `screenshots in ${SCREENSHOTS}: ${shots.map((s) => s.slice(SCREENSHOTS.length)).join(', ')}`
      )
      noProblems(hostUi, bobUi)
    })

    it('3. the host kicks a member from the page, whose page says so; /quit in the page closes the room', async () => {
      const h = hostUi.page
      const b = bobUi.page
      await h.getByRole('button', { name: 'Kick bob' }).click()
      await logShows(b, 'You are no longer in the room: kicked by the host.')
      assert.equal(await b.locator('#composer-text').isDisabled(), true, 'nothing more to type')
      assert.equal(await bob.exitCode(), 3, 'a kick is a refusal')
      await logShows(h, /bob left \(kicked by the host\)/)
      assert.equal(await h.locator('#members li.member').filter({ hasText: 'bob' }).count(), 0)

      await typeMessage(h, '/quit')
      assert.equal(await host.exitCode(), 0)
      await logShows(h, 'You left the room.')
      assert.equal((await carol.event('closed'))['reason'], 'host-closing')
      noProblems(hostUi, bobUi)
    })
  })

  describe('the host page: attention while hidden, Revoke, Lock and Unlock', () => {
    const sandbox = new Sandbox()
    let host: CliProcess
    let invitation: string
    let hostUi: UiPage
    let carol: CliProcess

    before(async () => {
      const ready = await readyHost(sandbox, ['--ui', '--no-open'])
      host = ready.host
      invitation = ready.invitation
      hostUi = await openUi(browser, await uiUrl(host), {
        prepare: async (context) => {
          await context.grantPermissions(['notifications'])
          await context.addInitScript(recordNotifications)
        }
      })
      carol = sandbox.join(invitation, ready.code, 'carol')
      await carol.event('joined')
      await logShows(hostUi.page, /carol joined/)
    })
    after(async () => {
      await hostUi?.context.close()
      await sandbox.cleanup()
    })

    const notifications = () =>
      hostUi.page.evaluate(
        () =>
          (window as unknown as { __notifications: Array<{ title: string; body?: string }> }).__notifications
      )

    it('counts unread messages in the tab title and notifies while the tab is hidden, and neither in view', async () => {
      const h = hostUi.page
      carol.send('seen at once')
      await logShows(h, 'seen at once')
      const base = await h.title()
      assert.doesNotMatch(base, /^\(\d+\)/, 'no count while the tab is in view')
      assert.deepEqual(await notifications(), [], 'no notification while the tab is in view')
      assert.equal(await h.locator('#notify-button').isHidden(), true, 'permission is granted already')

      await setTabHidden(h, true)
      carol.send('first while away')
      carol.send('second while away')
      await h.waitForFunction((base) => document.title === `(2) ${base}`, base)
      assert.deepEqual(
        (await notifications()).map((n) => [n.title, n.body]),
        [
          ['carol', 'first while away'],
          ['carol', 'second while away']
        ]
      )
      // The host's own message is not news to the host.
      await typeMessage(h, 'the host typed this')
      await carol.event('message', (e) => e['text'] === 'the host typed this')
      assert.equal(await h.title(), `(2) ${base}`)

      await setTabHidden(h, false)
      await h.waitForFunction((base) => document.title === base, base)
      carol.send('in view again')
      await logShows(h, 'in view again')
      assert.equal(await h.title(), base)
      assert.equal((await notifications()).length, 2)
      noProblems(hostUi)
    })

    it('Revoke: the invitation leaves the page and a joiner with it is refused', async () => {
      const h = hostUi.page
      await h.getByLabel('Valid for').fill('30m')
      await h.getByRole('button', { name: 'New invitation' }).click()
      const issued = await host.event('invitation', (e) => e['invitation'] !== invitation)
      const id = issued['id'] as string
      const revoke = h.getByRole('button', { name: `Revoke invitation ${id}` })
      await revoke.click()
      await host.event('ok', (e) => e['command'] === 'revoke' && e['id'] === id)
      await revoke.waitFor({ state: 'detached' })
      assert.equal(await h.locator('#invitations .invitation-text').count(), 1, 'the first one stays')
      const dan = sandbox.join(issued['invitation'] as string, await currentCode(host), 'dan')
      assert.equal(await dan.exitCode(), 3)
      assert.equal((await dan.event('error'))['code'], 'token-revoked')
      noProblems(hostUi)
    })

    it('Lock refuses a joiner, said as a notice; Unlock admits again', async () => {
      const h = hostUi.page
      await h.getByRole('button', { name: 'Lock the room' }).click()
      await host.event('ok', (e) => e['command'] === 'lock')
      await h.locator('#lock-state').filter({ hasText: 'Locked: new joiners are refused.' }).waitFor()
      assert.equal(await h.locator('#lock-button').getAttribute('aria-pressed'), 'true')
      const erin = sandbox.join(invitation, await currentCode(host), 'erin')
      assert.equal(await erin.exitCode(), 3)
      assert.equal((await erin.event('error'))['code'], 'room-locked')
      await logShows(h, /a join from .* was refused: /)

      await h.getByRole('button', { name: 'Unlock the room' }).click()
      await host.event('ok', (e) => e['command'] === 'unlock')
      await h.locator('#lock-state').filter({ hasText: 'Open to joiners' }).waitFor()
      const again = sandbox.join(invitation, await currentCode(host), 'erin')
      await again.event('joined')
      await logShows(h, /erin joined/)
      noProblems(hostUi)
    })
  })

  describe('joining in the page', () => {
    const sandbox = new Sandbox()
    const pages: UiPage[] = []
    after(async () => {
      for (const ui of pages) await ui.context.close()
      await sandbox.cleanup()
    })

    it('2. a wrong answer, a wrong code and a taken nickname each say so with the tries left; a locked-out joiner sees when it may try again', async () => {
      const { host, invitation } = await readyHost(sandbox)
      const dave = sandbox.run(['p2p', 'join', '--json', '--ui', '--no-open'])
      const ui = await openUi(browser, await uiUrl(dave))
      pages.push(ui)
      const p = ui.page
      const input = p.locator('#prompt-input')
      const answerStep = async (value: string): Promise<void> => {
        await input.fill(value)
        await input.press('Enter')
      }

      await p.getByLabel('Paste the invitation').waitFor()
      await answerStep(invitation)
      await p.getByText(`The host asks: ${QUESTION}`).waitFor()
      assert.equal(await input.getAttribute('type'), 'password', 'the answer is typed unseen')
      await answerStep('The Seine')
      await p
        .locator('#prompt-message')
        .filter({ hasText: /wrong answer/i })
        .waitFor()
      assert.match((await p.locator('#prompt-message').textContent()) ?? '', /\d tries left/)
      await screenshot(p, 'joiner-prompt-wrong-answer')
      await answerStep(ANSWER)

      await p.getByLabel("The room code on the host's screen").waitFor()
      await answerStep(wrongCode(await currentCode(host)))
      await p.locator('#prompt-message').filter({ hasText: /code/i }).waitFor()
      assert.match((await p.locator('#prompt-message').textContent()) ?? '', /tries? left/)
      await answerStep(await currentCode(host))

      await p.getByLabel('Your nickname in the room').waitFor()
      await answerStep('host')
      await p.locator('#prompt-message').filter({ hasText: /taken/i }).waitFor()
      await p.setViewportSize(PHONE)
      await screenshot(p, 'joiner-prompt-nickname-390')
      await p.setViewportSize(DESKTOP)
      await answerStep('dave')
      await dave.event('joined')
      await p.locator('#room-view').waitFor()
      await host.event('member-joined', (e) => e['nick'] === 'dave')
      assert.ok(
        !((await p.locator('body').textContent()) ?? '').includes(ANSWER),
        'the answer is not on the page'
      )
      const values = await p.$$eval('input, textarea', (fields) =>
        fields.map((f) => (f as HTMLInputElement).value)
      )
      assert.ok(!values.includes(ANSWER), 'nor left in a field')
      assert.ok(!dave.stdout.includes(ANSWER), 'nor in any event')

      // Another joiner, another invitation (failures count per address and invitation): the fifth
      // wrong answer ends its try, as in the terminal, and the next joiner from here is locked out.
      host.send('/invite')
      const second = (await host.event('invitation', (e) => e['invitation'] !== invitation))[
        'invitation'
      ] as string
      const eve = sandbox.run(['p2p', 'join', second, '--json', '--ui', '--no-open'])
      const eveUi = await openUi(browser, await uiUrl(eve))
      pages.push(eveUi)
      const e = eveUi.page
      for (let i = 0; i < 5; i++) {
        await e.locator('#prompt-submit:enabled').waitFor()
        await e.locator('#prompt-input').fill(`wrong ${i}`)
        await e.locator('#prompt-input').press('Enter')
        await e.waitForFunction(() => document.getElementById('join-status')?.textContent !== 'Checking…')
      }
      await e
        .locator('#join-status')
        .filter({ hasText: /refused: wrong answer/ })
        .waitFor()
      assert.equal(await eve.exitCode(), 3)
      await e
        .locator('#banner')
        .filter({ hasText: /not answering/ })
        .waitFor()

      const again = sandbox.run(['p2p', 'join', second, '--json', '--ui', '--no-open'])
      const againUi = await openUi(browser, await uiUrl(again))
      pages.push(againUi)
      const a = againUi.page
      await a
        .locator('#prompt-tries')
        .filter({ hasText: /You may try again in \d+ min \d+ s/ })
        .waitFor()
      assert.match((await a.locator('#prompt-message').textContent()) ?? '', /too many failed attempts/i)
      assert.equal(await a.locator('#prompt-submit').isDisabled(), true, 'no try before the time')
      await screenshot(a, 'joiner-locked-out')
      noProblems(ui, againUi)
      // Eve's page knocks on the socket of a process that has ended; nothing else went wrong in it.
      assert.deepEqual(
        eveUi.problems.filter((p) => !/ERR_CONNECTION_REFUSED/.test(p)),
        []
      )
    })
  })

  describe('the local server, from the browser', () => {
    const sandbox = new Sandbox()
    let other: Server | undefined
    after(async () => {
      await new Promise((resolve) => (other === undefined ? resolve(undefined) : other.close(resolve)))
      await sandbox.cleanup()
    })

    // Each refusal at the HTTP level, with exact statuses and headers, is test/cli/ui-server.test.ts's;
    // here a real browser meets them as an attacker's page would.
    it('5. refuses the browser without the link, under a rebinding name, and a WebSocket from another origin', async () => {
      const { host, invitation, peerId } = await readyHost(sandbox, ['--ui', '--no-open'])
      const link = new URL(await uiUrl(host))
      const port = Number(link.port)
      const context = await browser.newContext()
      const page = await context.newPage()
      const problems: string[] = []
      page.on('pageerror', (err) => problems.push(err.message))

      const bare = await page.goto(`http://127.0.0.1:${port}/`)
      assert.equal(bare?.status(), 403, 'no page without the link')
      const refusal = await page.content()
      for (const secret of [invitation, peerId, QUESTION])
        assert.ok(!refusal.includes(secret), 'nothing about the room')

      await page.goto(link.href)
      await page.locator('#invitations .invitation-text').first().waitFor()

      // A name of the attacker's that resolves to 127.0.0.1: the browser calls it same-origin with that site.
      const rebound = await page.goto(`http://${REBIND_NAME}:${port}/`)
      assert.equal(rebound?.status(), 403, `Host: ${REBIND_NAME}:${port}`)
      assert.ok(!(await page.content()).includes(invitation))

      // Another origin on this machine: same site, so the browser sends the page's cookie along.
      other = createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' })
        res.end('<!doctype html><title>another site</title>')
      })
      await new Promise<void>((resolve) => other?.listen(0, '127.0.0.1', resolve))
      await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`)
      const attempt = await page.evaluate(async (port) => {
        const socket = await new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`)
          ws.onopen = () => resolve('opened')
          ws.onclose = (event) => resolve(`closed ${event.code}`)
        })
        const read = await fetch(`http://127.0.0.1:${port}/`).then(
          (r) => `read ${r.status}`,
          () => 'unreadable'
        )
        return { socket, read }
      }, port)
      assert.deepEqual(attempt, { socket: 'closed 1006', read: 'unreadable' })

      // The page's own origin, same cookie: the socket opens (so the refusal above was the Origin's).
      await page.goto(`http://127.0.0.1:${port}/`)
      await page.locator('#invitations .invitation-text').first().waitFor()
      assert.deepEqual(problems, [])
      await context.close()
      assert.equal(await host.interrupt(), 0)
    })
  })

  describe('the start page (securechat ui)', () => {
    const sandbox = new Sandbox()
    after(() => sandbox.cleanup())

    it('hosts a room from the page; closing the tab leaves the room up', async () => {
      const ui = sandbox.run(['ui', '--json', '--no-open', '--port', '0', '--no-mdns', '--no-upnp'])
      const start = await openUi(browser, await uiUrl(ui))
      const s = start.page
      await s.locator('#start-view').waitFor()
      await screenshot(s, 'start-desktop')
      await s.getByLabel('Security question').fill(QUESTION)
      await s.getByLabel('Its answer').fill(ANSWER)
      await s.getByLabel('The answer again').fill(ANSWER)
      await s.getByLabel('The answer again').press('Enter')
      const invitation = await ui.event('invitation')
      await s.locator('#invitations .invitation-text').first().waitFor()
      assert.equal(
        await s.locator('#invitations .invitation-text').first().inputValue(),
        invitation['invitation']
      )
      const zoe = sandbox.join(invitation['invitation'] as string, await currentCode(ui), 'zoe')
      await zoe.event('joined')
      await logShows(s, /zoe joined/)
      noProblems(start)

      await start.context.close()
      zoe.send('still here?')
      await ui.event(
        'message',
        (e: JsonEvent) => e['text'] === 'still here?',
        'the room to go on without the tab'
      )
      assert.ok(ui.running && zoe.running)
      assert.equal(await ui.interrupt(), 0)
    })
  })
})
