/**
 * @module The relay: checks each Post and forwards it, in one order, to every recipient.
 */
import { encodeDeliverCommon, frame } from '../protocol/frame.js'
import { messageHeader, verifyMessageSignature } from '../protocol/message.js'
import { describeReason } from '../protocol/reasons.js'
import { type Deliver, type Post, Reason } from '../protocol/wire/securechat.js'
import { heldMessage, holdDelivery } from './backlog.js'
import { RefusedError } from './errors.js'
import type { MemberLimits } from './host-config.js'
import { type HostedMember, rememberAck } from './hosted-member.js'
import { nodeMessageCrypto } from './message-crypto.js'
import { isWholeRoom, type RoomDigests } from './room-recipients.js'

const NO_KEY = new Uint8Array(0)

/** What the relay needs of the room. */
export interface RelayRoom {
  roomId: Uint8Array
  readonly members: ReadonlyMap<string, HostedMember>
  /** Goes up with every change of membership. */
  readonly version: number
  readonly digests: RoomDigests
  limits: MemberLimits
  /** The next room sequence number. */
  nextSeq(): number
  /** Hands a delivery to the host's own member (when the host is one). */
  deliverLocally(deliver: Deliver): void
  /** The files in transit: whether a sender may offer another, and each offer relayed. */
  files?: {
    refusal(sender: string): Reason | undefined
    offered(seq: number, sender: string, recipients: readonly string[]): void
  }
}

/**
 * Whether the Post's signature holds under its sender's signing key, for the recipients it names.
 * It depends on nothing the relay's order changes, so the host starts it as the Post is read: many
 * Posts are then checked at once, and the serial relay only waits for the answer.
 */
export async function verifyPost(room: RelayRoom, post: Post, sender: HostedMember): Promise<boolean> {
  const digest = await room.digests.digestOf(post.recipients, sender.peerId)
  return verifyMessageSignature(
    messageHeader(room.roomId, sender.peerId, post, digest),
    post,
    sender.signingKey,
    nodeMessageCrypto
  )
}

/**
 * Checks one Post and forwards it: counter and signature first, then the next sequence number, then
 * to each recipient (its own wrapped key only, or one identical frame under a sender key), then the
 * sender's Ack. The caller runs it serially, which is what gives every member one order;
 * `signatureHolds` is `verifyPost`'s answer, started before the Post's turn.
 */
export async function relayPost(
  room: RelayRoom,
  post: Post,
  sender: HostedMember,
  signatureHolds: Promise<boolean> = verifyPost(room, post, sender)
): Promise<number> {
  // Awaited or not, it must never be an unhandled rejection.
  signatureHolds.catch(() => {})
  // Read before its sender left (kicked, banned, gone, or replaced by a new session of its PeerId),
  // its turn after: the room has heard of the departure, so nobody hears from it again, not even a
  // member away at the time, who would take it for last words. The sender's stream is closed.
  if (room.members.get(sender.peerId) !== sender) throw new RefusedError(Reason.CONNECTION_LOST)
  const earlier = post.counter <= sender.lastCounter ? sender.acks.get(post.counter) : undefined
  if (earlier !== undefined) {
    // Re-sent after a reconnect: it was relayed once already, so it is only acknowledged again.
    sender.channel?.send(frame('ack', { counter: post.counter, seq: earlier }))
    return earlier
  }
  const problem =
    (await postProblem(post, sender, signatureHolds)) ??
    (post.fileOffer ? room.files?.refusal(sender.peerId) : undefined)
  if (problem !== undefined) {
    sender.channel?.send(
      frame('rejected', { counter: post.counter, reason: problem, message: describeReason(problem) })
    )
    throw new RefusedError(problem)
  }
  sender.lastCounter = post.counter
  const seq = room.nextSeq()
  forward(room, post, sender, seq)
  // Only members present may fetch it: a made-up recipient would hold the file at the host for nothing.
  if (post.fileOffer)
    room.files?.offered(
      seq,
      sender.peerId,
      post.recipients.filter((r) => room.members.has(r))
    )
  rememberAck(sender, post.counter, seq)
  sender.channel?.send(frame('ack', { counter: post.counter, seq }))
  return seq
}

