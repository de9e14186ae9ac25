import type { Reason } from './wire/securechat.js'

/**
 * Typed errors, in the shape of `@libp2p/interface`'s: a class per failure, each with a stable `name`,
 * so callers branch on `err.name` and never on message text.
 */

export class SecureChatError extends Error {
  static override readonly name: string = 'SecureChatError'
  override name = 'SecureChatError'
}

/**
 * A failure that maps to a wire `Reason`: what the peer is told, and what callers branch on. Frames,
 * gates, invitations and relayed messages all refuse through a subclass of it.
 */
export class ReasonError extends SecureChatError {
  static override readonly name: string = 'ReasonError'
  override name = 'ReasonError'
  readonly reason: Reason
  constructor(reason: Reason, message: string) {
    super(message)
    this.reason = reason
  }
}

/** A Fernet token was refused; `reason` says which check failed. */
export type FernetFailure = 'malformed' | 'version' | 'mac' | 'expired' | 'future' | 'padding'

export class InvalidTokenError extends SecureChatError {
  static override readonly name: string = 'InvalidTokenError'
  override name = 'InvalidTokenError'
  readonly reason: FernetFailure
  constructor(reason: FernetFailure, message = `invalid token: ${reason}`) {
    super(message)
    this.reason = reason
  }
}

/** Ciphertext, IV, tag, wrapped key or signature did not check out. */
export class DecryptionError extends SecureChatError {
  static override readonly name: string = 'DecryptionError'
  override name = 'DecryptionError'
}

export class InvalidSignatureError extends SecureChatError {
  static override readonly name: string = 'InvalidSignatureError'
  override name = 'InvalidSignatureError'
}

/** Input that is not of the expected form (a key, a frame, an invitation). */
export class InvalidInputError extends SecureChatError {
  static override readonly name: string = 'InvalidInputError'
  override name = 'InvalidInputError'
}
