/**
 * `npm run bench [-- --quick] [-- --json]`: securechat against a bare libp2p relay on loopback, then
 * under attack. The coordinator (this process) drives a host process, k member worker processes, a
 * circuit relay v2 process (joins and a fan-out through it) and an attacker process over IPC and
 * prints a table, or with --json one JSON object (progress goes to stderr either way).
 *
 * The full run takes about 8 minutes on 2 cores (the fan-out at 2 to 200 members beside the bare
 * relay is most of it); --quick about 100 s (2 to 50 members, fewer messages, shorter attacks, and
 * neither the fan-out through the relay nor DCUtR, which its table says). plan.ts says where the
 * time goes.
 *
 * Options: --quick, --json, --rate <msg/s> (fan-out send rate, default 2), --workers <k> (member
 * worker processes, default 3), --profile <dir> (CPU profiles of the host, the bare relay and worker 0
 * during the throughput runs), --save <file> (also write the JSON there), --only attack (the attack
 * phase alone, about a minute; with --quick half a minute), --only throughput (the two throughput
 * runs alone, about half a minute; with --quick 12 s), --only files (one file through the room and
 * through the bare pipe: 256 MiB, about 15 s; with --quick 64 MiB), --only ui (the page of --ui in
 * chromium: bundle size, start to first paint, page-to-page latency; about 15 s), --only fanout (the
 * fan-out of one room of --members <n>, default 50, beside the bare relay; about a minute), --only
 * slow-link (joins and bare dials through a proxy that delays every chunk 25 ms each way; about 10 s),
 * --attacks <a,b,...> (only these attacks; names in attacker.ts), --help (the list, briefly).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { underAttack } from './attack.js'
import { ATTACKS, type AttackKind } from './attacker.js'
import { measureBacklogCost } from './backlog-cost.js'
import { Cluster, startRelay } from './cluster.js'
import { type CryptoCost, measureCryptoCost } from './crypto-cost.js'
import { type DcutrResult, measureDcutrUpgrade } from './dcutr.js'
import { fileTransfer } from './files.js'
import { Child, now } from './ipc.js'
import { defaultScryptJoins, fanoutAndScale, fanoutOptions, joinsAndDials, throughput } from './phases.js'
import { type Bench, PLANS } from './plan.js'
import { buildResult, slowLinkJoin } from './report.js'
import type { AttackOnlyResult } from './result.js'
import { joinsOverSlowLink } from './slow-link.js'
import { percentile, round } from './stats.js'
import { renderAttackOnly, renderTable, uiSection } from './table.js'
import { measureUi } from './ui.js'

const USAGE = `usage: npm run bench -- [options]   (or node dist/bench/run.js [options])
  --quick               2 to 50 members, fewer messages, shorter attacks (under 2 minutes)
  --json                one JSON object on stdout instead of the table
  --rate <msg/s>        the fan-out's send rate (default 2)
  --workers <k>         member worker processes (default 3)
  --profile <dir>       CPU profiles of the host, the bare relay and worker 0
  --save <file>         also write the JSON there
  --only <phase>        one phase alone: attack, throughput, fanout, slow-link, files or ui
  --members <n>         with --only fanout: the room's size (default 50)
  --attacks <a,b,...>   only these attacks: ${ATTACKS.join(', ')}
  --help, -h            this
`

/** The usage on stdout for --help; after what is wrong, on stderr with exit 64 (EX_USAGE), for bad arguments: never a stack trace. */
function usage(problem?: string): never {
  if (problem === undefined) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  process.stderr.write(`${problem}\n${USAGE}`)
  process.exit(64)
}

function parsedArgs() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        rate: { type: 'string', default: '2' },
        workers: { type: 'string', default: '3' },
        profile: { type: 'string' },
        save: { type: 'string' },
        only: { type: 'string' },
        members: { type: 'string', default: '50' },
        attacks: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      }
    }).values
  } catch (err) {
    return usage((err as Error).message)
  }
}

const args = parsedArgs()
if (args.help) usage()

const mode = args.quick ? 'quick' : 'full'
const plan = PLANS[mode]
const rate = Number(args.rate)
const workerCount = Number(args.workers)
const fanoutMembers = Number(args.members)
const attacks = (args.attacks?.split(',') ?? ATTACKS) as AttackKind[]
const PHASES = ['attack', 'throughput', 'fanout', 'slow-link', 'files', 'ui']

