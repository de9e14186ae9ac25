/** @module The canonical bytes a message's signature and AEAD bind, and the nonce it is sealed under. */
import { asBufferSource, concatBytes, utf8 } from './bytes.js'

/** The header every member agrees on for one message; the signature and the AEAD both bind it. */
export interface MessageHeader {
  roomId: Uint8Array
  /** The sender's PeerId (a Deliver names it by member index; what is signed is the PeerId). */
  sender: string
  counter: number
  epoch: number
  /** `audienceDigest` of the sender and everyone the message is sealed for. */
  recipients: Uint8Array
}

const SIGNATURE_DOMAIN = utf8('securechat/2 signature\0')
const AAD_DOMAIN = utf8('securechat/2 aad\0')
const SET_DOMAIN = utf8('securechat/2 recipients\0')

/** Bytes of a SHA-256 digest. */
export const DIGEST_BYTES = 32

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n))
  return out
}

/** Length-prefixed, so no two different field lists can produce the same bytes. */
function field(bytes: Uint8Array): Uint8Array {
  return concatBytes(u32(bytes.byteLength), bytes)
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.byteLength - b.byteLength
}

/**
 * SHA-256 over a set of PeerIds in ascending order of their UTF-8 bytes, each length-prefixed after
 * their count: one value for one set, whatever order a list holds it in.
 */
export async function peerSetDigest(peers: readonly string[]): Promise<Uint8Array> {
  const ids = peers.map(utf8).sort(compareBytes)
  const input = concatBytes(SET_DOMAIN, u32(ids.length), ...ids.map(field))
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', asBufferSource(input)))
}

/**
 * What a message signs instead of its recipient list: the digest of its **audience**, the sender and
 * its recipients together (a sender is never its own recipient). The host need not repeat the list
 * in every delivery, since a receiver computes the digest from the room as it knows it, and a
 * signature made for any other set fails. With the sender in the set, a message for the whole room
 * signs the digest of the room itself: one value for every sender, which host and members compute
 * once per change of the membership rather than once per sender.
 */
export function audienceDigest(sender: string, recipients: readonly string[]): Promise<Uint8Array> {
  return peerSetDigest([sender, ...recipients])
}

/**
 * `domain ‖ lp(roomId) ‖ lp(utf8(sender)) ‖ u64(counter) ‖ u32(epoch) ‖ lp(recipients)`, then
 * `lp(ciphertext)` when one is given: written into one buffer, as every receiver builds it for every
 * message, twice.
 */
function headerWith(domain: Uint8Array, header: MessageHeader, ciphertext?: Uint8Array): Uint8Array {
  const sender = utf8(header.sender)
  const { roomId, recipients } = header
  const tail = ciphertext === undefined ? 0 : 4 + ciphertext.byteLength
  const out = new Uint8Array(
    domain.byteLength +
      4 +
      roomId.byteLength +
      4 +
      sender.byteLength +
      8 +
      4 +
      4 +
      recipients.byteLength +
      tail
  )
  const view = new DataView(out.buffer)
  out.set(domain, 0)
  let at = domain.byteLength
  const put = (bytes: Uint8Array): void => {
    view.setUint32(at, bytes.byteLength)
    out.set(bytes, at + 4)
    at += 4 + bytes.byteLength
  }
  put(roomId)
  put(sender)
  view.setBigUint64(at, BigInt(header.counter))
  view.setUint32(at + 8, header.epoch)
  at += 12
  put(recipients)
  if (ciphertext !== undefined) put(ciphertext)
  return out
}

/**
 * The canonical bytes a sender signs (ECDSA P-256): room id, sender, counter, epoch, recipients digest
 * and ciphertext. Wrapped keys are left out on purpose: each recipient sees only its own, and a
 * substituted wrapped key cannot open the signed ciphertext anyway.
 */
export function signatureInput(header: MessageHeader, ciphertext: Uint8Array): Uint8Array {
  return headerWith(SIGNATURE_DOMAIN, header, ciphertext)
}

/** AES-GCM additional data: the header, so a ciphertext cannot be moved to another context. */
export function additionalData(header: MessageHeader): Uint8Array {
  return headerWith(AAD_DOMAIN, header)
}

/**
 * The 96-bit AES-GCM nonce of a message: four zero bytes, then its counter (big-endian). A sender's
 * counters strictly increase and each key (a fresh content key, or a sender key) is one sender's, so
 * no nonce repeats under a key — as TLS 1.3 derives its nonces from record numbers (RFC 8446 §5.3),
 * and it saves every delivery the 14 bytes of a random IV.
 */
export function messageNonce(counter: number): Uint8Array {
  const nonce = new Uint8Array(12)
  new DataView(nonce.buffer).setBigUint64(4, BigInt(counter))
  return nonce
}

const RESUME_DOMAIN = utf8('securechat/2 resume\0')

/**
 * What a returning member signs with its RSA key: proof that the holder of the credential also holds
 * the key the room knows it by.
 */
export function resumeSignatureInput(
  roomId: Uint8Array,
  peerId: string,
  timestamp: number,
  token: string
): Uint8Array {
  return concatBytes(RESUME_DOMAIN, field(roomId), field(utf8(peerId)), u64(timestamp), field(utf8(token)))
}
