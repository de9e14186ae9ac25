/** Byte helpers shared by the codecs and the crypto. Isomorphic: no `node:` imports. */

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Decodes UTF-8, throwing on malformed input rather than inventing U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/** An unsigned LEB128 varint, as protobuf and libp2p's length prefixes write it. */
export function encodeVarint(n: number): Uint8Array {
  const out = new Uint8Array(varintLength(n))
  writeVarint(out, 0, n)
  return out
}

/** How many bytes `encodeVarint(n)` takes (n a non-negative safe integer). */
export function varintLength(n: number): number {
  let length = 1
  for (let value = n; value > 0x7f; value = Math.floor(value / 128)) length++
  return length
}

/**
 * Writes `n` as a varint into `out` at `at`, returning the offset after it: frames built in one buffer
 * need no array per field (division, not shifts, so values past 2^31 are written whole).
 */
export function writeVarint(out: Uint8Array, at: number, n: number): number {
  let offset = at
  let value = n
  while (value > 0x7f) {
    out[offset++] = (value % 128) | 0x80
    value = Math.floor(value / 128)
  }
  out[offset++] = value
  return offset
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.byteLength
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}

/**
 * Compares two byte strings in time that depends only on their lengths, never on where they differ,
 * so a secret (a MAC, a hash) cannot be guessed byte by byte from timing.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  let diff = 0
  for (let i = 0; i < a.byteLength; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

/** getRandomValues refuses more than 64 KiB a call, so larger requests are filled in chunks. */
const RANDOM_CHUNK = 65536

export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let offset = 0; offset < length; offset += RANDOM_CHUNK) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + RANDOM_CHUNK)))
  }
  return out
}

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/

/** URL-safe base64 with padding (the Fernet spec's alphabet). */
export function toBase64Url(bytes: Uint8Array, { pad = true } = {}): string {
  let binary = ''
  for (let i = 0; i < bytes.byteLength; i++) binary += String.fromCharCode(bytes[i] as number)
  const b64 = btoa(binary).replaceAll('+', '-').replaceAll('/', '_')
  return pad ? b64 : b64.replace(/=+$/, '')
}

/** Decodes URL-safe base64, padded or not; throws `TypeError` on any other character. */
export function fromBase64Url(text: string): Uint8Array {
  if (!BASE64URL.test(text)) throw new TypeError('not URL-safe base64')
  const unpadded = text.replace(/=+$/, '')
  if (unpadded.length % 4 === 1) throw new TypeError('not URL-safe base64')
  const b64 = unpadded.replaceAll('-', '+').replaceAll('_', '/')
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.byteLength; i++) out += (bytes[i] as number).toString(16).padStart(2, '0')
  return out
}

export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new TypeError('not hex')
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** WebCrypto wants a BufferSource backed by a plain ArrayBuffer; this copies only when it must. */
export function asBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)
}
