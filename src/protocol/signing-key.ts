/**
 * @module ECDSA P-256 with SHA-256 (FIPS 186-5) message signing keys, through WebCrypto: a member signs
 * each message with one, and binds it to its RSA identity with an RSA-PSS signature that every member
 * checks.
 *
 * Sizes: a raw public key is the 65-byte uncompressed point (SEC 1 §2.3.3), a signature r ‖ s, 64
 * bytes (WebCrypto's IEEE P1363 form). Why not RSA-PSS for every message: a 2048-bit signature is 256
 * bytes in every delivery, and the host writes one per recipient. Why not Ed25519, the other 64-byte
 * signature: every receiver checks every message, and a P-256 check costs two thirds of an Ed25519
 * one here (docs/SECURITY.md, section 5, has the figures); P-256 is also in every browser's WebCrypto.
 */
import { asBufferSource, concatBytes, fromBase64Url, utf8 } from './bytes.js'
import { MESSAGE_SIGNATURE_BYTES, SIGNING_KEY_BYTES } from './constants.js'
import { InvalidInputError } from './errors.js'
import { type RsaPrivateKey, type RsaPublicKey, sign, verify } from './rsa.js'

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const
/** The first byte of an uncompressed point (SEC 1 §2.3.3). */
const UNCOMPRESSED = 0x04
const BINDING_DOMAIN = utf8('securechat/2 signing key\0')

const subtle = (): SubtleCrypto => globalThis.crypto.subtle

/** A member's P-256 public key: its 65 raw bytes (an uncompressed point), imported once. */
export class SigningPublicKey {
  readonly raw: Uint8Array
  private readonly key: CryptoKey

  private constructor(raw: Uint8Array, key: CryptoKey) {
    this.raw = raw
    this.key = key
  }

  /**
   * Throws `InvalidInputError` for anything but a 65-byte uncompressed point on P-256 (WebCrypto
   * checks the point is on the curve).
   */
  static async fromRaw(raw: Uint8Array): Promise<SigningPublicKey> {
    if (raw.byteLength !== SIGNING_KEY_BYTES || raw[0] !== UNCOMPRESSED) {
      throw new InvalidInputError('a P-256 key is a 65-byte uncompressed point')
    }
    const own = raw.slice()
    try {
      return new SigningPublicKey(
        own,
        await subtle().importKey('raw', asBufferSource(own), P256, true, ['verify'])
      )
    } catch {
      throw new InvalidInputError('not a P-256 public key')
    }
  }

  /** True only for a valid signature; a malformed one is simply `false`. */
  async verify(signature: Uint8Array, data: Uint8Array): Promise<boolean> {
    if (signature.byteLength !== MESSAGE_SIGNATURE_BYTES) return false
    try {
      return await subtle().verify(ECDSA_SHA256, this.key, asBufferSource(signature), asBufferSource(data))
    } catch {
      return false
    }
  }
}

/** A member's P-256 private key, with the PKCS#8 bytes it can be stored as. */
export class SigningPrivateKey {
  readonly pkcs8: Uint8Array
  private readonly key: CryptoKey

  private constructor(pkcs8: Uint8Array, key: CryptoKey) {
    this.pkcs8 = pkcs8
    this.key = key
  }

  static async fromPkcs8(pkcs8: Uint8Array): Promise<SigningPrivateKey> {
    try {
      const key = await subtle().importKey('pkcs8', asBufferSource(pkcs8), P256, true, ['sign'])
      return new SigningPrivateKey(pkcs8.slice(), key)
    } catch {
      throw new InvalidInputError('not a P-256 private key')
    }
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await subtle().sign(ECDSA_SHA256, this.key, asBufferSource(data)))
  }

  /** The public half, from the private key's JWK `x` and `y` (RFC 7518 §6.2.1). */
  async publicKey(): Promise<SigningPublicKey> {
    const { x, y } = await subtle().exportKey('jwk', this.key)
    if (x === undefined || y === undefined) throw new InvalidInputError('not a P-256 private key')
    return SigningPublicKey.fromRaw(
      concatBytes(Uint8Array.of(UNCOMPRESSED), fromBase64Url(x), fromBase64Url(y))
    )
  }
}

export interface SigningKeyPair {
  publicKey: SigningPublicKey
  privateKey: SigningPrivateKey
}

export async function generateSigningKeyPair(): Promise<SigningKeyPair> {
  const pair = (await subtle().generateKey(P256, true, ['sign', 'verify'])) as CryptoKeyPair
  const [raw, pkcs8] = await Promise.all([
    subtle().exportKey('raw', pair.publicKey),
    subtle().exportKey('pkcs8', pair.privateKey)
  ])
  return {
    publicKey: await SigningPublicKey.fromRaw(new Uint8Array(raw)),
    privateKey: await SigningPrivateKey.fromPkcs8(new Uint8Array(pkcs8))
  }
}

export async function importSigningPrivateKey(pkcs8: Uint8Array): Promise<SigningKeyPair> {
  const privateKey = await SigningPrivateKey.fromPkcs8(pkcs8)
  return { privateKey, publicKey: await privateKey.publicKey() }
}

/** What the RSA identity key signs to vouch for a signing key. */
export function bindingInput(signingKey: Uint8Array): Uint8Array {
  return concatBytes(BINDING_DOMAIN, signingKey)
}

/** The RSA-PSS signature by which `identity` vouches for `signingKey`. */
export function bindSigningKey(identity: RsaPrivateKey, signingKey: SigningPublicKey): Promise<Uint8Array> {
  return sign(identity, bindingInput(signingKey.raw))
}

/**
 * Imports a signing key another member announced, only if its RSA identity key vouches for it: the
 * host relays the keys, and must not be able to pair someone's RSA key with a signing key of its own.
 */
export async function verifiedSigningKey(
  identity: RsaPublicKey,
  signingKey: Uint8Array,
  binding: Uint8Array
): Promise<SigningPublicKey> {
  const key = await SigningPublicKey.fromRaw(signingKey)
  if (!(await verify(identity, binding, bindingInput(key.raw)))) {
    throw new InvalidInputError('the signing key is not bound to this RSA key')
  }
  return key
}
