import assert from 'node:assert/strict'
import { createInterface } from 'node:readline'
import { PassThrough } from 'node:stream'
import { describe, it } from 'node:test'
import { stripVTControlCharacters } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import encodeQR from 'qr'
import { colourEnabled, NickColours, PALETTE, preferredColour, Style } from '../../src/cli/colours.js'
import { COMMANDS, commandsFor, parseInput } from '../../src/cli/commands.js'
import { formatDuration, MAX_TTL_MS, MIN_TTL_MS, parseDuration } from '../../src/cli/duration.js'
import { ExitCode, UsageError } from '../../src/cli/exit-codes.js'
import { codeExpiry, spacedCode } from '../../src/cli/format.js'
import { withPort } from '../../src/cli/host-command.js'
import { closedExitCode, describeCode } from '../../src/cli/io.js'
import { cleanCode, givenCode, readFirstLine } from '../../src/cli/join-inputs.js'
import { classify } from '../../src/cli/program.js'
import { qrLines } from '../../src/cli/qr.js'
import { displayText } from '../../src/cli/sanitize.js'
import { questionProblem } from '../../src/cli/secrets.js'
import { HostUnreachableError, JoinRefusedError } from '../../src/node/errors.js'
import { isPrivateIp, scopeInvitation } from '../../src/node/invitation-scope.js'
import { decodeInvitation, encodeInvitation, InvalidInvitationError } from '../../src/protocol/invitation.js'
import { Reason } from '../../src/protocol/wire/securechat.js'

describe('durations (--ttl, /invite)', () => {
  it('reads a whole number and one unit', () => {
    assert.equal(parseDuration('30s', { min: 1000 }), 30_000)
    assert.equal(parseDuration('30m'), 30 * 60_000)
    assert.equal(parseDuration('24h'), 24 * 3_600_000)
    assert.equal(parseDuration('7d'), 7 * 86_400_000)
    assert.equal(parseDuration(' 2H '), 2 * 3_600_000)
  })

  it('refuses other shapes and values out of range, saying what is expected', () => {
    for (const bad of ['', '30', 'm', '1.5h', '-1h', '10w', '1h30m', 'abc']) {
      assert.throws(
        () => parseDuration(bad),
        (err: Error) => err instanceof UsageError && /e\.g\. 30m/.test(err.message),
        bad
      )
    }
    assert.throws(() => parseDuration('30s'), /out of range/)
    assert.throws(() => parseDuration('31d'), /out of range/)
    assert.equal(parseDuration('1m'), MIN_TTL_MS)
    assert.equal(parseDuration('30d'), MAX_TTL_MS)
  })

  it('formats the largest whole unit', () => {
    assert.equal(formatDuration(86_400_000), '24h')
    assert.equal(formatDuration(7 * 86_400_000), '7d')
    assert.equal(formatDuration(90 * 60_000), '90m')
    assert.equal(formatDuration(60_000), '1m')
    assert.equal(formatDuration(45_000), '45s')
  })
})

