/**
 * @module An invitation string made from a token the book issued and the addresses the host offers now.
 */
import type { Multiaddr } from '@multiformats/multiaddr'
import { decodeInvitation, encodeInvitation } from '../protocol/invitation.js'
import { DEFAULT_INVITATION_TTL_MS } from './constants.js'
import type { InvitationBook } from './invitations.js'

export interface IssuedRoomInvitation {
  id: string
  invitation: string
  addresses: string[]
  expiresAt: number
}

/** Issues a token (`ttlMs` defaults to `DEFAULT_INVITATION_TTL_MS`) and wraps it with `addresses`. */
export async function issueInvitation(
  book: InvitationBook,
  addresses: Multiaddr[],
  options: { ttlMs?: number; maxUses?: number }
): Promise<IssuedRoomInvitation> {
  const { record, token } = await book.issue({
    ttlMs: options.ttlMs ?? DEFAULT_INVITATION_TTL_MS,
    maxUses: options.maxUses
  })
  return { id: record.id, expiresAt: record.expiresAt, ...withAddresses({ token }, addresses) }
}

/**
 * The invitation with its token unchanged and `addresses` instead of its own: what a host offers
 * when a relay reservation or a router mapping changes where it can be reached.
 */
export function withAddresses(
  invitation: string | { token: string },
  addresses: Multiaddr[]
): { invitation: string; addresses: string[] } {
  const token = typeof invitation === 'string' ? decodeInvitation(invitation).token : invitation.token
  return {
    invitation: encodeInvitation({ addresses: addresses.map((a) => a.bytes), token }),
    addresses: addresses.map(String)
  }
}
