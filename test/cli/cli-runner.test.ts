/**
 * @module The session runner with a fake face and a fake session: no network, no terminal, so a
 * mistake in the lifecycle (what leaves, what stays, which exit code) fails in milliseconds.
 */
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { describe, it } from 'node:test'
import { setImmediate as tick } from 'node:timers/promises'
import { ExitCode } from '../../src/cli/exit-codes.js'
import type { Io } from '../../src/cli/io.js'
import { JsonFace } from '../../src/cli/json-mode.js'
import type { ChatSession } from '../../src/cli/session.js'
import {
  type Face,
  type InputError,
  runSession,
  type SessionEnd,
  type ShownResult
} from '../../src/cli/session-runner.js'
import type { RoomEvent } from '../../src/node/index.js'

/** A session that records what the runner asks of it and lets a test emit room events. */
class FakeSession implements ChatSession {
  readonly role = 'member'
  readonly roomName = 'test room'
  readonly nickname = 'alice'
  readonly peerId = 'peer-alice'
  readonly fingerprint = 'aa:bb'
  readonly canSend = true
  readonly host = undefined
  readonly files = undefined
  readonly restartable: boolean
  readonly sent: string[] = []
  readonly closes: Array<{ final?: boolean }> = []
  private handler: ((event: RoomEvent) => void) | undefined

  constructor(options: { restartable?: boolean } = {}) {
    this.restartable = options.restartable === true
  }

  async send(text: string): Promise<{ seq: number }> {
    this.sent.push(text)
    return { seq: this.sent.length }
  }

  who() {
    return [{ nick: 'alice', peerId: 'peer-alice', fingerprint: 'aa:bb', self: true, host: false }]
  }

  onEvent(handler: (event: RoomEvent) => void): () => void {
    this.handler = handler
    return () => {
      this.handler = undefined
    }
  }

  async close(options: { final?: boolean } = {}): Promise<void> {
    this.closes.push(options)
  }

  emit(event: RoomEvent): void {
    this.handler?.(event)
  }
}

/** A face that records what it is shown and lets a test type lines and end input. */
class FakeFace implements Face {
  readonly lineOrder: Face['lineOrder']
  readonly inputEnd: Face['inputEnd']
  readonly shown: RoomEvent[] = []
  readonly results: ShownResult[] = []
  readonly errors: InputError[] = []
  readonly ends: SessionEnd[] = []
  closed = false
  private lineHandler: ((line: string) => void) | undefined
  private endHandler: (() => void) | undefined

  constructor(options: { inputEnd?: Face['inputEnd']; lineOrder?: Face['lineOrder'] } = {}) {
    this.inputEnd = options.inputEnd ?? 'stay'
    this.lineOrder = options.lineOrder ?? 'in-order'
  }

  onLine(handler: (line: string) => void): void {
    this.lineHandler = handler
  }
  onInputEnd(handler: () => void): void {
    this.endHandler = handler
  }
  start(): void {}
  show(event: RoomEvent): void {
    this.shown.push(event)
  }
  showResult(result: ShownResult): void {
    this.results.push(result)
  }
  showError(error: InputError): void {
    this.errors.push(error)
  }
  showEnd(end: SessionEnd): void {
    this.ends.push(end)
  }
  close(): void {
    this.closed = true
  }

  type(line: string): void {
    this.lineHandler?.(line)
  }
  endInput(): void {
    this.endHandler?.()
  }
}

/** Whether `promise` has settled, after letting pending work run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  void promise.then(() => {
    done = true
  })
  await tick()
  return done
}

/** A running session over fakes; `face` options as in `FakeFace`. */
function started(
  sessionOptions: { restartable?: boolean } = {},
  faceOptions: ConstructorParameters<typeof FakeFace>[0] = {}
) {
  const session = new FakeSession(sessionOptions)
  const face = new FakeFace(faceOptions)
  return { session, face, run: runSession(session, face) }
}