/**
 * The bytes a message's deliveries keep, copied out of the received frame into one buffer of their
 * own: a backlog entry then holds what it is charged for, not the whole frame around it.
 */
function keptBytes(post: Post): Pick<Deliver, 'ciphertext' | 'signature'> {
  const { ciphertext, signature } = post
  const own = new Uint8Array(ciphertext.byteLength + signature.byteLength)
  own.set(ciphertext, 0)
  own.set(signature, ciphertext.byteLength)
  return {
    ciphertext: own.subarray(0, ciphertext.byteLength) as Uint8Array<ArrayBuffer>,
    signature: own.subarray(ciphertext.byteLength) as Uint8Array<ArrayBuffer>
  }
}

/**
 * The recipient list a held message keeps: the members' own PeerId strings where the Post names a
 * member, not the ones decoded from it. Backlogs keep up to 1000 messages a member, so in a room of
 * 200 the decoded copies were some 24 KB of strings per message for the host's heap to carry; the
 * roster's strings are there anyway.
 */
function keptRecipients(room: RelayRoom, recipients: readonly string[]): string[] {
  return recipients.map((id) => room.members.get(id)?.peerId ?? id)
}

/**
 * Sends the message on. What the recipients keep for a replay names its recipients (a resumed
 * member's view of the room has moved on); what goes out live names them only when they are not the
 * whole room, since every live member then holds the same set.
 */
function forward(room: RelayRoom, post: Post, sender: HostedMember, seq: number): void {
  // The fields every recipient's Deliver shares, its wrapped key empty (each adds its own).
  const shared: Deliver = {
    seq,
    sender: sender.index,
    counter: post.counter,
    recipients: keptRecipients(room, post.recipients),
    ...keptBytes(post),
    wrappedKey: NO_KEY,
    epoch: post.epoch
  }
  const live = isWholeRoom(room, post.recipients, sender.peerId) ? { ...shared, recipients: [] } : shared
  const targets = post.recipients.flatMap((recipient, i) => {
    const member = room.members.get(recipient)
    // Epoch 0: each recipient gets only its own wrapped key. A sender key's messages need none.
    const wrappedKey = post.epoch === 0 ? post.keys[i]?.key.slice() : NO_KEY
    return member === undefined || wrappedKey === undefined ? [] : [{ member, wrappedKey }]
  })
  const remote = targets.filter((t) => !t.member.local)
  // One record for every remote member's backlog (the host's own view holds none), each charged its
  // share of it; an epoch-0 entry adds only the member's own wrapped key.
  const held = heldMessage(shared, remote.length)
  // The shared fields are encoded once: a per-recipient encoding would cost the square of the room.
  // Each stream adds only its coded seq, counter and epoch, and its own wrapped key.
  const common = encodeDeliverCommon(live)
  for (const { member, wrappedKey } of remote) {
    // Kept even when sent: a stalled link can lose what was in flight, and the resume replays it.
    holdDelivery(member, held, wrappedKey, room.limits)
    // The head and the encoded fields are the same for all: only the wrapped key is this member's.
    if (!member.away) member.channel?.sendDeliver(live, common, wrappedKey)
  }
  const local = targets.find((t) => t.member.local)
  // The host's own member view is updated in the same order as the streams, so it too takes the
  // room as it knows it.
  if (local !== undefined) room.deliverLocally({ ...live, wrappedKey: local.wrappedKey })
}

async function postProblem(
  post: Post,
  sender: HostedMember,
  signatureHolds: Promise<boolean>
): Promise<Reason | undefined> {
  if (post.counter <= sender.lastCounter) return Reason.BAD_COUNTER
  if (post.recipients.includes(sender.peerId)) return Reason.BAD_RECIPIENTS
  if (post.keys.some((k, i) => k.recipient !== post.recipients[i])) return Reason.BAD_RECIPIENTS
  if (!(await signatureHolds.catch(() => false))) return Reason.BAD_SIGNATURE
  return undefined
}
