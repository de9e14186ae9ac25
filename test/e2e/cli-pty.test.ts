/**
 * The interactive screens through a real pseudo-terminal, typed as a person would: tmux runs the
 * binary, `send-keys` types, `capture-pane` reads the screen. Skipped (with the reason) without tmux.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, describe, it } from 'node:test'
import {
  ANSWER,
  BIN,
  currentCode,
  LOOPBACK,
  QUESTION,
  readyHost,
  Sandbox,
  withoutMdns,
  wrongCode
} from '../helpers/cli.js'

const tmuxVersion = spawnSync('tmux', ['-V'], { encoding: 'utf8' })
const skip =
  tmuxVersion.error !== undefined || tmuxVersion.status !== 0
    ? 'tmux is not installed (apt-get install tmux)'
    : false

/** One tmux server of its own (its own socket), one window running `command`. */
class Tmux {
  private readonly socket = `securechat-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  private readonly env: Record<string, string>

  constructor(env: Record<string, string>) {
    this.env = env
  }

  private tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      env: this.env
    })
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`)
    return result.stdout
  }

  /** Runs the command in a 200×50 terminal; the window stays after it ends, showing its exit code. */
  start(args: string[]): void {
    const quoted = [process.execPath, BIN, ...withoutMdns(args)]
      .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
      .join(' ')
    this.tmux(
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      '200',
      '-y',
      '50',
      `${quoted}; echo "EXIT=$?"; sleep 120`
    )
  }

  /** Types text literally (no key names), then Enter unless told not to. */
  type(text: string, options: { enter?: boolean } = {}): void {
    if (text !== '') this.tmux('send-keys', '-t', 'main', '-l', text)
    if (options.enter !== false) this.tmux('send-keys', '-t', 'main', 'Enter')
  }

  keys(...names: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...names)
  }

  /** The screen and its scrollback, wrapped lines joined. */
  screen(): string {
    return this.tmux('capture-pane', '-t', 'main', '-p', '-J', '-S', '-300')
  }

  /** The visible lines only, trailing blanks removed. */
  visibleLines(): string[] {
    const lines = this.tmux('capture-pane', '-t', 'main', '-p').split('\n')
    while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop()
    return lines
  }

  /** Waits (bounded) until the screen matches; returns the match. */
  async waitFor(pattern: RegExp, what: string, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const match = this.screen().match(pattern)
      if (match !== null) return match
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what} (${pattern}) on the screen:\n${this.screen()}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { env: this.env })
  }
}

