/**
 * @module The options of `createRoomHost`, and the read-only config they resolve to once, defaults filled.
 */
import { MAX_MEMBERS } from '../protocol/constants.js'
import type { MemberKeyPair } from '../protocol/member-keys.js'
import type { RsaKeyPair } from '../protocol/rsa.js'
import type { Post } from '../protocol/wire/securechat.js'
import {
  ANSWER_CHECKS_AT_ONCE,
  BACKLOG_BYTES,
  BACKLOG_MESSAGES,
  CONNECTION_GRACE_MS,
  HANDSHAKE_STEP_TIMEOUT_MS,
  HANDSHAKE_TOTAL_TIMEOUT_MS,
  HELLO_TIMEOUT_MS,
  MAX_CONNECTIONS_PER_SOURCE,
  MAX_HANDSHAKES,
  MAX_HANDSHAKES_PER_SOURCE,
  MESSAGE_BURST,
  MESSAGE_RATE_PER_SECOND,
  RESUME_TTL_MS
} from './constants.js'
import type { MemberFileOptions } from './file-transfers.js'
import { type FileLimits, resolveFileLimits } from './hosted-transfers.js'
import type { InvitationRecord } from './invitations.js'
import type { NodeOptions } from './libp2p.js'
import type { LockoutOptions } from './lockout.js'

export interface RoomHostOptions extends Omit<NodeOptions, 'listen'> {
  /** @default 'securechat room' */
  roomName?: string
  /** The security question every joiner must answer. */
  question: string
  /** The answer in clear; hashed with scrypt at once and then forgotten. Or give `answerHash`. */
  answer?: string
  answerHash?: string
  /** TOTP secret (base32) of the room code; a fresh one when absent. */
  roomSecret?: string
  fernetKey?: string
  roomId?: Uint8Array
  invitations?: InvitationRecord[]
  onInvitationsChange?: (records: InvitationRecord[]) => void
  /** The host's nickname as a member; ignored with `relayOnly`. @default 'host' */
  nickname?: string
  /** Admit and relay, but hold no key that opens the room's messages. @default false */
  relayOnly?: boolean
  /**
   * The host's member keys: RSA, and the P-256 key it signs with (made and bound when only the RSA
   * pair is given, as a stored room's first start on this version does). Generated when absent.
   */
  keys?: RsaKeyPair | MemberKeyPair
  listen?: string[]
  /** TCP port of the default listen addresses (0 = any free one). @default 0 */
  port?: number
  /**
   * Deadlines: the first frame of a stream, each step a person answers, the whole handshake.
   * @default { helloMs: HELLO_TIMEOUT_MS, stepMs: HANDSHAKE_STEP_TIMEOUT_MS, handshakeMs: HANDSHAKE_TOTAL_TIMEOUT_MS }
   */
  timeouts?: Partial<{ helloMs: number; stepMs: number; handshakeMs: number }>
  lockout?: LockoutOptions
  /** Handshakes past a valid token at once from one source. @default MAX_HANDSHAKES_PER_SOURCE */
  maxHandshakesPerSource?: number
  /** Handshakes past a valid token at once on the whole host. @default MAX_HANDSHAKES */
  maxHandshakes?: number
  /** Answers hashed at once. @default ANSWER_CHECKS_AT_ONCE */
  answerChecksAtOnce?: number
  /** @default MAX_MEMBERS */
  maxMembers?: number
  /**
   * Messages per second per member, and the burst allowed; a flood beyond is refused with RATE_LIMITED.
   * @default { perSecond: MESSAGE_RATE_PER_SECOND, burst: MESSAGE_BURST }
   */
  rateLimit?: { perSecond?: number; burst?: number }
  /** How long a dropped member's place and resume credential last. @default RESUME_TTL_MS */
  resumeTtlMs?: number
  /** Deliveries kept per member for replay on resume. @default BACKLOG_MESSAGES */
  backlogSize?: number
  /** Bytes those deliveries may hold. @default BACKLOG_BYTES */
  backlogBytes?: number
  /** PeerIds banned earlier (a persisted room), and a hook to persist the list when it changes. */
  banned?: string[]
  onBansChange?: (banned: string[]) => void
  /**
   * Connections from one source address (IPv4, or IPv6 /64) with no member and no handshake past the
   * token on them; past this the oldest such is closed. @default MAX_CONNECTIONS_PER_SOURCE
   */
  maxConnectionsPerSource?: number
  /** How long such a connection is kept. @default CONNECTION_GRACE_MS */
  connectionGraceMs?: number
  now?: () => number
  /**
   * Called with each Post a member (or the host's own member) hands to the relay, before it is checked:
   * for diagnostics, and for tests that play a curious host. It gives nothing away: the host receives
   * these frames anyway, and they are sealed for the recipients. It must not change the Post.
   */
  relayTap?: (post: Readonly<Post>, sender: string) => void
  /** Sees every sealed chunk a member uploads (tests playing a curious host); it must not change it. */
  fileTap?: (seq: number, index: number, sealed: Readonly<Uint8Array>) => void
  /** The host's bounds on the files members send through it (size, transfers at once, rate). */
  fileLimits?: Partial<FileLimits>
  /** Files offered to the host's own member: where they go, what is accepted without asking. */
  files?: MemberFileOptions
}

