/**
 * Member RSA keys. The product spec gives each member ONE RSA key pair, used both to wrap message keys
 * (RSA-OAEP-SHA256) and to sign (RSA-PSS-SHA256). WebCrypto binds a CryptoKey to one algorithm, so the
 * same SPKI / PKCS#8 bytes are imported twice, once per algorithm. PKCS#1 v1.5 is never used: its
 * encryption padding invites Bleichenbacher-style oracles and its signatures have no security proof.
 *
 * Isomorphic: WebCrypto through `globalThis.crypto.subtle` only.
 */

import { asBufferSource, fromBase64Url, toBase64Url } from './bytes.js'
import { InvalidInputError } from './errors.js'

export type RsaModulusLength = 2048 | 3072 | 4096
export const DEFAULT_MODULUS_LENGTH: RsaModulusLength = 2048
export const MIN_MODULUS_LENGTH = 2048
export const MAX_MODULUS_LENGTH = 4096

/** A 4096-bit SPKI is about 550 bytes; the bound refuses absurd input before any parsing. */
export const MAX_SPKI_BYTES = 1100
/** A 4096-bit PKCS#8 (with CRT parameters) is about 2380 bytes. */
export const MAX_PKCS8_BYTES = 2600
/** Far above a PEM-wrapped 4096-bit private key (~3.3 kB); keeps PEM parsing linear and cheap. */
export const MAX_PEM_CHARS = 16384

/** RFC 8017 recommends a salt as long as the hash; fixed so every verifier agrees. */
export const PSS_SALT_LENGTH = 32

export const PEM_PUBLIC_KEY = 'PUBLIC KEY'
export const PEM_PRIVATE_KEY = 'PRIVATE KEY'

const F4 = new Uint8Array([0x01, 0x00, 0x01])
const OAEP: RsaHashedImportParams = { name: 'RSA-OAEP', hash: 'SHA-256' }
const PSS: RsaHashedImportParams = { name: 'RSA-PSS', hash: 'SHA-256' }

const subtle = (): SubtleCrypto => globalThis.crypto.subtle

/** The member's keys as plain WebCrypto key pairs, for code that wants CryptoKeys directly. */
export interface MemberKeys {
  /** RSA-OAEP with SHA-256. */
  encrypt: CryptoKeyPair
  /** RSA-PSS with SHA-256. */
  sign: CryptoKeyPair
  publicKeySpki: Uint8Array
}

export interface RsaKeyPair {
  publicKey: RsaPublicKey
  privateKey: RsaPrivateKey
}

// Set in the classes' static blocks: the constructors are private so that every key object in hand
// has been through validation (generate or import), yet the module's functions can still build one.
let newPublicKey!: (spki: Uint8Array, modulusLength: number) => RsaPublicKey
let newPrivateKey!: (pkcs8: Uint8Array, modulusLength: number) => RsaPrivateKey

/** A validated RSA public key: its canonical SPKI bytes and, imported on first use, its CryptoKeys. */
export class RsaPublicKey {
  static {
    newPublicKey = (spki, modulusLength) => new RsaPublicKey(spki, modulusLength)
  }

  readonly modulusLength: number
  readonly #spki: Uint8Array
  #oaep: Promise<CryptoKey> | undefined
  #pss: Promise<CryptoKey> | undefined

  private constructor(spki: Uint8Array, modulusLength: number) {
    this.#spki = spki
    this.modulusLength = modulusLength
  }

  /** Length of a signature or an OAEP ciphertext under this key. */
  get modulusBytes(): number {
    return Math.ceil(this.modulusLength / 8)
  }

  /** A copy, so callers cannot alter the bytes a fingerprint or a cached key came from. */
  get spki(): Uint8Array {
    return this.#spki.slice()
  }

  /** RSA-OAEP-SHA256, for `encrypt` and `wrapKey`. */
  oaepKey(): Promise<CryptoKey> {
    this.#oaep ??= importSpki(this.#spki, OAEP, ['encrypt', 'wrapKey'])
    return this.#oaep
  }

