/**
 * @module Deliver coding (protocol 2.3.0): a Deliver's sequence number, counter and epoch written
 * against the Delivers before it on the same stream, and read back to the message's own values.
 *
 * On a stream the sequence numbers mostly follow one another, a sender's counter grows by the time
 * since its last message, and its epoch seldom changes: coded, a chat line to the whole room carries
 * no sequence number, a counter of 2 to 4 bytes instead of 6 and no epoch, some 8 bytes of a delivery
 * of ~260. Both ends start from nothing on each new stream (a resume, a move), so nothing carries
 * over that the other side could hold differently. Only the wire changes: what is signed and what a
 * member keeps are the message's own values.
 */
import { DELIVER_CODING_SENDERS, MAX_MEMBER_INDEX } from './constants.js'
import { FrameError } from './frame.js'
import type { Deliver } from './wire/securechat.js'

/** The three coded fields. */
export type CodedFields = Pick<Deliver, 'seq' | 'counter' | 'epoch'>
/** What coding a Deliver reads and writes: the coded fields, and the sender they are kept for. */
export type DeliverHead = Pick<Deliver, 'seq' | 'sender' | 'counter' | 'epoch'>

/** Largest epoch a Post may name (`uint32`); coded it is one more. */
const MAX_EPOCH = 0xffff_ffff

interface SenderState {
  counter: number
  epoch: number
}

/**
 * What one side of a stream knows of the Delivers that went along it. At most
 * `DELIVER_CODING_SENDERS` senders, in the order of their last Deliver: both sides see the same
 * Delivers in the same order, so both forget the same sender at the same point, and what a peer sends
 * (a host naming ever new senders, members coming and going for ever) costs each side a bounded map.
 */
class StreamHistory {
  protected lastSeq = 0
  protected readonly senders = new Map<number, SenderState>()

  protected record(deliver: DeliverHead): void {
    this.lastSeq = deliver.seq
    // Map order is insertion order: deleting first moves the sender to the newest end. Its record is
    // updated in place: a new one per delivery would live until the sender's next message, long
    // enough for the collector to copy and promote one per recipient of every message.
    const state = this.senders.get(deliver.sender)
    this.senders.delete(deliver.sender)
    if (state === undefined) {
      this.senders.set(deliver.sender, { counter: deliver.counter, epoch: deliver.epoch })
    } else {
      state.counter = deliver.counter
      state.epoch = deliver.epoch
      this.senders.set(deliver.sender, state)
    }
    if (this.senders.size > DELIVER_CODING_SENDERS) {
      const oldest = this.senders.keys().next().value as number
      this.senders.delete(oldest)
    }
  }
}

/** The host's side of one stream to a member. */
export class DeliverEncoder extends StreamHistory {
  /**
   * The coded fields of `deliver` on this stream as it stands. Throws `RangeError` for a delivery
   * that does not come after the ones already sent (the host's order is the room's: it never does).
   */
  code(deliver: DeliverHead): CodedFields {
    const previous = this.senders.get(deliver.sender)
    if (deliver.seq <= this.lastSeq || (previous !== undefined && deliver.counter <= previous.counter)) {
      throw new RangeError(`delivery ${deliver.seq} does not follow what this stream carried`)
    }
    return {
      seq: deliver.seq - this.lastSeq - 1,
      counter: deliver.counter - (previous?.counter ?? 0),
      epoch: previous?.epoch === deliver.epoch ? 0 : deliver.epoch + 1
    }
  }

  /** Records `deliver` as sent: once its frame is queued, never before (a refused one never arrives). */
  sent(deliver: DeliverHead): void {
    this.record(deliver)
  }
}

/** A member's side of its stream from the host. */
export class DeliverDecoder extends StreamHistory {
  /**
   * The Deliver as sent, from the Deliver as read; then the checks that need its own values. Throws
   * `FrameError` for one that cannot be (an epoch not announced on the stream, a zero counter step).
   */
  decode(coded: Deliver): Deliver {
    const previous = this.senders.get(coded.sender)
    check(Number.isInteger(coded.sender) && coded.sender > 0 && coded.sender <= MAX_MEMBER_INDEX, 'sender')
    check(coded.counter > 0, 'counter')
    check(coded.epoch !== 0 || previous !== undefined, 'epoch (none before from this sender)')
    check(coded.epoch <= MAX_EPOCH + 1, 'epoch')
    const deliver: Deliver = {
      ...coded,
      seq: this.lastSeq + coded.seq + 1,
      counter: (previous?.counter ?? 0) + coded.counter,
      epoch: coded.epoch === 0 ? (previous as SenderState).epoch : coded.epoch - 1
    }
    check(Number.isSafeInteger(deliver.seq) && Number.isSafeInteger(deliver.counter), 'seq or counter')
    // Epoch 0 carries this recipient's wrapped content key; a sender key's messages carry none.
    check(deliver.epoch === 0 || deliver.wrappedKey.byteLength === 0, 'wrappedKey')
    this.record(deliver)
    return deliver
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new FrameError(`invalid deliver.${what}`)
}
