import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { utf8 } from '../../src/protocol/bytes.js'
import { IV_BYTES } from '../../src/protocol/constants.js'
import { DecryptionError, InvalidInputError } from '../../src/protocol/errors.js'
import {
  decryptWithSenderKey,
  encryptWithSenderKey,
  generateSenderKey,
  importSenderKey,
  SENDER_KEY_BYTES
} from '../../src/protocol/sender-key.js'
import { messageNonce } from '../../src/protocol/signing.js'

const AAD = utf8('a message header')

describe('sender keys', () => {
  it('encrypts under the nonce it is given, which decrypts it', async () => {
    const key = await generateSenderKey(3)
    const nonce = messageNonce(1_767_225_600_123_456)
    const sealed = await encryptWithSenderKey(key, utf8('hello'), AAD, nonce)
    assert.deepEqual(sealed.iv, nonce)
    assert.deepEqual(await decryptWithSenderKey(key.key, nonce, sealed.ciphertext, AAD), utf8('hello'))
    // Under the next counter's nonce, or with other additional data, the tag does not hold.
    await assert.rejects(
      decryptWithSenderKey(key.key, messageNonce(1_767_225_600_123_457), sealed.ciphertext, AAD),
      DecryptionError
    )
    await assert.rejects(
      decryptWithSenderKey(key.key, nonce, sealed.ciphertext, utf8('another')),
      DecryptionError
    )
  })

  it('successive counters under one key give distinct nonces, hence distinct ciphertexts', async () => {
    const key = await generateSenderKey(1)
    const [a, b] = await Promise.all([
      encryptWithSenderKey(key, utf8('same'), AAD, messageNonce(10)),
      encryptWithSenderKey(key, utf8('same'), AAD, messageNonce(11))
    ])
    assert.notDeepEqual(a.iv, b.iv)
    assert.notDeepEqual(a.ciphertext, b.ciphertext)
  })

  it('draws a random 12-byte nonce when given none', async () => {
    const key = await generateSenderKey(1)
    const [a, b] = await Promise.all([
      encryptWithSenderKey(key, utf8('same'), AAD),
      encryptWithSenderKey(key, utf8('same'), AAD)
    ])
    assert.equal(a.iv.byteLength, IV_BYTES)
    assert.notDeepEqual(a.iv, b.iv)
    assert.deepEqual(await decryptWithSenderKey(key.key, a.iv, a.ciphertext, AAD), utf8('same'))
  })

  it('refuses a nonce of any length but 12 bytes', async () => {
    const key = await generateSenderKey(1)
    for (const length of [0, IV_BYTES - 1, IV_BYTES + 1]) {
      await assert.rejects(
        encryptWithSenderKey(key, utf8('x'), AAD, new Uint8Array(length)),
        InvalidInputError
      )
    }
  })

  it('refuses a key that is not 32 bytes, or an epoch that is not positive', async () => {
    await assert.rejects(importSenderKey(1, new Uint8Array(SENDER_KEY_BYTES - 1)), InvalidInputError)
    await assert.rejects(importSenderKey(0, new Uint8Array(SENDER_KEY_BYTES)), InvalidInputError)
    await assert.rejects(importSenderKey(1.5, new Uint8Array(SENDER_KEY_BYTES)), InvalidInputError)
  })
})
