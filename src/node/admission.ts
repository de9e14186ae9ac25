/**
 * @module Admitting newcomers: handshake slots, the lockout, the four gates, and the last checks
 * before a Welcome. A returning member comes in through `readmission.ts` instead.
 */
import type { Connection } from '@libp2p/interface'
import type { Logger } from '@libp2p/logger'
import { type AnyFrame, frame } from '../protocol/frame.js'
import { memberFingerprint } from '../protocol/member-keys.js'
import { verifyRoomCode } from '../protocol/totp.js'
import { Reason } from '../protocol/wire/securechat.js'
import { verifyAnswer } from './answer-hash.js'
import type { FrameChannel } from './channel.js'
import { MAX_NICKNAME_TRIES } from './constants.js'
import { RefusedError } from './errors.js'
import { type Gates, runHandshake } from './gatekeeper.js'
import type { HostConfig } from './host-config.js'
import { freshSession, type HostedMember } from './hosted-member.js'
import type { InvitationBook, InvitationRecord } from './invitations.js'
import { type Guesser, Lockout } from './lockout.js'
import type { ResumeAuthority } from './resume.js'
import type { Roster } from './roster.js'
import { Semaphore } from './semaphore.js'

/** One inbound stream's handshake, as the host tracks it. */
export interface HandshakeContext {
  peerId: string
  /** The source address key (IPv4, or IPv6 /64). */
  source: string
  connection: Connection
  /** Marks the stream as showing a valid credential, so its connection is kept. */
  vouch(): void
  /** Attempts left for this joiner, as its refusal should say; 0 until it is known. */
  attemptsLeft(): number
  log: Logger
}

export interface AdmissionInit {
  config: HostConfig
  book: InvitationBook
  roster: Roster
  resume: ResumeAuthority
  answerHash: string
  roomSecret: string
  /** Throws `RefusedError` when the room takes nobody now (closing, banned PeerId). */
  barred(peerId: string): void
  isLocked(): boolean
}

/**
 * Runs newcomers through the gates. Only a valid invitation token opens the guessed part (answer and
 * code), and only that part takes a handshake slot or counts toward the lockout, so a stranger who
 * holds no invitation can make no one else wait or be locked out. Every answer is hashed through one
 * small semaphore, so scrypt never holds more than its share of the thread pool.
 */
export class Admission {
  readonly lockout: Lockout
  private readonly init: AdmissionInit
  private readonly slots = new Map<string, number>()
  private slotsInUse = 0
  private readonly answerChecks: Semaphore

  constructor(init: AdmissionInit) {
    this.init = init
    this.lockout = new Lockout(init.config.lockout)
    this.answerChecks = new Semaphore(init.config.answerChecksAtOnce)
  }

  /** Handshakes past a valid token under way now (all sources). */
  get handshakesInProgress(): number {
    return this.slotsInUse
  }

  /** Runs the handshake that `first` (a Hello) opened; resolves with the member, now in the room. */
  async admit(
    first: AnyFrame,
    channel: FrameChannel,
    ctx: HandshakeContext,
    signal: AbortSignal
  ): Promise<HostedMember> {
    const { config, book, roster } = this.init
    const gates = this.gates(ctx)
    try {
      const admission = await runHandshake(
        channel,
        first,
        gates,
        { stepMs: config.timeouts.stepMs, maxNicknameTries: MAX_NICKNAME_TRIES },
        signal
      )
      const subject = {
        peerId: ctx.peerId,
        nickname: admission.nickname,
        publicKeySpki: admission.publicKeySpki
      }
      const [fingerprint, resumeToken] = await Promise.all([
        memberFingerprint({ publicKeySpki: admission.publicKeySpki, signingKey: admission.signingKey.raw }),
        this.init.resume.issue(subject)
      ])
      // Re-checked after the last await: the room may have changed while the joiner typed.
      this.init.barred(ctx.peerId)
      if (this.init.isLocked()) throw new RefusedError(Reason.ROOM_LOCKED)
      book.stillValid(admission.invitation.id)
      const previous = roster.get(ctx.peerId)
      if (previous !== undefined) roster.depart(previous, Reason.CONNECTION_LOST)
      roster.checkRoomFor(admission.nickname)
      book.use(admission.invitation.id)
      const member: HostedMember = {
        peerId: ctx.peerId,
        nickname: admission.nickname,
        publicKey: admission.publicKey,
        publicKeySpki: admission.publicKeySpki,
        signingKey: admission.signingKey,
        signingKeyBinding: admission.signingKeyBinding,
        index: roster.nextIndex(),
        ...freshSession(config, config.now),
        fingerprint,
        local: false,
        channel
      }
      channel.send(frame('welcome', roster.welcomeFor(member, resumeToken)))
      roster.enter(member)
      // Only an admission settles the attempt as no failure: a handshake that ends anywhere before
      // (a wrong guess, a hang-up after the answer, a stall at the nickname) cost the host its work.
      gates.settle(false)
      ctx.log('admitted %s as a member', ctx.peerId)
      return member
    } finally {
      gates.end()
    }
  }