  /** RSA-PSS-SHA256, for `verify`. */
  pssKey(): Promise<CryptoKey> {
    this.#pss ??= importSpki(this.#spki, PSS, ['verify'])
    return this.#pss
  }
}

/** A validated RSA private key: its PKCS#8 bytes and, imported on first use, non-extractable CryptoKeys. */
export class RsaPrivateKey {
  static {
    newPrivateKey = (pkcs8, modulusLength) => new RsaPrivateKey(pkcs8, modulusLength)
  }

  readonly modulusLength: number
  readonly #pkcs8: Uint8Array
  #oaep: Promise<CryptoKey> | undefined
  #pss: Promise<CryptoKey> | undefined

  private constructor(pkcs8: Uint8Array, modulusLength: number) {
    this.#pkcs8 = pkcs8
    this.modulusLength = modulusLength
  }

  get modulusBytes(): number {
    return Math.ceil(this.modulusLength / 8)
  }

  get pkcs8(): Uint8Array {
    return this.#pkcs8.slice()
  }

  /** RSA-OAEP-SHA256, for `decrypt` and `unwrapKey`. */
  oaepKey(): Promise<CryptoKey> {
    this.#oaep ??= importPkcs8(this.#pkcs8, OAEP, ['decrypt', 'unwrapKey'], false)
    return this.#oaep
  }

  /** RSA-PSS-SHA256, for `sign`. */
  pssKey(): Promise<CryptoKey> {
    this.#pss ??= importPkcs8(this.#pkcs8, PSS, ['sign'], false)
    return this.#pss
  }
}

function importSpki(
  spki: Uint8Array,
  algorithm: RsaHashedImportParams,
  usages: KeyUsage[]
): Promise<CryptoKey> {
  return subtle().importKey('spki', asBufferSource(spki), algorithm, true, usages)
}

function importPkcs8(
  pkcs8: Uint8Array,
  algorithm: RsaHashedImportParams,
  usages: KeyUsage[],
  extractable: boolean
): Promise<CryptoKey> {
  return subtle().importKey('pkcs8', asBufferSource(pkcs8), algorithm, extractable, usages)
}

function assertModulusLength(modulusLength: number): asserts modulusLength is RsaModulusLength {
  if (modulusLength !== 2048 && modulusLength !== 3072 && modulusLength !== 4096) {
    throw new InvalidInputError('RSA modulus length must be 2048, 3072 or 4096 bits')
  }
}

/** Big-endian comparison that ignores leading zero bytes, as WebCrypto does not promise minimal form. */
function isF4(exponent: Uint8Array): boolean {
  let start = 0
  while (start < exponent.length && exponent[start] === 0) start++
  const digits = exponent.subarray(start)
  return digits.length === F4.length && digits.every((byte, i) => byte === F4[i])
}

/**
 * Refuses keys too weak (< 2048 bits), too costly to use (> 4096 bits), or with an exponent other than
 * 65537: small exponents have a history of padding attacks, and one fixed value leaves nothing to choose.
 */
function checkedModulusLength(key: CryptoKey): number {
  const algorithm = key.algorithm as RsaHashedKeyAlgorithm
  if (algorithm.modulusLength < MIN_MODULUS_LENGTH || algorithm.modulusLength > MAX_MODULUS_LENGTH) {
    throw new InvalidInputError(`RSA modulus must be ${MIN_MODULUS_LENGTH} to ${MAX_MODULUS_LENGTH} bits`)
  }
  if (!isF4(algorithm.publicExponent)) throw new InvalidInputError('RSA public exponent must be 65537')
  return algorithm.modulusLength
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i])
}

