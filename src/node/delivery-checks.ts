/**
 * @module Why a member drops a delivery, in the words of the `error` event it reports: before opening
 * it (a duplicate, a stranger, a replay, not sent to this member), or because it did not open.
 */
import { DecryptionError, InvalidSignatureError } from '../protocol/errors.js'
import type { Deliver } from '../protocol/wire/securechat.js'
import type { VerifiedMember } from './room-view.js'

/** An `error` event's code and message for a dropped delivery. */
export interface Dropped {
  code: string
  message: string
}

/**
 * Why `deliver` is dropped before it is opened, if it is: its `seq` was seen, its sender is no member
 * the receiver knows, its counter is not above the sender's last, or it names recipients without
 * this member.
 */
export function droppedDelivery(
  deliver: Deliver,
  sender: VerifiedMember | undefined,
  seen: { self: string; lastSeq: number; lastCounter: number }
): Dropped | undefined {
  if (deliver.seq <= seen.lastSeq) {
    return { code: 'duplicate', message: `dropped duplicate message ${deliver.seq}` }
  }
  if (sender === undefined) {
    return { code: 'unknown-sender', message: `dropped message ${deliver.seq} from a non-member` }
  }
  if (deliver.counter <= seen.lastCounter) {
    return { code: 'replay', message: `dropped replayed message from ${sender.nickname}` }
  }
  if (deliver.recipients.length > 0 && !deliver.recipients.includes(seen.self)) {
    return {
      code: 'not-a-recipient',
      message: `dropped message ${deliver.seq}: ${sender.nickname} did not send it to this member`
    }
  }
  return undefined
}

/** A delivery that did not open: a bad signature, a ciphertext that does not decrypt, or bad content. */
export function unopened(deliver: Deliver, sender: VerifiedMember, err: Error): Dropped {
  const code =
    err instanceof InvalidSignatureError
      ? 'bad-signature'
      : err instanceof DecryptionError
        ? 'undecryptable'
        : 'bad-message'
  return {
    code,
    message: `dropped message ${deliver.seq} claiming to be from ${sender.nickname}: ${err.message}`
  }
}
