/**
 * Fernet (https://github.com/fernet/spec/blob/master/Spec.md): authenticated symmetric tokens,
 * AES-128-CBC then HMAC-SHA256. The API follows Python `cryptography`'s `Fernet`. Isomorphic:
 * WebCrypto only, through `globalThis.crypto.subtle`.
 */

import {
  asBufferSource,
  concatBytes,
  constantTimeEqual,
  fromBase64Url,
  randomBytes,
  toBase64Url,
  utf8
} from './bytes.js'
import { InvalidInputError, InvalidTokenError } from './errors.js'

/** How far (seconds) a token's timestamp may lie ahead of our clock; the reference implementations' value. */
export const MAX_CLOCK_SKEW = 60

/**
 * Longest token text accepted (characters). Checked before decoding so a hostile peer cannot make us
 * base64-decode, hash and decrypt megabytes just to refuse them.
 */
export const MAX_TOKEN_LENGTH = 64 * 1024

export const FERNET_VERSION = 0x80

const KEY_LENGTH = 32
const HALF_KEY_LENGTH = 16
const TIMESTAMP_LENGTH = 8
const IV_LENGTH = 16
const BLOCK_LENGTH = 16
const MAC_LENGTH = 32
const HEADER_LENGTH = 1 + TIMESTAMP_LENGTH + IV_LENGTH
/** PKCS#7 always adds at least one byte, so even an empty message has one ciphertext block. */
const MIN_TOKEN_BYTES = HEADER_LENGTH + BLOCK_LENGTH + MAC_LENGTH
const UINT64_MAX = (1n << 64n) - 1n

/** A moment: milliseconds since the epoch, or a `Date`. */
export type FernetTime = Date | number

export interface FernetEncryptOptions {
  /** Timestamp to embed instead of the current time (tests, vectors). */
  now?: FernetTime
  /** IV to use instead of a random one. Reusing an IV under one key leaks plaintext; for vectors only. */
  iv?: Uint8Array
}

export interface FernetDecryptOptions {
  /** Maximum token age in whole seconds; without it neither age nor clock skew is checked (as in the spec and `cryptography`). */
  ttlSeconds?: number
  /** Our clock, instead of the current time. */
  now?: FernetTime
}

interface FernetKeys {
  signing: CryptoKey
  encryption: CryptoKey
}

/** The decoded fields of a token whose MAC has been checked. */
interface VerifiedToken {
  timestamp: bigint
  iv: Uint8Array
  ciphertext: Uint8Array
}

export class Fernet {
  readonly #signingKey: Uint8Array
  readonly #encryptionKey: Uint8Array
  #keys: Promise<FernetKeys> | undefined

  /** A fresh random key, URL-safe base64 with padding, as `cryptography` prints it. */
  static generateKey(): string {
    return toBase64Url(randomBytes(KEY_LENGTH))
  }

  /** `key`: 32 bytes, raw or as URL-safe base64 with padding. Throws `InvalidInputError` otherwise. */
  constructor(key: string | Uint8Array) {
    const raw = parseKey(key)
    this.#signingKey = raw.slice(0, HALF_KEY_LENGTH)
    this.#encryptionKey = raw.slice(HALF_KEY_LENGTH)
  }

  async encrypt(data: Uint8Array | string, options: FernetEncryptOptions = {}): Promise<string> {
    const plaintext = typeof data === 'string' ? utf8(data) : data
    const iv = options.iv === undefined ? randomBytes(IV_LENGTH) : checkIv(options.iv)
    const timestamp = BigInt(toSeconds(options.now))
    if (timestamp > UINT64_MAX) throw new InvalidInputError('timestamp does not fit in 64 bits')
    const keys = await this.#importKeys()
    const ciphertext = new Uint8Array(
      await globalThis.crypto.subtle.encrypt(
        { name: 'AES-CBC', iv: asBufferSource(iv) },
        keys.encryption,
        asBufferSource(plaintext)
      )
    )
    const signed = concatBytes(Uint8Array.of(FERNET_VERSION), encodeTimestamp(timestamp), iv, ciphertext)
    const mac = await hmac(keys.signing, signed)
    return toBase64Url(concatBytes(signed, mac))
  }

  /** Throws `InvalidTokenError` (with `reason`) for any token refused; `InvalidInputError` for bad options. */
  async decrypt(token: string, options: FernetDecryptOptions = {}): Promise<Uint8Array> {
    const ttl = options.ttlSeconds === undefined ? undefined : checkTtl(options.ttlSeconds)
    const now = toSeconds(options.now)
    const verified = await this.#verify(token)
    if (ttl !== undefined) checkFreshness(verified.timestamp, ttl, BigInt(now))
    return this.#decryptCiphertext(verified)
  }

  /** Seconds since the epoch, read only after the MAC checks out (exact up to 2^53). */
  async extractTimestamp(token: string): Promise<number> {
    const { timestamp } = await this.#verify(token)
    return Number(timestamp)
  }

