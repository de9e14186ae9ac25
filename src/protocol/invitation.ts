import { asBufferSource, fromBase64Url, toBase64Url } from './bytes.js'
import {
  INVITATION_VERSION,
  MAX_ADDRESS_BYTES,
  MAX_INVITATION_ADDRESSES,
  MAX_TOKEN_LENGTH
} from './constants.js'
import { InvalidInputError } from './errors.js'
import { Invitation, InvitationClaims } from './wire/securechat.js'

/** Every invitation string starts with this; the digit is the format version. */
export const INVITATION_PREFIX = 'sc1'
/** Room id and invitation id are random, so a token cannot be guessed or linked to another room. */
export const ROOM_ID_BYTES = 16
const MAX_INVITATION_CHARS = 8192

export class InvalidInvitationError extends InvalidInputError {
  static override readonly name: string = 'InvalidInvitationError'
  override name = 'InvalidInvitationError'
}

export interface InvitationParts {
  /** Binary multiaddrs, each ending in /p2p/<host PeerId>. */
  addresses: Uint8Array[]
  token: string
}

/** One line, URL-safe, no spaces: `sc1` followed by base64url of the Invitation protobuf. */
/**
 * Encodes an invitation; refuses one a reader would refuse (more than `MAX_INVITATION_ADDRESSES`
 * addresses, an empty or over-long one), rather than hand out an invitation that leads nowhere.
 */
export function encodeInvitation(parts: InvitationParts): string {
  if (parts.addresses.length === 0 || parts.addresses.length > MAX_INVITATION_ADDRESSES) {
    throw new InvalidInvitationError(`an invitation holds 1 to ${MAX_INVITATION_ADDRESSES} addresses`)
  }
  if (parts.addresses.some((a) => a.byteLength === 0 || a.byteLength > MAX_ADDRESS_BYTES)) {
    throw new InvalidInvitationError('invitation holds a malformed address')
  }
  const bytes = Invitation.encode({
    version: INVITATION_VERSION,
    addresses: parts.addresses.map(asBufferSource),
    token: parts.token
  })
  return INVITATION_PREFIX + toBase64Url(bytes, { pad: false })
}

export function decodeInvitation(text: string): InvitationParts {
  const trimmed = text.trim()
  if (trimmed.length > MAX_INVITATION_CHARS) throw new InvalidInvitationError('invitation is too long')
  if (!trimmed.startsWith(INVITATION_PREFIX)) {
    throw new InvalidInvitationError(`an invitation starts with "${INVITATION_PREFIX}"`)
  }
  let decoded: Invitation
  try {
    decoded = Invitation.decode(fromBase64Url(trimmed.slice(INVITATION_PREFIX.length)), {
      limits: { addresses: MAX_INVITATION_ADDRESSES }
    })
  } catch {
    throw new InvalidInvitationError('invitation is damaged (it does not decode); copy it again in full')
  }
  if (decoded.version !== INVITATION_VERSION) {
    throw new InvalidInvitationError(
      `invitation format ${decoded.version} is not supported (expected ${INVITATION_VERSION})`
    )
  }
  if (decoded.addresses.length === 0) throw new InvalidInvitationError('invitation holds no host address')
  if (decoded.addresses.some((a) => a.byteLength === 0 || a.byteLength > MAX_ADDRESS_BYTES)) {
    throw new InvalidInvitationError('invitation holds a malformed address')
  }
  if (decoded.token.length === 0 || decoded.token.length > MAX_TOKEN_LENGTH) {
    throw new InvalidInvitationError('invitation holds no valid token')
  }
  return { addresses: decoded.addresses, token: decoded.token }
}

export function encodeClaims(claims: InvitationClaims): Uint8Array {
  return InvitationClaims.encode(claims)
}

/** Decodes the Fernet plaintext; only ever called after the MAC checked out. */
export function decodeClaims(bytes: Uint8Array): InvitationClaims {
  const claims = InvitationClaims.decode(bytes)
  if (claims.roomId.byteLength !== ROOM_ID_BYTES || claims.invitationId.length === 0) {
    throw new InvalidInputError('invitation claims are malformed')
  }
  return claims
}