  /**
   * The gates of one handshake. `settle(false)` marks it admitted; `end` releases its slot and settles
   * an attempt still open as a failure.
   */
  private gates(ctx: HandshakeContext): Gates & { settle(failed: boolean): void; end(): void } {
    const { config, book, roster } = this.init
    let guesser: Guesser | undefined
    let slotTaken = false
    let open = false
    const settle = (failed: boolean): void => {
      if (!open || guesser === undefined) return
      open = false
      this.lockout.settle(guesser, failed)
    }
    ctx.attemptsLeft = () =>
      guesser === undefined ? 0 : this.lockout.status(guesser).attemptsLeft + (open ? 1 : 0)
    return {
      // The token first: a forged one is told so (and its connection closed) even in a locked room.
      checkToken: async (token) => {
        const invitation = await book.check(token)
        if (this.init.isLocked()) throw new RefusedError(Reason.ROOM_LOCKED)
        return invitation
      },
      begin: (invitation: InvitationRecord) => {
        ctx.vouch()
        guesser = { peerId: ctx.peerId, source: ctx.source, invitationId: invitation.id }
        const { lockedFor } = this.lockout.status(guesser)
        if (lockedFor > 0) {
          const minutes = Math.ceil(lockedFor / 60_000)
          throw new RefusedError(
            Reason.LOCKED_OUT,
            `too many failed attempts; try again in ${minutes} min`,
            lockedFor
          )
        }
        this.takeSlot(ctx.source)
        slotTaken = true
        if (!this.lockout.reserve(guesser)) {
          const lockedAfter = this.lockout.status(guesser).lockedFor
          throw new RefusedError(Reason.LOCKED_OUT, undefined, lockedAfter)
        }
        open = true
      },
      question: () => config.question,
      checkAnswer: (answer) => this.answerChecks.run(() => verifyAnswer(answer, this.init.answerHash)),
      checkCode: (code) => verifyRoomCode(this.init.roomSecret, code, { now: config.now() }),
      settle,
      attemptsLeft: () => ctx.attemptsLeft(),
      nicknameTaken: (nickname) => roster.nicknameTaken(nickname, ctx.peerId),
      end: () => {
        settle(true)
        if (slotTaken) this.releaseSlot(ctx.source)
      }
    }
  }

  /** Takes a handshake slot for `source`, or refuses when it (or the host) has none free. */
  private takeSlot(source: string): void {
    const held = this.slots.get(source) ?? 0
    if (held >= this.init.config.maxHandshakesPerSource) throw new RefusedError(Reason.TOO_MANY_HANDSHAKES)
    if (this.slotsInUse >= this.init.config.maxHandshakes) {
      throw new RefusedError(
        Reason.TOO_MANY_HANDSHAKES,
        'the host has too many joiners at once; try again shortly'
      )
    }
    this.slots.set(source, held + 1)
    this.slotsInUse++
  }

  private releaseSlot(source: string): void {
    const held = (this.slots.get(source) ?? 1) - 1
    if (held <= 0) this.slots.delete(source)
    else this.slots.set(source, held)
    this.slotsInUse = Math.max(0, this.slotsInUse - 1)
  }
}
