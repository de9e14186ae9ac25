/** @module Wire constants and limits of /securechat/2.3.0. docs/PROTOCOL.md restates each. */

export const PROTOCOL_NAME = 'securechat'
/**
 * 2.0.0: messages signed with ECDSA P-256, recipients by digest, senders by member index, derived
 * nonces. 2.1.0: files (`Post.fileOffer`, `Content.fileOffer`, and /securechat/file/1.0.0 beside it).
 * 2.2.0: a message signs the digest of its audience, its sender among its recipients, so that a
 * message for the whole room signs one digest whichever member sent it. 2.3.0: a Deliver's sequence
 * number, counter and epoch are coded against the Delivers before it on the same stream.
 */
export const PROTOCOL_VERSION = '2.3.0'
export const PROTOCOL_ID = `/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`
/** Earlier protocols a host still answers, only to tell their members to update. */
export const RETIRED_PROTOCOL_IDS: readonly string[] = [
  `/${PROTOCOL_NAME}/1.0.0`,
  `/${PROTOCOL_NAME}/2.0.0`,
  `/${PROTOCOL_NAME}/2.1.0`,
  `/${PROTOCOL_NAME}/2.2.0`
]
/** The `version` field of Hello. */
export const WIRE_VERSION = 2
/** The `version` field of Invitation: its format did not change with the protocol. */
export const INVITATION_VERSION = 1

/** Largest frame either side accepts (the varint length prefix is checked before buffering). */
export const MAX_FRAME_BYTES = 1024 * 1024
/**
 * Largest frame a host reads before admission (Hello, Answer, RoomCode, Register, Resume): each is a
 * few hundred bytes to about 3.2 KiB at its field limits, so a stranger never gets the member's limit.
 */
export const MAX_HANDSHAKE_FRAME_BYTES = 4096
/**
 * Bytes a reader holds received and unread, in frame limits: a peer may send ahead of the reader
 * (its next frame while one is handled, a joiner its answers before they are asked), but one that
 * runs further ahead is refused, not waited for.
 */
export const READ_AHEAD_FRAME_LIMITS = 2
/** Whole frames a reader holds received and unread (a member's burst of small posts fits within it). */
export const MAX_UNREAD_FRAMES = 1024
/**
 * The same before admission: the four frames a joiner may send at once (Hello and its answers ahead)
 * and as many again. Each unread frame costs the reader a few hundred bytes of bookkeeping, so a
 * stranger's stream of one-byte frames must not be allowed the member's 1024.
 */
export const MAX_HANDSHAKE_UNREAD_FRAMES = 8
/** Largest message plaintext a sender may seal. */
export const MAX_MESSAGE_BYTES = 64 * 1024
/** AES-GCM adds a 16-byte tag; the Content protobuf adds a few bytes of framing. */
export const MAX_CIPHERTEXT_BYTES = MAX_MESSAGE_BYTES + 64
export const MAX_RECIPIENTS = 256
export const MAX_MEMBERS = 256
/**
 * Senders whose last Deliver each side of a stream remembers for Deliver coding (2.3.0): past this, the
 * one whose last Deliver on the stream is oldest is forgotten, by both sides alike.
 */
export const DELIVER_CODING_SENDERS = 256
export const MAX_NICKNAME_LENGTH = 32
export const MAX_QUESTION_LENGTH = 256
export const MAX_ANSWER_BYTES = 1024
export const MAX_CODE_LENGTH = 16
export const MAX_TOKEN_LENGTH = 1024
export const MAX_PEER_ID_LENGTH = 128
export const MAX_PUBLIC_KEY_BYTES = 1100
/** An RSA-PSS signature (a resume proof, a signing key binding): the modulus size, at most 4096 bits. */
export const MAX_SIGNATURE_BYTES = 512
/** A message signature: ECDSA P-256, r ‖ s. */
export const MESSAGE_SIGNATURE_BYTES = 64
/** A signing key: a P-256 public key, raw (an uncompressed point). */
export const SIGNING_KEY_BYTES = 65
export const MAX_WRAPPED_KEY_BYTES = 512
export const MAX_INVITATION_ADDRESSES = 16
export const MAX_ADDRESS_BYTES = 256
export const MAX_REASON_MESSAGE_LENGTH = 256
export const IV_BYTES = 12
/** Member indices the host hands out: they name senders in deliveries and are never reused by one host. */
export const MAX_MEMBER_INDEX = 0xffff_ffff

/** The file transfer protocol, beside the chat stream so that a large file never holds up messages. */
export const FILE_PROTOCOL_ID = `/${PROTOCOL_NAME}/file/1.0.0`
/** A file's name in its offer, in UTF-8 bytes (receivers shorten it further to save it). */
export const MAX_FILE_NAME_BYTES = 1024
/** A file's media type in its offer. */
export const MAX_MEDIA_TYPE_LENGTH = 255
/** The largest file frame: one sealed 256 KiB chunk with its index and framing. */
export const MAX_FILE_FRAME_BYTES = 256 * 1024 + 64
