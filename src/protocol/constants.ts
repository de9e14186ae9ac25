/** Wire constants and limits of /securechat/1.0.0. docs/PROTOCOL.md restates each. */

export const PROTOCOL_NAME = 'securechat'
export const PROTOCOL_VERSION = '1.0.0'
export const PROTOCOL_ID = `/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`
/** The `version` field of Hello and Invitation. */
export const WIRE_VERSION = 1

/** Largest frame either side accepts (the varint length prefix is checked before buffering). */
export const MAX_FRAME_BYTES = 1024 * 1024
/**
 * Largest frame a host reads before admission (Hello, Answer, RoomCode, Register, Resume): each is a
 * few hundred bytes to about 2.7 KiB at its field limits, so a stranger never gets the member's limit.
 */
export const MAX_HANDSHAKE_FRAME_BYTES = 4096
/**
 * Bytes a reader holds received and unread, in frame limits: a peer may send its next frame while
 * the previous one is being handled, but one that runs further ahead is refused, not waited for.
 */
export const READ_AHEAD_FRAME_LIMITS = 2
/** Whole frames a reader holds received and unread (a member's burst of small posts fits within it). */
export const MAX_UNREAD_FRAMES = 1024
/** Largest message plaintext a sender may seal. */
export const MAX_MESSAGE_BYTES = 64 * 1024
/** AES-GCM adds a 16-byte tag; the Content protobuf adds a few bytes of framing. */
export const MAX_CIPHERTEXT_BYTES = MAX_MESSAGE_BYTES + 64
export const MAX_RECIPIENTS = 256
export const MAX_MEMBERS = 256
export const MAX_NICKNAME_LENGTH = 32
export const MAX_QUESTION_LENGTH = 256
export const MAX_ANSWER_BYTES = 1024
export const MAX_CODE_LENGTH = 16
export const MAX_TOKEN_LENGTH = 1024
export const MAX_PEER_ID_LENGTH = 128
export const MAX_PUBLIC_KEY_BYTES = 1100
export const MAX_SIGNATURE_BYTES = 512
export const MAX_WRAPPED_KEY_BYTES = 512
export const MAX_INVITATION_ADDRESSES = 16
export const MAX_ADDRESS_BYTES = 256
export const MAX_REASON_MESSAGE_LENGTH = 256
export const IV_BYTES = 12
