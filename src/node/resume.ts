import { asBufferSource, constantTimeEqual, fromBase64Url, toBase64Url, utf8 } from '../protocol/bytes.js'
import { Fernet } from '../protocol/fernet.js'
import { ResumeClaims } from '../protocol/wire/securechat.js'
import { RESUME_TTL_MS } from './constants.js'

/** The subset of a member the credential is bound to. */
export interface ResumeSubject {
  peerId: string
  nickname: string
  publicKeySpki: Uint8Array
}

export async function keyHash(spki: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', asBufferSource(spki)))
}

/**
 * Resume credentials are Fernet tokens under a key derived from the room's Fernet key, so a restarted
 * host with the same stored room still honours them, while an invitation token can never pass for one.
 */
async function deriveResumeKey(fernetKey: string): Promise<string> {
  const key = await globalThis.crypto.subtle.importKey(
    'raw',
    asBufferSource(fromBase64Url(fernetKey)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign']
  )
  const derived = await globalThis.crypto.subtle.sign(
    'HMAC',
    key,
    asBufferSource(utf8('securechat resume credential'))
  )
  return toBase64Url(new Uint8Array(derived))
}

export class ResumeAuthority {
  private readonly fernet: Promise<Fernet>
  private readonly roomId: Uint8Array
  private readonly ttlMs: number
  private readonly now: () => number
  /** PeerIds whose credentials were voided (kick, ban, leave), until their credentials would expire. */
  private readonly voided = new Map<string, number>()

  constructor(options: { fernetKey: string; roomId: Uint8Array; ttlMs?: number; now?: () => number }) {
    this.fernet = deriveResumeKey(options.fernetKey).then((key) => new Fernet(key))
    this.roomId = options.roomId
    this.ttlMs = options.ttlMs ?? RESUME_TTL_MS
    this.now = options.now ?? Date.now
  }

  get lifetimeMs(): number {
    return this.ttlMs
  }

  async issue(subject: ResumeSubject): Promise<string> {
    const now = this.now()
    this.voided.delete(subject.peerId)
    const claims = ResumeClaims.encode({
      roomId: asBufferSource(this.roomId),
      peerId: subject.peerId,
      keyHash: asBufferSource(await keyHash(subject.publicKeySpki)),
      nickname: subject.nickname,
      expiresAt: now + this.ttlMs
    })
    return (await this.fernet).encrypt(claims, { now })
  }

  /** The claims of a valid credential presented by `peerId`, or undefined. */
  async check(token: string, peerId: string): Promise<ResumeClaims | undefined> {
    const now = this.now()
    let claims: ResumeClaims
    try {
      const plaintext = await (await this.fernet).decrypt(token, {
        now,
        ttlSeconds: Math.ceil(this.ttlMs / 1000)
      })
      claims = ResumeClaims.decode(plaintext)
    } catch {
      return undefined
    }
    if (claims.expiresAt <= now || claims.peerId !== peerId) return undefined
    if (!constantTimeEqual(claims.roomId, this.roomId)) return undefined
    if ((this.voided.get(peerId) ?? 0) > now) return undefined
    return claims
  }

  /** After a kick, a ban or a clean leave, the member's outstanding credentials stop working. */
  void(peerId: string): void {
    this.voided.set(peerId, this.now() + this.ttlMs)
    for (const [id, until] of this.voided) if (until <= this.now()) this.voided.delete(id)
  }
}
