import { asBufferSource } from './bytes.js'
import { MAX_MESSAGE_BYTES } from './constants.js'
import { open, type Recipient, seal } from './envelope.js'
import { DecryptionError, InvalidInputError, InvalidSignatureError } from './errors.js'
import { type RsaPrivateKey, type RsaPublicKey, sign, verify } from './rsa.js'
import { additionalData, type MessageHeader, signatureInput } from './signing.js'
import { Content, type Deliver, type Post } from './wire/securechat.js'

export class MessageTooLargeError extends InvalidInputError {
  static override readonly name: string = 'MessageTooLargeError'
  override name = 'MessageTooLargeError'
}

export interface SealMessageInput {
  roomId: Uint8Array
  sender: string
  counter: number
  timestamp: number
  text: string
  recipients: readonly Recipient[]
  signingKey: RsaPrivateKey
}

export function encodeContent(text: string): Uint8Array {
  const bytes = Content.encode({ text })
  if (bytes.byteLength > MAX_MESSAGE_BYTES) {
    throw new MessageTooLargeError(
      `a message holds at most ${MAX_MESSAGE_BYTES} bytes, this one ${bytes.byteLength}`
    )
  }
  return bytes
}

/** Encrypts for every recipient and signs: the Post a member sends to the host. */
export async function sealMessage(input: SealMessageInput): Promise<Post> {
  const plaintext = encodeContent(input.text)
  const header: MessageHeader = {
    roomId: input.roomId,
    sender: input.sender,
    counter: input.counter,
    timestamp: input.timestamp,
    recipients: input.recipients.map((r) => r.id)
  }
  const sealed = await seal(plaintext, [...input.recipients], { additionalData: additionalData(header) })
  const signature = await sign(input.signingKey, signatureInput(header, sealed.iv, sealed.ciphertext))
  return {
    counter: header.counter,
    timestamp: header.timestamp,
    recipients: [...header.recipients],
    iv: asBufferSource(sealed.iv),
    ciphertext: asBufferSource(sealed.ciphertext),
    keys: sealed.keys.map((k) => ({ recipient: k.recipient, key: asBufferSource(k.wrappedKey) })),
    signature: asBufferSource(signature)
  }
}

export function postHeader(roomId: Uint8Array, sender: string, post: Post | Deliver): MessageHeader {
  return { roomId, sender, counter: post.counter, timestamp: post.timestamp, recipients: post.recipients }
}

/** The host's check and every receiver's check: was this signed by the sender's key? */
export async function verifyMessageSignature(
  header: MessageHeader,
  message: Pick<Post, 'iv' | 'ciphertext' | 'signature'>,
  senderKey: RsaPublicKey
): Promise<boolean> {
  return verify(senderKey, message.signature, signatureInput(header, message.iv, message.ciphertext))
}

/** Checks the signature, then decrypts this recipient's copy. Throws typed errors, never returns junk. */
export async function openDelivered(
  roomId: Uint8Array,
  deliver: Deliver,
  senderKey: RsaPublicKey,
  privateKey: RsaPrivateKey
): Promise<string> {
  const header = postHeader(roomId, deliver.sender, deliver)
  if (!(await verifyMessageSignature(header, deliver, senderKey))) {
    throw new InvalidSignatureError(`message ${deliver.seq} is not signed by its sender`)
  }
  const plaintext = await open(
    { iv: deliver.iv, ciphertext: deliver.ciphertext, wrappedKey: deliver.wrappedKey },
    privateKey,
    { additionalData: additionalData(header) }
  )
  try {
    return Content.decode(plaintext).text
  } catch {
    throw new DecryptionError('message content does not decode')
  }
}
