/**
 * @module The four operations every chat message costs (ECDSA P-256 signing and verification,
 * AES-256-GCM under a sender key) behind one interface, with WebCrypto as the implementation here.
 *
 * The interface lets a platform bring a faster implementation of the same algorithms and encodings
 * (src/node brings node:crypto, whose per-call cost is a fraction of WebCrypto's in Node); the bytes on
 * the wire are the same, and a message sealed by one is opened by the other.
 */
import type { SenderKey } from './sender-key.js'
import { decryptWithSenderKey, encryptWithSenderKey } from './sender-key.js'
import type { SigningPrivateKey, SigningPublicKey } from './signing-key.js'

export interface MessageCrypto {
  /** An ECDSA P-256 / SHA-256 signature (FIPS 186-5) of `data`: r ‖ s, 64 bytes (IEEE P1363). */
  sign(key: SigningPrivateKey, data: Uint8Array): Promise<Uint8Array>
  /** True only for a valid signature by `key`; a malformed one is simply `false`, never a throw. */
  verify(key: SigningPublicKey, signature: Uint8Array, data: Uint8Array): Promise<boolean>
  /** AES-256-GCM (NIST SP 800-38D) with a 12-byte nonce: the ciphertext with its 16-byte tag appended. */
  encrypt(
    key: SenderKey,
    iv: Uint8Array,
    plaintext: Uint8Array,
    additionalData: Uint8Array
  ): Promise<Uint8Array>
  /**
   * Opens what `encrypt` made; throws `DecryptionError` for anything else, including a tag that is
   * cut short (only full 16-byte tags are accepted).
   */
  decrypt(
    key: SenderKey,
    iv: Uint8Array,
    ciphertext: Uint8Array,
    additionalData: Uint8Array
  ): Promise<Uint8Array>
}

/** WebCrypto, in every browser and in Node: the default wherever nothing faster is given. */
export const webMessageCrypto: MessageCrypto = {
  sign: (key, data) => key.sign(data),
  verify: (key, signature, data) => key.verify(signature, data),
  encrypt: async (key, iv, plaintext, additionalData) =>
    (await encryptWithSenderKey(key, plaintext, additionalData, iv)).ciphertext,
  decrypt: (key, iv, ciphertext, additionalData) =>
    decryptWithSenderKey(key.key, iv, ciphertext, additionalData)
}