describe('the interactive join, typed into a terminal', { skip }, () => {
  const sandbox = new Sandbox()
  const tmux = new Tmux(sandbox.env())
  after(async () => {
    tmux.kill()
    await sandbox.cleanup()
  })

  it('asks for the invitation, the question (hidden answer, again after a wrong one), the code and the nickname, then chats', async () => {
    const { host, invitation } = await readyHost(sandbox)
    // No invitation argument: it is pasted, so it is in neither the process list nor the shell history.
    tmux.start(['p2p', 'join'])
    await tmux.waitFor(/Paste the invitation: $/m, 'the invitation prompt')
    tmux.type('sc1-not-really')
    await tmux.waitFor(/That is not a usable invitation: .*\n[\s\S]*Paste the invitation: $/m, 'asked again')
    tmux.type(invitation)

    await tmux.waitFor(new RegExp(`The host asks: ${QUESTION.replace('?', '\\?')}`), "the host's question")
    await tmux.waitFor(/Your answer \(hidden\): $/m, 'the hidden answer prompt')
    tmux.type('The Seine')
    await tmux.waitFor(/Wrong answer\. 4 tries left\./, 'the wrong answer said plainly, with the tries left')
    await tmux.waitFor(
      /Your answer \(hidden\): [^\n]*\n[\s\S]*Your answer \(hidden\): $/m,
      'the answer asked again'
    )
    tmux.type(ANSWER)

    await tmux.waitFor(/Room code \(the digits on the host's screen\): $/m, 'the room code prompt')
    const typedWrongCode = wrongCode(await currentCode(host))
    tmux.type(typedWrongCode)
    await tmux.waitFor(
      /Wrong room code \(it changes every 30 s\)\. 3 tries left\./,
      'the wrong code said plainly'
    )
    await tmux.waitFor(
      /Room code[^\n]*\n[\s\S]*Room code \(the digits on the host's screen\): $/m,
      'the code asked again'
    )
    const code = await currentCode(host)
    const typedCode = `${code.slice(0, 3)} ${code.slice(3)}`
    tmux.type(typedCode)

    await tmux.waitFor(/Your nickname: $/m, 'the nickname prompt')
    tmux.type('zoe')
    await tmux.waitFor(/Joined "[^"]+" as zoe\. Here: host \(host\)\./, 'the joined notice')
    assert.doesNotMatch(tmux.screen(), /Thames|Seine/, 'the answers typed were never shown')

    tmux.type('hello from a terminal')
    const message = await host.event('message', (e) => e['from'] === 'zoe')
    assert.equal(message['text'], 'hello from a terminal')
    await tmux.waitFor(/\d\d:\d\d <zoe> hello from a terminal/, 'the sent message shown in the chat format')

    host.send('welcome, zoe')
    await tmux.waitFor(/\d\d:\d\d <host> welcome, zoe/, 'the host’s message on the screen')

    // A message arriving while something is typed goes above the input line, which keeps the text.
    tmux.type('half a thought', { enter: false })
    await tmux.waitFor(/zoe> half a thought$/m, 'the text being typed')
    host.send('interrupting')
    await tmux.waitFor(/<host> interrupting/, 'the incoming message')
    await tmux.waitFor(
      /<host> interrupting\n(?:\s*\n)*zoe> half a thought$/m,
      'the input line redrawn below it'
    )
    const lines = tmux.visibleLines()
    assert.match(lines[lines.length - 1] ?? '', /^zoe> half a thought$/, 'the input line is intact and last')

    tmux.keys('C-u')
    tmux.type('/who')
    await tmux.waitFor(/2 in the room:/, 'the /who answer')
    await tmux.waitFor(/zoe\s+(\d{5} ){5}\d{5}\s+\(you\)/, 'zoe with her fingerprint')

    // The up arrow walks back through what was typed, newest first, then to an empty line again:
    // neither the pasted invitation nor the hidden answers are there to be sent by mistake.
    tmux.keys('C-u')
    for (const line of ['/who', 'hello from a terminal', 'zoe', typedCode, typedWrongCode, '']) {
      tmux.keys('Up')
      await tmux.waitFor(new RegExp(`\nzoe>\\s*${line}\\s*$`), `"${line}" recalled on the input line`)
    }

    // Ctrl-D on the empty input line leaves; the room is told.
    tmux.keys('C-d')
    const left = await host.event('member-left', (e) => e['nick'] === 'zoe')
    assert.equal(left['reason'], 'left')
    await tmux.waitFor(/EXIT=0/, 'exit code 0')
  })
})

describe('the interactive host, typed into a terminal', { skip }, () => {
  const sandbox = new Sandbox()
  const tmux = new Tmux(sandbox.env())
  after(async () => {
    tmux.kill()
    await sandbox.cleanup()
  })

  it('asks question and answer (twice, hidden), shows the invitation, QR code and live room code', async () => {
    tmux.start(['p2p', 'host', ...LOOPBACK, '--nick', 'hostess'])
    await tmux.waitFor(/Security question: $/m, 'the question prompt')
    tmux.type(QUESTION)
    await tmux.waitFor(/Answer joiners must give \(hidden\): $/m, 'the first answer prompt')
    tmux.type(ANSWER)
    await tmux.waitFor(/The same answer again \(hidden\): $/m, 'the second answer prompt')
    tmux.type('something else')
    await tmux.waitFor(/The two answers differ\. Try again\./, 'the mismatch said plainly')
    await tmux.waitFor(/differ\. Try again\.\n[\s\S]*Answer joiners must give \(hidden\): $/m, 'asked again')
    tmux.type(ANSWER)
    await tmux.waitFor(/The same answer again \(hidden\): $/m, 'the second answer prompt again')
    tmux.type(ANSWER)

    const invitation = (await tmux.waitFor(/^(sc1[A-Za-z0-9_-]+)$/m, 'the invitation'))[1] as string
    // Ten lines or more drawn only with half blocks: a QR code. (A run of solid blocks is not guaranteed:
    // with colour, dark modules are the ink and a row may break every few cells.)
    await tmux.waitFor(/(?:^ *[█▀▄][█▀▄ ]{20,}\n){10}/m, 'the QR code')
    const [, first, second] = await tmux.waitFor(
      /\[code (\d{3}) (\d{3}) · [ \d]\ds\] hostess> $/m,
      'the code in the prompt'
    )
    assert.doesNotMatch(tmux.screen(), /Thames|something else/, 'the answers typed were never shown')

    const alice = sandbox.join(invitation, `${first}${second}`, 'alice')
    await alice.event('joined')
    await tmux.waitFor(/→ alice joined \(key (\d{5} ){5}\d{5}\)/, 'the join notice')
    alice.send('hi hostess')
    await tmux.waitFor(/\d\d:\d\d <alice> hi hostess/, 'alice’s message')
    tmux.type('welcome alice')
    const message = await alice.event('message', (e) => e['from'] === 'hostess')
    assert.equal(message['text'], 'welcome alice')

    tmux.type('/kick nobody')
    await tmux.waitFor(/! no member "nobody" in the room/, 'a failed command said plainly')

    tmux.keys('C-c')
    assert.equal(await alice.exitCode(), 0)
    assert.equal((await alice.event('closed'))['reason'], 'host-closing')
    await tmux.waitFor(/EXIT=0/, 'exit code 0')
  })
})
