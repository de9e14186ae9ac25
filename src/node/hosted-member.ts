/**
 * @module What the host keeps of each member: its session state, and the bounded backlog of deliveries
 * replayed when it resumes.
 */
import type { RsaPublicKey } from '../protocol/rsa.js'
import type { SigningPublicKey } from '../protocol/signing-key.js'
import type { Deliver, Member } from '../protocol/wire/securechat.js'
import type { FrameChannel } from './channel.js'
import type { MemberInfo } from './events.js'
import type { MemberLimits } from './host-config.js'
import { TokenBucket } from './rate-limit.js'

/** What the host keeps of one member of its room. */
export interface HostedMember {
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
  /** The latest deliveries to this member, oldest first, for replay on resume (bounded). */
  backlog: Deliver[]
  backlogBytes: number
  /** Sequence numbers that fell out of the backlog, oldest first (bounded). */
  dropped: number[]
  /** The latest dropped sequence number no longer remembered: a gap reaching it has an unknown size. */
  forgotten: number
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
const DROPPED_SEQS_REMEMBERED = 10_000

/** The per-session state every member starts with (and keeps across a resume). */
export function freshSession(limits: MemberLimits, now: () => number): MemberSession {
  const { perSecond, burst } = limits.rateLimit
  return {
    away: false,
    awayTimer: undefined,
    backlog: [],
    backlogBytes: 0,
    dropped: [],
    forgotten: 0,
    rate: new TokenBucket({ perSecond, burst, now }),
    lastCounter: 0,
    acks: new Map()
  }
}

/** The host itself as a member of its room: its messages are delivered in-process, never held. */
export function hostAsMember(
  self: Pick<HostedMember, 'peerId' | 'nickname' | 'fingerprint' | 'index'>,
  keys: Pick<HostedMember, 'publicKey' | 'signingKey' | 'signingKeyBinding'>,
  limits: MemberLimits & { now: () => number }
): HostedMember {
  return {
    ...self,
    ...keys,
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

/** Bookkeeping of one held delivery besides its buffers (object, sequence numbers, strings). */
const DELIVERY_OVERHEAD_BYTES = 64

/** A PeerId string in the heap: its characters (two bytes each) and the string's header. */
const recipientBytes = (id: string): number => 16 + 2 * id.length

/**
 * A recipient list shared by the held deliveries of one message: its bytes, what a holder is charged
 * when it takes its copy, and the charges of the copies held, newest last.
 */
interface SharedList {
  bytes: number
  share: number
  holders: ListCharge[]
}

/** One held copy's part of its list: whose backlog holds it (none once it is let go), and for how much. */
interface ListCharge {
  member: HostedMember | undefined
  bytes: number
}

/** Bookkeeping per holder of a shared list (a ListCharge, and its place in `holders`). */
const LIST_HOLDER_BYTES = 48

const sharedLists = new WeakMap<readonly string[], SharedList>()
const listCharges = new WeakMap<Deliver, ListCharge>()

function listBytes(list: readonly string[]): number {
  return list.reduce((sum, id) => sum + recipientBytes(id), 0)
}

/**
 * Says that `list` is one array held by `holders` deliveries (a message's recipients present in the
 * room, whose backlogs keep it): each is charged its share. Made-up recipients add to the list but
 * not to its holders, so padding a list makes each real holder pay more, never less. When a holder
 * lets its copy go, its share passes to one that still keeps it, so that together those left are
 * always charged the whole list, and the last one alone all of it.
 */
export function shareRecipientList(list: readonly string[], holders: number): void {
  const bytes = listBytes(list) + LIST_HOLDER_BYTES * holders
  sharedLists.set(list, { bytes, share: Math.ceil(bytes / Math.max(1, holders)), holders: [] })
}

function listCharge(deliver: Deliver): number {
  const list = deliver.recipients
  if (list.length === 0) return 0
  return listCharges.get(deliver)?.bytes ?? sharedLists.get(list)?.share ?? listBytes(list)
}

/**
 * What a held delivery really keeps alive: every buffer its byte fields are views into, counted whole
 * (a view into a received frame would keep the whole frame), so the backlog's byte bound is true of
 * memory and not only of the fields' lengths. The relay copies what it keeps into buffers of their own.
 * Its recipient list is charged whole, or its part when the list is one array shared by several
 * holders (`shareRecipientList`).
 */
export function deliveryBytes(deliver: Deliver): number {
  // Each buffer once, however many fields view it (counted twice per held delivery: no Set for it).
  const ciphertext = deliver.ciphertext.buffer
  const wrappedKey = deliver.wrappedKey.buffer
  const signature = deliver.signature.buffer
  let bytes = DELIVERY_OVERHEAD_BYTES + ciphertext.byteLength
  if (wrappedKey !== ciphertext) bytes += wrappedKey.byteLength
  if (signature !== ciphertext && signature !== wrappedKey) bytes += signature.byteLength
  return bytes + listCharge(deliver)
}

/**
 * A held delivery leaves its backlog: its part of a shared list goes to the newest copy still held,
 * whose member is returned (it may now be over its bound).
 */
function letGo(deliver: Deliver): HostedMember | undefined {
  const charge = listCharges.get(deliver)
  const list = sharedLists.get(deliver.recipients)
  listCharges.delete(deliver)
  if (charge === undefined || list === undefined) return undefined
  charge.member = undefined
  const { holders } = list
  for (let heir = holders.at(-1); heir !== undefined; heir = holders.at(-1)) {
    if (heir.member === undefined) {
      holders.pop()
      continue
    }
    heir.bytes += charge.bytes
    heir.member.backlogBytes += charge.bytes
    return heir.member
  }
  return undefined
}

/**
 * Drops the oldest deliveries of `first` while it is over its bounds, and of any member that took
 * over a dropped delivery's share of its list meanwhile.
 */
function trimBacklogs(first: HostedMember, limits: MemberLimits): void {
  const over = [first]
  for (let member = over.pop(); member !== undefined; member = over.pop()) {
    while (member.backlog.length > limits.backlogSize || member.backlogBytes > limits.backlogBytes) {
      const dropped = member.backlog.shift()
      if (dropped === undefined) break
      member.backlogBytes -= deliveryBytes(dropped)
      member.dropped.push(dropped.seq)
      if (member.dropped.length > DROPPED_SEQS_REMEMBERED) member.forgotten = member.dropped.shift() ?? 0
      const heir = letGo(dropped)
      if (heir !== undefined && heir !== member) over.push(heir)
    }
  }
}

/**
 * Keeps a member's most recent deliveries, bounded in count and bytes, so a resume can replay what
 * it did not get. The sequence numbers of those that fall out are remembered (as numbers only), so a
 * resume can say how many it missed.
 */
export function holdDelivery(member: HostedMember, deliver: Deliver, limits: MemberLimits): void {
  const list = sharedLists.get(deliver.recipients)
  if (list !== undefined) {
    const charge = { member, bytes: list.share }
    listCharges.set(deliver, charge)
    list.holders.push(charge)
  }
  member.backlog.push(deliver)
  member.backlogBytes += deliveryBytes(deliver)
  trimBacklogs(member, limits)
}

/**
 * A member gone for good: its held deliveries' shares of their lists pass to those who still hold
 * them (who are brought back within their bounds at their next delivery).
 */
export function releaseBacklog(member: HostedMember): void {
  for (const deliver of member.backlog.splice(0)) letGo(deliver)
  member.backlogBytes = 0
}

/** What a resume after `lastSeq` gets: the held deliveries it lacks, and how many fell out. */
export function takeBacklog(
  member: HostedMember,
  lastSeq: number
): { held: Deliver[]; missed: number; gapUnknown: boolean } {
  const held = member.backlog.filter((d) => d.seq > lastSeq)
  const missed = member.dropped.filter((seq) => seq > lastSeq).length
  const gapUnknown = lastSeq < member.forgotten
  member.dropped = []
  return { held, missed, gapUnknown }
}

export function rememberAck(member: HostedMember, counter: number, seq: number): void {
  member.acks.set(counter, seq)
  if (member.acks.size > ACKS_REMEMBERED) member.acks.delete(member.acks.keys().next().value as number)
}
