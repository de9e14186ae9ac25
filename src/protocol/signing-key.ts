/**
 * @module Ed25519 (RFC 8032) message signing keys, through WebCrypto: a member signs each message with
 * one, and binds it to its RSA identity with an RSA-PSS signature that every member checks.
 *
 * Sizes: a raw public key is 32 bytes (RFC 8032 §5.1.5), a signature 64 (§5.1.6).
 * Why not RSA-PSS for every message: a 2048-bit signature is 256 bytes in every delivery, where
 * Ed25519's is 64, and the host writes one per recipient; signing costs a quarter as much too.
 */
import { asBufferSource, concatBytes, fromBase64Url, utf8 } from './bytes.js'
import { MESSAGE_SIGNATURE_BYTES, SIGNING_KEY_BYTES } from './constants.js'
import { InvalidInputError } from './errors.js'
import { type RsaPrivateKey, type RsaPublicKey, sign, verify } from './rsa.js'

const ED25519 = { name: 'Ed25519' } as const
const BINDING_DOMAIN = utf8('securechat/2 signing key\0')

const subtle = (): SubtleCrypto => globalThis.crypto.subtle

/** A member's Ed25519 public key: its 32 raw bytes, imported once. */
export class SigningPublicKey {
  readonly raw: Uint8Array
  private readonly key: CryptoKey

  private constructor(raw: Uint8Array, key: CryptoKey) {
    this.raw = raw
    this.key = key
  }

  /** Throws `InvalidInputError` for anything but 32 bytes WebCrypto accepts as an Ed25519 key. */
  static async fromRaw(raw: Uint8Array): Promise<SigningPublicKey> {
    if (raw.byteLength !== SIGNING_KEY_BYTES) throw new InvalidInputError('an Ed25519 key is 32 bytes')
    const own = raw.slice()
    try {
      return new SigningPublicKey(
        own,
        await subtle().importKey('raw', asBufferSource(own), ED25519, true, ['verify'])
      )
    } catch {
      throw new InvalidInputError('not an Ed25519 public key')
    }
  }

  /** True only for a valid signature; a malformed one is simply `false`. */
  async verify(signature: Uint8Array, data: Uint8Array): Promise<boolean> {
    if (signature.byteLength !== MESSAGE_SIGNATURE_BYTES) return false
    try {
      return await subtle().verify(ED25519, this.key, asBufferSource(signature), asBufferSource(data))
    } catch {
      return false
    }
  }
}

/** A member's Ed25519 private key, with the PKCS#8 bytes it can be stored as. */
export class SigningPrivateKey {
  readonly pkcs8: Uint8Array
  private readonly key: CryptoKey

  private constructor(pkcs8: Uint8Array, key: CryptoKey) {
    this.pkcs8 = pkcs8
    this.key = key
  }

  static async fromPkcs8(pkcs8: Uint8Array): Promise<SigningPrivateKey> {
    try {
      const key = await subtle().importKey('pkcs8', asBufferSource(pkcs8), ED25519, true, ['sign'])
      return new SigningPrivateKey(pkcs8.slice(), key)
    } catch {
      throw new InvalidInputError('not an Ed25519 private key')
    }
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await subtle().sign(ED25519, this.key, asBufferSource(data)))
  }

  /** The public half, from the private key's JWK `x` (RFC 8037 §2). */
  async publicKey(): Promise<SigningPublicKey> {
    const { x } = await subtle().exportKey('jwk', this.key)
    if (x === undefined) throw new InvalidInputError('not an Ed25519 private key')
    return SigningPublicKey.fromRaw(fromBase64Url(x))
  }
}

export interface SigningKeyPair {
  publicKey: SigningPublicKey
  privateKey: SigningPrivateKey
}

export async function generateSigningKeyPair(): Promise<SigningKeyPair> {
  const pair = (await subtle().generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair
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
