/**
 * @module A file name offered by another member, made safe to save under: one path component, no
 * control or invisible characters, no name a file system reserves, not hidden, and not too long.
 *
 * The name is the sender's word and nothing else: whatever it holds, what comes out names a plain file
 * in the download folder. Making it unique there (`report (1).pdf`) is the writer's business.
 */

/** UTF-8 bytes a saved name holds at most: under the 255 of common file systems, with room for " (99)". */
export const MAX_SAVED_NAME_BYTES = 200
/** What a name that neutralises to nothing is saved as. */
export const FALLBACK_FILE_NAME = 'file'

/**
 * Characters that would let a name reach outside its folder, or mean something to a shell or a file
 * system: separators, Windows' reserved punctuation, and every control, format (bidi overrides,
 * zero-width), separator-line and unassigned or private code point.
 */
const UNSAFE = /[/\\:*?"<>|\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]/gu
/** Device names Windows reserves, with any extension (`CON.txt` is the console too). */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i
const encoder = new TextEncoder()

/** Cuts `text` to at most `max` UTF-8 bytes, never inside a code point. */
function cutToBytes(text: string, max: number): string {
  let out = ''
  let bytes = 0
  for (const char of text) {
    const size = encoder.encode(char).byteLength
    if (bytes + size > max) break
    out += char
    bytes += size
  }
  return out
}

/**
 * The name to save an offered file under. Only the last path component is kept (`../../.bashrc` →
 * `_bashrc`); unsafe characters become `_`; spaces and dots at the ends go (Windows drops them, and a
 * leading dot hides a file), a leading dot kept as `_`; reserved device names get a `_` in front; an
 * over-long name is cut, its extension kept.
 */
export function safeFileName(offered: string): string {
  const last = offered.split(/[/\\]/).at(-1) ?? ''
  let name = last.normalize('NFC').replace(UNSAFE, '_')
  const hidden = name.startsWith('.')
  name = name.replace(/^[\s.]+|[\s.]+$/g, '')
  if (name === '') return FALLBACK_FILE_NAME
  if (hidden) name = `_${name}`
  if (RESERVED.test(name)) name = `_${name}`
  if (encoder.encode(name).byteLength <= MAX_SAVED_NAME_BYTES) return name
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : ''
  const stem = cutToBytes(
    name.slice(0, name.length - extension.length),
    MAX_SAVED_NAME_BYTES - encoder.encode(extension).byteLength
  )
  return `${stem}${extension}`
}

/** The n-th name to try when `name` is taken: `report (1).pdf`, `report (2).pdf`, … */
export function numberedFileName(name: string, n: number): string {
  const dot = name.lastIndexOf('.')
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, '']
  return `${stem} (${n})${extension}`
}
