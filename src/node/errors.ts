/**
 * @module Every error class of the node layer, in one place as `@libp2p/circuit-relay-v2` keeps its own:
 * each has a stable `name` to branch on; those that carry a wire `Reason` extend `ReasonError`.
 */
import { ReasonError, SecureChatError } from '../protocol/errors.js'
import { describeReason, reasonCode } from '../protocol/reasons.js'
import type { Reason } from '../protocol/wire/securechat.js'

/**
 * The host turns a joiner (or a returning member) away; `reason` goes on the wire. The message
 * defaults to the reason's own description, so a refusal is written once where it is decided.
 */
export class RefusedError extends ReasonError {
  static override readonly name: string = 'RefusedError'
  override name = 'RefusedError'
  /** Milliseconds until the peer may try again (a lockout), or 0. */
  readonly retryAfter: number
  constructor(reason: Reason, message: string = describeReason(reason), retryAfter = 0) {
    super(reason, message)
    this.retryAfter = retryAfter
  }
}

/** Why a token was refused, as the wire reason the joiner is told. */
export class TokenRefusedError extends ReasonError {
  static override readonly name: string = 'TokenRefusedError'
  override name = 'TokenRefusedError'
}

/** The host turned the join away; `code` is the stable reason code (e.g. `wrong-answer`). */
export class JoinRefusedError extends ReasonError {
  static override readonly name: string = 'JoinRefusedError'
  override name = 'JoinRefusedError'
  readonly code: string
  readonly attemptsLeft: number
  readonly retryAfterMs: number
  constructor(reason: Reason, message: string = describeReason(reason), attemptsLeft = 0, retryAfterMs = 0) {
    super(reason, message)
    this.code = reasonCode(reason)
    this.attemptsLeft = attemptsLeft
    this.retryAfterMs = retryAfterMs
  }
}

/** No address in the invitation led to the host. */
export class HostUnreachableError extends SecureChatError {
  static override readonly name: string = 'HostUnreachableError'
  override name = 'HostUnreachableError'
}

/** A message the host would not relay (too large, bad counter, ...). */
export class MessageRejectedError extends ReasonError {
  static override readonly name: string = 'MessageRejectedError'
  override name = 'MessageRejectedError'
}

/** The member is not in the room (any more): it left, or the host ended its session. */
export class RoomClosedError extends SecureChatError {
  static override readonly name: string = 'RoomClosedError'
  override name = 'RoomClosedError'
}

/** A message with no recipient would be read by no one; the sender is told instead. */
export class NobodyToSendToError extends SecureChatError {
  static override readonly name: string = 'NobodyToSendToError'
  override name = 'NobodyToSendToError'
}

/** A relay-only host holds no member keys: it relays the room's messages but sends none of its own. */
export class RelayOnlyError extends SecureChatError {
  static override readonly name: string = 'RelayOnlyError'
  override name = 'RelayOnlyError'

  constructor() {
    super('a relay-only host is not a member and cannot send')
  }
}

/** A frame was read from (or written to) a stream that had already ended. */
export class StreamEndedError extends SecureChatError {
  static override readonly name: string = 'StreamEndedError'
  override name = 'StreamEndedError'
}

/** A stored room could not be read or written. */
export class RoomStoreError extends Error {
  static override readonly name: string = 'RoomStoreError'
  override name = 'RoomStoreError'
}

/** A relay address that cannot be used: it does not end in the relay's PeerId, or is itself relayed. */
export class RelayAddressError extends SecureChatError {
  static override readonly name: string = 'RelayAddressError'
  override name = 'RelayAddressError'
}

/** A relay's `--identity` file could not be read, parsed or written. */
export class IdentityFileError extends Error {
  static override readonly name: string = 'IdentityFileError'
  override name = 'IdentityFileError'
}

/** The relay server's options are out of range or contradict each other. */
export class RelayConfigError extends Error {
  static override readonly name: string = 'RelayConfigError'
  override name = 'RelayConfigError'
}

/** A relay reservation ended (its TTL, its host gone): the abort reason of the reservation's signal. */
export class ReservationEndedError extends Error {
  static override readonly name: string = 'ReservationEndedError'
  override name = 'ReservationEndedError'
  readonly reason: 'ttl' | 'disconnected' | 'dropped'
  constructor(reason: 'ttl' | 'disconnected' | 'dropped') {
    super(`the reservation ended (${reason})`)
    this.reason = reason
  }
}

/** A circuit cut because open circuits held more of their dialers' bytes than the relay allows. */
export class HeldBytesError extends Error {
  static override readonly name: string = 'HeldBytesError'
  override name = 'HeldBytesError'
}

/**
 * A received file could not be saved: its content did not match its offer (length, hash), or the disk
 * refused it (`code` is then the system's, such as `ENOSPC`). Nothing is left under the final name.
 */
export class FileSaveError extends SecureChatError {
  static override readonly name: string = 'FileSaveError'
  override name = 'FileSaveError'
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}

/** A file transfer refused or ended before it was whole, with the reason the other side was told. */
export class TransferError extends ReasonError {
  static override readonly name: string = 'TransferError'
  override name = 'TransferError'
}

/** A local command about a file transfer this member does not have, or not in that state. */
export class NoSuchTransferError extends SecureChatError {
  static override readonly name: string = 'NoSuchTransferError'
  override name = 'NoSuchTransferError'
}
