/**
 * @module A strict, linear-time pre-scan of a `Frame`'s protobuf encoding, run before the decoder.
 *
 * A protobuf decoder does work per field occurrence, not per byte of content: a 1 MiB frame made of
 * half a million empty `post` fields (`42 00` repeated) costs it about a second, and proto3 merges
 * repeated singular fields silently. The scan walks the tags once against the schema of
 * `wire/securechat.proto` and refuses, before any object is built: an unknown field, a wrong wire
 * type, a singular field given twice, a repeated field past its bound, a truncated varint or length,
 * and a `Frame` without exactly one message. What passes decodes in time proportional to what its
 * fields really hold. Encoding: https://protobuf.dev/programming-guides/encoding/
 */
import { MAX_MEMBERS, MAX_RECIPIENTS } from './constants.js'

/** Wire type 0 (varint: ints, bools, enums) or 2 (length-delimited: strings, bytes, messages). */
type Scalar = 'varint' | 'bytes'

/** One field of a message: its wire shape and, when repeated, how many occurrences are allowed. */
export interface FieldRule {
  /** Field name as in the .proto, for error messages and for the test that ties this to the schema. */
  name: string
  kind: Scalar | MessageRule
  /** Absent: singular (at most once). A number: repeated, at most that many times. */
  repeated?: number
}

/** A message type: its name and its fields by number. */
export interface MessageRule {
  name: string
  fields: Readonly<Record<number, FieldRule>>
}

const v = (name: string): FieldRule => ({ name, kind: 'varint' })
const b = (name: string): FieldRule => ({ name, kind: 'bytes' })
const m = (name: string, rule: MessageRule, repeated?: number): FieldRule =>
  repeated === undefined ? { name, kind: rule } : { name, kind: rule, repeated }
const many = (name: string, max: number): FieldRule => ({ name, kind: 'bytes', repeated: max })

const MEMBER: MessageRule = {
  name: 'Member',
  fields: {
    1: b('peerId'),
    2: b('nickname'),
    3: b('publicKey'),
    4: b('fingerprint'),
    5: b('signingKey'),
    6: b('signingKeyBinding'),
    7: v('index')
  }
}
const WELCOME: MessageRule = {
  name: 'Welcome',
  fields: {
    1: b('roomId'),
    2: b('roomName'),
    3: m('you', MEMBER),
    4: m('members', MEMBER, MAX_MEMBERS),
    5: v('nextSeq'),
    6: v('hostIsMember'),
    7: b('resumeToken'),
    8: b('hostEpoch')
  }
}
const WRAPPED_KEY: MessageRule = { name: 'WrappedKey', fields: { 1: b('recipient'), 2: b('key') } }

/** Every message a `Frame` can carry, by the Frame field number that carries it. */
export const FRAME_RULE: MessageRule = {
  name: 'Frame',
  fields: {
    1: m('hello', { name: 'Hello', fields: { 1: v('version'), 2: b('token') } }),
    2: m('challenge', {
      name: 'Challenge',
      fields: { 1: v('step'), 2: b('question'), 3: v('attemptsLeft') }
    }),
    3: m('answer', { name: 'Answer', fields: { 1: b('answer') } }),
    4: m('roomCode', { name: 'RoomCode', fields: { 1: b('code') } }),
    5: m('register', {
      name: 'Register',
      fields: { 1: b('nickname'), 2: b('publicKey'), 3: b('signingKey'), 4: b('signingKeyBinding') }
    }),
    6: m('welcome', WELCOME),
    7: m('refusal', {
      name: 'Refusal',
      fields: { 1: v('reason'), 2: b('message'), 3: v('attemptsLeft'), 4: v('retry'), 5: v('retryAfter') }
    }),
    8: m('post', {
      name: 'Post',
      fields: {
        1: v('counter'),
        2: many('recipients', MAX_RECIPIENTS),
        3: b('ciphertext'),
        4: m('keys', WRAPPED_KEY, MAX_RECIPIENTS),
        5: b('signature'),
        6: v('epoch'),
        7: v('fileOffer')
      }
    }),
    9: m('deliver', {
      name: 'Deliver',
      fields: {
        1: v('seq'),
        2: v('sender'),
        3: v('counter'),
        4: many('recipients', MAX_RECIPIENTS),
        5: b('ciphertext'),
        6: b('wrappedKey'),
        7: b('signature'),
        8: v('epoch')
      }
    }),
    10: m('ack', { name: 'Ack', fields: { 1: v('counter'), 2: v('seq') } }),
    11: m('rejected', { name: 'Rejected', fields: { 1: v('counter'), 2: v('reason'), 3: b('message') } }),
    12: m('memberJoined', { name: 'MemberJoined', fields: { 1: m('member', MEMBER) } }),
    13: m('memberLeft', { name: 'MemberLeft', fields: { 1: b('peerId'), 2: b('nickname'), 3: v('reason') } }),
    14: m('goodbye', { name: 'Goodbye', fields: { 1: v('reason'), 2: b('message') } }),
    15: m('resume', {
      name: 'Resume',
      fields: {
        1: b('token'),
        2: v('lastSeq'),
        3: v('timestamp'),
        4: b('publicKey'),
        5: b('signature'),
        6: b('signingKey'),
        7: b('signingKeyBinding')
      }
    }),
    16: m('resumed', {
      name: 'Resumed',
      fields: { 1: m('welcome', WELCOME), 2: v('missed'), 3: v('gapUnknown'), 4: v('replayed') }
    }),
    17: m('presence', { name: 'Presence', fields: { 1: b('peerId'), 2: v('away') } }),
    18: m('credential', { name: 'Credential', fields: { 1: b('resumeToken') } })
  }
}

