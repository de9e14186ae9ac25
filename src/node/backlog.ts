/**
 * @module The deliveries the host keeps for each member's replay on resume: one shared record per
 * message, held by every recipient's backlog, with what each holder is charged for it.
 *
 * A message to a room of N is held N times. Kept as N copies (each with its bookkeeping) that was,
 * in a room of 200, some 200 objects per message for the host's collector to trace and promote, up
 * to 1000 messages a member. Here the shared fields are one `HeldMessage`; a backlog entry is that
 * record itself, or, for an epoch-0 message whose wrapped key is the member's own, a small pair.
 */
import type { Deliver } from '../protocol/wire/securechat.js'
import type { MemberLimits } from './host-config.js'

/** What is charged for a message's shared fields: the Deliver object, its sequence numbers, strings. */
const MESSAGE_OVERHEAD_BYTES = 64
/** One holder's slot in a message's list of holders. */
const HOLDER_SLOT_BYTES = 8
/** An entry that pairs a message with a member's own wrapped key (the pair object and its slot). */
const KEYED_ENTRY_BYTES = 32
/** Sequence numbers that fell out of a backlog, remembered for the next resume's count. */
const DROPPED_SEQS_REMEMBERED = 10_000

/** What a member's backlog keeps, and what it is charged for it. */
export interface Backlog {
  /** The held messages, oldest first. */
  backlog: BacklogEntry[]
  /** What those entries are charged, together. */
  backlogBytes: number
  /** Sequence numbers that fell out, oldest first (bounded). */
  dropped: number[]
  /** The latest dropped sequence number no longer remembered: a gap reaching it has an unknown size. */
  forgotten: number
}

/**
 * One relayed message as the backlogs hold it. Every holder is charged `share`; a holder that lets
 * it go passes its part on, so the newest holder still keeping it carries `extra` besides: those
 * left are always charged the whole message between them, and the last one alone all of it.
 */
export interface HeldMessage {
  /** What a replay sends, its wrapped key empty (an epoch-0 entry adds the member's own). */
  readonly deliver: Deliver
  readonly share: number
  extra: number
  /** The backlogs that took it, oldest first; the last is always one that still holds it. */
  readonly holders: Backlog[]
}

/** An epoch-0 message in one member's backlog: the shared record and the member's own wrapped key. */
export interface KeyedEntry {
  readonly message: HeldMessage
  readonly wrappedKey: Uint8Array<ArrayBuffer>
}

export type BacklogEntry = HeldMessage | KeyedEntry

/** The shared record an entry holds. */
export const entryMessage = (entry: BacklogEntry): HeldMessage => ('message' in entry ? entry.message : entry)

/** A backlog holding nothing, as every member's starts. */
export function emptyBacklog(): Backlog {
  return { backlog: [], backlogBytes: 0, dropped: [], forgotten: 0 }
}

/** The sequence number of a backlog entry's message. */
export const entrySeq = (entry: BacklogEntry): number => entryMessage(entry).deliver.seq

/** A PeerId string in the heap: its characters (two bytes each) and the string's header. */
const recipientBytes = (id: string): number => 16 + 2 * id.length

/**
 * Every buffer the message's byte fields view, counted whole (a view into a received frame would keep
 * the whole frame, so the relay copies what it keeps into buffers of its own), and its recipient list.
 */
function sharedBytes(deliver: Deliver, holders: number): number {
  const ciphertext = deliver.ciphertext.buffer
  const signature = deliver.signature.buffer
  let bytes = MESSAGE_OVERHEAD_BYTES + HOLDER_SLOT_BYTES * holders + ciphertext.byteLength
  if (signature !== ciphertext) bytes += signature.byteLength
  for (const id of deliver.recipients) bytes += recipientBytes(id)
  return bytes
}

/** What an entry keeps for its member alone: an epoch-0 copy's wrapped key and the pair around it. */
const ownBytes = (entry: BacklogEntry): number =>
  'message' in entry ? KEYED_ENTRY_BYTES + entry.wrappedKey.buffer.byteLength : 0

/**
 * The shared record of a message `holders` backlogs will take. Recipients made up by the sender
 * lengthen its list but are no holders, so padding a list makes each real holder pay more, never less.
 */
export function heldMessage(deliver: Deliver, holders: number): HeldMessage {
  const bytes = sharedBytes(deliver, holders)
  return { deliver, share: Math.ceil(bytes / Math.max(1, holders)), extra: 0, holders: [] }
}

