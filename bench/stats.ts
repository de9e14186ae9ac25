/** Pure statistics for the benchmark: percentiles by linear interpolation, summaries, rounding. */

/** The p-th percentile (0–100) of `values`, interpolating between the two nearest ranks; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  if (p < 0 || p > 100) throw new RangeError('percentile must be from 0 to 100')
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (p / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  const a = sorted[low] as number
  const b = sorted[high] as number
  // Infinity stands for "never delivered": it must win, not turn into NaN through Infinity * 0.
  if (low === high || a === b) return a
  return a + (b - a) * (rank - low)
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  return values.reduce((sum, v) => sum + v, 0) / values.length
}

export interface Summary {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

export function summarize(values: readonly number[]): Summary {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
    mean: mean(values)
  }
}

/** Rounds for reporting; non-finite values become null so the JSON stays valid. */
export function round(value: number, digits = 2): number | null {
  if (!Number.isFinite(value)) return null
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** `a / b`, or NaN when either is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return Number.NaN
  return a / b
}
