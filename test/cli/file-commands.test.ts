/**
 * @module The CLI's face of file transfer without a network: the four commands parsed and run on a
 * fake session, sizes read and shown, the progress line, the chat lines of hostile names, and where
 * downloads go.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { after, describe, it } from 'node:test'
import { setImmediate as tick } from 'node:timers/promises'
import { stripVTControlCharacters } from 'node:util'
import { parseInput } from '../../src/cli/commands.js'
import { UsageError } from '../../src/cli/exit-codes.js'
import { runFileCommand } from '../../src/cli/file-actions.js'
import {
  defaultDownloadDir,
  expandHome,
  memberFileOptions,
  userDirsDownload
} from '../../src/cli/file-options.js'
import { FileView, fitText, formatEta, progressBar, progressLine } from '../../src/cli/file-view.js'
import type { Io } from '../../src/cli/io.js'
import { JsonFace } from '../../src/cli/json-mode.js'
import { Terminal } from '../../src/cli/prompt.js'
import { type ChatSession, type FileControls, memberSession } from '../../src/cli/session.js'
import { binarySize, humanRate, humanSize, parseSize } from '../../src/cli/sizes.js'
import { EventFeed, type RoomEvent, type RoomMember } from '../../src/node/index.js'

const scratch = mkdtempSync(join(tmpdir(), 'securechat-file-cli-'))
after(() => rmSync(scratch, { recursive: true, force: true }))

const HOSTILE = '\u001b[31mevil\u0007.pdf'
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach the terminal
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

describe('file commands: parsing', () => {
  it('/send takes the rest of the line as the path, spaces and all', () => {
    const cases: Array<[line: string, path: string]> = [
      ['/send report.pdf', 'report.pdf'],
      ['/send   ~/My Documents/annual  report.pdf  ', '~/My Documents/annual  report.pdf'],
      // Paths a terminal quoted when they were dropped onto it.
      ["/send '/tmp/with space.txt'", '/tmp/with space.txt'],
      ['/SEND "a b"', 'a b'],
      // The library's name for it works too.
      ['/send-file notes.txt', 'notes.txt']
    ]
    for (const [line, path] of cases) {
      for (const role of ['member', 'host'] as const) {
        assert.deepEqual(parseInput(line, role), { kind: 'command', command: { name: 'send', path } }, line)
      }
    }
  })

  it('/accept, /reject and /cancel take one transfer number', () => {
    for (const name of ['accept', 'reject', 'cancel']) {
      assert.deepEqual(parseInput(`/${name} 3`, 'member'), { kind: 'command', command: { name, id: 3 } })
      assert.deepEqual(parseInput(`/${name.toUpperCase()}  17 `, 'host'), {
        kind: 'command',
        command: { name, id: 17 }
      })
    }
  })

  it('says what is wrong with a missing path or a bad id', () => {
    const invalid = (line: string) =>
      parseInput(line, 'member') as { kind: string; code: string; message: string }
    assert.deepEqual(invalid('/send'), { kind: 'invalid', code: 'usage', message: 'usage: /send <path>' })
    assert.equal(invalid('/send   ').message, 'usage: /send <path>')
    assert.equal(invalid('/accept').message, 'usage: /accept <id>')
    assert.equal(invalid('/cancel 1 2').message, 'usage: /cancel <id>')
    for (const bad of ['x', '-1', '1.5', '3a', '1234567890123456']) {
      const parsed = invalid(`/reject ${bad}`)
      assert.equal(parsed.code, 'usage', bad)
      assert.match(parsed.message, /a transfer id is the number shown with the file, e\.g\. \/reject 3/)
    }
  })
})

describe('sizes', () => {
  it('reads bytes and binary multiples, and decimal ones with a B', () => {
    assert.equal(parseSize('0'), 0)
    assert.equal(parseSize('1048576'), 1_048_576)
    assert.equal(parseSize('512B'), 512)
    assert.equal(parseSize('500k'), 500 * 1024)
    assert.equal(parseSize('10M'), 10 * 1024 ** 2)
    assert.equal(parseSize('2G'), 2 * 1024 ** 3)
    assert.equal(parseSize('1T'), 1024 ** 4)
    assert.equal(parseSize('2GiB'), 2 * 1024 ** 3)
    assert.equal(parseSize('64 KiB'), 64 * 1024)
    assert.equal(parseSize('1.5MiB'), 1.5 * 1024 ** 2)
    assert.equal(parseSize('1.5MB'), 1_500_000)
    assert.equal(parseSize('2gb'), 2_000_000_000)
    assert.equal(parseSize('10kB'), 10_000)
    assert.equal(parseSize('.5K'), 512)
    // A fraction of a byte rounds down.
    assert.equal(parseSize('1.1K'), 1126)
  })

  it('refuses other shapes and sizes out of range, in a sentence', () => {
    for (const bad of ['', 'M', '10X', '-1', '1.5', '10 MBs', '1e6', '10Mi', 'ten']) {
      assert.throws(
        () => parseSize(bad),
        (err: Error) => err instanceof UsageError && /invalid size/.test(err.message),
        bad
      )
    }
    assert.throws(() => parseSize('0', { min: 1 }), /too small: at least 1 byte$/)
    assert.throws(() => parseSize('2G', { max: 1024 ** 3 }), /too large: at most 1GiB/)
    assert.throws(() => parseSize('99999999999999T'), /too large/)
  })

  it('shows sizes and rates in decimal units, about three digits', () => {
    assert.equal(humanSize(0), '0 B')
    assert.equal(humanSize(999), '999 B')
    assert.equal(humanSize(1000), '1.0 kB')
    assert.equal(humanSize(2_100_000), '2.1 MB')
    assert.equal(humanSize(12_345_678), '12.3 MB')
    assert.equal(humanSize(640_000_000), '640 MB')
    assert.equal(humanSize(999_960), '1.0 MB')
    assert.equal(humanSize(99_960), '100 kB')
    assert.equal(humanSize(2 * 1024 ** 3), '2.1 GB')
    assert.equal(humanRate(12_300_000), '12.3 MB/s')
  })

  it('names a binary size by its largest exact unit', () => {
    assert.equal(binarySize(2 * 1024 ** 3), '2GiB')
    assert.equal(binarySize(1536 * 1024), '1536KiB')
    assert.equal(binarySize(1000), '1000')
    assert.equal(parseSize(binarySize(2 * 1024 ** 3)), 2 * 1024 ** 3)
  })
})

describe('the progress line', () => {
  it('formats the time left and the bar', () => {
    assert.equal(formatEta(7000), '0:07')
    assert.equal(formatEta(6500), '0:07')
    assert.equal(formatEta(750_000), '12:30')
    assert.equal(formatEta(3_723_000), '1:02:03')
    assert.equal(progressBar(0.61, 10), '██████░░░░')
    assert.equal(progressBar(0, 4), '░░░░')
    assert.equal(progressBar(1.2, 4), '████')
  })

  it('shows direction, id, name, bar, percent, rate and time left', () => {
    const line = progressLine(
      {
        id: 3,
        name: 'report.pdf',
        direction: 'download',
        bytes: 61,
        size: 100,
        bytesPerSecond: 12_300_000,
        etaMs: 7000
      },
      80
    )
    assert.equal(line, '⇣ 3 report.pdf [██████░░░░] 61% 12.3 MB/s 0:07 left')
    const up = progressLine(
      { id: 4, name: 'a', direction: 'upload', bytes: 0, size: 0, bytesPerSecond: 0 },
      80,
      2
    )
    assert.equal(up, '⇡ 4 a [██████████] 100% (+2 more)')
  })

  it('fits the terminal: the name is cut first, then the rate and time left go', () => {
    const p = {
      id: 12,
      name: `${'long name '.repeat(20)}.iso`,
      direction: 'download' as const,
      bytes: 5,
      size: 10,
      bytesPerSecond: 1_000_000,
      etaMs: 5000
    }
    for (const columns of [120, 80, 50, 40, 30, 20]) {
      const line = progressLine(p, columns)
      assert.ok(line.length < columns, `${columns}: ${line}`)
    }
    assert.match(progressLine(p, 60), /^⇣ 12 long name.*… \[█████░░░░░\] 50% 1\.0 MB\/s 0:05 left$/)
    assert.doesNotMatch(progressLine(p, 30), /left/)
    // Wide characters count double, so the line never spills onto a second row.
    assert.equal(fitText('日本語のファイル', 7), '日本語…')
    assert.equal(fitText('short', 10), 'short')
  })

  it('shows a hostile name without its control characters', () => {
    const line = progressLine({ ...basicProgress(1), name: HOSTILE }, 80)
    assert.doesNotMatch(line, CONTROL)
  })
})

function basicProgress(id: number) {
  return { id, direction: 'download' as const, bytes: 1, size: 2, bytesPerSecond: 10 }
}

function offer(id: number, name: string, size = 2_100_000): RoomEvent {
  return {
    type: 'file-offer',
    id,
    from: 'bob',
    peerId: 'p-bob',
    name,
    size,
    mediaType: 'application/pdf',
    sha256: 'ab'
  }
}

describe('the chat lines of transfers', () => {
  it('an offer says who, what, how big and how to answer, with a hostile name made harmless', () => {
    const view = new FileView()
    assert.deepEqual(view.line(offer(3, 'report.pdf') as never), {
      text: 'bob offers report.pdf (2.1 MB) — /accept 3 or /reject 3',
      alert: false
    })
    const hostile = view.line(offer(4, HOSTILE) as never)
    assert.ok(hostile !== undefined)
    assert.doesNotMatch(hostile.text, CONTROL)
    assert.match(
      hostile.text,
      /^bob offers \ufffd\[31mevil\ufffd\.pdf \(2\.1 MB\) — \/accept 4 or \/reject 4$/
    )
    const nick = view.line({ ...(offer(5, 'x') as object), from: '\u001b]0;owned\u0007' } as never)
    assert.doesNotMatch(nick?.text ?? '', CONTROL)
  })

  it('an offer within --accept-files says it is being accepted', () => {
    const view = new FileView({ acceptUpTo: 10 * 1024 ** 2 })
    assert.match(view.line(offer(1, 'small.txt', 100) as never)?.text ?? '', /accepting it/)
    assert.match(
      view.line(offer(2, 'big.iso', 20 * 1024 ** 2) as never)?.text ?? '',
      /\/accept 2 or \/reject 2$/
    )
  })

  it('the outcomes name the file by its offer, the nicknames through the given painter', () => {
    const view = new FileView({ nick: (n) => `<${n}>` })
    view.line({
      type: 'file-offered',
      id: 7,
      name: 'slides.key',
      size: 3_000_000,
      sha256: 'cd',
      recipients: ['bob', 'carol']
    })
    assert.equal(
      view.line({ type: 'file-offered', id: 8, name: 'b', size: 1, sha256: 'cd', recipients: ['bob'] })?.text,
      'you offered b (1 B) to <bob>'
    )
    assert.equal(
      view.line({ type: 'file-sent', id: 7, recipients: ['bob', 'carol'] })?.text,
      'slides.key sent to <bob>, <carol>'
    )
    assert.equal(
      view.line({ type: 'file-sent', id: 99, recipients: ['bob'] })?.text,
      'transfer 99 sent to <bob>'
    )
    view.line(offer(9, 'report.pdf') as never)
    assert.equal(
      view.line({
        type: 'file-received',
        id: 9,
        from: 'bob',
        path: '/home/a/report (1).pdf',
        sha256: 'ab',
        size: 5
      })?.text,
      'saved report.pdf from <bob>: /home/a/report (1).pdf'
    )
    assert.deepEqual(
      view.line({ type: 'file-failed', id: 3, code: 'tampered', message: 'bad\u001b[2Jchunk' }),
      {
        text: 'transfer 3 failed: bad\ufffd[2Jchunk',
        alert: true
      }
    )
  })

  it('the status line shows the transfer that moved last, and goes when none is under way', () => {
    const view = new FileView()
    view.line(offer(1, 'one.bin') as never)
    view.line({ type: 'file-offered', id: 2, name: 'two.bin', size: 10, sha256: 'x', recipients: ['bob'] })
    assert.equal(view.status(80), undefined)
    assert.equal(view.line({ type: 'progress', ...basicProgress(1) }), undefined)
    assert.match(view.status(80) ?? '', /^⇣ 1 one\.bin \[█████░░░░░\] 50%/)
    view.line({
      type: 'progress',
      id: 2,
      direction: 'upload',
      bytes: 9,
      size: 10,
      bytesPerSecond: 5,
      etaMs: 200
    })
    assert.match(view.status(80) ?? '', /^⇡ 2 two\.bin .* 90% .*\(\+1 more\)$/)
    view.line({ type: 'file-sent', id: 2, recipients: ['bob'] })
    assert.match(view.status(80) ?? '', /^⇣ 1 one\.bin/)
    view.line({ type: 'file-received', id: 1, from: 'bob', path: '/x/one.bin', sha256: 'ab', size: 2 })
    assert.equal(view.status(80), undefined)
  })
})

/** A terminal-like output that records what is written. */
function fakeTty(): { output: Writable & { isTTY: boolean; columns: number }; written: string[] } {
  const written: string[] = []
  const output = Object.assign(
    new Writable({
      write(chunk, _encoding, callback) {
        written.push(String(chunk))
        callback()
      }
    }),
    { isTTY: true, columns: 80 }
  )
  return { output, written }
}

