/**
 * @module A member's keys: its RSA key (its identity; content keys are wrapped to it with RSA-OAEP)
 * and the P-256 key it signs messages with, vouched for by the RSA key. The fingerprint people
 * compare covers both.
 */
import { concatBytes } from './bytes.js'
import {
  fingerprint,
  generateRsaKeyPair,
  type RsaKeyPair,
  type RsaModulusLength,
  shortFingerprint
} from './rsa.js'
import { bindSigningKey, generateSigningKeyPair, type SigningKeyPair } from './signing-key.js'

/** Both of a member's key pairs, and the RSA-PSS signature binding the second to the first. */
export interface MemberKeyPair extends RsaKeyPair {
  signing: SigningKeyPair
  /** RSA-PSS by `privateKey` over the signing key's binding input. */
  binding: Uint8Array
}

/** What a member's keys look like from outside: enough for a fingerprint. */
export interface MemberPublicKeys {
  publicKeySpki: Uint8Array
  signingKey: Uint8Array
}

/** A fresh RSA key (2048 bits unless told) and a fresh P-256 signing key bound to it. */
export async function generateMemberKeyPair(modulusLength?: RsaModulusLength): Promise<MemberKeyPair> {
  const [rsa, signing] = await Promise.all([generateRsaKeyPair(modulusLength), generateSigningKeyPair()])
  return withSigningKey(rsa, signing)
}

/**
 * The member key pair around an RSA pair: with the signing key given (a stored one), or a fresh one.
 * An RSA pair that already carries one is returned as it is.
 */
export async function withSigningKey(
  keys: RsaKeyPair | MemberKeyPair,
  signing?: SigningKeyPair
): Promise<MemberKeyPair> {
  if ('signing' in keys && signing === undefined) return keys
  const pair = signing ?? (await generateSigningKeyPair())
  return {
    publicKey: keys.publicKey,
    privateKey: keys.privateKey,
    signing: pair,
    binding: await bindSigningKey(keys.privateKey, pair.publicKey)
  }
}

/** The public keys of a key pair, as the fingerprint takes them. */
export function publicKeysOf(keys: MemberKeyPair): MemberPublicKeys {
  return { publicKeySpki: keys.publicKey.spki, signingKey: keys.signing.publicKey.raw }
}

/**
 * What a fingerprint hashes: the RSA SPKI, then the 65-byte signing key. DER is self-delimiting and the
 * second part has a fixed length, so no two key pairs give the same bytes.
 */
function fingerprintInput(keys: MemberPublicKeys): Uint8Array {
  return concatBytes(keys.publicKeySpki, keys.signingKey)
}

/** The member's fingerprint to compare aloud (six groups of five digits; see `fingerprint`). */
export function memberFingerprint(keys: MemberPublicKeys): Promise<string> {
  return fingerprint(fingerprintInput(keys))
}

/** Its first two groups: enough to tell members apart on screen, not to authenticate them. */
export function shortMemberFingerprint(keys: MemberPublicKeys): Promise<string> {
  return shortFingerprint(fingerprintInput(keys))
}
