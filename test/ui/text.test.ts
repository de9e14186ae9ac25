import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import encodeQR from 'qr'
import { PALETTE } from '../../src/cli/colours.js'
import { parseProcessMessage } from '../../src/ui/protocol.js'
import { qrPath } from '../../src/ui/qr-svg.js'
import {
  backText,
  closedNotice,
  describeCode,
  inviteCommand,
  lineKind,
  noticeOf,
  safeText,
  secondsLeft,
  unreadTitle,
  waitText,
  xtermHex
} from '../../src/ui/text.js'

describe('the page: words for events', () => {
  it('describes reason codes as the terminal does, and shows an unknown code as it is', () => {
    assert.equal(describeCode('kicked'), 'kicked by the host')
    assert.equal(describeCode('wrong-answer'), 'wrong answer to the security question')
    assert.equal(describeCode('connection-lost'), 'connection lost')
    assert.equal(describeCode('something-new'), 'something-new')
  })

  it('words notices as the chat screen does', () => {
    assert.deepEqual(noticeOf({ type: 'member-left', nick: 'bob', peerId: 'p', reason: 'kicked' }), {
      icon: '←',
      text: 'left (kicked by the host)',
      alert: false,
      nick: 'bob'
    })
    assert.equal(
      noticeOf({ type: 'refused', peerId: 'p', address: '/ip4/127.0.0.1/tcp/5', reason: 'wrong-code' }).text,
      'a join from /ip4/127.0.0.1/tcp/5 was refused: wrong room code'
    )
    assert.equal(
      backText({ type: 'back', missed: 3, gapUnknown: false }),
      'back in the room; 3 message(s) were missed'
    )
    assert.equal(
      backText({ type: 'back', missed: 0, gapUnknown: false }),
      'back in the room; nothing was missed'
    )
    assert.match(backText({ type: 'back', missed: 0, gapUnknown: true }), /host restarted/)
    assert.equal(noticeOf({ type: 'reconnecting', attempt: 2, delayMs: 1500 }).alert, true)
  })

  it('tells a kick from a normal end', () => {
    assert.deepEqual(closedNotice('kicked'), {
      icon: '!',
      text: 'You are no longer in the room: kicked by the host.',
      alert: true
    })
    assert.equal(closedNotice('left').alert, false)
    assert.equal(closedNotice('host-closing').text, 'The room was closed by the host.')
  })

  it('keeps line breaks, makes controls visible and drops bidirectional overrides', () => {
    assert.equal(safeText('one\ntwo\r\nthree'), 'one\ntwo\nthree')
    assert.equal(safeText('a\u202eb\u2066c'), 'abc')
    assert.equal(safeText('bell\x07\x1b[31m'), 'bell\ufffd\ufffd[31m')
    assert.equal(safeText('<img src=x onerror=alert(1)>'), '<img src=x onerror=alert(1)>')
  })
})

describe('the page: small helpers', () => {
  it('turns the terminal palette into CSS colours', () => {
    assert.equal(xtermHex(33), '#0087ff')
    assert.equal(xtermHex(166), '#d75f00')
    assert.equal(xtermHex(67), '#5f87af')
    assert.equal(xtermHex(232), '#080808')
    for (const index of PALETTE) assert.match(xtermHex(index), /^#[0-9a-f]{6}$/)
    assert.equal(new Set(PALETTE.map(xtermHex)).size, PALETTE.length)
  })

  it('builds /invite lines from the form, or says what to fix', () => {
    assert.equal(inviteCommand('24h', ''), '/invite 24h')
    assert.equal(inviteCommand(' 7d ', '3'), '/invite 7d 3')
    assert.ok(typeof inviteCommand('1.5h', '') === 'object')
    assert.ok(typeof inviteCommand('24h', '0') === 'object')
    assert.ok(typeof inviteCommand('24h', 'x; /quit') === 'object')
  })

  it('classifies typed lines by the terminal rules', () => {
    assert.deepEqual(lineKind('hello\nthere', 'member'), { kind: 'message', text: 'hello\nthere' })
    assert.deepEqual(lineKind('//who', 'member'), { kind: 'message', text: '/who' })
    assert.deepEqual(lineKind('/who', 'member'), { kind: 'command' })
    assert.deepEqual(lineKind('/kick bob', 'member'), { kind: 'command' })
    assert.deepEqual(lineKind('   ', 'host'), { kind: 'empty' })
  })

  it('counts down and titles', () => {
    assert.equal(secondsLeft(10_500, 0), 11)
    assert.equal(secondsLeft(0, 5_000), 0)
    assert.equal(waitText(598_000), '9 min 58 s')
    assert.equal(waitText(45_000), '45 s')
    assert.equal(unreadTitle('securechat', 0), 'securechat')
    assert.equal(unreadTitle('securechat', 3), '(3) securechat')
  })

  it('draws a QR matrix as one path of row runs', () => {
    assert.deepEqual(
      qrPath([
        [true, true, false],
        [false, true, true]
      ]),
      { size: 2, d: 'M0 0h2v1h-2zM1 1h2v1h-2z' }
    )
    const matrix = encodeQR('sc1-example', 'raw', { ecc: 'low', border: 2 })
    const dark = matrix.flat().filter(Boolean).length
    const drawn = [...qrPath(matrix).d.matchAll(/h(\d+)v1/g)].reduce((n, m) => n + Number(m[1]), 0)
    assert.equal(drawn, dark)
  })

  it('reads only JSON objects with a type from the process', () => {
    assert.deepEqual(parseProcessMessage('{"type":"ui-hello","mode":"host","version":1}'), {
      type: 'ui-hello',
      mode: 'host',
      version: 1
    })
    assert.equal(parseProcessMessage('not json'), undefined)
    assert.equal(parseProcessMessage('[1]'), undefined)
    assert.equal(parseProcessMessage('{"no":"type"}'), undefined)
  })
})
