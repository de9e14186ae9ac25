/**
 * Crypto time per message, measured directly in one process: the sender's `sealMessage` for a room of
 * `members` (members − 1 recipients), each receiver's `openDelivered`, and the host's signature check
 * (ECDSA P-256 over the header and ciphertext; the audience digest is computed once per room, not per
 * message, on both sides). Through node:crypto, as src/node does, and (`*_webcrypto_*`) through
 * WebCrypto, as src/protocol alone would: the same operations on the same bytes.
 * A message goes under the sender's key (what every message costs); a re-key, when the membership
 * changes, costs one RSA-wrapped announcement — measured apart (`rekey_*`).
 * Wall time per call, one at a time (WebCrypto's work runs on libuv's pool, so wall ≈ CPU + a hop),
 * and the process CPU time (all threads) per call.
 */
import { DEFAULT_SCRYPT_PARAMS, hashAnswer, verifyAnswer } from '../src/node/answer-hash.js'
import { nodeMessageCrypto } from '../src/node/message-crypto.js'
import { randomBytes } from '../src/protocol/bytes.js'
import { generateMemberKeyPair } from '../src/protocol/member-keys.js'
import {
  type MessageSender,
  messageHeader,
  openDelivered,
  openDeliveredContent,
  sealMessage,
  verifyMessageSignature
} from '../src/protocol/message.js'
import { type MessageCrypto, webMessageCrypto } from '../src/protocol/message-crypto.js'
import { generateRsaKeyPair } from '../src/protocol/rsa.js'
import { generateSenderKey } from '../src/protocol/sender-key.js'
import { audienceDigest } from '../src/protocol/signing.js'
import type { Deliver, Post } from '../src/protocol/wire/securechat.js'
import { ANSWER } from './config.js'
import { now } from './ipc.js'
import { payload } from './payload.js'

export interface CryptoCost {
  members: number
  sender_seal_ms: number
  sender_seal_cpu_ms: number
  receiver_open_ms: number
  receiver_open_cpu_ms: number
  /** A sender-key announcement: wrapped for every recipient (sender), unwrapped (each receiver). */
  rekey_seal_ms: number
  rekey_open_ms: number
  host_verify_ms: number
  /** The same three through WebCrypto. */
  sender_seal_webcrypto_ms: number
  receiver_open_webcrypto_ms: number
  receiver_open_webcrypto_cpu_ms: number
  host_verify_webcrypto_ms: number
  /** One bare RSA-OAEP-2048 decryption through WebCrypto: the floor under a receiver's cost here. */
  rsa_decrypt_raw_ms: number
  answer_check_ms: number
  answer_check_default_ms: number
}

/** A PeerId-shaped string (an Ed25519 PeerId in base58 is 52 characters). */
function fakePeerId(i: number): string {
  return `12D3KooW${String(i).padStart(4, '0')}${'x'.repeat(40)}`
}

async function timed(iterations: number, fn: (i: number) => Promise<unknown>): Promise<[number, number]> {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn(i)
  const cpu0 = process.cpuUsage()
  const t0 = now()
  for (let i = 0; i < iterations; i++) await fn(i)
  const wall = (now() - t0) / iterations
  const cpu = process.cpuUsage(cpu0)
  return [wall, (cpu.user + cpu.system) / 1000 / iterations]
}

