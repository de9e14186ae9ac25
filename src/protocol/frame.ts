import type { Uint8ArrayList } from 'uint8arraylist'
import { utf8, varintLength, writeVarint } from './bytes.js'
import {
  MAX_ADDRESS_BYTES,
  MAX_ANSWER_BYTES,
  MAX_CIPHERTEXT_BYTES,
  MAX_CODE_LENGTH,
  MAX_INVITATION_ADDRESSES,
  MAX_MEMBER_INDEX,
  MAX_MEMBERS,
  MAX_NICKNAME_LENGTH,
  MAX_PEER_ID_LENGTH,
  MAX_PUBLIC_KEY_BYTES,
  MAX_QUESTION_LENGTH,
  MAX_REASON_MESSAGE_LENGTH,
  MAX_RECIPIENTS,
  MAX_SIGNATURE_BYTES,
  MAX_TOKEN_LENGTH,
  MAX_WRAPPED_KEY_BYTES,
  MESSAGE_SIGNATURE_BYTES,
  SIGNING_KEY_BYTES
} from './constants.js'
import type { CodedFields } from './deliver-coding.js'
import { ReasonError } from './errors.js'
import { Deliver, Frame, type Member, Reason, Step, type Welcome } from './wire/securechat.js'
import { scanFrame } from './wire-scan.js'

/** A frame broke the wire rules; `reason` is what the peer is told before the stream closes. */
export class FrameError extends ReasonError {
  static override readonly name: string = 'FrameError'
  override name = 'FrameError'
  constructor(message: string, reason: Reason = Reason.MALFORMED) {
    super(reason, message)
  }
}

export type FrameKind = Exclude<keyof Frame, never>
export const FRAME_KINDS: readonly FrameKind[] = [
  'hello',
  'challenge',
  'answer',
  'roomCode',
  'register',
  'welcome',
  'refusal',
  'post',
  'deliver',
  'ack',
  'rejected',
  'memberJoined',
  'memberLeft',
  'goodbye',
  'resume',
  'resumed',
  'presence',
  'credential'
]

/** A frame with exactly one field set, narrowed by its kind. */
export type FrameOf<K extends FrameKind> = { kind: K; body: NonNullable<Frame[K]> }
export type AnyFrame = { [K in FrameKind]: FrameOf<K> }[FrameKind]

/** Bounds on repeated fields, enforced while decoding so a frame cannot allocate past them. */
const DECODE_LIMITS = {
  limits: {
    welcome: { members: MAX_MEMBERS },
    resumed: { welcome: { members: MAX_MEMBERS } },
    post: { recipients: MAX_RECIPIENTS, keys: MAX_RECIPIENTS },
    deliver: { recipients: MAX_RECIPIENTS }
  }
}

export function encodeFrame(frame: AnyFrame): Uint8Array {
  return Frame.encode({ [frame.kind]: frame.body } as Partial<Frame>)
}

export function frame<K extends FrameKind>(kind: K, body: NonNullable<Frame[K]>): FrameOf<K> {
  return { kind, body }
}

/**
 * Decodes and validates one frame; any violation is a `FrameError`, never a crash.
 *
 * The frame is first copied into a buffer of its own exact size, so the bytes fields of the result
 * (which are views into it) never pin the transport's larger buffers, and whatever keeps them is
 * charged for what it really holds. Then the strict scan refuses what would make decoding cost more
 * than the content (see `wire-scan.ts`), and only then does the protobuf decoder run.
 */
export function decodeFrame(bytes: Uint8Array | Uint8ArrayList): AnyFrame {
  const own = ownCopy(bytes)
  try {
    scanFrame(own)
  } catch (err) {
    throw new FrameError(`frame refused: ${(err as Error).message}`)
  }
  let decoded: Frame
  try {
    decoded = Frame.decode(own, DECODE_LIMITS as never)
  } catch (err) {
    throw new FrameError(`frame does not decode: ${(err as Error).message}`)
  }
  const kind = FRAME_KINDS.find((k) => decoded[k] != null) as FrameKind
  const result = { kind, body: decoded[kind] } as AnyFrame
  validateFrame(result)
  return result
}

/** A fresh, exact-size copy (never a pooled slab, which would be shared with unrelated data). */
function ownCopy(bytes: Uint8Array | Uint8ArrayList): Uint8Array {
  const copy = new Uint8Array(bytes.byteLength)
  if (bytes instanceof Uint8Array) {
    copy.set(bytes)
    return copy
  }
  let offset = 0
  for (const chunk of bytes) {
    copy.set(chunk, offset)
    offset += chunk.byteLength
  }
  return copy
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new FrameError(`field out of bounds: ${what}`)
}

function maxChars(text: string, max: number, what: string): void {
  check(text.length <= max, what)
}

function maxBytes(bytes: Uint8Array, max: number, what: string): void {
  check(bytes.byteLength <= max, what)
}

function validCount(n: number, what: string): void {
  check(Number.isSafeInteger(n) && n >= 0, what)
}

