/**
 * `npm run bench [-- --quick] [-- --json]`: securechat against a bare libp2p relay on loopback.
 * The coordinator (this process) drives a host process and k member worker processes over IPC and
 * prints a table, or with --json one JSON object (progress goes to stderr either way).
 *
 * Options: --quick, --json, --rate <msg/s> (fan-out send rate, default 2), --workers <k> (member
 * worker processes, default 3), --profile <dir> (CPU profiles of the host, the bare relay and worker 0
 * during the throughput runs), --save <file> (also write the JSON there).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type CryptoCost, measureCryptoCost } from './crypto-cost.js'
import { Child, now } from './ipc.js'
import { defaultScryptJoins, fanoutAndScale, joinsAndDials, throughput } from './phases.js'
import { type Bench, PLANS } from './plan.js'
import { buildResult } from './report.js'
import { round } from './stats.js'
import { renderTable } from './table.js'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    rate: { type: 'string', default: '2' },
    workers: { type: 'string', default: '3' },
    profile: { type: 'string' },
    save: { type: 'string' }
  }
})

const mode = args.quick ? 'quick' : 'full'
const plan = PLANS[mode]
const rate = Number(args.rate)
const workerCount = Number(args.workers)
if (!(rate > 0) || !Number.isInteger(workerCount) || workerCount < 1) {
  process.stderr.write('usage: run.js [--quick] [--json] [--rate <msg/s> > 0] [--workers <k ≥ 1>] ...\n')
  process.exit(64)
}
const began = now()
const loadAvgStart = loadavg()[0] ?? Number.NaN
const children: Child[] = []

function log(message: string): void {
  process.stderr.write(`[bench ${((now() - began) / 1000).toFixed(1)}s] ${message}\n`)
}

const bench: Bench = {
  plan,
  rate,
  window: 4,
  began,
  log,
  track: (...started) => {
    children.push(...started)
  },
  profileDir: args.profile === undefined ? undefined : resolve(args.profile)
}

const r2 = (v: number) => round(v, 2)
const r1 = (v: number) => round(v, 1)

async function main(): Promise<void> {
  if (bench.profileDir !== undefined) await mkdir(bench.profileDir, { recursive: true })
  log(`${mode} run: rate ${rate} msg/s, ${workerCount} worker processes, load average ${loadAvgStart}`)

  // Crypto first, alone on the machine.
  const crypto: CryptoCost = await measureCryptoCost({ members: 10, iterations: plan.cryptoIterations })
  log(`crypto: seal ${r2(crypto.sender_seal_ms)} ms, open ${r2(crypto.receiver_open_ms)} ms`)

  const largest = Math.max(...plan.fanoutSizes, ...plan.scaleSizes)
  const workerPath = fileURLToPath(new URL('./worker.js', import.meta.url))
  const workers = Array.from({ length: workerCount }, (_, i) => new Child(`worker${i}`, workerPath))
  children.push(...workers)
  const keysEach = Math.ceil(largest / workerCount)
  const inits = await Promise.all(
    workers.map((w, index) =>
      w.call<{ ms: number }>('init', { index, count: workerCount, keys: keysEach }, 300_000)
    )
  )
  log(`keys: ${keysEach * workerCount} RSA-2048 pairs in ${r1(Math.max(...inits.map((i) => i.ms)) / 1000)} s`)

  const joining = await joinsAndDials(bench, workers)
  const slowJoins = await defaultScryptJoins(bench, workers)
  const baseThroughput = await throughput(bench, 'baseline', workers)
  const realThroughput = await throughput(bench, 'room', workers)
  const rooms = await fanoutAndScale(bench, workers)

  const result = buildResult(bench, {
    mode,
    workers: workerCount,
    loadAvgStart,
    crypto,
    joining,
    slowJoins,
    realThroughput,
    baseThroughput,
    rooms
  })
  await Promise.all(workers.map((w) => w.stop()))
  result.duration_s = round((now() - began) / 1000, 1) ?? 0
  if (args.save !== undefined) await writeFile(resolve(args.save), `${JSON.stringify(result, null, 2)}\n`)
  process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : `${renderTable(result)}\n`)
}

const timeout = setTimeout(() => {
  log(`global timeout (${plan.timeoutMs / 1000} s): stopping`)
  for (const c of children) c.kill()
  process.exit(2)
}, plan.timeoutMs)

main()
  .then(() => {
    clearTimeout(timeout)
    process.exit(0)
  })
  .catch((err) => {
    log(`failed: ${(err as Error).stack ?? err}`)
    for (const c of children) c.kill()
    process.exit(1)
  })