/** What is wrong with the arguments, in a sentence, or undefined. */
function argumentProblem(): string | undefined {
  if (!(rate > 0)) return `--rate ${args.rate}: a number of messages a second above 0`
  if (!Number.isInteger(workerCount) || workerCount < 1)
    return `--workers ${args.workers}: a whole number, at least 1`
  if (!Number.isInteger(fanoutMembers) || fanoutMembers < 2)
    return `--members ${args.members}: a whole number, at least 2`
  if (args.only !== undefined && !PHASES.includes(args.only))
    return `--only ${args.only}: one of ${PHASES.join(', ')}`
  const unknown = attacks.find((a) => !ATTACKS.includes(a))
  return unknown === undefined ? undefined : `--attacks: no attack is named "${unknown}"`
}
const problem = argumentProblem()
if (problem !== undefined) usage(problem)
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

/** `count` member worker processes holding `members` RSA keys between them (2 at least each). */
async function startWorkers(count: number, members: number): Promise<Child[]> {
  const workerPath = fileURLToPath(new URL('./worker.js', import.meta.url))
  const workers = Array.from({ length: count }, (_, i) => new Child(`worker${i}`, workerPath))
  children.push(...workers)
  // The attack phase's two bystanders both live in worker 0.
  const keysEach = Math.max(2, Math.ceil(members / count))
  const inits = await Promise.all(
    workers.map((w, index) => w.call<{ ms: number }>('init', { index, count, keys: keysEach }, 300_000))
  )
  log(`keys: ${keysEach * count} RSA-2048 pairs in ${r1(Math.max(...inits.map((i) => i.ms)) / 1000)} s`)
  return workers
}

async function output(result: { duration_s: number }, table: () => string): Promise<void> {
  result.duration_s = round((now() - began) / 1000, 1) ?? 0
  if (args.save !== undefined) await writeFile(resolve(args.save), `${JSON.stringify(result, null, 2)}\n`)
  process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : `${table()}\n`)
}

/** `--only attack`: one worker for the bystanders, the attack phase, its own smaller result. */
async function attackAlone(): Promise<void> {
  const workers = await startWorkers(1, 2)
  const attack = await underAttack(bench, workers, attacks)
  await Promise.all(workers.map((w) => w.stop()))
  const result: AttackOnlyResult = {
    node: process.version,
    cpus: availableParallelism(),
    mode,
    only: 'attack',
    load_avg_start: round(loadAvgStart, 2),
    attack,
    duration_s: 0
  }
  await output(result, () => renderAttackOnly(result))
}

/** `--only throughput`: the bare relay's and the room's saturated runs, for profiling between changes. */
async function throughputAlone(): Promise<void> {
  const workers = await startWorkers(workerCount, 10)
  const baseline = await throughput(bench, 'baseline', workers)
  const room = await throughput(bench, 'room', workers)
  await Promise.all(workers.map((w) => w.stop()))
  const ratio = round(room.msgsPerS / baseline.msgsPerS, 3)
  process.stdout.write(`${JSON.stringify({ node: process.version, baseline, room, ratio })}\n`)
}

/**
 * `--only fanout`: one fan-out of the bare relay's room and then of ours at `--members` (default 50),
 * side by side, each one's host and worker 0 profiled with `--profile` (`fanout-room-host.cpuprofile`,
 * `fanout-baseline-worker0.cpuprofile`, …) so that the two can be compared function by function.
 */
async function fanoutAlone(): Promise<void> {
  const members = fanoutMembers
  const workers = await startWorkers(workerCount, members)
  const measure = async (kind: 'baseline' | 'room') => {
    const cluster = await Cluster.start(kind, workers)
    bench.track(cluster.host)
    await cluster.grow(members)
    const dir = bench.profileDir
    const w0 = workers[0] as Child
    if (dir !== undefined) await Promise.all([cluster.host.call('profileStart'), w0.call('profileStart')])
    const run = await cluster.fanout(fanoutOptions(bench))
    if (dir !== undefined) {
      await Promise.all([
        cluster.host.call('profileStop', { path: join(dir, `fanout-${kind}-host.cpuprofile`) }),
        w0.call('profileStop', { path: join(dir, `fanout-${kind}-worker0.cpuprofile`) })
      ])
    }
    await cluster.close()
    const p = (q: number) => r2(percentile(run.latencies, q))
    return {
      p50_ms: p(50),
      p99_ms: p(99),
      lost: run.lost,
      host_bytes_per_delivery: r1(run.hostBytesOut / (members - 1)),
      host_cpu_ms_per_msg: r2(run.hostCpuMs),
      all_cpu_ms_per_msg: r2(run.totalCpuMs)
    }
  }
  const baseline = await measure('baseline')
  const room = await measure('room')
  await Promise.all(workers.map((w) => w.stop()))
  const ratio = (k: 'p50_ms' | 'p99_ms' | 'host_bytes_per_delivery' | 'all_cpu_ms_per_msg') =>
    round((room[k] ?? Number.NaN) / (baseline[k] ?? Number.NaN), 2)
  const ratios = {
    p50: ratio('p50_ms'),
    p99: ratio('p99_ms'),
    bytes: ratio('host_bytes_per_delivery'),
    all_cpu: ratio('all_cpu_ms_per_msg')
  }
  process.stdout.write(`${JSON.stringify({ members, baseline, room, ratios })}\n`)
}