export async function generateRsaKeyPair(
  modulusLength: RsaModulusLength = DEFAULT_MODULUS_LENGTH
): Promise<RsaKeyPair> {
  assertModulusLength(modulusLength)
  // Extractable only long enough to take the DER bytes; the keys in use are re-imported non-extractable.
  const generated = await subtle().generateKey(
    { ...PSS, modulusLength, publicExponent: F4 } as RsaHashedKeyGenParams,
    true,
    ['sign', 'verify']
  )
  const [spki, pkcs8] = await Promise.all([
    subtle().exportKey('spki', generated.publicKey),
    subtle().exportKey('pkcs8', generated.privateKey)
  ])
  return {
    publicKey: newPublicKey(new Uint8Array(spki), modulusLength),
    privateKey: newPrivateKey(new Uint8Array(pkcs8), modulusLength)
  }
}

/**
 * Parses and validates a peer's SPKI. Besides size, modulus and exponent, the bytes must be exactly what
 * WebCrypto re-exports: a key then has a single encoding, so its fingerprint names it unambiguously.
 * Throws `InvalidInputError`.
 */
export async function importPublicKey(spki: Uint8Array): Promise<RsaPublicKey> {
  if (spki.byteLength === 0 || spki.byteLength > MAX_SPKI_BYTES) {
    throw new InvalidInputError(`RSA public key must be 1 to ${MAX_SPKI_BYTES} bytes of SPKI`)
  }
  const copy = spki.slice()
  let oaep: CryptoKey
  let pss: CryptoKey
  try {
    // Both imports, so a key usable for only one of the two algorithms is refused now, not mid-protocol.
    ;[oaep, pss] = await Promise.all([
      importSpki(copy, OAEP, ['encrypt', 'wrapKey']),
      importSpki(copy, PSS, ['verify'])
    ])
  } catch {
    throw new InvalidInputError('not an RSA public key (SPKI)')
  }
  const modulusLength = checkedModulusLength(oaep)
  const canonical = new Uint8Array(await subtle().exportKey('spki', pss))
  if (!sameBytes(canonical, copy)) throw new InvalidInputError('RSA public key is not canonically encoded')
  return newPublicKey(copy, modulusLength)
}

/** Parses and validates a PKCS#8 RSA private key. Throws `InvalidInputError`. */
export async function importPrivateKey(pkcs8: Uint8Array): Promise<RsaPrivateKey> {
  if (pkcs8.byteLength === 0 || pkcs8.byteLength > MAX_PKCS8_BYTES) {
    throw new InvalidInputError(`RSA private key must be 1 to ${MAX_PKCS8_BYTES} bytes of PKCS#8`)
  }
  const copy = pkcs8.slice()
  let oaep: CryptoKey
  try {
    ;[oaep] = await Promise.all([
      importPkcs8(copy, OAEP, ['decrypt', 'unwrapKey'], false),
      importPkcs8(copy, PSS, ['sign'], false)
    ])
  } catch {
    throw new InvalidInputError('not an RSA private key (PKCS#8)')
  }
  return newPrivateKey(copy, checkedModulusLength(oaep))
}

/** Recovers the public half from a private key, e.g. after loading only the PKCS#8 file from disk. */
export async function publicKeyOf(privateKey: RsaPrivateKey): Promise<RsaPublicKey> {
  const extractable = await importPkcs8(privateKey.pkcs8, PSS, ['sign'], true)
  const { n, e } = await subtle().exportKey('jwk', extractable)
  const publicKey = await subtle().importKey('jwk', { kty: 'RSA', n, e }, PSS, true, ['verify'])
  return importPublicKey(new Uint8Array(await subtle().exportKey('spki', publicKey)))
}

export function exportPublicKey(publicKey: RsaPublicKey): Uint8Array {
  return publicKey.spki
}

export function exportPrivateKey(privateKey: RsaPrivateKey): Uint8Array {
  return privateKey.pkcs8
}

export async function memberKeys({ publicKey, privateKey }: RsaKeyPair): Promise<MemberKeys> {
  const [encryptPublic, encryptPrivate, signPublic, signPrivate] = await Promise.all([
    publicKey.oaepKey(),
    privateKey.oaepKey(),
    publicKey.pssKey(),
    privateKey.pssKey()
  ])
  return {
    encrypt: { publicKey: encryptPublic, privateKey: encryptPrivate },
    sign: { publicKey: signPublic, privateKey: signPrivate },
    publicKeySpki: publicKey.spki
  }
}

