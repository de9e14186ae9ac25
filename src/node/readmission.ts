/**
 * @module A member coming back after a dropped connection: its resume proof, its place back with the
 * messages held for it, and the renewal of the short-lived credentials that make this possible.
 */
import { asBufferSource, constantTimeEqual } from '../protocol/bytes.js'
import { frame } from '../protocol/frame.js'
import { memberFingerprint } from '../protocol/member-keys.js'
import { importPublicKey, verify } from '../protocol/rsa.js'
import { resumeSignatureInput } from '../protocol/signing.js'
import { Reason, type Resume, type ResumeClaims } from '../protocol/wire/securechat.js'
import type { HandshakeContext } from './admission.js'
import { takeBacklog } from './backlog.js'
import type { FrameChannel } from './channel.js'
import { CLOSE_FLUSH_MS, RESUME_CLOCK_SKEW_MS } from './constants.js'
import { RefusedError } from './errors.js'
import type { HostConfig } from './host-config.js'
import { freshSession, type HostedMember } from './hosted-member.js'
import { presentedIdentity } from './member-identity.js'
import { keyHash, type ResumeAuthority } from './resume.js'
import type { Roster } from './roster.js'

export interface ReadmissionInit {
  config: HostConfig
  roomId: Uint8Array
  roster: Roster
  resume: ResumeAuthority
  barred(peerId: string): void
}

/**
 * Checks a Resume and gives the member its place back. The proof is checked first and costs one
 * Fernet decryption, one hash and one RSA verification; a valid one is never subject to the caps
 * and lockouts meant for strangers, so a member is never kept out by what others behind its address
 * did. An invalid one is refused without counting toward any lockout: a credential cannot be guessed.
 */
export class Readmission {
  private readonly init: ReadmissionInit

  constructor(init: ReadmissionInit) {
    this.init = init
  }

  async readmit(request: Resume, channel: FrameChannel, ctx: HandshakeContext): Promise<HostedMember> {
    const { roster, resume, config } = this.init
    const { peerId } = ctx
    this.init.barred(peerId)
    const claims = await resume.check(request.token, peerId)
    if (claims === undefined || !(await this.proven(request, claims, peerId))) {
      throw new RefusedError(Reason.RESUME_INVALID)
    }
    ctx.vouch()
    const publicKeySpki = request.publicKey.slice()
    const resumeToken = await resume.issue({ peerId, nickname: claims.nickname, publicKeySpki })
    this.init.barred(peerId)
    const existing = roster.get(peerId)
    if (existing !== undefined && !existing.local) {
      const previous = existing.channel
      existing.channel = channel
      if (previous !== channel) void previous?.close(AbortSignal.timeout(CLOSE_FLUSH_MS))
      const { held, missed, gapUnknown } = takeBacklog(existing, request.lastSeq)
      const nextSeq = held[0]?.seq
      channel.send(
        frame('resumed', {
          welcome: roster.welcomeFor(existing, resumeToken, nextSeq),
          missed,
          gapUnknown,
          replayed: held.length
        })
      )
      for (const deliver of held) channel.send(frame('deliver', deliver))
      roster.comeBack(existing)
      ctx.log('%s resumed, %d held messages replayed', peerId, held.length)
      return existing
    }
    // The host restarted meanwhile: the member is re-admitted under the name its credential carries.
    roster.checkRoomFor(claims.nickname, peerId)
    const identity = await presentedIdentity(request).catch(() => {
      throw new RefusedError(Reason.RESUME_INVALID)
    })
    const member: HostedMember = {
      peerId,
      nickname: claims.nickname,
      ...identity,
      index: roster.nextIndex(),
      fingerprint: await memberFingerprint({ publicKeySpki, signingKey: identity.signingKey.raw }),
      ...freshSession(config, config.now),
      local: false,
      channel
    }
    roster.checkRoomFor(claims.nickname, peerId)
    channel.send(
      frame('resumed', {
        welcome: roster.welcomeFor(member, resumeToken),
        missed: 0,
        gapUnknown: true,
        replayed: 0
      })
    )
    roster.enter(member)
    ctx.log('%s re-admitted after a host restart', peerId)
    return member
  }

  /** Sends every connected member a fresh credential, well before its current one expires. */
  async renewCredentials(): Promise<void> {
    for (const member of [...this.init.roster.members.values()]) {
      if (member.local || member.away || member.channel === undefined) continue
      const resumeToken = await this.init.resume.issue(member)
      member.channel?.send(frame('credential', { resumeToken }))
    }
  }

  private async proven(request: Resume, claims: ResumeClaims, peerId: string): Promise<boolean> {
    if (Math.abs(this.init.config.now() - request.timestamp) > RESUME_CLOCK_SKEW_MS) return false
    if (!constantTimeEqual(await keyHash(request.publicKey), claims.keyHash)) return false
    try {
      const key = await importPublicKey(request.publicKey)
      return await verify(
        key,
        request.signature,
        resumeSignatureInput(asBufferSource(this.init.roomId), peerId, request.timestamp, request.token)
      )
    } catch {
      return false
    }
  }
}
