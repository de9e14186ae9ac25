/**
 * @module The keys a member presents (in Register, or in Resume to a restarted host), checked before
 * the host keeps them: an RSA key of an allowed size, and a P-256 signing key it vouches for.
 */
import { importPublicKey } from '../protocol/rsa.js'
import { verifiedSigningKey } from '../protocol/signing-key.js'
import { Reason } from '../protocol/wire/securechat.js'
import { RefusedError } from './errors.js'
import type { HostedMember } from './hosted-member.js'

export type MemberIdentity = Pick<
  HostedMember,
  'publicKey' | 'publicKeySpki' | 'signingKey' | 'signingKeyBinding'
>

/** The presented keys, imported; `KEY_INVALID` for a bad RSA key or a signing key it did not bind. */
export async function presentedIdentity(presented: {
  publicKey: Uint8Array
  signingKey: Uint8Array
  signingKeyBinding: Uint8Array
}): Promise<MemberIdentity> {
  let publicKey: HostedMember['publicKey']
  try {
    publicKey = await importPublicKey(presented.publicKey)
  } catch {
    throw new RefusedError(Reason.KEY_INVALID, 'the public key is not an RSA key of 2048 to 4096 bits')
  }
  try {
    const signingKey = await verifiedSigningKey(publicKey, presented.signingKey, presented.signingKeyBinding)
    // Kept for the member's whole stay: copies of their own, not views of the frame.
    return {
      publicKey,
      publicKeySpki: presented.publicKey.slice(),
      signingKey,
      signingKeyBinding: presented.signingKeyBinding.slice()
    }
  } catch {
    throw new RefusedError(Reason.KEY_INVALID, 'the signing key is not a P-256 key bound to the RSA key')
  }
}
