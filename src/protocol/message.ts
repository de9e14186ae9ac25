import { asBufferSource } from './bytes.js'
import { MAX_MESSAGE_BYTES } from './constants.js'
import { open, type Recipient, seal } from './envelope.js'
import { DecryptionError, InvalidInputError, InvalidSignatureError } from './errors.js'
import { type RsaPrivateKey, type RsaPublicKey, sign, verify } from './rsa.js'
import { decryptWithSenderKey, encryptWithSenderKey, type SenderKey } from './sender-key.js'
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
  /** A chat line; or, with `announce`, a new sender key for the recipients (sent wrapped, epoch 0). */
  text: string
  announce?: SenderKey
  recipients: readonly Recipient[]
  signingKey: RsaPrivateKey
  /** Encrypt under this sender key (its recipients already hold it) instead of wrapping a fresh key. */
  senderKey?: SenderKey
}

/** What a message holds once opened: a chat line, or a sender key announcement. */
export interface OpenedContent {
  text: string
  senderKey?: { epoch: number; key: Uint8Array }
}

export function encodeContent(text: string, announce?: SenderKey): Uint8Array {
  const bytes = Content.encode({
    text,
    ...(announce === undefined
      ? {}
      : { senderKey: { epoch: announce.epoch, key: asBufferSource(announce.raw) } })
  })
  if (bytes.byteLength > MAX_MESSAGE_BYTES) {
    throw new MessageTooLargeError(
      `a message holds at most ${MAX_MESSAGE_BYTES} bytes, this one ${bytes.byteLength}`
    )
  }
  return bytes
}

/**
 * Encrypts and signs: the Post a member sends to the host. Under a sender key when one is given (epoch
 * n > 0, no wrapped keys); otherwise under a fresh content key wrapped for every recipient (epoch 0).
 * The signature covers the same bytes either way; the epoch is not signed, as a wrong one only picks a
 * key that fails the AES-GCM check.
 */
export async function sealMessage(input: SealMessageInput): Promise<Post> {
  const plaintext = encodeContent(input.text, input.announce)
  const header: MessageHeader = {
    roomId: input.roomId,
    sender: input.sender,
    counter: input.counter,
    timestamp: input.timestamp,
    recipients: input.recipients.map((r) => r.id)
  }
  const aad = additionalData(header)
  const sealed =
    input.senderKey === undefined
      ? await seal(plaintext, [...input.recipients], { additionalData: aad })
      : { ...(await encryptWithSenderKey(input.senderKey, plaintext, aad)), keys: [] }
  const signature = await sign(input.signingKey, signatureInput(header, sealed.iv, sealed.ciphertext))
  return {
    counter: header.counter,
    timestamp: header.timestamp,
    recipients: [...header.recipients],
    iv: asBufferSource(sealed.iv),
    ciphertext: asBufferSource(sealed.ciphertext),
    keys: sealed.keys.map((k) => ({ recipient: k.recipient, key: asBufferSource(k.wrappedKey) })),
    signature: asBufferSource(signature),
    epoch: input.senderKey?.epoch ?? 0
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

/** Finds the sender key a message names, among those its sender announced. */
export type SenderKeyLookup = (sender: string, epoch: number) => CryptoKey | undefined

/** Checks the signature, then decrypts this recipient's copy. Throws typed errors, never returns junk. */
export async function openDeliveredContent(
  roomId: Uint8Array,
  deliver: Deliver,
  senderKey: RsaPublicKey,
  privateKey: RsaPrivateKey,
  senderKeys: SenderKeyLookup = () => undefined
): Promise<OpenedContent> {
  const header = postHeader(roomId, deliver.sender, deliver)
  if (!(await verifyMessageSignature(header, deliver, senderKey))) {
    throw new InvalidSignatureError(`message ${deliver.seq} is not signed by its sender`)
  }
  const aad = additionalData(header)
  let plaintext: Uint8Array
  if (deliver.epoch === 0) {
    plaintext = await open(
      { iv: deliver.iv, ciphertext: deliver.ciphertext, wrappedKey: deliver.wrappedKey },
      privateKey,
      {
        additionalData: aad
      }
    )
  } else {
    const key = senderKeys(deliver.sender, deliver.epoch)
    if (key === undefined) throw new DecryptionError(`no key ${deliver.epoch} from this sender`)
    plaintext = await decryptWithSenderKey(key, deliver.iv, deliver.ciphertext, aad)
  }
  try {
    const content = Content.decode(plaintext)
    return {
      text: content.text,
      ...(content.senderKey === undefined
        ? {}
        : { senderKey: { epoch: content.senderKey.epoch, key: content.senderKey.key } })
    }
  } catch {
    throw new DecryptionError('message content does not decode')
  }
}

/** `openDeliveredContent` for a chat line: its text. */
export async function openDelivered(
  roomId: Uint8Array,
  deliver: Deliver,
  senderKey: RsaPublicKey,
  privateKey: RsaPrivateKey,
  senderKeys?: SenderKeyLookup
): Promise<string> {
  return (await openDeliveredContent(roomId, deliver, senderKey, privateKey, senderKeys)).text
}
