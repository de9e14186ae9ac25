/** What a run measures (quick or full), and the context the phases share. */
import type { Child } from './ipc.js'

/** The scale steps' pass mark: every message delivered to all, with p99 under this. */
export const SCALE_LIMIT_MS = 250

/** The fan-out with half the members through a circuit relay runs at this size (beside all direct). */
export const RELAYED_FANOUT_MEMBERS = 10

/** The attack phase: the same in both modes, so that quick and full figures compare. */
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

const ATTACK_PLAN: AttackPlan = {
  rate: 20,
  baselineMs: 1500,
  attackMs: 4000,
  paddedMs: 7000,
  paddedPosts: 1200,
  settleMs: 5000
}

export interface Plan {
  fanoutSizes: number[]
  scaleSizes: number[]
  messages: number
  warmup: number
  joins: number
  throughputMs: number
  defaultScryptJoins: number
  cryptoIterations: number
  /** Also run the half-relayed fan-out again after its relayed members moved to direct connections. */
  movedFanout: boolean
  /** DCUtR upgrades timed in network namespaces (root only); 0 skips them (about 15 s of set-up). */
  dcutrTrials: number
  attack: AttackPlan
  /** Scale steps beyond the fan-out sizes start only if they can end within this (from the start). */
  budgetMs: number
  timeoutMs: number
}

export const PLANS: Record<'quick' | 'full', Plan> = {
  quick: {
    fanoutSizes: [2, 10, 50],
    scaleSizes: [50],
    messages: 20,
    warmup: 3,
    joins: 30,
    throughputMs: 3000,
    defaultScryptJoins: 5,
    cryptoIterations: 40,
    // About 11 s more: the full run has it.
    movedFanout: false,
    dcutrTrials: 0,
    attack: ATTACK_PLAN,
    budgetMs: 110_000,
    timeoutMs: 250_000
  },
  full: {
    fanoutSizes: [2, 10, 50, 100],
    scaleSizes: [50, 100, 150, 200],
    messages: 80,
    warmup: 5,
    joins: 40,
    throughputMs: 10_000,
    defaultScryptJoins: 10,
    cryptoIterations: 200,
    movedFanout: true,
    dcutrTrials: 10,
    attack: ATTACK_PLAN,
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