  /** Imported at most once per instance, and only when first used, since import is async. */
  #importKeys(): Promise<FernetKeys> {
    this.#keys ??= importKeys(this.#signingKey, this.#encryptionKey)
    return this.#keys
  }

  /** Everything up to and including the MAC; no field is trusted until the MAC matches. */
  async #verify(token: string): Promise<VerifiedToken> {
    const bytes = decodeToken(token)
    if (bytes[0] !== FERNET_VERSION) throw new InvalidTokenError('version')
    checkLength(bytes)
    const macStart = bytes.byteLength - MAC_LENGTH
    const signed = bytes.subarray(0, macStart)
    const keys = await this.#importKeys()
    // Our own constant-time comparison rather than subtle.verify: WebCrypto does not promise
    // verify is constant-time, and this must hold on every engine.
    const expected = await hmac(keys.signing, signed)
    if (!constantTimeEqual(expected, bytes.subarray(macStart))) throw new InvalidTokenError('mac')
    return {
      timestamp: new DataView(bytes.buffer, bytes.byteOffset + 1, TIMESTAMP_LENGTH).getBigUint64(0, false),
      iv: bytes.subarray(1 + TIMESTAMP_LENGTH, HEADER_LENGTH),
      ciphertext: bytes.subarray(HEADER_LENGTH, macStart)
    }
  }

  async #decryptCiphertext({ iv, ciphertext }: VerifiedToken): Promise<Uint8Array> {
    const keys = await this.#importKeys()
    try {
      const plaintext = await globalThis.crypto.subtle.decrypt(
        { name: 'AES-CBC', iv: asBufferSource(iv) },
        keys.encryption,
        asBufferSource(ciphertext)
      )
      return new Uint8Array(plaintext)
    } catch {
      // The length was checked already, so WebCrypto's only complaint left is the PKCS#7 padding.
      throw new InvalidTokenError('padding')
    }
  }
}

function parseKey(key: string | Uint8Array): Uint8Array {
  let raw: Uint8Array
  if (typeof key === 'string') {
    const decoded = decodeCanonicalBase64Url(key)
    if (decoded === undefined) throw new InvalidInputError('Fernet key must be URL-safe base64 with padding')
    raw = decoded
  } else if (key instanceof Uint8Array) {
    // A copy, so the caller changing its array later cannot change our key.
    raw = key.slice()
  } else {
    throw new InvalidInputError('Fernet key must be a string or a Uint8Array')
  }
  if (raw.byteLength !== KEY_LENGTH) throw new InvalidInputError(`Fernet key must be ${KEY_LENGTH} bytes`)
  return raw
}

async function importKeys(signing: Uint8Array, encryption: Uint8Array): Promise<FernetKeys> {
  const subtle = globalThis.crypto.subtle
  const [signingKey, encryptionKey] = await Promise.all([
    subtle.importKey('raw', asBufferSource(signing), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
    subtle.importKey('raw', asBufferSource(encryption), { name: 'AES-CBC' }, false, ['encrypt', 'decrypt'])
  ])
  return { signing: signingKey, encryption: encryptionKey }
}

async function hmac(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, asBufferSource(data)))
}

/**
 * Only the canonical encoding is accepted (padded, no stray trailing bits), so each token has exactly
 * one spelling and cannot be altered in transit without the change showing.
 */
function decodeCanonicalBase64Url(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined
  let bytes: Uint8Array
  try {
    bytes = fromBase64Url(text)
  } catch {
    return undefined
  }
  return toBase64Url(bytes) === text ? bytes : undefined
}

function decodeToken(token: string): Uint8Array {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('malformed')
  const bytes = decodeCanonicalBase64Url(token)
  // An empty token has no version byte to be wrong; it is simply not a token.
  if (bytes === undefined || bytes.byteLength === 0) throw new InvalidTokenError('malformed')
  return bytes
}

function checkLength(bytes: Uint8Array): void {
  const ciphertextLength = bytes.byteLength - HEADER_LENGTH - MAC_LENGTH
  if (bytes.byteLength < MIN_TOKEN_BYTES || ciphertextLength % BLOCK_LENGTH !== 0) {
    throw new InvalidTokenError('malformed')
  }
}

function checkFreshness(timestamp: bigint, ttl: number, now: bigint): void {
  if (timestamp + BigInt(ttl) < now) throw new InvalidTokenError('expired')
  if (timestamp > now + BigInt(MAX_CLOCK_SKEW)) throw new InvalidTokenError('future')
}

function encodeTimestamp(seconds: bigint): Uint8Array {
  const out = new Uint8Array(TIMESTAMP_LENGTH)
  new DataView(out.buffer).setBigUint64(0, seconds, false)
  return out
}

/** Whole seconds since the epoch, rounding down as `int(time.time())` does. */
function toSeconds(time: FernetTime | undefined): number {
  const ms = time === undefined ? Date.now() : time instanceof Date ? time.getTime() : time
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new InvalidInputError('time must be a valid Date or non-negative milliseconds since the epoch')
  }
  return Math.floor(ms / 1000)
}

function checkIv(iv: Uint8Array): Uint8Array {
  if (!(iv instanceof Uint8Array) || iv.byteLength !== IV_LENGTH) {
    throw new InvalidInputError(`IV must be ${IV_LENGTH} bytes`)
  }
  return iv
}

function checkTtl(ttl: number): number {
  if (!Number.isSafeInteger(ttl) || ttl < 0)
    throw new InvalidInputError('ttlSeconds must be a non-negative whole number')
  return ttl
}
