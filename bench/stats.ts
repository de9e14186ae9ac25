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

/** Bytes in MiB, one decimal, for reporting. */
export const mib = (bytes: number) => round(bytes / 2 ** 20, 1)

/** `a / b`, or NaN when either is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return Number.NaN
  return a / b
}

/**
 * The exponent k of y ≈ c·n^k fitted to `points` by least squares on their logarithms: about 1 when
 * y grows linearly with n, 2 when with its square. Null with fewer than two usable points.
 */
export function growthExponent(points: ReadonlyArray<readonly [number, number | null]>): number | null {
  const usable = points.filter((p): p is readonly [number, number] => p[1] !== null && p[1] > 0 && p[0] > 0)
  if (usable.length < 2) return null
  const xs = usable.map(([n]) => Math.log(n))
  const ys = usable.map(([, y]) => Math.log(y))
  const mx = mean(xs)
  const my = mean(ys)
  let num = 0
  let den = 0
  for (let i = 0; i < xs.length; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my)
    den += ((xs[i] as number) - mx) ** 2
  }
  return den === 0 ? null : num / den
}
