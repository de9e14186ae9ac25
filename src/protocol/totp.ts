/**
 * The room code: a TOTP (RFC 6238) over a per-room secret, the second admission gate.
 *
 * Generation is delegated to otplib v13, whose default plugins (`@noble/hashes` for HMAC,
 * `@scure/base` for base32) are pure JS and draw randomness from `crypto.getRandomValues`,
 * so this module stays isomorphic. Every code, the room's and the RFC vectors', goes through
 * {@link totpCode}, so the vectors prove the path the room code takes.
 */
import { generate, generateSecret, type HashAlgorithm } from 'otplib'
import { constantTimeEqual, utf8 } from './bytes.js'
import { InvalidInputError } from './errors.js'

export const ROOM_CODE_DIGITS = 6
export const ROOM_CODE_STEP_SECONDS = 30
/** Steps accepted either side of the current one, to absorb clock skew and typing time. */
export const ROOM_CODE_WINDOW = 1
/** 160 bits: RFC 4226's recommended HMAC-SHA1 key length. */
export const ROOM_SECRET_BYTES = 20
export const DEFAULT_ROOM_CODE_ISSUER = 'securechat'

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512'

export interface TotpParams {
  /** Raw key bytes, or a base32 string (the form authenticator apps and URIs carry). */
  secret: Uint8Array | string
  algorithm: TotpAlgorithm
  /** 6 to 8, the lengths authenticator apps support. */
  digits: number
  /** Step length in seconds. */
  step: number
  /** Unix time in seconds. */
  time: number
}

export interface ClockOptions {
  /** Unix time in milliseconds; defaults to `Date.now()`. */
  now?: number
}

const OTPLIB_ALGORITHM: Record<TotpAlgorithm, HashAlgorithm> = {
  SHA1: 'sha1',
  SHA256: 'sha256',
  SHA512: 'sha512'
}
const BASE32 = /^[A-Z2-7]+=*$/i
const MIN_DIGITS = 6
const MAX_DIGITS = 8

/** The TOTP of `params.secret` at `params.time`: the single path every code here is produced by. */
export async function totpCode(params: TotpParams): Promise<string> {
  validateParams(params)
  try {
    return await generate({
      secret: params.secret,
      algorithm: OTPLIB_ALGORITHM[params.algorithm],
      digits: params.digits,
      period: params.step,
      epoch: Math.floor(params.time)
    })
  } catch (err) {
    // otplib's messages can quote the secret (e.g. the offending base32 letter); keep only its class.
    throw new InvalidInputError(`TOTP generation refused its input (${errorName(err)})`)
  }
}

export function generateRoomSecret(): string {
  return generateSecret({ length: ROOM_SECRET_BYTES })
}

export async function roomCode(secret: string, options: ClockOptions = {}): Promise<string> {
  return roomCodeAt(secret, nowSeconds(options))
}

/**
 * Accepts the code of the previous, current or next step. Every candidate is computed and
 * compared, so the time taken does not say which step (if any) matched.
 */
export async function verifyRoomCode(
  secret: string,
  code: string,
  options: ClockOptions = {}
): Promise<boolean> {
  if (!isRoomCodeShaped(code)) return false
  const now = nowSeconds(options)
  const candidates = await Promise.all(windowTimes(now).map((time) => roomCodeAt(secret, time)))
  const given = utf8(code)
  let matched = false
  for (const candidate of candidates) matched = constantTimeEqual(utf8(candidate), given) || matched
  return matched
}

/** Seconds until the current code rolls over: 30 right at a step boundary, 1 in its last second. */
export function secondsLeft(options: ClockOptions = {}): number {
  return ROOM_CODE_STEP_SECONDS - (nowSeconds(options) % ROOM_CODE_STEP_SECONDS)
}

/**
 * The Key URI Format (`otpauth://totp/issuer:room?...`) for authenticator apps. Algorithm, digits and
 * period are spelled out although they are the apps' defaults, so the URI alone describes the code.
 */
export function roomCodeUri(secret: string, options: { roomName: string; issuer?: string }): string {
  assertBase32Secret(secret)
  const issuer = options.issuer ?? DEFAULT_ROOM_CODE_ISSUER
  assertLabelPart('issuer', issuer)
  assertLabelPart('room name', options.roomName)
  // The issuer is the label's prefix up to the first colon, so only it must be colon-free.
  if (issuer.includes(':')) throw new InvalidInputError('issuer must not contain ":"')
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(options.roomName)}`
  const params: Array<[string, string]> = [
    ['secret', secret.toUpperCase().replace(/=+$/, '')],
    ['issuer', issuer],
    ['algorithm', 'SHA1'],
    ['digits', String(ROOM_CODE_DIGITS)],
    ['period', String(ROOM_CODE_STEP_SECONDS)]
  ]
  // encodeURIComponent rather than URLSearchParams: some authenticators show its `+` for a space literally.
  const query = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')
  return `otpauth://totp/${label}?${query}`
}

function roomCodeAt(secret: string, time: number): Promise<string> {
  return totpCode({ secret, algorithm: 'SHA1', digits: ROOM_CODE_DIGITS, step: ROOM_CODE_STEP_SECONDS, time })
}

/** Times inside each accepted step; steps before the epoch do not exist and are skipped. */
function windowTimes(now: number): number[] {
  const times: number[] = []
  for (let offset = -ROOM_CODE_WINDOW; offset <= ROOM_CODE_WINDOW; offset++) {
    const time = now + offset * ROOM_CODE_STEP_SECONDS
    if (time >= 0) times.push(time)
  }
  return times
}

function isRoomCodeShaped(code: unknown): code is string {
  return typeof code === 'string' && code.length === ROOM_CODE_DIGITS && /^[0-9]+$/.test(code)
}

function nowSeconds(options: ClockOptions): number {
  const now = options.now ?? Date.now()
  if (!Number.isFinite(now) || now < 0)
    throw new InvalidInputError('now must be a non-negative number of milliseconds')
  return Math.floor(now / 1000)
}

function validateParams(params: TotpParams): void {
  if (!(params.algorithm in OTPLIB_ALGORITHM)) throw new InvalidInputError('unsupported TOTP algorithm')
  if (!Number.isInteger(params.digits) || params.digits < MIN_DIGITS || params.digits > MAX_DIGITS) {
    throw new InvalidInputError(`TOTP digits must be an integer from ${MIN_DIGITS} to ${MAX_DIGITS}`)
  }
  if (!Number.isInteger(params.step) || params.step <= 0)
    throw new InvalidInputError('TOTP step must be a positive integer')
  if (!Number.isFinite(params.time) || params.time < 0)
    throw new InvalidInputError('TOTP time must be a non-negative number')
  if (typeof params.secret === 'string') assertBase32Secret(params.secret)
  else if (!(params.secret instanceof Uint8Array))
    throw new InvalidInputError('TOTP secret must be bytes or base32')
}

function assertBase32Secret(secret: string): void {
  if (typeof secret !== 'string' || !BASE32.test(secret))
    throw new InvalidInputError('room secret is not base32')
}

function assertLabelPart(what: string, value: string): void {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidInputError(`${what} must be a non-empty string`)
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'unknown error'
}
