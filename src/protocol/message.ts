/** @module A chat message end to end: sealed and signed by its sender, checked and opened by each receiver. */
import { asBufferSource, fromUtf8, utf8 } from './bytes.js'
import { MAX_MESSAGE_BYTES } from './constants.js'
import { open, type Recipient, seal } from './envelope.js'
import { DecryptionError, InvalidInputError, InvalidSignatureError } from './errors.js'
import { checkFileOffer } from './file-offer.js'
import { type MessageCrypto, webMessageCrypto } from './message-crypto.js'
import type { RsaPrivateKey } from './rsa.js'
import type { SenderKey } from './sender-key.js'
import {
  additionalData,
  audienceDigest,
  type MessageHeader,
  messageNonce,
  signatureInput
} from './signing.js'
import type { SigningPrivateKey, SigningPublicKey } from './signing-key.js'
import { Content, type Deliver, type FileOffer, type Post } from './wire/securechat.js'

export class MessageTooLargeError extends InvalidInputError {
  static override readonly name: string = 'MessageTooLargeError'
  override name = 'MessageTooLargeError'
}

export interface SealMessageInput {
  roomId: Uint8Array
  sender: string
  /** Strictly increasing per sender: its clock in milliseconds (see `Post.counter`). */
  counter: number
  /** A chat line; or, with `announce`, a new sender key for the recipients (sent wrapped, epoch 0). */
  text: string
  announce?: SenderKey
  /** A file offered to the recipients (sent wrapped, epoch 0; the Post says `fileOffer`). */
  offer?: FileOffer
  recipients: readonly Recipient[]
  /** `audienceDigest` of the sender and the recipients' ids, when the caller keeps it; computed otherwise. */
  audienceDigest?: Uint8Array
  signingKey: SigningPrivateKey
  /** Encrypt under this sender key (its recipients already hold it) instead of wrapping a fresh key. */
  senderKey?: SenderKey
  /** What signs, and encrypts under a sender key. @default webMessageCrypto */
  crypto?: MessageCrypto
}

/** What a message holds once opened: a chat line, a sender key announcement, or a file offer. */
export interface OpenedContent {
  text: string
  senderKey?: { epoch: number; key: Uint8Array }
  fileOffer?: FileOffer
}

/** The sender of a delivered message, as the receiver knows it. */
export interface MessageSender {
  peerId: string
  signingKey: SigningPublicKey
}

/**
 * The plaintext of a message. Under a content key (epoch 0) it is a `Content`: a chat line, or a new
 * sender key. Under a sender key (epoch > 0) it is the chat line's UTF-8 bytes alone: such a message
 * carries nothing else, and every delivery is spared the few bytes of a wrapper.
 */
export function encodeContent(
  text: string,
  announce?: SenderKey,
  underSenderKey = false,
  offer?: FileOffer
): Uint8Array {
  if (underSenderKey && (announce !== undefined || offer !== undefined)) {
    throw new InvalidInputError('sender keys and file offers are sent under a content key (epoch 0)')
  }
  const bytes = underSenderKey
    ? utf8(text)
    : Content.encode({
        text,
        ...(announce === undefined
          ? {}
          : { senderKey: { epoch: announce.epoch, key: asBufferSource(announce.raw) } }),
        ...(offer === undefined ? {} : { fileOffer: offer })
      })
  if (bytes.byteLength > MAX_MESSAGE_BYTES) {
    throw new MessageTooLargeError(
      `a message holds at most ${MAX_MESSAGE_BYTES} bytes, this one ${bytes.byteLength}`
    )
  }
  return bytes
}

/** The time a message was sent, in ms since the Unix epoch: its counter is the sender's clock. */
export function sentAt(counter: number): number {
  return counter
}

/**
 * Encrypts and signs: the Post a member sends to the host. Under a sender key when one is given (epoch
 * n > 0, no wrapped keys); otherwise under a fresh content key wrapped for every recipient (epoch 0).
 * The nonce is derived from the counter; the signature covers the header and the ciphertext.
 */
export async function sealMessage(input: SealMessageInput): Promise<Post> {
  const plaintext = encodeContent(input.text, input.announce, input.senderKey !== undefined, input.offer)
  const ids = input.recipients.map((r) => r.id)
  const header: MessageHeader = {
    roomId: input.roomId,
    sender: input.sender,
    counter: input.counter,
    epoch: input.senderKey?.epoch ?? 0,
    recipients: input.audienceDigest ?? (await audienceDigest(input.sender, ids))
  }
  const aad = additionalData(header)
  const iv = messageNonce(input.counter)
  const crypto = input.crypto ?? webMessageCrypto
  const sealed =
    input.senderKey === undefined
      ? await seal(plaintext, [...input.recipients], { additionalData: aad, iv })
      : { ciphertext: await crypto.encrypt(input.senderKey, iv, plaintext, aad), keys: [] }
  const signature = await crypto.sign(input.signingKey, signatureInput(header, sealed.ciphertext))
  return {
    counter: header.counter,
    recipients: ids,
    ciphertext: asBufferSource(sealed.ciphertext),
    keys: sealed.keys.map((k) => ({ recipient: k.recipient, key: asBufferSource(k.wrappedKey) })),
    signature: asBufferSource(signature),
    epoch: header.epoch,
    fileOffer: input.offer !== undefined
  }
}

