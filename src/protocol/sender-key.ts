import { asBufferSource, randomBytes } from './bytes.js'
import { IV_BYTES } from './constants.js'
import { DecryptionError, InvalidInputError } from './errors.js'

/**
 * A member's own AES-256-GCM key for its messages: sent once to each recipient inside an RSA-wrapped
 * message, then used for every message until the room's membership changes. Receivers then pay one
 * AES-GCM decryption per message instead of an RSA decryption.
 */
export interface SenderKey {
  epoch: number
  raw: Uint8Array
  key: CryptoKey
}

export const SENDER_KEY_BYTES = 32
const AES_GCM = 'AES-GCM'

export async function importSenderKey(epoch: number, raw: Uint8Array): Promise<SenderKey> {
  if (raw.byteLength !== SENDER_KEY_BYTES || !Number.isInteger(epoch) || epoch <= 0) {
    throw new InvalidInputError('a sender key is 32 bytes with a positive epoch')
  }
  const key = await globalThis.crypto.subtle.importKey('raw', asBufferSource(raw), AES_GCM, false, [
    'encrypt',
    'decrypt'
  ])
  return { epoch, raw, key }
}

export function generateSenderKey(epoch: number): Promise<SenderKey> {
  return importSenderKey(epoch, randomBytes(SENDER_KEY_BYTES))
}

/**
 * Encrypts under the sender key; the header goes in as additional data. The nonce is the caller's
 * (derived from the message counter, never repeated under one key) or else random.
 */
export async function encryptWithSenderKey(
  senderKey: SenderKey,
  plaintext: Uint8Array,
  additionalData: Uint8Array,
  nonce?: Uint8Array
): Promise<{ iv: Uint8Array; ciphertext: Uint8Array }> {
  const iv = nonce ?? randomBytes(IV_BYTES)
  if (iv.byteLength !== IV_BYTES) throw new InvalidInputError('an AES-GCM nonce is 12 bytes')
  const ciphertext = await globalThis.crypto.subtle.encrypt(
    { name: AES_GCM, iv: asBufferSource(iv), additionalData: asBufferSource(additionalData) },
    senderKey.key,
    asBufferSource(plaintext)
  )
  return { iv, ciphertext: new Uint8Array(ciphertext) }
}

export async function decryptWithSenderKey(
  key: CryptoKey,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  additionalData: Uint8Array
): Promise<Uint8Array> {
  try {
    const plaintext = await globalThis.crypto.subtle.decrypt(
      { name: AES_GCM, iv: asBufferSource(iv), additionalData: asBufferSource(additionalData) },
      key,
      asBufferSource(ciphertext)
    )
    return new Uint8Array(plaintext)
  } catch {
    throw new DecryptionError('cannot open message')
  }
}