function validMember(member: Member | undefined, what: string): void {
  check(member !== undefined, what)
  const m = member as Member
  maxChars(m.peerId, MAX_PEER_ID_LENGTH, `${what}.peerId`)
  maxChars(m.nickname, MAX_NICKNAME_LENGTH * 4, `${what}.nickname`)
  maxBytes(m.publicKey, MAX_PUBLIC_KEY_BYTES, `${what}.publicKey`)
  maxChars(m.fingerprint, 64, `${what}.fingerprint`)
  validSigningKey(m, what)
  validIndex(m.index, `${what}.index`)
}

function validSigningKey(m: { signingKey: Uint8Array; signingKeyBinding: Uint8Array }, what: string): void {
  check(m.signingKey.byteLength === SIGNING_KEY_BYTES, `${what}.signingKey`)
  maxBytes(m.signingKeyBinding, MAX_SIGNATURE_BYTES, `${what}.signingKeyBinding`)
}

function validIndex(n: number, what: string): void {
  check(Number.isInteger(n) && n > 0 && n <= MAX_MEMBER_INDEX, what)
}

function validWelcome(welcome: Welcome, what: string): void {
  check(welcome.roomId.byteLength === 16, `${what}.roomId`)
  maxChars(welcome.roomName, MAX_QUESTION_LENGTH, `${what}.roomName`)
  validMember(welcome.you, `${what}.you`)
  for (const [i, m] of welcome.members.entries()) validMember(m, `${what}.members[${i}]`)
  validCount(welcome.nextSeq, `${what}.nextSeq`)
  maxChars(welcome.resumeToken, MAX_TOKEN_LENGTH, `${what}.resumeToken`)
  check(welcome.hostEpoch.byteLength <= 32, `${what}.hostEpoch`)
}

function validReason(reason: Reason, what: string): void {
  check(Object.values(Reason).includes(reason) && reason !== Reason.REASON_UNSPECIFIED, what)
}

function validPeerIds(ids: string[], what: string): void {
  check(ids.length <= MAX_RECIPIENTS, what)
  for (const id of ids) maxChars(id, MAX_PEER_ID_LENGTH, what)
  check(new Set(ids).size === ids.length, `${what} (duplicates)`)
}

/** Per-kind field checks: lengths, enums, counts. Semantic checks (signatures, state) come later. */
export function validateFrame(f: AnyFrame): void {
  switch (f.kind) {
    case 'hello':
      maxChars(f.body.token, MAX_TOKEN_LENGTH, 'hello.token')
      return
    case 'challenge':
      check(
        f.body.step !== Step.STEP_UNSPECIFIED && Object.values(Step).includes(f.body.step),
        'challenge.step'
      )
      maxChars(f.body.question, MAX_QUESTION_LENGTH, 'challenge.question')
      return
    case 'answer':
      check(utf8(f.body.answer).byteLength <= MAX_ANSWER_BYTES, 'answer.answer')
      return
    case 'roomCode':
      maxChars(f.body.code, MAX_CODE_LENGTH, 'roomCode.code')
      return
    case 'register':
      maxChars(f.body.nickname, MAX_NICKNAME_LENGTH * 4, 'register.nickname')
      maxBytes(f.body.publicKey, MAX_PUBLIC_KEY_BYTES, 'register.publicKey')
      validSigningKey(f.body, 'register')
      return
    case 'welcome':
      validWelcome(f.body, 'welcome')
      return
    case 'refusal':
      validReason(f.body.reason, 'refusal.reason')
      maxChars(f.body.message, MAX_REASON_MESSAGE_LENGTH, 'refusal.message')
      validCount(f.body.retryAfter, 'refusal.retryAfter')
      return
    case 'post':
      validCount(f.body.counter, 'post.counter')
      check(f.body.counter > 0, 'post.counter')
      validPeerIds(f.body.recipients, 'post.recipients')
      check(f.body.ciphertext.byteLength >= 16, 'post.ciphertext')
      check(f.body.ciphertext.byteLength <= MAX_CIPHERTEXT_BYTES, 'post.ciphertext')
      check(f.body.signature.byteLength === MESSAGE_SIGNATURE_BYTES, 'post.signature')
      // A file offer holds the file's key: it is always wrapped for each recipient.
      check(!f.body.fileOffer || f.body.epoch === 0, 'post.fileOffer')
      // Epoch 0 wraps the content key for each recipient, in order; a sender key (epoch > 0) wraps none.
      check(f.body.keys.length === (f.body.epoch === 0 ? f.body.recipients.length : 0), 'post.keys')
      for (const k of f.body.keys) {
        maxChars(k.recipient, MAX_PEER_ID_LENGTH, 'post.keys.recipient')
        maxBytes(k.key, MAX_WRAPPED_KEY_BYTES, 'post.keys.key')
      }
      return
    case 'deliver':
      validCount(f.body.seq, 'deliver.seq')
      validIndex(f.body.sender, 'deliver.sender')
      validCount(f.body.counter, 'deliver.counter')
      validPeerIds(f.body.recipients, 'deliver.recipients')
      check(f.body.ciphertext.byteLength <= MAX_CIPHERTEXT_BYTES, 'deliver.ciphertext')
      maxBytes(f.body.wrappedKey, MAX_WRAPPED_KEY_BYTES, 'deliver.wrappedKey')
      // Its epoch is coded against the stream (DeliverDecoder checks it against the wrapped key).
      validCount(f.body.epoch, 'deliver.epoch')
      check(f.body.signature.byteLength === MESSAGE_SIGNATURE_BYTES, 'deliver.signature')
      return
    case 'ack':
      validCount(f.body.counter, 'ack.counter')
      validCount(f.body.seq, 'ack.seq')
      return
    case 'rejected':
      validCount(f.body.counter, 'rejected.counter')
      validReason(f.body.reason, 'rejected.reason')
      maxChars(f.body.message, MAX_REASON_MESSAGE_LENGTH, 'rejected.message')
      return
    case 'memberJoined':
      validMember(f.body.member, 'memberJoined.member')
      return
    case 'memberLeft':
      maxChars(f.body.peerId, MAX_PEER_ID_LENGTH, 'memberLeft.peerId')
      maxChars(f.body.nickname, MAX_NICKNAME_LENGTH * 4, 'memberLeft.nickname')
      validReason(f.body.reason, 'memberLeft.reason')
      return
    case 'goodbye':
      validReason(f.body.reason, 'goodbye.reason')
      maxChars(f.body.message, MAX_REASON_MESSAGE_LENGTH, 'goodbye.message')
      return
    case 'resume':
      maxChars(f.body.token, MAX_TOKEN_LENGTH, 'resume.token')
      validCount(f.body.lastSeq, 'resume.lastSeq')
      validCount(f.body.timestamp, 'resume.timestamp')
      maxBytes(f.body.publicKey, MAX_PUBLIC_KEY_BYTES, 'resume.publicKey')
      maxBytes(f.body.signature, MAX_SIGNATURE_BYTES, 'resume.signature')
      validSigningKey(f.body, 'resume')
      return
    case 'resumed':
      check(f.body.welcome !== undefined, 'resumed.welcome')
      validWelcome(f.body.welcome as Welcome, 'resumed.welcome')
      validCount(f.body.replayed, 'resumed.replayed')
      return
    case 'presence':
      maxChars(f.body.peerId, MAX_PEER_ID_LENGTH, 'presence.peerId')
      return
    case 'credential':
      maxChars(f.body.resumeToken, MAX_TOKEN_LENGTH, 'credential.resumeToken')
      return
  }
}

