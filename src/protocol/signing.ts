import { concatBytes, utf8 } from './bytes.js'

/** The header every member agrees on for one message; the signature and the AEAD both bind it. */
export interface MessageHeader {
  roomId: Uint8Array
  sender: string
  counter: number
  timestamp: number
  recipients: readonly string[]
}

const SIGNATURE_DOMAIN = utf8('securechat/1.0.0 signature\0')
const AAD_DOMAIN = utf8('securechat/1.0.0 aad\0')

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

function headerBytes(header: MessageHeader): Uint8Array[] {
  return [
    field(header.roomId),
    field(utf8(header.sender)),
    u64(header.counter),
    u64(header.timestamp),
    u32(header.recipients.length),
    ...header.recipients.map((r) => field(utf8(r)))
  ]
}

/**
 * The canonical bytes a sender signs with RSA-PSS: room id, sender, counter, timestamp, recipient list,
 * IV and ciphertext. Wrapped keys are left out on purpose: each recipient sees only its own, and a
 * substituted wrapped key cannot open the signed ciphertext anyway.
 */
export function signatureInput(header: MessageHeader, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return concatBytes(SIGNATURE_DOMAIN, ...headerBytes(header), field(iv), field(ciphertext))
}

/** AES-GCM additional data: the header, so a ciphertext cannot be moved to another context. */
export function additionalData(header: MessageHeader): Uint8Array {
  return concatBytes(AAD_DOMAIN, ...headerBytes(header))
}

const RESUME_DOMAIN = utf8('securechat/1.0.0 resume\0')

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
