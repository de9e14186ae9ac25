/**
 * The host's stored form of the security answer: scrypt over the normalised answer, written as
 * `scrypt$N=32768,r=8,p=1$<salt>$<key>` (unpadded base64url) so the cost travels with the hash and
 * can be raised later without invalidating what is already stored.
 *
 * The answer itself never reaches an error message: every error here names only the failed check.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { normaliseAnswer } from '../protocol/answer.js'
import { fromBase64Url, toBase64Url, utf8 } from '../protocol/bytes.js'
import { InvalidInputError, SecureChatError } from '../protocol/errors.js'

export interface ScryptParams {
  /** CPU/memory cost: a power of two. */
  N: number
  /** Block size. */
  r: number
  /** Parallelisation. */
  p: number
}

/** 32 MiB and about 0.2 s per guess on a laptop: costly in bulk, quick enough for a join. */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 })

export const SALT_BYTES = 16
export const KEY_BYTES = 32

/**
 * Ceilings on what a stored string may ask for, so an edited config cannot make one verification
 * take gigabytes or minutes: 256 MiB of memory and 2^22 block operations (16× the default, seconds).
 */
export const MAX_SCRYPT_N = 2 ** 20
export const MAX_SCRYPT_R = 32
export const MAX_SCRYPT_P = 16
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024
const MAX_SCRYPT_WORK = 2 ** 22
const MAX_STORED_LENGTH = 512
const MAX_SALT_BYTES = 64

const PREFIX = 'scrypt'
const PARAMS = /^N=([1-9][0-9]{0,7}),r=([1-9][0-9]{0,2}),p=([1-9][0-9]{0,2})$/

export interface AnswerHash {
  params: ScryptParams
  salt: Uint8Array
  key: Uint8Array
}

/** Hashes the raw answer (normalised here, so callers pass what the person typed). */
export async function hashAnswer(answer: string, params: Partial<ScryptParams> = {}): Promise<string> {
  const full = checkParams({ ...DEFAULT_SCRYPT_PARAMS, ...params })
  const normalised = normaliseAnswer(answer)
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(normalised, salt, KEY_BYTES, full)
  return formatAnswerHash({ params: full, salt, key })
}

/**
 * True when the raw answer matches. A malformed `stored` throws `InvalidInputError`; an answer that
 * cannot be normalised (empty, too long) is simply wrong, since no stored hash can be of it.
 */
export async function verifyAnswer(answer: string, stored: string): Promise<boolean> {
  const { params, salt, key } = parseAnswerHash(stored)
  let normalised: string
  try {
    normalised = normaliseAnswer(answer)
  } catch (err) {
    if (err instanceof InvalidInputError) return false
    throw err
  }
  const candidate = await derive(normalised, salt, key.byteLength, params)
  return timingSafeEqual(candidate, key)
}

/** True when `stored` was made with less than `params` (the current defaults) on any axis. */
export function needsRehash(stored: string, params: Partial<ScryptParams> = {}): boolean {
  const target = checkParams({ ...DEFAULT_SCRYPT_PARAMS, ...params })
  const { params: used, salt, key } = parseAnswerHash(stored)
  return (
    used.N < target.N ||
    used.r < target.r ||
    used.p < target.p ||
    salt.byteLength < SALT_BYTES ||
    key.byteLength !== KEY_BYTES
  )
}

export function formatAnswerHash({ params, salt, key }: AnswerHash): string {
  const encoded = `N=${params.N},r=${params.r},p=${params.p}`
  return [PREFIX, encoded, toBase64Url(salt, { pad: false }), toBase64Url(key, { pad: false })].join('$')
}

/** Parses and bounds-checks a stored hash; throws `InvalidInputError` naming the first bad part. */
export function parseAnswerHash(stored: string): AnswerHash {
  if (typeof stored !== 'string' || stored.length > MAX_STORED_LENGTH) throw malformed('not a short string')
  const parts = stored.split('$')
  if (parts.length !== 4) throw malformed('expected 4 "$"-separated parts')
  const [prefix, encodedParams, encodedSalt, encodedKey] = parts as [string, string, string, string]
  if (prefix !== PREFIX) throw malformed('unknown scheme')
  const params = checkParams(parseParams(encodedParams))
  const salt = decodePart(encodedSalt, 'salt')
  const key = decodePart(encodedKey, 'key')
  if (salt.byteLength < SALT_BYTES || salt.byteLength > MAX_SALT_BYTES)
    throw malformed('salt length out of range')
  if (key.byteLength !== KEY_BYTES) throw malformed('key length is not 32 bytes')
  return { params, salt, key }
}

function parseParams(encoded: string): ScryptParams {
  const match = PARAMS.exec(encoded)
  if (match === null) throw malformed('parameters are not "N=…,r=…,p=…"')
  return { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) }
}

function checkParams(params: ScryptParams): ScryptParams {
  const { N, r, p } = params
  if (!Number.isSafeInteger(N) || N < 2 || N > MAX_SCRYPT_N || (N & (N - 1)) !== 0) {
    throw new InvalidInputError(`scrypt N must be a power of two from 2 to ${MAX_SCRYPT_N}`)
  }
  if (!Number.isSafeInteger(r) || r < 1 || r > MAX_SCRYPT_R)
    throw new InvalidInputError(`scrypt r must be from 1 to ${MAX_SCRYPT_R}`)
  if (!Number.isSafeInteger(p) || p < 1 || p > MAX_SCRYPT_P)
    throw new InvalidInputError(`scrypt p must be from 1 to ${MAX_SCRYPT_P}`)
  if (memoryFor(params) > MAX_SCRYPT_MEMORY)
    throw new InvalidInputError('scrypt parameters need too much memory')
  if (N * r * p > MAX_SCRYPT_WORK) throw new InvalidInputError('scrypt parameters need too much work')
  return { N, r, p }
}

/** scrypt's working set (V plus the p blocks of B), which Node refuses above `maxmem`. */
function memoryFor({ N, r, p }: ScryptParams): number {
  return 128 * r * (N + p + 2)
}

async function derive(
  normalised: string,
  salt: Uint8Array,
  keyLength: number,
  params: ScryptParams
): Promise<Buffer> {
  const password = utf8(normalised)
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      // Node's default maxmem (32 MiB) is exactly the default's V, which its own overhead then exceeds.
      const options = { ...params, maxmem: memoryFor(params) + 1024 * 1024 }
      scrypt(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)))
    })
  } catch (err) {
    throw new SecureChatError('scrypt failed', { cause: err })
  } finally {
    // The string cannot be wiped, but this copy can be, shortening the answer's life in memory.
    password.fill(0)
  }
}

function decodePart(encoded: string, what: string): Uint8Array {
  try {
    return fromBase64Url(encoded)
  } catch {
    throw malformed(`${what} is not base64url`)
  }
}

function malformed(reason: string): InvalidInputError {
  return new InvalidInputError(`stored answer hash is malformed: ${reason}`)
}