export async function measureCryptoCost(options: {
  members: number
  iterations: number
}): Promise<CryptoCost> {
  const { members, iterations } = options
  // The sender signs with its P-256 key; the receivers need only their RSA keys (to unwrap).
  const [senderKeys, ...receivers] = await Promise.all([
    generateMemberKeyPair(),
    ...Array.from({ length: members - 1 }, () => generateRsaKeyPair())
  ])
  const receiverKeys = receivers[0]
  if (receiverKeys === undefined) throw new Error('crypto-cost: a room of at least 2 members')
  const roomId = randomBytes(16)
  const sender = fakePeerId(0)
  const recipients = receivers.map((k, i) => ({ id: fakePeerId(i + 1), publicKey: k.publicKey }))
  // Every recipient but the sender: the whole room, which the host delivers without a list.
  const digest = await audienceDigest(
    sender,
    recipients.map((r) => r.id)
  )
  const from: MessageSender = { peerId: sender, signingKey: senderKeys.signing.publicKey }
  const text = payload('crypto', now())
  const senderKey = await generateSenderKey(1)
  const senderKeyLookup = (_: string, epoch: number) => (epoch === senderKey.epoch ? senderKey : undefined)
  // The counter is the sender's clock in ms, strictly increasing: it is also the AES-GCM nonce, which
  // must never repeat under the sender key, so each seal takes the next one.
  let counter = Date.now()
  const seal = (rekey = false, crypto: MessageCrypto = nodeMessageCrypto) =>
    sealMessage({
      roomId,
      sender,
      counter: ++counter,
      text: rekey ? '' : text,
      recipients,
      audienceDigest: digest,
      signingKey: senderKeys.signing.privateKey,
      ...(rekey ? { announce: senderKey } : { senderKey }),
      crypto
    })
  const deliverOf = (post: Post): Deliver => ({
    seq: 1,
    sender: 1,
    counter: post.counter,
    recipients: [],
    ciphertext: post.ciphertext,
    wrappedKey: post.keys[0]?.key ?? new Uint8Array(0),
    signature: post.signature,
    epoch: post.epoch
  })

  const [sealMs, sealCpu] = await timed(iterations, () => seal())
  const [rekeySealMs] = await timed(Math.max(5, iterations / 4), () => seal(true))
  const [webSealMs] = await timed(iterations, () => seal(false, webMessageCrypto))

  const post = await seal()
  const deliver = deliverOf(post)
  const announcement = deliverOf(await seal(true))
  const header = messageHeader(roomId, sender, post, digest)
  /** Each receiver's open, and the host's check, through `crypto`: [wall, CPU] and the check's wall. */
  const receiving = async (crypto: MessageCrypto) => {
    const options = { senderKeys: senderKeyLookup, crypto }
    const opened = await openDelivered(roomId, deliver, from, digest, receiverKeys.privateKey, options)
    if (opened !== text) throw new Error('crypto-cost: the delivered message did not open to its text')
    if (!(await verifyMessageSignature(header, post, senderKeys.signing.publicKey, crypto))) {
      throw new Error('crypto-cost: the host could not verify the message')
    }
    const open = await timed(iterations * 2, () =>
      openDelivered(roomId, deliver, from, digest, receiverKeys.privateKey, options)
    )
    const [verify] = await timed(iterations * 2, () =>
      verifyMessageSignature(header, post, senderKeys.signing.publicKey, crypto)
    )
    return { open, verify }
  }
  const {
    open: [openMs, openCpu],
    verify: verifyMs
  } = await receiving(nodeMessageCrypto)
  const web = await receiving(webMessageCrypto)
  const [rekeyOpenMs] = await timed(iterations, () =>
    openDeliveredContent(roomId, announcement, from, digest, receiverKeys.privateKey)
  )

  const oaep = { name: 'RSA-OAEP', hash: 'SHA-256' }
  const raw = await crypto.subtle.generateKey(
    { ...oaep, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    false,
    ['encrypt', 'decrypt']
  )
  const sealedKey = await crypto.subtle.encrypt(oaep, raw.publicKey, new Uint8Array(32))
  const [rawMs] = await timed(iterations, () => crypto.subtle.decrypt(oaep, raw.privateKey, sealedKey))

  const cheap = await hashAnswer(ANSWER, { N: 1024 })
  const [answerMs] = await timed(20, () => verifyAnswer(ANSWER, cheap))
  const full = await hashAnswer(ANSWER, DEFAULT_SCRYPT_PARAMS)
  const [answerDefaultMs] = await timed(3, () => verifyAnswer(ANSWER, full))

  return {
    members,
    sender_seal_ms: sealMs,
    sender_seal_cpu_ms: sealCpu,
    receiver_open_ms: openMs,
    receiver_open_cpu_ms: openCpu,
    rekey_seal_ms: rekeySealMs,
    rekey_open_ms: rekeyOpenMs,
    host_verify_ms: verifyMs,
    sender_seal_webcrypto_ms: webSealMs,
    receiver_open_webcrypto_ms: web.open[0],
    receiver_open_webcrypto_cpu_ms: web.open[1],
    host_verify_webcrypto_ms: web.verify,
    rsa_decrypt_raw_ms: rawMs,
    answer_check_ms: answerMs,
    answer_check_default_ms: answerDefaultMs
  }
}
