/**
 * @module Byte sizes as people write and read them: `--accept-files 10M`, `--max-file-size 2GiB`
 * parsed; "2.1 MB" and "12.3 MB/s" shown.
 */
import { UsageError } from './exit-codes.js'

/**
 * The multiples a size may carry. K, M, G, T alone and KiB, MiB, GiB, TiB are powers of 1024 (what a
 * limit given as `10M` usually means); kB, MB, GB, TB are powers of 1000, as `humanSize` shows them,
 * so a size copied from the screen means what it says.
 */
const POWERS = { k: 1, m: 2, g: 3, t: 4 } as const

const SIZE = /^(\d{1,15}(?:\.\d{1,6})?|\.\d{1,6})\s*(?:([kmgt])(ib|b)?|(b))?$/i

/** What `--help` and the errors say a size may be. */
export const SIZE_SYNTAX =
  'bytes, or a number with K, M, G or T (1024-based, also KiB, MiB, GiB, TiB) or kB, MB, GB, TB (1000-based), e.g. 500k, 10M, 1.5MB, 2GiB'

/**
 * Parses a size into whole bytes (a fraction of a multiple rounds down), within [min, max]; anything
 * else is a usage error that says what is expected.
 */
export function parseSize(text: string, bounds: { min?: number; max?: number } = {}): number {
  const min = bounds.min ?? 0
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER
  const match = SIZE.exec(text.trim())
  if (match === null) throw new UsageError(`invalid size "${text.slice(0, 40)}": expected ${SIZE_SYNTAX}`)
  const [, number = '', letter, suffix] = match
  const value = Number(number)
  let bytes: number
  if (letter === undefined) {
    // A bare number is bytes, and a byte has no fraction.
    if (!Number.isInteger(value)) {
      throw new UsageError(
        `invalid size "${text.trim()}": a number of bytes is whole (give a unit for a fraction, e.g. 1.5M)`
      )
    }
    bytes = value
  } else {
    const base = suffix?.toLowerCase() === 'b' ? 1000 : 1024
    bytes = Math.floor(value * base ** POWERS[letter.toLowerCase() as keyof typeof POWERS])
  }
  if (bytes < min)
    throw new UsageError(`size "${text.trim()}" is too small: at least ${min} byte${min === 1 ? '' : 's'}`)
  if (!Number.isSafeInteger(bytes) || bytes > max) {
    throw new UsageError(`size "${text.trim()}" is too large: at most ${binarySize(max)}`)
  }
  return bytes
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const

/**
 * A size in decimal units with about three significant digits: 512 B, 2.1 MB, 12.3 MB, 640 MB, 2.1 GB
 * (as the room's offers show sizes; 1000-based like disk and network figures).
 */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(bytes))} B`
  let unit = 0
  let value = bytes
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  // 999.96 kB would print as "1000.0 kB": it is 1.0 MB.
  if (Math.round(value) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  // One decimal below 100 ("12.3 MB"), none above ("640 MB"); 99.96 rounds up to "100 MB", not "100.0".
  return `${value < 99.95 ? value.toFixed(1) : value.toFixed(0)} ${UNITS[unit]}`
}

/** A rate, e.g. "12.3 MB/s". */
export function humanRate(bytesPerSecond: number): string {
  return `${humanSize(bytesPerSecond)}/s`
}

const BINARY = [
  ['TiB', 1024 ** 4],
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024]
] as const

/** The largest binary unit that divides `bytes` exactly, e.g. 2147483648 → "2GiB" (parseSize reads it back). */
export function binarySize(bytes: number): string {
  for (const [unit, factor] of BINARY)
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`
  return `${bytes}`
}
