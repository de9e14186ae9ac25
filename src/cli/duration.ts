import { UsageError } from './exit-codes.js'

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
type Unit = keyof typeof UNIT_MS

export const MIN_TTL_MS = 60_000
export const MAX_TTL_MS = 30 * UNIT_MS.d

const DURATION = /^(\d{1,7})\s*([smhd])$/i

/**
 * Parses `30s`, `30m`, `24h`, `7d` (a whole number and one unit) into milliseconds, within
 * [min, max]; anything else is a usage error that says what is expected.
 */
export function parseDuration(text: string, bounds: { min?: number; max?: number } = {}): number {
  const min = bounds.min ?? MIN_TTL_MS
  const max = bounds.max ?? MAX_TTL_MS
  const expected = `a whole number and a unit (s, m, h or d), e.g. 30m, 24h or 7d, from ${formatDuration(min)} to ${formatDuration(max)}`
  const match = DURATION.exec(text.trim())
  if (match === null) throw new UsageError(`invalid duration "${text.slice(0, 40)}": expected ${expected}`)
  const ms = Number(match[1]) * UNIT_MS[(match[2] as string).toLowerCase() as Unit]
  if (ms < min || ms > max) {
    throw new UsageError(`duration "${text.trim()}" is out of range: expected ${expected}`)
  }
  return ms
}

/** The largest whole unit that fits, e.g. 86400000 → "24h", 90000 → "90s", 5400000 → "90m". */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) {
      const n = ms / UNIT_MS[unit]
      if (unit === 'd' && n < 2) return `${n * 24}h`
      return `${n}${unit}`
    }
  }
  return `${Math.round(ms / 1000)}s`
}