describe('the status line above the input line', () => {
  it('is drawn below what is printed, redrawn in place, and removed', () => {
    const input = Object.assign(new PassThrough(), { isTTY: true })
    const { output, written } = fakeTty()
    const terminal = new Terminal({ input, output })
    terminal.showPrompt('alice> ')
    written.length = 0
    terminal.setStatus('⇣ 1 a.bin [█░] 50%')
    assert.match(stripVTControlCharacters(written.join('')), /⇣ 1 a\.bin \[█░\] 50%\nalice> $/)
    written.length = 0
    terminal.print('hello')
    const drawn = written.join('')
    // It climbs over the status line before it writes, so the status is not left behind.
    assert.ok(drawn.startsWith('\u001b[1A'), JSON.stringify(drawn))
    assert.match(stripVTControlCharacters(drawn), /hello\n⇣ 1 a\.bin \[█░\] 50%\nalice> $/)
    written.length = 0
    terminal.setStatus(undefined)
    assert.ok(written.join('').startsWith('\u001b[1A'))
    assert.doesNotMatch(stripVTControlCharacters(written.join('')), /a\.bin/)
    written.length = 0
    terminal.print('again')
    assert.ok(!written.join('').includes('\u001b[1A'), 'nothing to climb once it is gone')
    terminal.close()
  })
})

