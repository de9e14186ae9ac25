// File transfer through the real CLI in --json mode: a 200 MiB file from one member to three (one of
// them reading at a throttled rate) through a relay-only host, every copy byte-identical, the host's
// memory bounded while the file passes, and chat delivered all along.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { type CliProcess, currentCode, type JsonEvent, readyHost, Sandbox } from '../helpers/cli.js'

const MiB = 1024 * 1024
const SIZE = 200 * MiB
/** The slow member reads at this rate: its copy takes about 10 s, the others' much less. */
const SLOW_RATE = '20MiB'

async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256')
  const file = await open(path, 'w', 0o600)
  try {
    for (let written = 0; written < bytes; written += MiB) {
      const piece = randomBytes(Math.min(MiB, bytes - written))
      hash.update(piece)
      await file.write(piece)
    }
  } finally {
    await file.close()
  }
  return hash.digest('hex')
}

async function hashOf(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer)
  return hash.digest('hex')
}

/** The resident set of a process, from Linux's /proc (bytes). */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match === null ? 0 : Number(match[1]) * 1024
}

describe('file transfer through the CLI', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('a 200 MiB file reaches three members whole (one of them slow), the host stays small, chat flows', async (t) => {
    const { host, invitation, code } = await readyHost(sandbox, ['--relay-only'])
    const source = join(sandbox.dir, 'big report.bin')
    const sha256 = await writeRandomFile(source, SIZE)
    const folderOf = (nick: string) => {
      const dir = join(sandbox.dir, `downloads-${nick}`)
      mkdirSync(dir, { recursive: true })
      return dir
    }
    const alice = sandbox.join(invitation, code, 'alice')
    await alice.event('joined')
    const receivers: Record<string, CliProcess> = {}
    for (const nick of ['bob', 'carol', 'dave']) {
      const extra = ['--accept-files', '1GiB', '--download-dir', folderOf(nick)]
      if (nick === 'dave') extra.push('--download-rate', SLOW_RATE)
      receivers[nick] = sandbox.join(invitation, await currentCode(host), nick, extra)
      await (receivers[nick] as CliProcess).event('joined')
    }
    await alice.until(
      () => alice.events.filter((e) => e.type === 'member-joined').length >= 3 || undefined,
      'all three receivers'
    )
    const pid = host.child.pid as number
    const rssBefore = rssOf(pid)
    const samples: number[] = []
    const sampler = setInterval(() => samples.push(rssOf(pid)), 100)
    try {
      alice.send(`/send ${source}`)
      const ok = await alice.event('ok', (e) => e['command'] === 'send')
      assert.equal(ok['name'], 'big report.bin')
      const bob = receivers['bob'] as CliProcess
      const offer = await bob.event('file-offer')
      assert.equal(offer['from'], 'alice')
      assert.equal(offer['name'], 'big report.bin')
      assert.equal(offer['size'], SIZE)
      assert.equal(offer['sha256'], sha256)
      // Chat while the file moves: every line arrives.
      await bob.event('progress', (e) => e['id'] === offer['id'])
      for (let i = 0; i < 5; i++) bob.send(`line ${i} during the transfer`)
      for (let i = 0; i < 5; i++) {
        await alice.event('message', (e) => e['text'] === `line ${i} during the transfer`)
      }
      const received: Record<string, JsonEvent> = {}
      for (const [nick, member] of Object.entries(receivers)) {
        received[nick] = await member.until(
          () => member.events.find((e) => e.type === 'file-received' || e.type === 'file-failed'),
          `${nick}'s file`,
          240_000
        )
      }
      const sent = await alice.event('file-sent')
      assert.deepEqual((sent['recipients'] as string[]).sort(), ['bob', 'carol', 'dave'])
      for (const [nick, event] of Object.entries(received)) {
        assert.equal(event.type, 'file-received', `${nick}: ${JSON.stringify(event)}`)
        assert.equal(event['sha256'], sha256)
        const path = event['path'] as string
        assert.equal(path, join(folderOf(nick), 'big report.bin'))
        assert.equal(statSync(path).mode & 0o777, 0o600)
        assert.equal(await hashOf(path), sha256, `${nick}'s copy is byte for byte the original`)
        assert.deepEqual(readdirSync(folderOf(nick)), ['big report.bin'])
      }
      // The slow member read at its throttled rate, and it slowed only its own copy.
      const dave = receivers['dave'] as CliProcess
      const daveProgress = dave.events.filter((e) => e.type === 'progress')
      assert.ok(daveProgress.some((e) => (e['bytesPerSecond'] as number) <= 25 * MiB))
      // Bounded, not holding the file: the host's RSS rises to a level in the first moments (buffers in
      // flight, and those dropped that V8 collects in batches, some 64 MiB at a time) and stays near it
      // however much more of the file passes; a host that kept even one copy of what it relayed would
      // grow by half the file in the second half.
      const half = Math.floor(samples.length / 2)
      const firstHalf = Math.max(rssBefore, ...samples.slice(0, half))
      const peak = Math.max(firstHalf, ...samples.slice(half))
      const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`
      t.diagnostic(
        `host RSS for a ${SIZE / MiB} MiB file to 3 members: ${mib(rssBefore)} before, peak ${mib(firstHalf)} ` +
          `in the first half of the transfer, ${mib(peak)} in all (+${mib(peak - rssBefore)}); ${samples.length} samples`
      )
      assert.ok(peak - firstHalf < 64 * MiB, `the host grew ${mib(peak - firstHalf)} in the second half`)
      assert.ok(peak - rssBefore < SIZE, `the host grew ${mib(peak - rssBefore)}: as much as the file`)
    } finally {
      clearInterval(sampler)
    }
  })
})
