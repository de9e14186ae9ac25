/** What a run measures (quick or full), and the context the phases share. */
import type { Child } from './ipc.js'

/** The scale steps' pass mark: every message delivered to all, with p99 under this. */
export const SCALE_LIMIT_MS = 250

/** The fan-out with half the members through a circuit relay runs at this size (beside all direct). */
export const RELAYED_FANOUT_MEMBERS = 10

/**
 * The attack phase. The full run's attacks last long enough for the harm to show (the padded
 * backlog longest: its harm is the memory it piles up); the quick run's are shorter, so its attack
 * figures (counts, peak memory) compare with another quick run's, not with the full run's, and its
 * table says so.
 */
export interface AttackPlan {
  /** The bystander's send rate, messages per second. */
  rate: number
  baselineMs: number
  /** How long each attack lasts at most; the padded backlog longer (its harm is the memory it piles up). */
  attackMs: number
  paddedMs: number
  paddedPosts: number
  /** How long after the attack stopped the host's memory is read again (after a forced GC). */
  settleMs: number
}

/** About 62 s for the five attacks, one after another. */
const ATTACK_PLAN: AttackPlan = {
  rate: 20,
  baselineMs: 1500,
  attackMs: 4000,
  paddedMs: 7000,
  paddedPosts: 1200,
  settleMs: 5000
}

/**
 * About 31 s: the bystander still sends 20 messages before and 40 during each attack (p95 of them),
 * and the attacker stops every node of its own at the end, so 2 s after it (with a forced GC) is
 * long enough to see whether the host let go of the memory.
 */
const QUICK_ATTACK_PLAN: AttackPlan = {
  rate: 20,
  baselineMs: 1000,
  attackMs: 2000,
  paddedMs: 3500,
  paddedPosts: 1200,
  settleMs: 2000
}

export interface Plan {
  /** Room sizes measured in both rooms, side by side: the fan-out rows and the growth fit. */
  fanoutSizes: number[]
  /** Sizes whose securechat fan-out counts for the scale summary (one not in fanoutSizes would run alone). */
  scaleSizes: number[]
  /** Messages per fan-out run (at the fixed rate, so each run lasts messages / rate seconds). */
  messages: number
  warmup: number
  joins: number
  throughputMs: number
  defaultScryptJoins: number
  /** Joins and bare dials over the slow link (a proxy of SLOW_LINK_DELAY_MS each way), each. */
  slowLinkJoins: number
  cryptoIterations: number
  /** Messages relayed to 200 members for the backlog cost (each held 199 times). */
  backlogMessages: number
  /** The fan-out at RELAYED_FANOUT_MEMBERS with half the members through the relay, beside all direct. */
  relayedFanout: boolean
  /** Also run the half-relayed fan-out again after its relayed members moved to direct connections. */
  movedFanout: boolean
  /** DCUtR upgrades timed in network namespaces (root only); 0 skips them (about 15 s of set-up). */
  dcutrTrials: number
  attack: AttackPlan
  /** The file sent through the room and through the bare pipe, in MiB. */
  fileMib: number
  /** The page of --ui: hosts started to time the first paint, and messages timed page to page. */
  uiRuns: number
  uiMessages: number
  /** Scale steps beyond the fan-out sizes start only if they can end within this (from the start). */
  budgetMs: number
  timeoutMs: number
}

/*
 * Where the time goes, on 2 cores (from the `[bench Ns]` stamps). Full, about 8 minutes (the
 * global timeout stops it at 680 s): 45 s for crypto, 201 RSA keys, joins and the throughput runs;
 * 370 s of fan-out, 12 runs of 25 s (5 sizes × 2 rooms, the half-relayed room twice) plus growing
 * the rooms and priming the senders (30 s of it at 200 members); DCUtR 13 s; attacks 61 s.
 * Quick, about 100 s: 22 s before the fan-out, 43 s of fan-out (6 runs of 6 s), attacks 31 s.
 */
export const PLANS: Record<'quick' | 'full', Plan> = {
  quick: {
    fanoutSizes: [2, 10, 50],
    scaleSizes: [50],
    // 6 s per run: the p99 of 10 messages is nearly their largest, enough to see a regression.
    messages: 12,
    warmup: 2,
    joins: 20,
    throughputMs: 3000,
    defaultScryptJoins: 5,
    // About 6 s more: the full run has them, the table says so.
    slowLinkJoins: 0,
    cryptoIterations: 40,
    backlogMessages: 200,
    // About 8 s more (and the move to direct about 10 s): the full run has them, the table says so.
    relayedFanout: false,
    movedFanout: false,
    dcutrTrials: 0,
    attack: QUICK_ATTACK_PLAN,
    fileMib: 64,
    uiRuns: 2,
    uiMessages: 10,
    budgetMs: 110_000,
    timeoutMs: 200_000
  },
  full: {
    // 200 beside the bare relay too: the growth fit spans 2–200 and the scale summary reads these rows.
    fanoutSizes: [2, 10, 50, 100, 200],
    scaleSizes: [50, 100, 200],
    // 25 s per run at 2 msg/s (80 messages were 40 s: 200 members would not fit in 10 minutes).
    messages: 50,
    warmup: 5,
    joins: 40,
    throughputMs: 10_000,
    defaultScryptJoins: 10,
    slowLinkJoins: 10,
    cryptoIterations: 200,
    backlogMessages: 500,
    relayedFanout: true,
    movedFanout: true,
    dcutrTrials: 10,
    attack: ATTACK_PLAN,
    fileMib: 256,
    uiRuns: 3,
    uiMessages: 20,
    budgetMs: 540_000,
    timeoutMs: 680_000
  }
}

export interface Bench {
  plan: Plan
  /** Fan-out send rate, messages per second. */
  rate: number
  /** Unacknowledged messages each sender may have in the throughput run. */
  window: number
  /** When the run began (shared clock, ms). */
  began: number
  log: (message: string) => void
  /** Child processes to kill if the run fails or times out. */
  track: (...children: Child[]) => void
  /** Where to write CPU profiles of the throughput runs, if anywhere. */
  profileDir: string | undefined
}
