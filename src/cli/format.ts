/** Small display helpers shared by the screens. */

/** Local wall-clock time as HH:MM. */
export function clock(ts: number): string {
  const date = new Date(ts)
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`
}

/** "123456" → "123 456", easier to read aloud; joiners may type it either way. */
export function spacedCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code
}

/** A local date and time, e.g. "2026-12-01 14:03". */
export function localDateTime(ts: number): string {
  const d = new Date(ts)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** The room code step: 30 s, aligned to the Unix epoch (TOTP). */
export function codeExpiry(now: number, stepSeconds: number): number {
  const step = stepSeconds * 1000
  return (Math.floor(now / step) + 1) * step
}