/** A fake session whose file controls record the calls and answer as told. */
function fileSession(files: Partial<FileControls> | undefined): ChatSession {
  return { role: 'member', files } as unknown as ChatSession
}

const never = <T>(): Promise<T> => new Promise<T>(() => {})

function noSuchTransfer(message: string): Error {
  const err = new Error(message)
  err.name = 'NoSuchTransferError'
  return err
}

describe('file commands: running', () => {
  const file = join(scratch, 'with space.txt')
  writeFileSync(file, 'hello')

  it('/send answers at once while the transfer goes on', async () => {
    const sent: string[] = []
    const session = fileSession({
      send: (path) => {
        sent.push(path)
        return never()
      }
    })
    const result = await runFileCommand({ name: 'send', path: file }, session, scratch)
    assert.deepEqual(result, {
      kind: 'ok',
      command: 'send',
      message: 'offering with space.txt (5 B) to the room…',
      detail: { path: file, name: 'with space.txt', size: 5 }
    })
    assert.deepEqual(sent, [file])
    // ~ is the home directory.
    await runFileCommand({ name: 'send', path: '~/with space.txt' }, session, scratch)
    assert.deepEqual(sent, [file, file])
  })

  it('/send of a missing file, a folder or an unreadable file is a usage error in a sentence', async () => {
    const session = fileSession({ send: () => assert.fail('nothing is sent') })
    const missing = await runFileCommand({ name: 'send', path: '~/nope.pdf' }, session, scratch)
    assert.deepEqual(missing, {
      kind: 'error',
      command: 'send',
      code: 'usage',
      message: 'there is no file "~/nope.pdf"'
    })
    const folder = await runFileCommand({ name: 'send', path: scratch }, session, scratch)
    assert.equal((folder as { message: string }).message, `"${scratch}" is a folder; /send sends one file`)
    const inFile = await runFileCommand({ name: 'send', path: `${file}/x` }, session, scratch)
    assert.match((inFile as { message: string }).message, /^there is no file/)
  })

  it('/accept answers at once, but an unknown offer is an error', async () => {
    const accepted: number[] = []
    const session = fileSession({
      accept: (id) => {
        accepted.push(id)
        return id === 3 ? never() : Promise.reject(noSuchTransfer(`no file offer ${id}`))
      }
    })
    assert.deepEqual(await runFileCommand({ name: 'accept', id: 3 }, session, scratch), {
      kind: 'ok',
      command: 'accept',
      message: 'downloading transfer 3…',
      detail: { id: 3 }
    })
    assert.deepEqual(await runFileCommand({ name: 'accept', id: 9 }, session, scratch), {
      kind: 'error',
      command: 'accept',
      code: 'no-such-transfer',
      message: 'no file offer 9'
    })
    assert.deepEqual(accepted, [3, 9])
  })

  it('/reject and /cancel say what they did, or that there is no such transfer', async () => {
    const session = fileSession({
      reject: async (id) => {
        if (id !== 1) throw noSuchTransfer(`no open file offer ${id}`)
      },
      cancel: async (id) => {
        if (id !== 2) throw noSuchTransfer(`no transfer ${id} under way`)
      }
    })
    assert.equal(
      ((await runFileCommand({ name: 'reject', id: 1 }, session, scratch)) as { message: string }).message,
      'offer 1 rejected'
    )
    assert.equal(
      ((await runFileCommand({ name: 'cancel', id: 2 }, session, scratch)) as { message: string }).message,
      'transfer 2 cancelled'
    )
    assert.deepEqual(await runFileCommand({ name: 'cancel', id: 5 }, session, scratch), {
      kind: 'error',
      command: 'cancel',
      code: 'no-such-transfer',
      message: 'no transfer 5 under way'
    })
  })

  it('a relay-only host has no files, and says so as it does for messages', async () => {
    for (const command of [
      { name: 'send' as const, path: file },
      { name: 'accept' as const, id: 1 },
      { name: 'cancel' as const, id: 1 }
    ]) {
      const result = await runFileCommand(command, fileSession(undefined), scratch)
      assert.equal(result.kind, 'error')
      assert.equal((result as { code: string }).code, 'relay-only')
      assert.match((result as { message: string }).message, /relay-only host is not a member/)
    }
  })
})