/** Every message a `FileFrame` (/securechat/file/1.0.0) can carry, by its field number. */
export const FILE_FRAME_RULE: MessageRule = {
  name: 'FileFrame',
  fields: {
    1: m('upload', { name: 'FileUpload', fields: { 1: v('seq'), 2: v('size') } }),
    2: m('request', { name: 'FileRequest', fields: { 1: v('seq'), 2: v('fromChunk'), 3: v('decline') } }),
    3: m('ready', { name: 'FileReady', fields: { 1: v('size'), 2: v('fromChunk') } }),
    4: m('chunk', { name: 'FileChunk', fields: { 1: v('index'), 2: b('sealed') } }),
    5: m('end', { name: 'FileEnd', fields: { 1: v('reason'), 2: b('message') } })
  }
}

/** Why a scan refused: a plain sentence, safe to show the peer (it holds no input bytes). */
export class WireScanError extends Error {
  static override readonly name: string = 'WireScanError'
  override name = 'WireScanError'
}

/** A varint is at most 10 bytes (64 bits, 7 per byte). */
const MAX_VARINT_BYTES = 10

/** Reads a varint at `pos`; returns its value (exact below 2^53, enough for tags and lengths) and end. */
function readVarint(bytes: Uint8Array, pos: number, end: number): [value: number, next: number] {
  let value = 0
  let scale = 1
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (pos + i >= end) throw new WireScanError('truncated varint')
    const byte = bytes[pos + i] as number
    value += (byte & 0x7f) * scale
    if ((byte & 0x80) === 0) return [value, pos + i + 1]
    scale *= 128
  }
  throw new WireScanError('varint longer than 10 bytes')
}

/**
 * Walks one message's fields between `start` and `end`; returns the number of distinct fields set.
 * Each byte is visited once, and nesting is bounded by the schema, so the cost is linear in the input.
 */
function scanMessage(bytes: Uint8Array, start: number, end: number, rule: MessageRule): number {
  const seen = new Map<number, number>()
  let pos = start
  while (pos < end) {
    const [tag, afterTag] = readVarint(bytes, pos, end)
    const number = Math.floor(tag / 8)
    const wireType = tag % 8
    const field = rule.fields[number]
    if (field === undefined) throw new WireScanError(`unknown field ${number} in ${rule.name}`)
    const count = (seen.get(number) ?? 0) + 1
    if (field.repeated === undefined ? count > 1 : count > field.repeated) {
      throw new WireScanError(`${rule.name}.${field.name} given ${count} times`)
    }
    seen.set(number, count)
    if (field.kind === 'varint') {
      if (wireType !== 0) throw new WireScanError(`${rule.name}.${field.name} has wire type ${wireType}`)
      pos = readVarint(bytes, afterTag, end)[1]
      continue
    }
    if (wireType !== 2) throw new WireScanError(`${rule.name}.${field.name} has wire type ${wireType}`)
    const [length, body] = readVarint(bytes, afterTag, end)
    if (length > end - body) throw new WireScanError(`${rule.name}.${field.name} runs past its message`)
    if (field.kind !== 'bytes') scanMessage(bytes, body, body + length, field.kind)
    pos = body + length
  }
  return seen.size
}

/** Scans a whole `Frame` (or, given its rule, a `FileFrame`): every rule above, and exactly one message in it. */
export function scanFrame(bytes: Uint8Array, rule: MessageRule = FRAME_RULE): void {
  const present = scanMessage(bytes, 0, bytes.byteLength, rule)
  if (present !== 1) throw new WireScanError(`a frame holds exactly one message, not ${present}`)
}