/** RSA-PSS-SHA256 with a 32-byte salt. */
export async function sign(privateKey: RsaPrivateKey, data: Uint8Array): Promise<Uint8Array> {
  const signature = await subtle().sign(
    { name: 'RSA-PSS', saltLength: PSS_SALT_LENGTH },
    await privateKey.pssKey(),
    asBufferSource(data)
  )
  return new Uint8Array(signature)
}

/** True only for a valid RSA-PSS-SHA256 signature; any malformed signature is simply `false`. */
export async function verify(
  publicKey: RsaPublicKey,
  signature: Uint8Array,
  data: Uint8Array
): Promise<boolean> {
  if (signature.byteLength !== publicKey.modulusBytes) return false
  try {
    return await subtle().verify(
      { name: 'RSA-PSS', saltLength: PSS_SALT_LENGTH },
      await publicKey.pssKey(),
      asBufferSource(signature),
      asBufferSource(data)
    )
  } catch {
    return false
  }
}

/**
 * A fingerprint to compare aloud, after Signal's safety numbers: SHA-256 of the key bytes given (a
 * member's are its SPKI and its signing key, see `memberFingerprint`); its first 30
 * bytes as six 5-byte big-endian integers, each reduced mod 100000 to five decimal digits. 40 bits per
 * group makes the modulo bias negligible (< 1e-7); six groups carry about 99.7 bits.
 * Example shape: "04217 88310 57203 19944 60025 31867".
 */
export async function fingerprint(keyBytes: Uint8Array): Promise<string> {
  return fingerprintGroups(await sha256(keyBytes)).join(' ')
}

/** The first two groups (~33 bits): enough to tell members apart on screen, not to authenticate them. */
export async function shortFingerprint(keyBytes: Uint8Array): Promise<string> {
  return fingerprintGroups(await sha256(keyBytes))
    .slice(0, 2)
    .join(' ')
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', asBufferSource(data)))
}

function fingerprintGroups(digest: Uint8Array): string[] {
  const groups: string[] = []
  for (let offset = 0; offset < 30; offset += 5) {
    let value = 0
    // 5 bytes stay below 2^53, so plain numbers are exact.
    for (const byte of digest.subarray(offset, offset + 5)) value = value * 256 + byte
    groups.push(String(value % 100000).padStart(5, '0'))
  }
  return groups
}

const PEM_LABEL = /^[A-Z0-9][A-Z0-9 ]*$/
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*)-----END \1-----/
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** RFC 7468 text encoding: standard base64 in 64-character lines. */
export function toPem(der: Uint8Array, label: string): string {
  if (!PEM_LABEL.test(label))
    throw new InvalidInputError('PEM label must be uppercase letters, digits, spaces')
  const b64 = toBase64Url(der).replaceAll('-', '+').replaceAll('_', '/')
  const lines = b64.match(/.{1,64}/g) ?? []
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`, ''].join('\n')
}

/**
 * Decodes the first PEM block in `text` (text around it is ignored, as OpenSSL does). With
 * `expectedLabel`, a block of another kind is refused. Throws `InvalidInputError`.
 */
export function fromPem(text: string, expectedLabel?: string): Uint8Array {
  if (text.length > MAX_PEM_CHARS) throw new InvalidInputError('PEM text too long')
  const match = PEM_BLOCK.exec(text)
  if (match === null) throw new InvalidInputError('no PEM block found')
  const [, label, body = ''] = match
  if (expectedLabel !== undefined && label !== expectedLabel) {
    throw new InvalidInputError(`expected PEM "${expectedLabel}", found "${label}"`)
  }
  const b64 = body.replace(/\s+/g, '')
  if (!BASE64.test(b64) || b64.length % 4 !== 0) throw new InvalidInputError('PEM body is not base64')
  return fromBase64Url(b64.replaceAll('+', '-').replaceAll('/', '_'))
}