describe('a send that fails', () => {
  /** A member stand-in: its feed, and a sendFile that fails as told. */
  function member(fail: (feed: EventFeed) => Error): { session: ChatSession; events: RoomEvent[] } {
    const feed = new EventFeed()
    const fake = {
      on: feed.on.bind(feed),
      files: {},
      sendFile: async () => {
        throw fail(feed)
      }
    }
    const session = memberSession(fake as unknown as RoomMember, 'aa')
    const events: RoomEvent[] = []
    session.onEvent((event) => events.push(event))
    return { session, events }
  }

  it('before its offer went out is told as an error event', async () => {
    const { session, events } = member(() => {
      const err = new Error('nobody else is in the room yet')
      err.name = 'NobodyToSendToError'
      return err
    })
    await assert.rejects(session.files?.send('/tmp/notes.txt') ?? never())
    assert.deepEqual(events, [
      {
        type: 'error',
        code: 'nobody-to-send-to',
        message: 'notes.txt was not sent: nobody else is in the room yet'
      }
    ])
  })

  it('after its offer is told once, by the room', async () => {
    const { session, events } = member((feed) => {
      feed.emit({ type: 'file-failed', id: 4, code: 'cancelled', message: 'the host went away' })
      return new Error('the host went away')
    })
    await assert.rejects(session.files?.send('/tmp/notes.txt') ?? never())
    assert.deepEqual(
      events.map((e) => e.type),
      ['file-failed']
    )
  })
})