/** Whether `holder` still keeps `message`: backlogs only ever lose their oldest entries. */
function stillHolds(holder: Backlog, message: HeldMessage): boolean {
  const oldest = holder.backlog[0]
  return oldest !== undefined && entrySeq(oldest) <= message.deliver.seq
}

/** What `holder` is charged for `entry` now. */
export function entryCharge(holder: Backlog, entry: BacklogEntry): number {
  const message = entryMessage(entry)
  const heir = message.holders.at(-1) === holder ? message.extra : 0
  return ownBytes(entry) + message.share + heir
}

/**
 * `holder` has just lost `entry` (the first of its backlog, or all of it): its charge comes off,
 * and its part of the message passes to the newest holder still keeping it, which is returned (it
 * may now be over its bound).
 */
function letGo(holder: Backlog, entry: BacklogEntry): Backlog | undefined {
  const message = entryMessage(entry)
  const { holders } = message
  const wasHeir = holders.at(-1) === holder
  holder.backlogBytes -= ownBytes(entry) + message.share + (wasHeir ? message.extra : 0)
  if (!wasHeir) {
    const heir = holders.at(-1)
    if (heir === undefined) return undefined
    message.extra += message.share
    heir.backlogBytes += message.share
    return heir
  }
  holders.pop()
  while (holders.length > 0 && !stillHolds(holders.at(-1) as Backlog, message)) holders.pop()
  const heir = holders.at(-1)
  if (heir === undefined) {
    message.extra = 0
    return undefined
  }
  // The new heir was charged a share; it now carries everything the others let go of as well.
  message.extra += message.share
  heir.backlogBytes += message.extra
  return heir
}

/**
 * Drops the oldest entries of `first` while it is over its bounds, and of any holder that took over
 * a dropped entry's part meanwhile. The sequence numbers of those that fall out are remembered (as
 * numbers only), so a resume can say how many it missed.
 */
function trimBacklogs(first: Backlog, limits: MemberLimits): void {
  const over = [first]
  for (let holder = over.pop(); holder !== undefined; holder = over.pop()) {
    while (holder.backlog.length > limits.backlogSize || holder.backlogBytes > limits.backlogBytes) {
      const dropped = holder.backlog.shift()
      if (dropped === undefined) break
      holder.dropped.push(entrySeq(dropped))
      if (holder.dropped.length > DROPPED_SEQS_REMEMBERED) holder.forgotten = holder.dropped.shift() ?? 0
      const heir = letGo(holder, dropped)
      if (heir !== undefined && heir !== holder) over.push(heir)
    }
  }
}

/**
 * Keeps `message` in a member's backlog (with its own wrapped key, for an epoch-0 message), bounded in
 * count and bytes, so that a resume can replay what it did not get.
 */
export function holdDelivery(
  holder: Backlog,
  message: HeldMessage,
  wrappedKey: Uint8Array<ArrayBuffer>,
  limits: MemberLimits
): void {
  const entry: BacklogEntry = wrappedKey.byteLength === 0 ? message : { message, wrappedKey }
  // The newest holder is the heir: the one before it is charged its share alone from now on.
  const previousHeir = message.holders.at(-1)
  if (previousHeir !== undefined && message.extra > 0) {
    previousHeir.backlogBytes -= message.extra
    holder.backlogBytes += message.extra
  }
  message.holders.push(holder)
  holder.backlog.push(entry)
  holder.backlogBytes += ownBytes(entry) + message.share
  trimBacklogs(holder, limits)
}

/**
 * A member gone for good: its entries' parts pass to those who still hold them (who are brought back
 * within their bounds at their next delivery).
 */
export function releaseBacklog(holder: Backlog): void {
  while (holder.backlog.length > 0) letGo(holder, holder.backlog.shift() as BacklogEntry)
  holder.backlogBytes = 0
}

/** The Deliver an entry replays: the shared fields, with the member's own wrapped key when it has one. */
export function entryDeliver(entry: BacklogEntry): Deliver {
  return 'message' in entry ? { ...entry.message.deliver, wrappedKey: entry.wrappedKey } : entry.deliver
}

/** What a resume after `lastSeq` gets: the held deliveries it lacks, and how many fell out. */
export function takeBacklog(
  holder: Backlog,
  lastSeq: number
): { held: Deliver[]; missed: number; gapUnknown: boolean } {
  const held = holder.backlog.filter((entry) => entrySeq(entry) > lastSeq).map(entryDeliver)
  const missed = holder.dropped.filter((seq) => seq > lastSeq).length
  const gapUnknown = lastSeq < holder.forgotten
  holder.dropped = []
  return { held, missed, gapUnknown }
}
