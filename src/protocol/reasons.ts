import { Reason } from './wire/securechat.js'

const DESCRIPTIONS: Record<Reason, string> = {
  [Reason.REASON_UNSPECIFIED]: 'unspecified',
  [Reason.MALFORMED]: 'a malformed frame was received',
  [Reason.UNEXPECTED_FRAME]: 'a message arrived at the wrong point of the handshake',
  [Reason.TOKEN_INVALID]: 'the invitation token is not valid',
  [Reason.TOKEN_EXPIRED]: 'the invitation has expired',
  [Reason.TOKEN_WRONG_ROOM]: 'the invitation is for another room',
  [Reason.TOKEN_REVOKED]: 'the invitation was revoked',
  [Reason.TOKEN_USED_UP]: 'the invitation has been used up',
  [Reason.WRONG_ANSWER]: 'wrong answer to the security question',
  [Reason.WRONG_CODE]: 'wrong room code',
  [Reason.NICKNAME_TAKEN]: 'that nickname is taken',
  [Reason.NICKNAME_INVALID]: 'that nickname is not allowed',
  [Reason.KEY_INVALID]: 'the public key is not an acceptable RSA key',
  [Reason.LOCKED_OUT]: 'too many failed attempts; locked out for a while',
  [Reason.BANNED]: 'banned from this room',
  [Reason.ROOM_LOCKED]: 'the room is locked',
  [Reason.ROOM_FULL]: 'the room is full',
  [Reason.TIMEOUT]: 'timed out',
  [Reason.MESSAGE_TOO_LARGE]: 'the message is too large',
  [Reason.BAD_SIGNATURE]: 'the message signature does not verify',
  [Reason.BAD_COUNTER]: 'the message counter did not increase (a replay?)',
  [Reason.BAD_RECIPIENTS]: 'the recipient list does not match the wrapped keys',
  [Reason.KICKED]: 'kicked by the host',
  [Reason.HOST_CLOSING]: 'the host closed the room',
  [Reason.LEFT]: 'left',
  [Reason.CONNECTION_LOST]: 'connection lost',
  [Reason.TOO_MANY_HANDSHAKES]: 'too many handshakes in progress from this address',
  [Reason.SLOW_CONSUMER]: 'too far behind; disconnected',
  [Reason.RATE_LIMITED]: 'sending too fast',
  [Reason.VERSION_UNSUPPORTED]: 'protocol version not supported',
  [Reason.HOST_RESTARTING]: 'the host is restarting; reconnecting when it is back',
  [Reason.RESUME_INVALID]: 'the resume credential is not valid; join again with an invitation',
  [Reason.FILE_TOO_LARGE]: "the file is larger than the host's limit",
  [Reason.TOO_MANY_TRANSFERS]: 'too many file transfers at once',
  [Reason.TRANSFER_UNKNOWN]: 'no such file transfer for this member',
  [Reason.TRANSFER_CANCELLED]: 'the file transfer was cancelled',
  [Reason.TRANSFER_FAILED]: 'the file transfer broke off',
  [Reason.TRANSFER_DONE]: 'the file transfer is complete'
}

export function describeReason(reason: Reason): string {
  return DESCRIPTIONS[reason] ?? 'unknown reason'
}

/** The stable lower-case code used in JSON output and error classes, e.g. `wrong-answer`. */
export function reasonCode(reason: Reason): string {
  const name = Reason[reason] as unknown as string | undefined
  return (name ?? 'UNKNOWN').toLowerCase().replaceAll('_', '-')
}

/** Reasons that mean "the host refused you", as opposed to a fault. */
const REFUSALS = new Set<Reason>([
  Reason.TOKEN_INVALID,
  Reason.TOKEN_EXPIRED,
  Reason.TOKEN_WRONG_ROOM,
  Reason.TOKEN_REVOKED,
  Reason.TOKEN_USED_UP,
  Reason.WRONG_ANSWER,
  Reason.WRONG_CODE,
  Reason.NICKNAME_TAKEN,
  Reason.NICKNAME_INVALID,
  Reason.KEY_INVALID,
  Reason.LOCKED_OUT,
  Reason.BANNED,
  Reason.ROOM_LOCKED,
  Reason.ROOM_FULL,
  Reason.TOO_MANY_HANDSHAKES,
  Reason.RESUME_INVALID
])

export function isRefusal(reason: Reason): boolean {
  return REFUSALS.has(reason)
}