describe('--json passes the file events through unchanged', () => {
  it('writes each as one JSON line', async () => {
    const stdout = new PassThrough()
    const io = { stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: {} } as unknown as Io
    const face = new JsonFace(io)
    const events: RoomEvent[] = [
      offer(3, 'report.pdf'),
      { type: 'progress', id: 3, direction: 'download', bytes: 10, size: 20, bytesPerSecond: 5, etaMs: 2000 },
      { type: 'file-received', id: 3, from: 'bob', path: '/d/report.pdf', sha256: 'ab', size: 20 },
      { type: 'file-sent', id: 4, recipients: ['bob'] },
      { type: 'file-failed', id: 5, code: 'tampered', message: 'chunk 2 failed to open' }
    ]
    for (const event of events) face.show(event as never)
    face.close()
    await tick()
    const lines = String(stdout.read()).trim().split('\n')
    assert.deepEqual(
      lines.map((l) => JSON.parse(l)),
      events
    )
  })
})

describe('where downloads go', () => {
  const home = join(scratch, 'home')
  const downloads = join(home, 'Téléchargements')
  mkdirSync(join(home, '.config'), { recursive: true })
  mkdirSync(downloads, { recursive: true })

  it('reads XDG_DOWNLOAD_DIR from user-dirs.dirs, shell syntax and all', () => {
    const text = [
      '# This file is written by xdg-user-dirs-update',
      'XDG_DESKTOP_DIR="$HOME/Desktop"',
      'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"',
      ''
    ].join('\n')
    assert.equal(userDirsDownload(text, '/home/a'), '/home/a/Téléchargements')
    assert.equal(userDirsDownload('XDG_DOWNLOAD_DIR="/srv/in"', '/home/a'), '/srv/in')
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's ${HOME}, as the file may have it
    assert.equal(userDirsDownload('XDG_DOWNLOAD_DIR="${HOME}/dl"', '/home/a'), '/home/a/dl')
    assert.equal(userDirsDownload('XDG_DOWNLOAD_DIR="$HOME/with \\"quote\\""', '/h'), '/h/with "quote"')
    assert.equal(userDirsDownload('  XDG_DOWNLOAD_DIR=dl', '/home/a'), '/home/a/dl')
    // Pointing a folder at the home directory is how the file turns it off.
    assert.equal(userDirsDownload('XDG_DOWNLOAD_DIR="$HOME/"', '/home/a'), undefined)
    assert.equal(userDirsDownload('XDG_MUSIC_DIR="$HOME/Music"', '/home/a'), undefined)
  })

  it('is $XDG_DOWNLOAD_DIR, else the folder user-dirs.dirs names if it exists, else the current directory', () => {
    const cwd = join(scratch, 'here')
    assert.equal(defaultDownloadDir({ env: { XDG_DOWNLOAD_DIR: '/from/env', HOME: home }, cwd }), '/from/env')
    // No user-dirs.dirs yet.
    assert.equal(defaultDownloadDir({ env: { HOME: home }, cwd }), cwd)
    writeFileSync(join(home, '.config', 'user-dirs.dirs'), 'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n')
    assert.equal(defaultDownloadDir({ env: { HOME: home }, cwd }), downloads)
    assert.equal(defaultDownloadDir({ env: { HOME: home, XDG_DOWNLOAD_DIR: '' }, cwd }), downloads)
    writeFileSync(join(home, '.config', 'user-dirs.dirs'), 'XDG_DOWNLOAD_DIR="$HOME/Gone"\n')
    assert.equal(defaultDownloadDir({ env: { HOME: home }, cwd }), cwd)
    // XDG_CONFIG_HOME moves the file, as it does for xdg-user-dirs.
    const config = join(scratch, 'config')
    mkdirSync(config, { recursive: true })
    writeFileSync(join(config, 'user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`)
    assert.equal(defaultDownloadDir({ env: { HOME: home, XDG_CONFIG_HOME: config }, cwd }), downloads)
  })

  it('--download-dir must be a folder; the other flags become the member options', () => {
    assert.deepEqual(
      memberFileOptions(
        { downloadDir: '~/Téléchargements', acceptFiles: 10, downloadRate: 500 },
        { env: { HOME: home } }
      ),
      { downloadDir: downloads, acceptUpTo: 10, downloadBytesPerSecond: 500 }
    )
    assert.deepEqual(memberFileOptions({}, { env: { XDG_DOWNLOAD_DIR: downloads } }), {
      downloadDir: downloads,
      acceptUpTo: -1
    })
    assert.throws(
      () => memberFileOptions({ downloadDir: join(scratch, 'missing') }, { env: {} }),
      (err: Error) =>
        err instanceof UsageError && /--download-dir: ".*missing" is not a folder/.test(err.message)
    )
    assert.equal(expandHome('~', '/h'), '/h')
    assert.equal(expandHome('~/a b', '/h'), '/h/a b')
    assert.equal(expandHome('~bob/x', '/h'), '~bob/x')
  })
})