describe('nickname colours', () => {
  it('are stable: the same nickname (in any case) prefers the same palette colour', () => {
    assert.equal(preferredColour('alice'), preferredColour('alice'))
    assert.equal(preferredColour('Alice'), preferredColour('alice'))
    assert.ok(PALETTE.includes(preferredColour('bob')))
  })

  it('avoid colours unreadable on a dark or a light background', () => {
    // The 16 system colours (incl. white, black, yellow), the cube's black and white, the greys.
    for (const colour of PALETTE) {
      assert.ok(colour >= 16 && colour <= 231, `${colour} is in the 6×6×6 cube`)
      assert.ok(
        ![16, 231, 226, 227, 228, 229, 230, 220, 221, 222, 223, 224, 225].includes(colour),
        `${colour}`
      )
    }
    assert.equal(new Set(PALETTE).size, PALETTE.length)
  })

  it('are distinct within a room while the palette lasts; a leaver frees its colour', () => {
    const colours = new NickColours()
    const nicks = Array.from({ length: PALETTE.length }, (_, i) => `member${i}`)
    const given = nicks.map((n) => colours.colourOf(n))
    assert.equal(new Set(given).size, PALETTE.length, 'no two members share a colour')
    assert.equal(colours.colourOf('member3'), given[3], 'a member keeps its colour')
    colours.release('member3')
    assert.equal(colours.colourOf('newcomer'), given[3], 'the only free colour goes to the newcomer')
  })

  it('a collision takes the next free colour', () => {
    const palette = [1, 2, 3]
    const colours = new NickColours(palette)
    const first = colours.colourOf('x')
    // Find another nickname with the same preference.
    let twin = 'y0'
    for (let i = 0; preferredColour(twin, palette) !== first; i++) twin = `y${i}`
    const second = colours.colourOf(twin)
    assert.notEqual(second, first)
    assert.equal(second, palette[(palette.indexOf(first) + 1) % palette.length])
  })

  it('are off with NO_COLOR, TERM=dumb, or when the output is not a terminal', () => {
    assert.equal(colourEnabled({ isTTY: true }, {}), true)
    assert.equal(colourEnabled({ isTTY: true }, { NO_COLOR: '1' }), false)
    assert.equal(colourEnabled({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count')
    assert.equal(colourEnabled({ isTTY: true }, { TERM: 'dumb' }), false)
    assert.equal(colourEnabled({ isTTY: false }, {}), false)
    assert.equal(colourEnabled({}, {}), false)
    assert.equal(new Style(false).colour('bob', 33), 'bob')
    assert.equal(new Style(true).colour('bob', 33), '\x1b[38;5;33mbob\x1b[39m')
  })
})

describe('slash commands', () => {
  it('tells messages from commands; "//" sends a leading slash', () => {
    assert.deepEqual(parseInput('hello', 'member'), { kind: 'message', text: 'hello' })
    assert.deepEqual(parseInput('  spaced  ', 'member'), { kind: 'message', text: '  spaced  ' })
    assert.deepEqual(parseInput('//shrug', 'member'), { kind: 'message', text: '/shrug' })
    assert.deepEqual(parseInput('   ', 'member'), { kind: 'empty' })
    assert.deepEqual(parseInput('line\r', 'member'), { kind: 'message', text: 'line' })
  })

  it('parses each command with its arguments', () => {
    assert.deepEqual(parseInput('/help', 'member'), { kind: 'command', command: { name: 'help' } })
    assert.deepEqual(parseInput('/WHO', 'member'), { kind: 'command', command: { name: 'who' } })
    assert.deepEqual(parseInput('/exit', 'member'), { kind: 'command', command: { name: 'quit' } })
    assert.deepEqual(parseInput('/invite', 'host'), { kind: 'command', command: { name: 'invite' } })
    assert.deepEqual(parseInput('/invite 2h 5', 'host'), {
      kind: 'command',
      command: { name: 'invite', ttlMs: 7_200_000, maxUses: 5 }
    })
    assert.deepEqual(parseInput('/revoke 0a1b', 'host'), {
      kind: 'command',
      command: { name: 'revoke', id: '0a1b' }
    })
    assert.deepEqual(parseInput('/kick  bob ', 'host'), {
      kind: 'command',
      command: { name: 'kick', nick: 'bob' }
    })
    assert.deepEqual(parseInput('/ban bob', 'host'), {
      kind: 'command',
      command: { name: 'ban', nick: 'bob' }
    })
    for (const name of ['lock', 'unlock', 'code', 'quit']) {
      assert.deepEqual(parseInput(`/${name}`, 'host'), { kind: 'command', command: { name } })
    }
  })

  it('explains unknown commands, bad arguments and host-only commands', () => {
    assert.equal((parseInput('/dance', 'host') as { code: string }).code, 'unknown-command')
    assert.equal((parseInput('/kick', 'host') as { code: string }).code, 'usage')
    assert.match((parseInput('/kick a b', 'host') as { message: string }).message, /usage: \/kick <nick>/)
    assert.equal((parseInput('/invite 5x', 'host') as { code: string }).code, 'usage')
    assert.equal((parseInput('/invite 1h 0', 'host') as { code: string }).code, 'usage')
    assert.equal((parseInput('/who now', 'host') as { code: string }).code, 'usage')
    for (const name of ['code', 'invite', 'revoke x', 'kick x', 'ban x', 'lock', 'unlock']) {
      assert.equal((parseInput(`/${name}`, 'member') as { code: string }).code, 'host-only', name)
    }
  })

  it('lists what each role may use', () => {
    assert.deepEqual(
      commandsFor('member').map((c) => c.name),
      ['help', 'who', 'quit', 'send', 'accept', 'reject', 'cancel']
    )
    assert.equal(commandsFor('host').length, COMMANDS.length)
  })
})

describe('display of text from the network', () => {
  it('neutralises terminal controls and bidi overrides, keeps ordinary text', () => {
    assert.equal(displayText('hello, wörld ✓ 你好'), 'hello, wörld ✓ 你好')
    assert.equal(displayText('\x1b[2Jgone'), '\ufffd[2Jgone')
    assert.equal(displayText('a\nb'), 'a ↵ b')
    assert.equal(displayText('a\tb'), 'a b')
    assert.equal(displayText('x\u202eevil\u202c'), 'xevil')
    assert.equal(displayText('bell\x07\x9b'), 'bell\ufffd\ufffd')
  })
})

describe('small parsers', () => {
  it('room codes may be typed with spaces', () => {
    assert.equal(cleanCode('123 456'), '123456')
    assert.equal(cleanCode(' 123456 '), '123456')
    assert.equal(cleanCode('123-456'), '123456')
    assert.equal(cleanCode('12345'), undefined)
    assert.equal(cleanCode('abcdef'), undefined)
    assert.equal(spacedCode('123456'), '123 456')
  })

  it('the room code comes from --code, else SECURECHAT_CODE; a malformed one is named, not repeated', () => {
    assert.equal(givenCode('111 111', { SECURECHAT_CODE: '222222' }), '111111')
    assert.equal(givenCode(undefined, { SECURECHAT_CODE: '222 222' }), '222222')
    assert.equal(givenCode(undefined, { SECURECHAT_CODE: '' }), undefined)
    assert.equal(givenCode(undefined, {}), undefined)
    assert.throws(
      () => givenCode(undefined, { SECURECHAT_CODE: '98765x' }),
      (err: Error) =>
        err instanceof UsageError && /^SECURECHAT_CODE:/.test(err.message) && !/98765/.test(err.message)
    )
    assert.throws(() => givenCode('', {}), /^UsageError: --code:/)
  })

  it('the first non-empty line of a stream is taken, and what follows is left for the next reader', async () => {
    const input = new PassThrough()
    // All in one chunk, as a pipe may deliver it, and ending at once.
    input.end('\r\n  \n  sc1first  \r\nmessage one\nmessage two\n')
    assert.equal(await readFirstLine(input, 1024), 'sc1first')
    const rest: string[] = []
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) rest.push(line)
    assert.deepEqual(rest, ['message one', 'message two'])

    const unterminated = new PassThrough()
    unterminated.end('\nsc1last')
    assert.equal(await readFirstLine(unterminated, 1024), 'sc1last')
    const empty = new PassThrough()
    empty.end('\n \n')
    assert.equal(await readFirstLine(empty, 1024), undefined)
    const endless = new PassThrough()
    endless.write('x'.repeat(2048))
    await assert.rejects(readFirstLine(endless, 1024), /no line break in the first 1024 bytes/)
  })

  it('questions are one non-empty line', () => {
    assert.equal(questionProblem('Which river?'), undefined)
    assert.match(questionProblem('  ') ?? '', /empty/)
    assert.match(questionProblem('a\nb') ?? '', /one line/)
    assert.match(questionProblem('x'.repeat(300)) ?? '', /longer/)
  })

  it('a fixed port goes into the listen addresses that leave it to the system', () => {
    assert.deepEqual(withPort(['/ip4/127.0.0.1/tcp/0', '/ip6/::/tcp/0', '/ip4/0.0.0.0/tcp/9000'], 4455), [
      '/ip4/127.0.0.1/tcp/4455',
      '/ip6/::/tcp/4455',
      '/ip4/0.0.0.0/tcp/9000'
    ])
    assert.deepEqual(withPort(['/ip4/127.0.0.1/tcp/0'], undefined), ['/ip4/127.0.0.1/tcp/0'])
    assert.deepEqual(withPort(['/ip4/127.0.0.1/tcp/0'], 0), ['/ip4/127.0.0.1/tcp/0'])
  })

  it('room codes expire on the 30 s step boundary', () => {
    assert.equal(codeExpiry(0, 30), 30_000)
    assert.equal(codeExpiry(29_999, 30), 30_000)
    assert.equal(codeExpiry(30_000, 30), 60_000)
  })
})

describe('exit codes', () => {
  it('maps each failure to its code', () => {
    assert.equal(
      classify(new JoinRefusedError(Reason.WRONG_ANSWER, 'wrong answer', 3)).exitCode,
      ExitCode.REFUSED
    )
    assert.equal(classify(new JoinRefusedError(Reason.WRONG_ANSWER, 'wrong answer', 3)).code, 'wrong-answer')
    assert.equal(classify(new HostUnreachableError('no route')).exitCode, ExitCode.UNREACHABLE)
    assert.equal(classify(new InvalidInvitationError('damaged')).exitCode, ExitCode.USAGE)
    assert.equal(classify(new InvalidInvitationError('damaged')).code, 'invalid-invitation')
    assert.equal(classify(new UsageError('bad flag')).exitCode, ExitCode.USAGE)
    assert.equal(classify(new Error('boom')).exitCode, ExitCode.ERROR)
  })

  it('a room ended by the host: closing is normal, a ban or kick a refusal', () => {
    assert.equal(closedExitCode('host-closing'), ExitCode.OK)
    assert.equal(closedExitCode('left'), ExitCode.OK)
    assert.equal(closedExitCode('banned'), ExitCode.REFUSED)
    assert.equal(closedExitCode('kicked'), ExitCode.REFUSED)
    assert.equal(closedExitCode('connection-lost'), ExitCode.ERROR)
    assert.equal(describeCode('banned'), 'banned from this room')
    assert.equal(describeCode('something-else'), 'something-else')
  })
})

describe('invitation addresses', () => {
  it('tells private addresses from public ones', () => {
    for (const ip of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.1.1',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:192.168.0.1'
    ]) {
      assert.equal(isPrivateIp(ip), true, ip)
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:db8::1', '::ffff:8.8.8.8']) {
      assert.equal(isPrivateIp(ip), false, ip)
    }
  })

  const peer = '12D3KooWHkkZhTYY28aXa43Vgnkur3McYBatL1CWgY5jeiTaCsKY'
  const issue = (addresses: string[]) => ({
    id: 'abc',
    expiresAt: 1,
    addresses,
    invitation: encodeInvitation({ addresses: addresses.map((a) => multiaddr(a).bytes), token: 'token' })
  })
  const lan = `/ip4/192.168.1.5/tcp/4455/p2p/${peer}`
  const pub = `/ip4/203.0.113.7/tcp/4455/p2p/${peer}`

  it('offers only private addresses by default, all of them with --public', () => {
    const scoped = scopeInvitation(issue([lan, pub]), { includePublic: false })
    assert.deepEqual(scoped.addresses, [lan])
    assert.deepEqual(scoped.withheld, [pub])
    assert.deepEqual(
      decodeInvitation(scoped.invitation).addresses.map((b) => multiaddr(b).toString()),
      [lan]
    )
    assert.equal(decodeInvitation(scoped.invitation).token, 'token')
    const all = scopeInvitation(issue([lan, pub]), { includePublic: true })
    assert.deepEqual(all.addresses, [lan, pub])
  })

  it('always offers announced addresses, and keeps public ones rather than offering none', () => {
    const announced = scopeInvitation(issue([pub, lan]), {
      includePublic: false,
      announced: ['/ip4/203.0.113.7/tcp/4455']
    })
    assert.deepEqual(announced.addresses, [pub, lan])
    const only = scopeInvitation(issue([pub]), { includePublic: false })
    assert.deepEqual(only.addresses, [pub])
    assert.equal(only.widened, true)
  })
})

describe('the QR code', () => {
  it('draws every module, two rows per line, with a quiet zone', () => {
    const text = `sc1${'A'.repeat(300)}`
    const matrix = encodeQR(text, 'raw', { ecc: 'low', border: 2 })
    for (const colour of [true, false]) {
      const lines = qrLines(text, { colour }) ?? []
      assert.equal(lines.length, Math.ceil(matrix.length / 2))
      lines.forEach((line, i) => {
        const cells = [...stripVTControlCharacters(line)]
        assert.equal(cells.length, matrix[0]?.length)
        cells.forEach((cell, x) => {
          const ink = (dark: boolean | undefined): boolean => (colour ? dark === true : dark !== true)
          const upper = ink(matrix[2 * i]?.[x])
          const lower = 2 * i + 1 < matrix.length && ink(matrix[2 * i + 1]?.[x])
          assert.equal(cell, upper ? (lower ? '█' : '▀') : lower ? '▄' : ' ')
        })
      })
    }
  })

  it('gives up (no QR code) when the text is too long for one', () => {
    assert.equal(qrLines('x'.repeat(5000), { colour: false }), undefined)
  })
})
