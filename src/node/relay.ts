/**
 * @module The relay: checks each Post and forwards it, in one order, to every recipient.
 */
import { encodeDeliverFrames, encodeFrame, frame } from '../protocol/frame.js'
import { postHeader, verifyMessageSignature } from '../protocol/message.js'
import { describeReason } from '../protocol/reasons.js'
import { type Deliver, type Post, Reason } from '../protocol/wire/securechat.js'
import { RefusedError } from './errors.js'
import type { MemberLimits } from './host-config.js'
import { type HostedMember, holdDelivery, rememberAck } from './hosted-member.js'

const NO_KEY = new Uint8Array(0)

/** What the relay needs of the room. */
export interface RelayRoom {
  roomId: Uint8Array
  readonly members: ReadonlyMap<string, HostedMember>
  limits: MemberLimits
  /** The next room sequence number. */
  nextSeq(): number
  /** Hands a delivery to the host's own member (when the host is one). */
  deliverLocally(deliver: Deliver): void
}

/**
 * Checks one Post and forwards it: counter and signature first, then the next sequence number, then
 * to each recipient (its own wrapped key only, or one identical frame under a sender key), then the
 * sender's Ack. The caller runs it serially, which is what gives every member one order.
 */
export async function relayPost(room: RelayRoom, post: Post, sender: HostedMember): Promise<number> {
  const earlier = post.counter <= sender.lastCounter ? sender.acks.get(post.counter) : undefined
  if (earlier !== undefined) {
    // Re-sent after a reconnect: it was relayed once already, so it is only acknowledged again.
    sender.channel?.send(frame('ack', { counter: post.counter, seq: earlier }))
    return earlier
  }
  const problem = await postProblem(room.roomId, post, sender)
  if (problem !== undefined) {
    sender.channel?.send(
      frame('rejected', { counter: post.counter, reason: problem, message: describeReason(problem) })
    )
    throw new RefusedError(problem)
  }
  sender.lastCounter = post.counter
  const seq = room.nextSeq()
  forward(room, post, sender, seq)
  rememberAck(sender, post.counter, seq)
  sender.channel?.send(frame('ack', { counter: post.counter, seq }))
  return seq
}

/**
 * The bytes a message's deliveries keep, copied out of the received frame into one buffer of their
 * own: a backlog entry then holds what it is charged for, not the whole frame around it.
 */
function keptBytes(post: Post): Pick<Deliver, 'iv' | 'ciphertext' | 'signature'> {
  const { iv, ciphertext, signature } = post
  const own = new Uint8Array(iv.byteLength + ciphertext.byteLength + signature.byteLength)
  own.set(iv, 0)
  own.set(ciphertext, iv.byteLength)
  own.set(signature, iv.byteLength + ciphertext.byteLength)
  const at = (start: number, length: number) => own.subarray(start, start + length) as Uint8Array<ArrayBuffer>
  return {
    iv: at(0, iv.byteLength),
    ciphertext: at(iv.byteLength, ciphertext.byteLength),
    signature: at(iv.byteLength + ciphertext.byteLength, signature.byteLength)
  }
}

function forward(room: RelayRoom, post: Post, sender: HostedMember, seq: number): void {
  const shared = {
    seq,
    sender: sender.peerId,
    counter: post.counter,
    timestamp: post.timestamp,
    recipients: post.recipients,
    ...keptBytes(post),
    epoch: post.epoch
  }
  const targets = post.recipients.flatMap((recipient, i) => {
    const member = room.members.get(recipient)
    // Epoch 0: each recipient gets only its own wrapped key. A sender key's messages need none.
    const wrappedKey = post.epoch === 0 ? post.keys[i]?.key.slice() : NO_KEY
    return member === undefined || wrappedKey === undefined ? [] : [{ member, wrappedKey }]
  })
  const remote = targets.filter((t) => !t.member.local)
  // The shared fields are encoded once: a per-recipient encoding would cost the square of the room.
  let frames: Uint8Array[]
  if (post.epoch === 0) {
    frames = encodeDeliverFrames(
      shared,
      remote.map((t) => t.wrappedKey)
    )
  } else {
    const sameForAll = encodeFrame(frame('deliver', { ...shared, wrappedKey: NO_KEY }))
    frames = remote.map(() => sameForAll)
  }
  for (const [i, { member, wrappedKey }] of remote.entries()) {
    // Kept even when sent: a stalled link can lose what was in flight, and the resume replays it.
    holdDelivery(member, { ...shared, wrappedKey }, room.limits)
    if (!member.away) member.channel?.sendEncoded(frames[i] as Uint8Array)
  }
  const local = targets.find((t) => t.member.local)
  if (local !== undefined) room.deliverLocally({ ...shared, wrappedKey: local.wrappedKey })
}

async function postProblem(
  roomId: Uint8Array,
  post: Post,
  sender: HostedMember
): Promise<Reason | undefined> {
  if (post.counter <= sender.lastCounter) return Reason.BAD_COUNTER
  if (post.recipients.includes(sender.peerId)) return Reason.BAD_RECIPIENTS
  if (post.keys.some((k, i) => k.recipient !== post.recipients[i])) return Reason.BAD_RECIPIENTS
  if (!(await verifyMessageSignature(postHeader(roomId, sender.peerId, post), post, sender.publicKey))) {
    return Reason.BAD_SIGNATURE
  }
  return undefined
}
