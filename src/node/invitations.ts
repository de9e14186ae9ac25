import { asBufferSource, constantTimeEqual, randomBytes, toHex } from '../protocol/bytes.js'
import { InvalidTokenError } from '../protocol/errors.js'
import { Fernet } from '../protocol/fernet.js'
import { decodeClaims, encodeClaims } from '../protocol/invitation.js'
import { Reason } from '../protocol/wire/securechat.js'
import { DEFAULT_INVITATION_TTL_MS } from './constants.js'
import { TokenRefusedError } from './errors.js'

export interface InvitationRecord {
  id: string
  createdAt: number
  expiresAt: number
  maxUses: number | undefined
  uses: number
  revoked: boolean
}

export interface IssuedInvitation {
  record: InvitationRecord
  token: string
}

export interface InvitationBookOptions {
  fernetKey: string
  roomId: Uint8Array
  records?: InvitationRecord[]
  now?: () => number
  /** Called after every change, so a persisted room can save the book. */
  onChange?: (records: InvitationRecord[]) => void
}

/**
 * The host's invitations: issues Fernet tokens carrying (room id, invitation id, expiry), and checks a
 * presented token against MAC, expiry, room, revocation and uses left, in that order.
 */
export class InvitationBook {
  private readonly fernet: Fernet
  private readonly roomId: Uint8Array
  private readonly records = new Map<string, InvitationRecord>()
  private readonly now: () => number
  private readonly onChange: ((records: InvitationRecord[]) => void) | undefined

  constructor(options: InvitationBookOptions) {
    this.fernet = new Fernet(options.fernetKey)
    this.roomId = options.roomId
    this.now = options.now ?? Date.now
    this.onChange = options.onChange
    for (const record of options.records ?? []) this.records.set(record.id, { ...record })
  }

  async issue(options: { ttlMs?: number; maxUses?: number } = {}): Promise<IssuedInvitation> {
    const now = this.now()
    const ttlMs = options.ttlMs ?? DEFAULT_INVITATION_TTL_MS
    const record: InvitationRecord = {
      id: toHex(randomBytes(8)),
      createdAt: now,
      expiresAt: now + ttlMs,
      maxUses: options.maxUses,
      uses: 0,
      revoked: false
    }
    const claims = encodeClaims({
      roomId: asBufferSource(this.roomId),
      invitationId: record.id,
      expiresAt: record.expiresAt
    })
    const token = await this.fernet.encrypt(claims, { now })
    this.records.set(record.id, record)
    this.changed()
    return { record, token }
  }

  /** Returns the invitation a token stands for, or throws `TokenRefusedError` with the reason. */
  async check(token: string): Promise<InvitationRecord> {
    const now = this.now()
    let plaintext: Uint8Array
    try {
      // The Fernet TTL is the longest any invitation may live; each token's own expiry is checked below.
      plaintext = await this.fernet.decrypt(token, { now, ttlSeconds: 10 * 365 * 24 * 3600 })
    } catch (err) {
      if (err instanceof InvalidTokenError && err.reason === 'expired') {
        throw new TokenRefusedError(Reason.TOKEN_EXPIRED, 'invitation expired')
      }
      throw new TokenRefusedError(Reason.TOKEN_INVALID, 'invitation token is not valid')
    }
    let claims: ReturnType<typeof decodeClaims>
    try {
      claims = decodeClaims(plaintext)
    } catch {
      throw new TokenRefusedError(Reason.TOKEN_INVALID, 'invitation token is not valid')
    }
    if (claims.expiresAt <= now) throw new TokenRefusedError(Reason.TOKEN_EXPIRED, 'invitation expired')
    if (!constantTimeEqual(claims.roomId, this.roomId)) {
      throw new TokenRefusedError(Reason.TOKEN_WRONG_ROOM, 'invitation is for another room')
    }
    return this.stillValid(claims.invitationId)
  }

  /**
   * The invitation's record, if it may still admit someone now: known, not revoked, uses left, not
   * expired. Checked again at the last moment of a join, as the host may have revoked it meanwhile.
   */
  stillValid(id: string): InvitationRecord {
    const record = this.records.get(id)
    if (record === undefined)
      throw new TokenRefusedError(Reason.TOKEN_REVOKED, 'invitation is no longer known')
    if (record.revoked) throw new TokenRefusedError(Reason.TOKEN_REVOKED, 'invitation was revoked')
    if (record.maxUses !== undefined && record.uses >= record.maxUses) {
      throw new TokenRefusedError(Reason.TOKEN_USED_UP, 'invitation has been used up')
    }
    if (record.expiresAt <= this.now())
      throw new TokenRefusedError(Reason.TOKEN_EXPIRED, 'invitation expired')
    return record
  }

  /** Counts one admission; called at Welcome, after every gate passed. */
  use(id: string): void {
    const record = this.records.get(id)
    if (record === undefined) return
    record.uses++
    this.changed()
  }

  revoke(id: string): boolean {
    const record = this.records.get(id)
    if (record === undefined || record.revoked) return false
    record.revoked = true
    this.changed()
    return true
  }

  list(): InvitationRecord[] {
    return [...this.records.values()].map((r) => ({ ...r }))
  }

  /** Forgets invitations long expired, so a long-lived room's book does not grow forever. */
  prune(): void {
    const now = this.now()
    let removed = false
    for (const [id, record] of this.records) {
      if (record.expiresAt < now) {
        this.records.delete(id)
        removed = true
      }
    }
    if (removed) this.changed()
  }

  private changed(): void {
    this.onChange?.(this.list())
  }
}
