/**
 * Hybrid encryption for a group message: the body is encrypted once under a fresh AES-256-GCM key, and
 * that key is wrapped with RSA-OAEP-SHA256 for each recipient. RSA alone could carry only ~190 bytes;
 * this way a message of any length costs one symmetric pass plus one RSA operation per recipient.
 *
 * Isomorphic: WebCrypto through `globalThis.crypto.subtle` only.
 */

import { asBufferSource, randomBytes } from './bytes.js'
import { DecryptionError, InvalidInputError } from './errors.js'
import type { RsaPrivateKey, RsaPublicKey } from './rsa.js'

/** 96 bits: the size GCM is specified for; other sizes are hashed into a counter and weaken its bounds. */
export const IV_BYTES = 12
export const TAG_BYTES = 16
export const AES_KEY_BITS = 256

export interface Recipient {
  id: string
  publicKey: RsaPublicKey
}

export interface WrappedKey {
  recipient: string
  wrappedKey: Uint8Array
}

export interface SealedEnvelope {
  /** 12 bytes, fresh per message. */
  iv: Uint8Array
  /** AES-256-GCM output: the encrypted body followed by the 16-byte tag. */
  ciphertext: Uint8Array
  /** The message key, RSA-OAEP-SHA256-wrapped once per recipient. */
  keys: WrappedKey[]
}

/** What one recipient needs from a `SealedEnvelope`: the shared parts and its own wrapped key. */
export interface OpenableEnvelope {
  iv: Uint8Array
  ciphertext: Uint8Array
  wrappedKey: Uint8Array
}

export interface EnvelopeOptions {
  /**
   * Context bound into the GCM tag but not encrypted (room id, sender, sequence number...), so a
   * ciphertext cannot be replayed into another context. Absent and empty are the same to GCM.
   */
  additionalData?: Uint8Array
  /** The 12-byte nonce, when the caller derives it (unique per key); otherwise a random one. */
  iv?: Uint8Array
}

const RSA_OAEP = { name: 'RSA-OAEP' } as const
const AES_GCM = { name: 'AES-GCM', length: AES_KEY_BITS } as const

const subtle = (): SubtleCrypto => globalThis.crypto.subtle

function gcmParams(iv: Uint8Array, options: EnvelopeOptions | undefined): AesGcmParams {
  const params: AesGcmParams = { name: 'AES-GCM', iv: asBufferSource(iv), tagLength: TAG_BYTES * 8 }
  if (options?.additionalData !== undefined) params.additionalData = asBufferSource(options.additionalData)
  return params
}

function checkRecipients(recipients: Recipient[]): void {
  if (recipients.length === 0) throw new InvalidInputError('an envelope needs at least one recipient')
  // Ids pick out a wrapped key; with a duplicate, which key a recipient tries would be ambiguous.
  const ids = new Set(recipients.map((recipient) => recipient.id))
  if (ids.size !== recipients.length) throw new InvalidInputError('duplicate recipient id')
}

/** Encrypts `plaintext` for every recipient. Throws `InvalidInputError` for no or duplicate recipients. */
export async function seal(
  plaintext: Uint8Array,
  recipients: Recipient[],
  options?: EnvelopeOptions
): Promise<SealedEnvelope> {
  checkRecipients(recipients)
  // Extractable only so wrapKey can export it inside WebCrypto; the raw bytes never reach JavaScript.
  const messageKey = await subtle().generateKey(AES_GCM, true, ['encrypt'])
  const iv = options?.iv ?? randomBytes(IV_BYTES)
  if (iv.byteLength !== IV_BYTES) throw new InvalidInputError('an AES-GCM nonce is 12 bytes')
  const [ciphertext, keys] = await Promise.all([
    subtle().encrypt(gcmParams(iv, options), messageKey, asBufferSource(plaintext)),
    Promise.all(
      recipients.map(async ({ id, publicKey }) => ({
        recipient: id,
        wrappedKey: new Uint8Array(
          await subtle().wrapKey('raw', messageKey, await publicKey.oaepKey(), RSA_OAEP)
        )
      }))
    )
  ])
  return { iv, ciphertext: new Uint8Array(ciphertext), keys }
}

/** The wrapped key addressed to `recipientId`, if the envelope has one. */
export function wrappedKeyFor(envelope: SealedEnvelope, recipientId: string): Uint8Array | undefined {
  return envelope.keys.find((entry) => entry.recipient === recipientId)?.wrappedKey
}

/**
 * Decrypts one recipient's view of an envelope. Every failure — wrong sizes, a wrapped key not for this
 * private key, a tampered IV, body or tag, mismatched `additionalData` — is the same `DecryptionError`
 * with the same message, so a caller (or an attacker probing it) learns nothing about which check failed.
 */
export async function open(
  envelope: OpenableEnvelope,
  privateKey: RsaPrivateKey,
  options?: EnvelopeOptions
): Promise<Uint8Array> {
  const { iv, ciphertext, wrappedKey } = envelope
  if (
    iv.byteLength !== IV_BYTES ||
    ciphertext.byteLength < TAG_BYTES ||
    wrappedKey.byteLength !== privateKey.modulusBytes
  ) {
    throw new DecryptionError('cannot open envelope')
  }
  try {
    const messageKey = await subtle().unwrapKey(
      'raw',
      asBufferSource(wrappedKey),
      await privateKey.oaepKey(),
      RSA_OAEP,
      AES_GCM,
      false,
      ['decrypt']
    )
    // AES-GCM imports take their length from the raw bytes, so a wrapped 16-byte key would unwrap as
    // AES-128; only a sender-built 256-bit key is accepted.
    if ((messageKey.algorithm as AesKeyAlgorithm).length !== AES_KEY_BITS) throw new DecryptionError()
    return new Uint8Array(
      await subtle().decrypt(gcmParams(iv, options), messageKey, asBufferSource(ciphertext))
    )
  } catch {
    throw new DecryptionError('cannot open envelope')
  }
}
