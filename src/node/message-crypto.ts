/**
 * @module The per-message operations (ECDSA P-256 / SHA-256 signatures, AES-256-GCM under a sender key)
 * through node:crypto: the same algorithms and byte encodings as `webMessageCrypto`, without WebCrypto's
 * per-call cost in Node.
 *
 * Why here and not WebCrypto: in Node, every WebCrypto call normalises its algorithm (WebIDL), runs a job
 * and settles a promise, which costs more than the work itself for a chat line. Measured on the 2-core
 * machine, per call: AES-GCM opening 39–80 µs through WebCrypto against 6 µs here; a P-256 check 106–189
 * µs against 71 µs (the bench's cost rows compare whole openings). Every receiver pays both for every
 * delivery, so they bound a room's fan-out. OpenSSL does the work either way. src/protocol stays
 * WebCrypto-only.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type KeyObject,
  sign,
  verify
} from 'node:crypto'
import { toBase64Url } from '../protocol/bytes.js'
import { IV_BYTES, MESSAGE_SIGNATURE_BYTES } from '../protocol/constants.js'
import { DecryptionError, InvalidInputError } from '../protocol/errors.js'
import type { MessageCrypto } from '../protocol/message-crypto.js'
import type { SenderKey } from '../protocol/sender-key.js'
import type { SigningPrivateKey, SigningPublicKey } from '../protocol/signing-key.js'

/** AES-GCM's full tag (SP 800-38D §5.2.1.2). Node would otherwise accept a tag cut to 4 bytes. */
const TAG_BYTES = 16
const AES_256_GCM = 'aes-256-gcm'
/** r ‖ s, as WebCrypto signs, rather than node's default DER. */
const P1363 = 'ieee-p1363'

/** Each key is turned into a KeyObject once, and the KeyObject lives as long as the key. */
const publicKeys = new WeakMap<SigningPublicKey, KeyObject>()
const privateKeys = new WeakMap<SigningPrivateKey, KeyObject>()
const secretKeys = new WeakMap<SenderKey, KeyObject>()

function cached<K extends object>(
  cache: WeakMap<K, KeyObject>,
  key: K,
  make: (key: K) => KeyObject
): KeyObject {
  let object = cache.get(key)
  if (object === undefined) {
    object = make(key)
    cache.set(key, object)
  }
  return object
}

/** The raw point `SigningPublicKey` holds (already checked on the curve by its import) as a JWK. */
function publicKeyObject(key: SigningPublicKey): KeyObject {
  const x = toBase64Url(key.raw.subarray(1, 33), { pad: false })
  const y = toBase64Url(key.raw.subarray(33, 65), { pad: false })
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' })
}

function privateKeyObject(key: SigningPrivateKey): KeyObject {
  return createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' })
}

function secretKeyObject(key: SenderKey): KeyObject {
  return createSecretKey(key.raw)
}

/**
 * A copy in an ArrayBuffer of its own: node returns small results as views into a shared pool, which a
 * kept result would hold whole, and whose `.buffer` is not the result alone.
 */
function owned(bytes: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes)
}

function checkNonce(iv: Uint8Array): void {
  if (iv.byteLength !== IV_BYTES) throw new InvalidInputError('an AES-GCM nonce is 12 bytes')
}

export const nodeMessageCrypto: MessageCrypto = {
  async sign(key, data) {
    return owned(
      sign('sha256', data, { key: cached(privateKeys, key, privateKeyObject), dsaEncoding: P1363 })
    )
  },

  async verify(key, signature, data) {
    if (signature.byteLength !== MESSAGE_SIGNATURE_BYTES) return false
    try {
      return verify(
        'sha256',
        data,
        { key: cached(publicKeys, key, publicKeyObject), dsaEncoding: P1363 },
        signature
      )
    } catch {
      return false
    }
  },

  async encrypt(key, iv, plaintext, additionalData) {
    checkNonce(iv)
    const cipher = createCipheriv(AES_256_GCM, cached(secretKeys, key, secretKeyObject), iv, {
      authTagLength: TAG_BYTES
    })
    cipher.setAAD(additionalData)
    return owned(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]))
  },

  async decrypt(key, iv, ciphertext, additionalData) {
    if (iv.byteLength !== IV_BYTES || ciphertext.byteLength < TAG_BYTES) {
      throw new DecryptionError('cannot open message')
    }
    const body = ciphertext.subarray(0, ciphertext.byteLength - TAG_BYTES)
    try {
      const decipher = createDecipheriv(AES_256_GCM, cached(secretKeys, key, secretKeyObject), iv, {
        authTagLength: TAG_BYTES
      })
      decipher.setAAD(additionalData)
      decipher.setAuthTag(ciphertext.subarray(ciphertext.byteLength - TAG_BYTES))
      // Nothing of `update`'s output leaves unless `final` has checked the tag.
      const head = decipher.update(body)
      const tail = decipher.final()
      return owned(tail.byteLength === 0 ? head : Buffer.concat([head, tail]))
    } catch {
      throw new DecryptionError('cannot open message')
    }
  }
}
