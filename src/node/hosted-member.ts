/**
 * @module What the host keeps of each member: its identity and its session state (the bounded backlog
 * of deliveries replayed when it resumes is `backlog.ts`'s).
 */
import type { MemberKeyPair } from '../protocol/member-keys.js'
import type { RsaPublicKey } from '../protocol/rsa.js'
import type { SigningPublicKey } from '../protocol/signing-key.js'
import type { Member } from '../protocol/wire/securechat.js'
import { type Backlog, emptyBacklog } from './backlog.js'
import type { FrameChannel } from './channel.js'
import type { MemberInfo } from './events.js'
import type { MemberLimits } from './host-config.js'
import { TokenBucket } from './rate-limit.js'

/** What the host keeps of one member of its room; its backlog (`Backlog`) holds the latest deliveries to it. */
export interface HostedMember extends Backlog {
  peerId: string
  nickname: string
  publicKey: RsaPublicKey
  publicKeySpki: Uint8Array
  /** The P-256 key its messages are signed with, and the RSA-PSS signature binding it to `publicKey`. */
  signingKey: SigningPublicKey
  signingKeyBinding: Uint8Array
  /** Its number in the room, from 1, never reused by this host: deliveries name their sender by it. */
  index: number
  fingerprint: string
  /** The host itself, whose messages are delivered in-process. */
  local: boolean
  /** The member's current stream; a member that is `away` keeps its place until its resume window ends. */
  channel: FrameChannel | undefined
  away: boolean
  awayTimer: ReturnType<typeof setTimeout> | undefined
  rate: TokenBucket
  lastCounter: number
  /** Recent counter → seq, so a message re-sent after a reconnect is acknowledged, not relayed twice. */
  acks: Map<number, number>
}

export type MemberSession = Pick<
  HostedMember,
  | 'away'
  | 'awayTimer'
  | 'backlog'
  | 'backlogBytes'
  | 'dropped'
  | 'forgotten'
  | 'rate'
  | 'lastCounter'
  | 'acks'
>

const ACKS_REMEMBERED = 1024

/** The per-session state every member starts with (and keeps across a resume). */
export function freshSession(limits: MemberLimits, now: () => number): MemberSession {
  const { perSecond, burst } = limits.rateLimit
  return {
    away: false,
    awayTimer: undefined,
    ...emptyBacklog(),
    rate: new TokenBucket({ perSecond, burst, now }),
    lastCounter: 0,
    acks: new Map()
  }
}

/** The host itself as a member of its room: its messages are delivered in-process, never held. */
export function hostAsMember(
  self: Pick<HostedMember, 'peerId' | 'nickname' | 'fingerprint' | 'index'>,
  keys: MemberKeyPair,
  limits: MemberLimits & { now: () => number }
): HostedMember {
  return {
    ...self,
    publicKey: keys.publicKey,
    signingKey: keys.signing.publicKey,
    signingKeyBinding: keys.binding,
    publicKeySpki: keys.publicKey.spki,
    ...freshSession(limits, limits.now),
    local: true,
    channel: undefined
  }
}

/** The member as events show it. */
export function memberInfo(m: HostedMember): MemberInfo {
  return { nick: m.nickname, peerId: m.peerId, fingerprint: m.fingerprint }
}

/** The member as the wire announces it. */
export function memberRecord(m: HostedMember): Member {
  return {
    peerId: m.peerId,
    nickname: m.nickname,
    publicKey: m.publicKeySpki as Uint8Array<ArrayBuffer>,
    fingerprint: m.fingerprint,
    signingKey: m.signingKey.raw as Uint8Array<ArrayBuffer>,
    signingKeyBinding: m.signingKeyBinding as Uint8Array<ArrayBuffer>,
    index: m.index
  }
}

export function rememberAck(member: HostedMember, counter: number, seq: number): void {
  member.acks.set(counter, seq)
  if (member.acks.size > ACKS_REMEMBERED) member.acks.delete(member.acks.keys().next().value as number)
}