export { MAX_ADDRESS_BYTES, MAX_INVITATION_ADDRESSES }

/** Deliver's fields 1, 3 and 8 (varints), 6 (wrappedKey), and Frame's field 9 (deliver). */
const SEQ_TAG = (1 << 3) | 0
const COUNTER_TAG = (3 << 3) | 0
const EPOCH_TAG = (8 << 3) | 0
const WRAPPED_KEY_TAG = (6 << 3) | 2
const DELIVER_TAG = (9 << 3) | 2
const NO_BYTES = new Uint8Array(0)

/**
 * The fields of a message's Deliver that are the same on every stream (sender, any recipient list,
 * ciphertext, signature), encoded once for all its recipients: the host's cost per message would
 * otherwise grow with the square of the room's size.
 */
export function encodeDeliverCommon(
  shared: Pick<Deliver, 'sender' | 'recipients' | 'ciphertext' | 'signature'>
): Uint8Array {
  return Deliver.encode({ ...shared, seq: 0, counter: 0, epoch: 0, wrappedKey: NO_BYTES })
}

/**
 * One stream's Deliver frame: its coded fields (`DeliverEncoder`), the common ones, then this
 * recipient's wrapped key. It decodes as `encodeFrame` of the whole would: protobuf fields may come in
 * any order, and a zero or empty field is left out as proto3 leaves it.
 */
export function encodeDeliverFrame(
  common: Uint8Array,
  coded: CodedFields,
  wrappedKey: Uint8Array = NO_BYTES
): Uint8Array {
  // Written straight into the frame's buffer: the host builds one of these per recipient per message.
  const field = (value: number): number => (value === 0 ? 0 : 1 + varintLength(value))
  const keyField =
    wrappedKey.byteLength === 0 ? 0 : 1 + varintLength(wrappedKey.byteLength) + wrappedKey.byteLength
  const bodyLength =
    field(coded.seq) + field(coded.counter) + field(coded.epoch) + common.byteLength + keyField
  const out = new Uint8Array(1 + varintLength(bodyLength) + bodyLength)
  out[0] = DELIVER_TAG
  let at = writeVarint(out, 1, bodyLength)
  const put = (tag: number, value: number): void => {
    if (value === 0) return
    out[at++] = tag
    at = writeVarint(out, at, value)
  }
  put(SEQ_TAG, coded.seq)
  put(COUNTER_TAG, coded.counter)
  put(EPOCH_TAG, coded.epoch)
  out.set(common, at)
  at += common.byteLength
  if (keyField !== 0) {
    out[at++] = WRAPPED_KEY_TAG
    at = writeVarint(out, at, wrappedKey.byteLength)
    out.set(wrappedKey, at)
  }
  return out
}