describe('the session runner', () => {
  it('sends a line as a message, and shows the room events', async () => {
    const { session, face, run } = started()
    face.type('hello, room')
    face.type('//slash at the start')
    await tick()
    assert.deepEqual(session.sent, ['hello, room', '/slash at the start'])
    session.emit({ type: 'member-joined', nick: 'bob', peerId: 'peer-bob', fingerprint: 'cc:dd' })
    assert.deepEqual(face.shown, [
      { type: 'member-joined', nick: 'bob', peerId: 'peer-bob', fingerprint: 'cc:dd' }
    ])
    session.emit({ type: 'closed', reason: 'host-closing' })
    assert.equal(await run, ExitCode.OK)
  })

  it("gives a slash command's result to the face, and a bad line's error", async () => {
    const { session, face, run } = started()
    face.type('/who')
    face.type('/nonsense')
    face.type('/kick bob')
    await tick()
    assert.deepEqual(face.results, [{ kind: 'who', members: session.who() }])
    assert.deepEqual(
      face.errors.map((e) => e.code),
      ['unknown-command', 'host-only']
    )
    assert.deepEqual(session.sent, [])
    session.emit({ type: 'closed', reason: 'host-closing' })
    await run
  })

  it('leaves on SIGTERM with exit 0, keeping a kept room for a restart', async () => {
    const { session, face, run } = started({ restartable: true })
    process.kill(process.pid, 'SIGTERM')
    assert.equal(await run, ExitCode.OK)
    assert.deepEqual(session.closes, [{ final: false }])
    assert.deepEqual(face.ends, [
      { kind: 'leaving', restarting: true },
      { kind: 'left', restarting: true }
    ])
    assert.equal(face.closed, true)
  })

  it('leaves on /quit with exit 0, for good', async () => {
    const { session, face, run } = started({ restartable: true })
    face.type('/quit')
    assert.equal(await run, ExitCode.OK)
    assert.deepEqual(session.closes, [{ final: true }])
    assert.deepEqual(face.ends.at(-1), { kind: 'left', restarting: false })
    assert.deepEqual(face.results, [])
  })

  it('ends with exit 3 when the room closes with `kicked`, and shows nothing after', async () => {
    const { session, face, run } = started()
    session.emit({ type: 'closed', reason: 'kicked' })
    session.emit({ type: 'member-left', nick: 'bob', peerId: 'peer-bob', reason: 'left' })
    assert.equal(await run, ExitCode.REFUSED)
    assert.deepEqual(face.ends, [
      { kind: 'closed', event: { type: 'closed', reason: 'kicked' }, exitCode: 3 }
    ])
    assert.deepEqual(face.shown, [])
    assert.deepEqual(session.closes, [])
    assert.equal(face.closed, true)
  })

  it('keeps the session when stdin ends in json mode', async () => {
    const stdin = new PassThrough()
    const stdout = new PassThrough()
    const io = { stdin, stdout, stderr: new PassThrough(), env: {} } as unknown as Io
    const session = new FakeSession()
    const run = runSession(session, new JsonFace(io))
    stdin.end('last words\n')
    await tick()
    await tick()
    assert.equal(await settled(run), false, 'still running after the end of stdin')
    assert.deepEqual(session.sent, ['last words'])
    assert.deepEqual(session.closes, [])
    session.emit({ type: 'closed', reason: 'kicked' })
    assert.equal(await run, ExitCode.REFUSED)
    const lines = String(stdout.read())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.deepEqual(lines, [
      { type: 'closed', reason: 'kicked' },
      { type: 'error', code: 'kicked', message: lines[1].message }
    ])
  })

  it('leaves when input ends on the chat screen, once the lines read are sent', async () => {
    const { session, face, run } = started({}, { inputEnd: 'leave', lineOrder: 'as-they-come' })
    face.type('one')
    face.type('two')
    face.endInput()
    assert.equal(await run, ExitCode.OK)
    assert.deepEqual(session.sent, ['one', 'two'])
    assert.deepEqual(session.closes, [{ final: false }])
  })
})