/** `--only slow-link`: the full run's joins and bare dials over the slow link, alone (about 10 s). */
async function slowLinkAlone(): Promise<void> {
  const workers = await startWorkers(workerCount, 2)
  const link = await joinsOverSlowLink({ ...bench, plan: PLANS.full }, workers)
  await Promise.all(workers.map((w) => w.stop()))
  process.stdout.write(`${JSON.stringify(slowLinkJoin(link))}\n`)
}

async function main(): Promise<void> {
  if (bench.profileDir !== undefined) await mkdir(bench.profileDir, { recursive: true })
  log(`${mode} run: rate ${rate} msg/s, ${workerCount} worker processes, load average ${loadAvgStart}`)
  if (args.only === 'attack') return attackAlone()
  if (args.only === 'throughput') return throughputAlone()
  if (args.only === 'fanout') return fanoutAlone()
  if (args.only === 'slow-link') return slowLinkAlone()
  if (args.only === 'files') {
    const files = await fileTransfer(bench, plan.fileMib)
    process.stdout.write(`${JSON.stringify({ node: process.version, files })}\n`)
    return
  }
  if (args.only === 'ui') {
    const ui = await measureUi(bench, plan.uiRuns, plan.uiMessages)
    const result = {
      node: process.version,
      cpus: availableParallelism(),
      mode,
      only: 'ui',
      ui,
      duration_s: 0
    }
    await output(result, () => uiSection(ui).join('\n'))
    return
  }

  // Crypto first, alone on the machine.
  const crypto: CryptoCost = await measureCryptoCost({ members: 10, iterations: plan.cryptoIterations })
  log(`crypto: seal ${r2(crypto.sender_seal_ms)} ms, open ${r2(crypto.receiver_open_ms)} ms`)
  const backlog = await measureBacklogCost({ members: 200, messages: plan.backlogMessages })
  log(
    `backlogs at 200: ${r1(backlog.heap_bytes_per_held_delivery)} bytes of heap per held delivery, ` +
      `${round(backlog.relay_ms_per_message, 3)} ms to relay a message`
  )
  // The file transfer alone on the machine too: its processes (sender, host, receiver) are all busy.
  const files = await fileTransfer(bench, plan.fileMib)
  // The page of --ui: a browser and a few processes, before the workers take the machine.
  const ui = await measureUi(bench, plan.uiRuns, plan.uiMessages)

  const workers = await startWorkers(workerCount, Math.max(...plan.fanoutSizes, ...plan.scaleSizes))
  const relay = await startRelay()
  children.push(relay.process)

  const joining = await joinsAndDials(bench, workers, relay)
  const slowJoins = await defaultScryptJoins(bench, workers)
  const slowLink = await joinsOverSlowLink(bench, workers)
  const baseThroughput = await throughput(bench, 'baseline', workers)
  const realThroughput = await throughput(bench, 'room', workers)
  const rooms = await fanoutAndScale(bench, workers, relay)
  await relay.process.stop()
  const dcutr: DcutrResult =
    plan.dcutrTrials > 0
      ? await measureDcutrUpgrade(plan.dcutrTrials)
      : { measured: false, why: 'the full run measures it (network namespaces, about 15 s)' }
  log(dcutr.measured ? `DCUtR upgrade: p50 ${dcutr.p50_ms} ms` : `DCUtR upgrade not measured: ${dcutr.why}`)
  // Last: an attack's after-effects must not reach the other phases.
  const attack = await underAttack(bench, workers, attacks)

  const result = buildResult(bench, {
    mode,
    workers: workerCount,
    loadAvgStart,
    crypto,
    backlog,
    joining,
    slowJoins,
    slowLink,
    realThroughput,
    baseThroughput,
    rooms,
    files,
    ui,
    dcutr,
    attack
  })
  await Promise.all(workers.map((w) => w.stop()))
  await output(result, () => renderTable(result))
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
