/**
 * Nickname colours: a hash of the nickname picks from a palette of mid-brightness ANSI 256 colours,
 * readable on dark and on light backgrounds (no white, black or yellow). Within a room two members
 * never share a colour while the palette lasts: a collision takes the next free one.
 */
import { utf8 } from '../protocol/bytes.js'
import { nicknameKey } from '../protocol/nickname.js'

/** xterm-256 indexes: blue, green, orange, magenta, teal, crimson, violet, olive, rose, jade, brown, steel. */
export const PALETTE: readonly number[] = [33, 28, 166, 127, 30, 161, 98, 64, 131, 36, 130, 67]

/** FNV-1a over the case-folded nickname: stable across runs and machines. */
export function nicknameHash(nick: string): number {
  let hash = 0x811c9dc5
  for (const byte of utf8(nicknameKey(nick))) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

/** The colour a nickname prefers, before collisions are resolved. */
export function preferredColour(nick: string, palette: readonly number[] = PALETTE): number {
  return palette[nicknameHash(nick) % palette.length] as number
}

/** Colours of the members present; each keeps its colour while it stays. */
export class NickColours {
  private readonly assigned = new Map<string, number>()
  private readonly palette: readonly number[]

  constructor(palette: readonly number[] = PALETTE) {
    this.palette = palette
  }

  colourOf(nick: string): number {
    const key = nicknameKey(nick)
    const known = this.assigned.get(key)
    if (known !== undefined) return known
    const used = new Set(this.assigned.values())
    const start = nicknameHash(nick) % this.palette.length
    let colour = this.palette[start] as number
    for (let i = 0; i < this.palette.length; i++) {
      const candidate = this.palette[(start + i) % this.palette.length] as number
      if (!used.has(candidate)) {
        colour = candidate
        break
      }
    }
    this.assigned.set(key, colour)
    return colour
  }

  /** Frees a leaving member's colour for whoever comes next. */
  release(nick: string): void {
    this.assigned.delete(nicknameKey(nick))
  }
}

/** Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or TERM=dumb. */
export function colourEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false
  if (env['TERM'] === 'dumb') return false
  return stream.isTTY === true
}

/** Text styling that collapses to plain text when colour is off. */
export class Style {
  readonly enabled: boolean
  constructor(enabled: boolean) {
    this.enabled = enabled
  }
  colour(text: string, colour: number): string {
    return this.enabled ? `\x1b[38;5;${colour}m${text}\x1b[39m` : text
  }
  bold(text: string): string {
    return this.enabled ? `\x1b[1m${text}\x1b[22m` : text
  }
  dim(text: string): string {
    return this.enabled ? `\x1b[2m${text}\x1b[22m` : text
  }
  /** Errors and warnings: the palette's crimson, readable on both backgrounds. */
  alert(text: string): string {
    return this.enabled ? `\x1b[1;38;5;161m${text}\x1b[22;39m` : text
  }
}