/** Per-member limits the relay and the backlog apply. */
export interface MemberLimits {
  rateLimit: { perSecond: number; burst: number }
  backlogSize: number
  backlogBytes: number
}

/** Everything a host decides by, resolved once in its constructor. */
export interface HostConfig extends MemberLimits {
  readonly roomName: string
  readonly question: string
  readonly nickname: string
  readonly relayOnly: boolean
  readonly timeouts: { helloMs: number; stepMs: number; handshakeMs: number }
  readonly lockout: LockoutOptions
  readonly maxHandshakesPerSource: number
  readonly maxHandshakes: number
  readonly answerChecksAtOnce: number
  readonly maxMembers: number
  readonly resumeTtlMs: number
  readonly maxConnectionsPerSource: number
  readonly connectionGraceMs: number
  readonly announce: readonly string[]
  readonly fileLimits: FileLimits
  readonly now: () => number
}

export function resolveHostConfig(options: RoomHostOptions): HostConfig {
  const now = options.now ?? Date.now
  return Object.freeze({
    roomName: options.roomName ?? 'securechat room',
    question: options.question,
    nickname: options.nickname ?? 'host',
    relayOnly: options.relayOnly === true,
    timeouts: {
      helloMs: options.timeouts?.helloMs ?? HELLO_TIMEOUT_MS,
      stepMs: options.timeouts?.stepMs ?? HANDSHAKE_STEP_TIMEOUT_MS,
      handshakeMs: options.timeouts?.handshakeMs ?? HANDSHAKE_TOTAL_TIMEOUT_MS
    },
    lockout: { ...options.lockout, now },
    maxHandshakesPerSource: options.maxHandshakesPerSource ?? MAX_HANDSHAKES_PER_SOURCE,
    maxHandshakes: options.maxHandshakes ?? MAX_HANDSHAKES,
    answerChecksAtOnce: options.answerChecksAtOnce ?? ANSWER_CHECKS_AT_ONCE,
    maxMembers: options.maxMembers ?? MAX_MEMBERS,
    rateLimit: {
      perSecond: options.rateLimit?.perSecond ?? MESSAGE_RATE_PER_SECOND,
      burst: options.rateLimit?.burst ?? MESSAGE_BURST
    },
    resumeTtlMs: options.resumeTtlMs ?? RESUME_TTL_MS,
    backlogSize: options.backlogSize ?? BACKLOG_MESSAGES,
    backlogBytes: options.backlogBytes ?? BACKLOG_BYTES,
    maxConnectionsPerSource: options.maxConnectionsPerSource ?? MAX_CONNECTIONS_PER_SOURCE,
    connectionGraceMs: options.connectionGraceMs ?? CONNECTION_GRACE_MS,
    announce: options.announce ?? [],
    fileLimits: resolveFileLimits(options.fileLimits),
    now
  })
}

/** The answer a room is created with; a room needs one (or its hash) before anyone can join. */
export function requireAnswer(answer: string | undefined): string {
  if (answer === undefined)
    throw new Error('the room needs the answer to its security question (answer or answerHash)')
  return answer
}