/** The header of a Post or a Deliver, given its sender's PeerId and the digest of its audience. */
export function messageHeader(
  roomId: Uint8Array,
  sender: string,
  message: Pick<Post, 'counter' | 'epoch'>,
  recipients: Uint8Array
): MessageHeader {
  return { roomId, sender, counter: message.counter, epoch: message.epoch, recipients }
}

/** The host's check and every receiver's check: was this signed by the sender's key? */
export function verifyMessageSignature(
  header: MessageHeader,
  message: Pick<Post, 'ciphertext' | 'signature'>,
  signingKey: SigningPublicKey,
  crypto: MessageCrypto = webMessageCrypto
): Promise<boolean> {
  return crypto.verify(signingKey, message.signature, signatureInput(header, message.ciphertext))
}

/** Finds the sender key a message names, among those its sender announced. */
export type SenderKeyLookup = (sender: string, epoch: number) => SenderKey | undefined

/** How a receiver opens what was delivered to it. */
export interface OpenOptions {
  /** The sender keys this receiver holds. @default none */
  senderKeys?: SenderKeyLookup
  /** What verifies, and decrypts under a sender key. @default webMessageCrypto */
  crypto?: MessageCrypto
}

/**
 * Checks the signature and decrypts this recipient's copy (both at once: the plaintext is used only
 * once the signature holds). `recipients` is the digest of the recipients as the receiver knows them.
 * Throws typed errors, never returns junk.
 */
export async function openDeliveredContent(
  roomId: Uint8Array,
  deliver: Deliver,
  sender: MessageSender,
  recipients: Uint8Array,
  privateKey: RsaPrivateKey,
  options: OpenOptions = {}
): Promise<OpenedContent> {
  const header = messageHeader(roomId, sender.peerId, deliver, recipients)
  const aad = additionalData(header)
  const iv = messageNonce(deliver.counter)
  const crypto = options.crypto ?? webMessageCrypto
  const decrypting = decryptDelivered({
    deliver,
    sender: sender.peerId,
    iv,
    aad,
    privateKey,
    crypto,
    senderKeys: options.senderKeys
  })
  // Settled either way, so that a failed decryption never goes unhandled while the check runs.
  decrypting.catch(() => {})
  if (!(await verifyMessageSignature(header, deliver, sender.signingKey, crypto))) {
    throw new InvalidSignatureError(`message ${deliver.seq} is not signed by its sender`)
  }
  const plaintext = await decrypting
  try {
    if (deliver.epoch > 0) return { text: fromUtf8(plaintext) }
    const content = Content.decode(plaintext)
    return {
      text: content.text,
      ...(content.senderKey === undefined
        ? {}
        : { senderKey: { epoch: content.senderKey.epoch, key: content.senderKey.key } }),
      ...(content.fileOffer === undefined ? {} : { fileOffer: checkFileOffer(content.fileOffer) })
    }
  } catch (err) {
    if (err instanceof DecryptionError) throw err
    throw new DecryptionError('message content does not decode')
  }
}

interface Opening {
  deliver: Deliver
  sender: string
  iv: Uint8Array
  aad: Uint8Array
  privateKey: RsaPrivateKey
  crypto: MessageCrypto
  senderKeys: SenderKeyLookup | undefined
}

function decryptDelivered(opening: Opening): Promise<Uint8Array> {
  const { deliver, iv, aad, privateKey, crypto } = opening
  if (deliver.epoch === 0) {
    return open({ iv, ciphertext: deliver.ciphertext, wrappedKey: deliver.wrappedKey }, privateKey, {
      additionalData: aad
    })
  }
  const key = opening.senderKeys?.(opening.sender, deliver.epoch)
  if (key === undefined)
    return Promise.reject(new DecryptionError(`no key ${deliver.epoch} from this sender`))
  return crypto.decrypt(key, iv, deliver.ciphertext, aad)
}

/** `openDeliveredContent` for a chat line: its text. */
export async function openDelivered(
  roomId: Uint8Array,
  deliver: Deliver,
  sender: MessageSender,
  recipients: Uint8Array,
  privateKey: RsaPrivateKey,
  options?: OpenOptions
): Promise<string> {
  return (await openDeliveredContent(roomId, deliver, sender, recipients, privateKey, options)).text
}
