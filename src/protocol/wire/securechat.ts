import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum Reason {
  REASON_UNSPECIFIED = 'REASON_UNSPECIFIED',
  MALFORMED = 'MALFORMED',
  UNEXPECTED_FRAME = 'UNEXPECTED_FRAME',
  TOKEN_INVALID = 'TOKEN_INVALID',
  TOKEN_EXPIRED = 'TOKEN_EXPIRED',
  TOKEN_WRONG_ROOM = 'TOKEN_WRONG_ROOM',
  TOKEN_REVOKED = 'TOKEN_REVOKED',
  TOKEN_USED_UP = 'TOKEN_USED_UP',
  WRONG_ANSWER = 'WRONG_ANSWER',
  WRONG_CODE = 'WRONG_CODE',
  NICKNAME_TAKEN = 'NICKNAME_TAKEN',
  NICKNAME_INVALID = 'NICKNAME_INVALID',
  KEY_INVALID = 'KEY_INVALID',
  LOCKED_OUT = 'LOCKED_OUT',
  BANNED = 'BANNED',
  ROOM_LOCKED = 'ROOM_LOCKED',
  ROOM_FULL = 'ROOM_FULL',
  TIMEOUT = 'TIMEOUT',
  MESSAGE_TOO_LARGE = 'MESSAGE_TOO_LARGE',
  BAD_SIGNATURE = 'BAD_SIGNATURE',
  BAD_COUNTER = 'BAD_COUNTER',
  BAD_RECIPIENTS = 'BAD_RECIPIENTS',
  KICKED = 'KICKED',
  HOST_CLOSING = 'HOST_CLOSING',
  LEFT = 'LEFT',
  CONNECTION_LOST = 'CONNECTION_LOST',
  TOO_MANY_HANDSHAKES = 'TOO_MANY_HANDSHAKES',
  SLOW_CONSUMER = 'SLOW_CONSUMER',
  RATE_LIMITED = 'RATE_LIMITED',
  VERSION_UNSUPPORTED = 'VERSION_UNSUPPORTED',
  RESUME_INVALID = 'RESUME_INVALID',
  HOST_RESTARTING = 'HOST_RESTARTING',
  FILE_TOO_LARGE = 'FILE_TOO_LARGE',
  TOO_MANY_TRANSFERS = 'TOO_MANY_TRANSFERS',
  TRANSFER_UNKNOWN = 'TRANSFER_UNKNOWN',
  TRANSFER_CANCELLED = 'TRANSFER_CANCELLED',
  TRANSFER_FAILED = 'TRANSFER_FAILED',
  TRANSFER_DONE = 'TRANSFER_DONE'
}

enum __ReasonValues {
  REASON_UNSPECIFIED = 0,
  MALFORMED = 1,
  UNEXPECTED_FRAME = 2,
  TOKEN_INVALID = 3,
  TOKEN_EXPIRED = 4,
  TOKEN_WRONG_ROOM = 5,
  TOKEN_REVOKED = 6,
  TOKEN_USED_UP = 7,
  WRONG_ANSWER = 8,
  WRONG_CODE = 9,
  NICKNAME_TAKEN = 10,
  NICKNAME_INVALID = 11,
  KEY_INVALID = 12,
  LOCKED_OUT = 13,
  BANNED = 14,
  ROOM_LOCKED = 15,
  ROOM_FULL = 16,
  TIMEOUT = 17,
  MESSAGE_TOO_LARGE = 18,
  BAD_SIGNATURE = 19,
  BAD_COUNTER = 20,
  BAD_RECIPIENTS = 21,
  KICKED = 22,
  HOST_CLOSING = 23,
  LEFT = 24,
  CONNECTION_LOST = 25,
  TOO_MANY_HANDSHAKES = 26,
  SLOW_CONSUMER = 27,
  RATE_LIMITED = 28,
  VERSION_UNSUPPORTED = 29,
  RESUME_INVALID = 30,
  HOST_RESTARTING = 31,
  FILE_TOO_LARGE = 32,
  TOO_MANY_TRANSFERS = 33,
  TRANSFER_UNKNOWN = 34,
  TRANSFER_CANCELLED = 35,
  TRANSFER_FAILED = 36,
  TRANSFER_DONE = 37
}

export namespace Reason {
  export const codec = (): Codec<Reason> => {
    return enumeration<Reason>(__ReasonValues)
  }
}

export enum Step {
  STEP_UNSPECIFIED = 'STEP_UNSPECIFIED',
  QUESTION = 'QUESTION',
  ROOM_CODE = 'ROOM_CODE',
  NICKNAME = 'NICKNAME'
}

enum __StepValues {
  STEP_UNSPECIFIED = 0,
  QUESTION = 1,
  ROOM_CODE = 2,
  NICKNAME = 3
}

export namespace Step {
  export const codec = (): Codec<Step> => {
    return enumeration<Step>(__StepValues)
  }
}

export interface InvitationClaims {
  roomId: Uint8Array<ArrayBuffer>
  invitationId: string
  expiresAt: number
}

export namespace InvitationClaims {
  let _codec: Codec<InvitationClaims>

  export const codec = (): Codec<InvitationClaims> => {
    if (_codec == null) {
      _codec = message<InvitationClaims>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.roomId)
        }

        if ((obj.invitationId != null && obj.invitationId !== '')) {
          w.uint32(18)
          w.string(obj.invitationId)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          roomId: uint8ArrayAlloc(0),
          invitationId: '',
          expiresAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.roomId = reader.bytes()
              break
            }
            case 2: {
              obj.invitationId = reader.string()
              break
            }
            case 3: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.invitationId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InvitationClaimsRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InvitationClaimsInvitationIdFieldEvent {
    field: '$.invitationId'
    value: string
  }

  export interface InvitationClaimsExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export function encode (obj: Partial<InvitationClaims>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InvitationClaims.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InvitationClaims>): InvitationClaims {
    return decodeMessage(buf, InvitationClaims.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InvitationClaims>): Generator<InvitationClaimsRoomIdFieldEvent | InvitationClaimsInvitationIdFieldEvent | InvitationClaimsExpiresAtFieldEvent> {
    return streamMessage(buf, InvitationClaims.codec(), opts)
  }
}

export interface Invitation {
  version: number
  addresses: Uint8Array<ArrayBuffer>[]
  token: string
}

export namespace Invitation {
  let _codec: Codec<Invitation>

  export const codec = (): Codec<Invitation> => {
    if (_codec == null) {
      _codec = message<Invitation>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.addresses != null && obj.addresses.length > 0) {
          for (const value of obj.addresses) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if ((obj.token != null && obj.token !== '')) {
          w.uint32(26)
          w.string(obj.token)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          addresses: [],
          token: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              if (opts.limits?.addresses != null && obj.addresses.length === opts.limits.addresses) {
                throw new MaxLengthError('Decode error - repeated field "addresses" had too many elements')
              }

              obj.addresses.push(reader.bytes())
              break
            }
            case 3: {
              obj.token = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addresses: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                throw new MaxLengthError('Streaming decode error - repeated field "addresses" had too many elements')
              }

              yield {
                field: `${prefix}.addresses[]`,
                index: obj.addresses,
                value: reader.bytes()
              }

              obj.addresses++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.token`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InvitationVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface InvitationAddressesFieldEvent {
    field: '$.addresses[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface InvitationTokenFieldEvent {
    field: '$.token'
    value: string
  }

  export function encode (obj: Partial<Invitation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Invitation.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Invitation>): Invitation {
    return decodeMessage(buf, Invitation.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Invitation>): Generator<InvitationVersionFieldEvent | InvitationAddressesFieldEvent | InvitationTokenFieldEvent> {
    return streamMessage(buf, Invitation.codec(), opts)
  }
}

export interface Hello {
  version: number
  token: string
}

export namespace Hello {
  let _codec: Codec<Hello>

  export const codec = (): Codec<Hello> => {
    if (_codec == null) {
      _codec = message<Hello>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.token != null && obj.token !== '')) {
          w.uint32(18)
          w.string(obj.token)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          token: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.token = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.token`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface HelloVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface HelloTokenFieldEvent {
    field: '$.token'
    value: string
  }

  export function encode (obj: Partial<Hello>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Hello.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Hello>): Hello {
    return decodeMessage(buf, Hello.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Hello>): Generator<HelloVersionFieldEvent | HelloTokenFieldEvent> {
    return streamMessage(buf, Hello.codec(), opts)
  }
}

export interface Challenge {
  step: Step
  question: string
  attemptsLeft: number
}

export namespace Challenge {
  let _codec: Codec<Challenge>

  export const codec = (): Codec<Challenge> => {
    if (_codec == null) {
      _codec = message<Challenge>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.step != null && __StepValues[obj.step] !== 0) {
          w.uint32(8)
          Step.codec().encode(obj.step, w)
        }

        if ((obj.question != null && obj.question !== '')) {
          w.uint32(18)
          w.string(obj.question)
        }

        if ((obj.attemptsLeft != null && obj.attemptsLeft !== 0)) {
          w.uint32(24)
          w.uint32(obj.attemptsLeft)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          step: Step.STEP_UNSPECIFIED,
          question: '',
          attemptsLeft: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.step = Step.codec().decode(reader)
              break
            }
            case 2: {
              obj.question = reader.string()
              break
            }
            case 3: {
              obj.attemptsLeft = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.step`,
                value: Step.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.question`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.attemptsLeft`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChallengeStepFieldEvent {
    field: '$.step'
    value: Step
  }

  export interface ChallengeQuestionFieldEvent {
    field: '$.question'
    value: string
  }

  export interface ChallengeAttemptsLeftFieldEvent {
    field: '$.attemptsLeft'
    value: number
  }

  export function encode (obj: Partial<Challenge>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Challenge.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Challenge>): Challenge {
    return decodeMessage(buf, Challenge.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Challenge>): Generator<ChallengeStepFieldEvent | ChallengeQuestionFieldEvent | ChallengeAttemptsLeftFieldEvent> {
    return streamMessage(buf, Challenge.codec(), opts)
  }
}

export interface Answer {
  answer: string
}

export namespace Answer {
  let _codec: Codec<Answer>

  export const codec = (): Codec<Answer> => {
    if (_codec == null) {
      _codec = message<Answer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.answer != null && obj.answer !== '')) {
          w.uint32(10)
          w.string(obj.answer)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          answer: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.answer = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.answer`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AnswerAnswerFieldEvent {
    field: '$.answer'
    value: string
  }

  export function encode (obj: Partial<Answer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Answer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Answer>): Answer {
    return decodeMessage(buf, Answer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Answer>): Generator<AnswerAnswerFieldEvent> {
    return streamMessage(buf, Answer.codec(), opts)
  }
}

export interface RoomCode {
  code: string
}

export namespace RoomCode {
  let _codec: Codec<RoomCode>

  export const codec = (): Codec<RoomCode> => {
    if (_codec == null) {
      _codec = message<RoomCode>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(10)
          w.string(obj.code)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          code: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RoomCodeCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export function encode (obj: Partial<RoomCode>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomCode.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RoomCode>): RoomCode {
    return decodeMessage(buf, RoomCode.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RoomCode>): Generator<RoomCodeCodeFieldEvent> {
    return streamMessage(buf, RoomCode.codec(), opts)
  }
}

export interface Register {
  nickname: string
  publicKey: Uint8Array<ArrayBuffer>
  signingKey: Uint8Array<ArrayBuffer>
  signingKeyBinding: Uint8Array<ArrayBuffer>
}

export namespace Register {
  let _codec: Codec<Register>

  export const codec = (): Codec<Register> => {
    if (_codec == null) {
      _codec = message<Register>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.nickname != null && obj.nickname !== '')) {
          w.uint32(10)
          w.string(obj.nickname)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signingKey)
        }

        if ((obj.signingKeyBinding != null && obj.signingKeyBinding.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signingKeyBinding)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          nickname: '',
          publicKey: uint8ArrayAlloc(0),
          signingKey: uint8ArrayAlloc(0),
          signingKeyBinding: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.nickname = reader.string()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.signingKey = reader.bytes()
              break
            }
            case 4: {
              obj.signingKeyBinding = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.nickname`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signingKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signingKeyBinding`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RegisterNicknameFieldEvent {
    field: '$.nickname'
    value: string
  }

  export interface RegisterPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RegisterSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RegisterSigningKeyBindingFieldEvent {
    field: '$.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Register>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Register.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Register>): Register {
    return decodeMessage(buf, Register.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Register>): Generator<RegisterNicknameFieldEvent | RegisterPublicKeyFieldEvent | RegisterSigningKeyFieldEvent | RegisterSigningKeyBindingFieldEvent> {
    return streamMessage(buf, Register.codec(), opts)
  }
}

export interface Member {
  peerId: string
  nickname: string
  publicKey: Uint8Array<ArrayBuffer>
  fingerprint: string
  signingKey: Uint8Array<ArrayBuffer>
  signingKeyBinding: Uint8Array<ArrayBuffer>
  index: number
}

export namespace Member {
  let _codec: Codec<Member>

  export const codec = (): Codec<Member> => {
    if (_codec == null) {
      _codec = message<Member>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if ((obj.nickname != null && obj.nickname !== '')) {
          w.uint32(18)
          w.string(obj.nickname)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.publicKey)
        }

        if ((obj.fingerprint != null && obj.fingerprint !== '')) {
          w.uint32(34)
          w.string(obj.fingerprint)
        }

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signingKey)
        }

        if ((obj.signingKeyBinding != null && obj.signingKeyBinding.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signingKeyBinding)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(56)
          w.uint32(obj.index)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          nickname: '',
          publicKey: uint8ArrayAlloc(0),
          fingerprint: '',
          signingKey: uint8ArrayAlloc(0),
          signingKeyBinding: uint8ArrayAlloc(0),
          index: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.nickname = reader.string()
              break
            }
            case 3: {
              obj.publicKey = reader.bytes()
              break
            }
            case 4: {
              obj.fingerprint = reader.string()
              break
            }
            case 5: {
              obj.signingKey = reader.bytes()
              break
            }
            case 6: {
              obj.signingKeyBinding = reader.bytes()
              break
            }
            case 7: {
              obj.index = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.nickname`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.fingerprint`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signingKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.signingKeyBinding`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MemberPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface MemberNicknameFieldEvent {
    field: '$.nickname'
    value: string
  }

  export interface MemberPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MemberFingerprintFieldEvent {
    field: '$.fingerprint'
    value: string
  }

  export interface MemberSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MemberSigningKeyBindingFieldEvent {
    field: '$.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MemberIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export function encode (obj: Partial<Member>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Member.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Member>): Member {
    return decodeMessage(buf, Member.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Member>): Generator<MemberPeerIdFieldEvent | MemberNicknameFieldEvent | MemberPublicKeyFieldEvent | MemberFingerprintFieldEvent | MemberSigningKeyFieldEvent | MemberSigningKeyBindingFieldEvent | MemberIndexFieldEvent> {
    return streamMessage(buf, Member.codec(), opts)
  }
}

export interface Welcome {
  roomId: Uint8Array<ArrayBuffer>
  roomName: string
  you?: Member
  members: Member[]
  nextSeq: number
  hostIsMember: boolean
  resumeToken: string
  hostEpoch: Uint8Array<ArrayBuffer>
}

export namespace Welcome {
  let _codec: Codec<Welcome>

  export const codec = (): Codec<Welcome> => {
    if (_codec == null) {
      _codec = message<Welcome>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.roomId)
        }

        if ((obj.roomName != null && obj.roomName !== '')) {
          w.uint32(18)
          w.string(obj.roomName)
        }

        if (obj.you != null) {
          w.uint32(26)
          Member.codec().encode(obj.you, w)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(34)
            Member.codec().encode(value, w)
          }
        }

        if ((obj.nextSeq != null && obj.nextSeq !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.nextSeq)
        }

        if ((obj.hostIsMember != null && obj.hostIsMember !== false)) {
          w.uint32(48)
          w.bool(obj.hostIsMember)
        }

        if ((obj.resumeToken != null && obj.resumeToken !== '')) {
          w.uint32(58)
          w.string(obj.resumeToken)
        }

        if ((obj.hostEpoch != null && obj.hostEpoch.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.hostEpoch)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          roomId: uint8ArrayAlloc(0),
          roomName: '',
          members: [],
          nextSeq: 0,
          hostIsMember: false,
          resumeToken: '',
          hostEpoch: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.roomId = reader.bytes()
              break
            }
            case 2: {
              obj.roomName = reader.string()
              break
            }
            case 3: {
              obj.you = Member.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.you
              })
              break
            }
            case 4: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(Member.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.members$
              }))
              break
            }
            case 5: {
              obj.nextSeq = reader.uint64Number()
              break
            }
            case 6: {
              obj.hostIsMember = reader.bool()
              break
            }
            case 7: {
              obj.resumeToken = reader.string()
              break
            }
            case 8: {
              obj.hostEpoch = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          members: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.roomName`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield * Member.codec().stream(reader, reader.uint32(), `${prefix}.you`, {
                limits: opts.limits?.you
              })

              break
            }
            case 4: {
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              for (const evt of Member.codec().stream(reader, reader.uint32(), `${prefix}.members[]`, {
                limits: opts.limits?.members$
              })) {
                yield {
                  ...evt,
                  index: obj.members
                }
              }

              obj.members++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.nextSeq`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.hostIsMember`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.resumeToken`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.hostEpoch`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface WelcomeRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WelcomeRoomNameFieldEvent {
    field: '$.roomName'
    value: string
  }

  export interface WelcomeYouPeerIdFieldEvent {
    field: '$.you.peerId'
    value: string
  }

  export interface WelcomeYouNicknameFieldEvent {
    field: '$.you.nickname'
    value: string
  }

  export interface WelcomeYouPublicKeyFieldEvent {
    field: '$.you.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WelcomeYouFingerprintFieldEvent {
    field: '$.you.fingerprint'
    value: string
  }

  export interface WelcomeYouSigningKeyFieldEvent {
    field: '$.you.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WelcomeYouSigningKeyBindingFieldEvent {
    field: '$.you.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WelcomeYouIndexFieldEvent {
    field: '$.you.index'
    value: number
  }

  export interface WelcomeMembersPeerIdFieldEvent {
    field: '$.members[].peerId'
    value: string
    index: number
  }

  export interface WelcomeMembersNicknameFieldEvent {
    field: '$.members[].nickname'
    value: string
    index: number
  }

  export interface WelcomeMembersPublicKeyFieldEvent {
    field: '$.members[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface WelcomeMembersFingerprintFieldEvent {
    field: '$.members[].fingerprint'
    value: string
    index: number
  }

  export interface WelcomeMembersSigningKeyFieldEvent {
    field: '$.members[].signingKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface WelcomeMembersSigningKeyBindingFieldEvent {
    field: '$.members[].signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface WelcomeMembersIndexFieldEvent {
    field: '$.members[].index'
    value: number
    index: number
  }

  export interface WelcomeNextSeqFieldEvent {
    field: '$.nextSeq'
    value: number
  }

  export interface WelcomeHostIsMemberFieldEvent {
    field: '$.hostIsMember'
    value: boolean
  }

  export interface WelcomeResumeTokenFieldEvent {
    field: '$.resumeToken'
    value: string
  }

  export interface WelcomeHostEpochFieldEvent {
    field: '$.hostEpoch'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Welcome>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Welcome.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Welcome>): Welcome {
    return decodeMessage(buf, Welcome.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Welcome>): Generator<WelcomeRoomIdFieldEvent | WelcomeRoomNameFieldEvent | WelcomeYouPeerIdFieldEvent | WelcomeYouNicknameFieldEvent | WelcomeYouPublicKeyFieldEvent | WelcomeYouFingerprintFieldEvent | WelcomeYouSigningKeyFieldEvent | WelcomeYouSigningKeyBindingFieldEvent | WelcomeYouIndexFieldEvent | WelcomeMembersPeerIdFieldEvent | WelcomeMembersNicknameFieldEvent | WelcomeMembersPublicKeyFieldEvent | WelcomeMembersFingerprintFieldEvent | WelcomeMembersSigningKeyFieldEvent | WelcomeMembersSigningKeyBindingFieldEvent | WelcomeMembersIndexFieldEvent | WelcomeNextSeqFieldEvent | WelcomeHostIsMemberFieldEvent | WelcomeResumeTokenFieldEvent | WelcomeHostEpochFieldEvent> {
    return streamMessage(buf, Welcome.codec(), opts)
  }
}

export interface ResumeClaims {
  roomId: Uint8Array<ArrayBuffer>
  peerId: string
  keyHash: Uint8Array<ArrayBuffer>
  nickname: string
  expiresAt: number
}

export namespace ResumeClaims {
  let _codec: Codec<ResumeClaims>

  export const codec = (): Codec<ResumeClaims> => {
    if (_codec == null) {
      _codec = message<ResumeClaims>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.roomId)
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(18)
          w.string(obj.peerId)
        }

        if ((obj.keyHash != null && obj.keyHash.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.keyHash)
        }

        if ((obj.nickname != null && obj.nickname !== '')) {
          w.uint32(34)
          w.string(obj.nickname)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          roomId: uint8ArrayAlloc(0),
          peerId: '',
          keyHash: uint8ArrayAlloc(0),
          nickname: '',
          expiresAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.roomId = reader.bytes()
              break
            }
            case 2: {
              obj.peerId = reader.string()
              break
            }
            case 3: {
              obj.keyHash = reader.bytes()
              break
            }
            case 4: {
              obj.nickname = reader.string()
              break
            }
            case 5: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.keyHash`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nickname`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ResumeClaimsRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumeClaimsPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface ResumeClaimsKeyHashFieldEvent {
    field: '$.keyHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumeClaimsNicknameFieldEvent {
    field: '$.nickname'
    value: string
  }

  export interface ResumeClaimsExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export function encode (obj: Partial<ResumeClaims>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ResumeClaims.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResumeClaims>): ResumeClaims {
    return decodeMessage(buf, ResumeClaims.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResumeClaims>): Generator<ResumeClaimsRoomIdFieldEvent | ResumeClaimsPeerIdFieldEvent | ResumeClaimsKeyHashFieldEvent | ResumeClaimsNicknameFieldEvent | ResumeClaimsExpiresAtFieldEvent> {
    return streamMessage(buf, ResumeClaims.codec(), opts)
  }
}

export interface Resume {
  token: string
  lastSeq: number
  timestamp: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  signingKey: Uint8Array<ArrayBuffer>
  signingKeyBinding: Uint8Array<ArrayBuffer>
}

export namespace Resume {
  let _codec: Codec<Resume>

  export const codec = (): Codec<Resume> => {
    if (_codec == null) {
      _codec = message<Resume>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.token != null && obj.token !== '')) {
          w.uint32(10)
          w.string(obj.token)
        }

        if ((obj.lastSeq != null && obj.lastSeq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.lastSeq)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.timestamp)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.publicKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signature)
        }

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signingKey)
        }

        if ((obj.signingKeyBinding != null && obj.signingKeyBinding.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.signingKeyBinding)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          token: '',
          lastSeq: 0,
          timestamp: 0,
          publicKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          signingKey: uint8ArrayAlloc(0),
          signingKeyBinding: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.token = reader.string()
              break
            }
            case 2: {
              obj.lastSeq = reader.uint64Number()
              break
            }
            case 3: {
              obj.timestamp = reader.uint64Number()
              break
            }
            case 4: {
              obj.publicKey = reader.bytes()
              break
            }
            case 5: {
              obj.signature = reader.bytes()
              break
            }
            case 6: {
              obj.signingKey = reader.bytes()
              break
            }
            case 7: {
              obj.signingKeyBinding = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.token`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.lastSeq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.signingKey`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.signingKeyBinding`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ResumeTokenFieldEvent {
    field: '$.token'
    value: string
  }

  export interface ResumeLastSeqFieldEvent {
    field: '$.lastSeq'
    value: number
  }

  export interface ResumeTimestampFieldEvent {
    field: '$.timestamp'
    value: number
  }

  export interface ResumePublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumeSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumeSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumeSigningKeyBindingFieldEvent {
    field: '$.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Resume>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Resume.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Resume>): Resume {
    return decodeMessage(buf, Resume.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Resume>): Generator<ResumeTokenFieldEvent | ResumeLastSeqFieldEvent | ResumeTimestampFieldEvent | ResumePublicKeyFieldEvent | ResumeSignatureFieldEvent | ResumeSigningKeyFieldEvent | ResumeSigningKeyBindingFieldEvent> {
    return streamMessage(buf, Resume.codec(), opts)
  }
}

export interface Resumed {
  welcome?: Welcome
  missed: number
  gapUnknown: boolean
  replayed: number
}

export namespace Resumed {
  let _codec: Codec<Resumed>

  export const codec = (): Codec<Resumed> => {
    if (_codec == null) {
      _codec = message<Resumed>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.welcome != null) {
          w.uint32(10)
          Welcome.codec().encode(obj.welcome, w)
        }

        if ((obj.missed != null && obj.missed !== 0)) {
          w.uint32(16)
          w.uint32(obj.missed)
        }

        if ((obj.gapUnknown != null && obj.gapUnknown !== false)) {
          w.uint32(24)
          w.bool(obj.gapUnknown)
        }

        if ((obj.replayed != null && obj.replayed !== 0)) {
          w.uint32(32)
          w.uint32(obj.replayed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          missed: 0,
          gapUnknown: false,
          replayed: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.welcome = Welcome.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.welcome
              })
              break
            }
            case 2: {
              obj.missed = reader.uint32()
              break
            }
            case 3: {
              obj.gapUnknown = reader.bool()
              break
            }
            case 4: {
              obj.replayed = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Welcome.codec().stream(reader, reader.uint32(), `${prefix}.welcome`, {
                limits: opts.limits?.welcome
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.missed`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.gapUnknown`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.replayed`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ResumedWelcomeRoomIdFieldEvent {
    field: '$.welcome.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumedWelcomeRoomNameFieldEvent {
    field: '$.welcome.roomName'
    value: string
  }

  export interface ResumedWelcomeYouPeerIdFieldEvent {
    field: '$.welcome.you.peerId'
    value: string
  }

  export interface ResumedWelcomeYouNicknameFieldEvent {
    field: '$.welcome.you.nickname'
    value: string
  }

  export interface ResumedWelcomeYouPublicKeyFieldEvent {
    field: '$.welcome.you.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumedWelcomeYouFingerprintFieldEvent {
    field: '$.welcome.you.fingerprint'
    value: string
  }

  export interface ResumedWelcomeYouSigningKeyFieldEvent {
    field: '$.welcome.you.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumedWelcomeYouSigningKeyBindingFieldEvent {
    field: '$.welcome.you.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumedWelcomeYouIndexFieldEvent {
    field: '$.welcome.you.index'
    value: number
  }

  export interface ResumedWelcomeMembersPeerIdFieldEvent {
    field: '$.welcome.members[].peerId'
    value: string
    index: number
  }

  export interface ResumedWelcomeMembersNicknameFieldEvent {
    field: '$.welcome.members[].nickname'
    value: string
    index: number
  }

  export interface ResumedWelcomeMembersPublicKeyFieldEvent {
    field: '$.welcome.members[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ResumedWelcomeMembersFingerprintFieldEvent {
    field: '$.welcome.members[].fingerprint'
    value: string
    index: number
  }

  export interface ResumedWelcomeMembersSigningKeyFieldEvent {
    field: '$.welcome.members[].signingKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ResumedWelcomeMembersSigningKeyBindingFieldEvent {
    field: '$.welcome.members[].signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ResumedWelcomeMembersIndexFieldEvent {
    field: '$.welcome.members[].index'
    value: number
    index: number
  }

  export interface ResumedWelcomeNextSeqFieldEvent {
    field: '$.welcome.nextSeq'
    value: number
  }

  export interface ResumedWelcomeHostIsMemberFieldEvent {
    field: '$.welcome.hostIsMember'
    value: boolean
  }

  export interface ResumedWelcomeResumeTokenFieldEvent {
    field: '$.welcome.resumeToken'
    value: string
  }

  export interface ResumedWelcomeHostEpochFieldEvent {
    field: '$.welcome.hostEpoch'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumedMissedFieldEvent {
    field: '$.missed'
    value: number
  }

  export interface ResumedGapUnknownFieldEvent {
    field: '$.gapUnknown'
    value: boolean
  }

  export interface ResumedReplayedFieldEvent {
    field: '$.replayed'
    value: number
  }

  export function encode (obj: Partial<Resumed>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Resumed.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Resumed>): Resumed {
    return decodeMessage(buf, Resumed.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Resumed>): Generator<ResumedWelcomeRoomIdFieldEvent | ResumedWelcomeRoomNameFieldEvent | ResumedWelcomeYouPeerIdFieldEvent | ResumedWelcomeYouNicknameFieldEvent | ResumedWelcomeYouPublicKeyFieldEvent | ResumedWelcomeYouFingerprintFieldEvent | ResumedWelcomeYouSigningKeyFieldEvent | ResumedWelcomeYouSigningKeyBindingFieldEvent | ResumedWelcomeYouIndexFieldEvent | ResumedWelcomeMembersPeerIdFieldEvent | ResumedWelcomeMembersNicknameFieldEvent | ResumedWelcomeMembersPublicKeyFieldEvent | ResumedWelcomeMembersFingerprintFieldEvent | ResumedWelcomeMembersSigningKeyFieldEvent | ResumedWelcomeMembersSigningKeyBindingFieldEvent | ResumedWelcomeMembersIndexFieldEvent | ResumedWelcomeNextSeqFieldEvent | ResumedWelcomeHostIsMemberFieldEvent | ResumedWelcomeResumeTokenFieldEvent | ResumedWelcomeHostEpochFieldEvent | ResumedMissedFieldEvent | ResumedGapUnknownFieldEvent | ResumedReplayedFieldEvent> {
    return streamMessage(buf, Resumed.codec(), opts)
  }
}

export interface Presence {
  peerId: string
  away: boolean
}

export namespace Presence {
  let _codec: Codec<Presence>

  export const codec = (): Codec<Presence> => {
    if (_codec == null) {
      _codec = message<Presence>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if ((obj.away != null && obj.away !== false)) {
          w.uint32(16)
          w.bool(obj.away)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          away: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.away = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.away`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PresencePeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface PresenceAwayFieldEvent {
    field: '$.away'
    value: boolean
  }

  export function encode (obj: Partial<Presence>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Presence.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Presence>): Presence {
    return decodeMessage(buf, Presence.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Presence>): Generator<PresencePeerIdFieldEvent | PresenceAwayFieldEvent> {
    return streamMessage(buf, Presence.codec(), opts)
  }
}

export interface Credential {
  resumeToken: string
}

export namespace Credential {
  let _codec: Codec<Credential>

  export const codec = (): Codec<Credential> => {
    if (_codec == null) {
      _codec = message<Credential>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.resumeToken != null && obj.resumeToken !== '')) {
          w.uint32(10)
          w.string(obj.resumeToken)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          resumeToken: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.resumeToken = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.resumeToken`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CredentialResumeTokenFieldEvent {
    field: '$.resumeToken'
    value: string
  }

  export function encode (obj: Partial<Credential>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Credential.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Credential>): Credential {
    return decodeMessage(buf, Credential.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Credential>): Generator<CredentialResumeTokenFieldEvent> {
    return streamMessage(buf, Credential.codec(), opts)
  }
}

export interface Refusal {
  reason: Reason
  message: string
  attemptsLeft: number
  retry: boolean
  retryAfter: number
}

export namespace Refusal {
  let _codec: Codec<Refusal>

  export const codec = (): Codec<Refusal> => {
    if (_codec == null) {
      _codec = message<Refusal>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.reason != null && __ReasonValues[obj.reason] !== 0) {
          w.uint32(8)
          Reason.codec().encode(obj.reason, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if ((obj.attemptsLeft != null && obj.attemptsLeft !== 0)) {
          w.uint32(24)
          w.uint32(obj.attemptsLeft)
        }

        if ((obj.retry != null && obj.retry !== false)) {
          w.uint32(32)
          w.bool(obj.retry)
        }

        if ((obj.retryAfter != null && obj.retryAfter !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.retryAfter)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          reason: Reason.REASON_UNSPECIFIED,
          message: '',
          attemptsLeft: 0,
          retry: false,
          retryAfter: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.reason = Reason.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              obj.attemptsLeft = reader.uint32()
              break
            }
            case 4: {
              obj.retry = reader.bool()
              break
            }
            case 5: {
              obj.retryAfter = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.reason`,
                value: Reason.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.attemptsLeft`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.retry`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.retryAfter`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RefusalReasonFieldEvent {
    field: '$.reason'
    value: Reason
  }

  export interface RefusalMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface RefusalAttemptsLeftFieldEvent {
    field: '$.attemptsLeft'
    value: number
  }

  export interface RefusalRetryFieldEvent {
    field: '$.retry'
    value: boolean
  }

  export interface RefusalRetryAfterFieldEvent {
    field: '$.retryAfter'
    value: number
  }

  export function encode (obj: Partial<Refusal>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Refusal.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Refusal>): Refusal {
    return decodeMessage(buf, Refusal.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Refusal>): Generator<RefusalReasonFieldEvent | RefusalMessageFieldEvent | RefusalAttemptsLeftFieldEvent | RefusalRetryFieldEvent | RefusalRetryAfterFieldEvent> {
    return streamMessage(buf, Refusal.codec(), opts)
  }
}

export interface WrappedKey {
  recipient: string
  key: Uint8Array<ArrayBuffer>
}

export namespace WrappedKey {
  let _codec: Codec<WrappedKey>

  export const codec = (): Codec<WrappedKey> => {
    if (_codec == null) {
      _codec = message<WrappedKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.recipient != null && obj.recipient !== '')) {
          w.uint32(10)
          w.string(obj.recipient)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          recipient: '',
          key: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.recipient = reader.string()
              break
            }
            case 2: {
              obj.key = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.recipient`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface WrappedKeyRecipientFieldEvent {
    field: '$.recipient'
    value: string
  }

  export interface WrappedKeyKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<WrappedKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WrappedKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WrappedKey>): WrappedKey {
    return decodeMessage(buf, WrappedKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WrappedKey>): Generator<WrappedKeyRecipientFieldEvent | WrappedKeyKeyFieldEvent> {
    return streamMessage(buf, WrappedKey.codec(), opts)
  }
}

export interface Post {
  counter: number
  recipients: string[]
  ciphertext: Uint8Array<ArrayBuffer>
  keys: WrappedKey[]
  signature: Uint8Array<ArrayBuffer>
  epoch: number
  fileOffer: boolean
}

export namespace Post {
  let _codec: Codec<Post>

  export const codec = (): Codec<Post> => {
    if (_codec == null) {
      _codec = message<Post>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.counter != null && obj.counter !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.counter)
        }

        if (obj.recipients != null && obj.recipients.length > 0) {
          for (const value of obj.recipients) {
            w.uint32(18)
            w.string(value)
          }
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.ciphertext)
        }

        if (obj.keys != null && obj.keys.length > 0) {
          for (const value of obj.keys) {
            w.uint32(34)
            WrappedKey.codec().encode(value, w)
          }
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signature)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(48)
          w.uint32(obj.epoch)
        }

        if ((obj.fileOffer != null && obj.fileOffer !== false)) {
          w.uint32(56)
          w.bool(obj.fileOffer)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          counter: 0,
          recipients: [],
          ciphertext: uint8ArrayAlloc(0),
          keys: [],
          signature: uint8ArrayAlloc(0),
          epoch: 0,
          fileOffer: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.counter = reader.uint64Number()
              break
            }
            case 2: {
              if (opts.limits?.recipients != null && obj.recipients.length === opts.limits.recipients) {
                throw new MaxLengthError('Decode error - repeated field "recipients" had too many elements')
              }

              obj.recipients.push(reader.string())
              break
            }
            case 3: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.keys != null && obj.keys.length === opts.limits.keys) {
                throw new MaxLengthError('Decode error - repeated field "keys" had too many elements')
              }

              obj.keys.push(WrappedKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.keys$
              }))
              break
            }
            case 5: {
              obj.signature = reader.bytes()
              break
            }
            case 6: {
              obj.epoch = reader.uint32()
              break
            }
            case 7: {
              obj.fileOffer = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          recipients: 0,
          keys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.counter`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              if (opts.limits?.recipients != null && obj.recipients === opts.limits.recipients) {
                throw new MaxLengthError('Streaming decode error - repeated field "recipients" had too many elements')
              }

              yield {
                field: `${prefix}.recipients[]`,
                index: obj.recipients,
                value: reader.string()
              }

              obj.recipients++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.keys != null && obj.keys === opts.limits.keys) {
                throw new MaxLengthError('Streaming decode error - repeated field "keys" had too many elements')
              }

              for (const evt of WrappedKey.codec().stream(reader, reader.uint32(), `${prefix}.keys[]`, {
                limits: opts.limits?.keys$
              })) {
                yield {
                  ...evt,
                  index: obj.keys
                }
              }

              obj.keys++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.fileOffer`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PostCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export interface PostRecipientsFieldEvent {
    field: '$.recipients[]'
    index: number
    value: string
  }

  export interface PostCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PostKeysRecipientFieldEvent {
    field: '$.keys[].recipient'
    value: string
    index: number
  }

  export interface PostKeysKeyFieldEvent {
    field: '$.keys[].key'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PostSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PostEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface PostFileOfferFieldEvent {
    field: '$.fileOffer'
    value: boolean
  }

  export function encode (obj: Partial<Post>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Post.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Post>): Post {
    return decodeMessage(buf, Post.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Post>): Generator<PostCounterFieldEvent | PostRecipientsFieldEvent | PostCiphertextFieldEvent | PostKeysRecipientFieldEvent | PostKeysKeyFieldEvent | PostSignatureFieldEvent | PostEpochFieldEvent | PostFileOfferFieldEvent> {
    return streamMessage(buf, Post.codec(), opts)
  }
}

export interface Deliver {
  seq: number
  sender: number
  counter: number
  recipients: string[]
  ciphertext: Uint8Array<ArrayBuffer>
  wrappedKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  epoch: number
}

export namespace Deliver {
  let _codec: Codec<Deliver>

  export const codec = (): Codec<Deliver> => {
    if (_codec == null) {
      _codec = message<Deliver>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.seq)
        }

        if ((obj.sender != null && obj.sender !== 0)) {
          w.uint32(16)
          w.uint32(obj.sender)
        }

        if ((obj.counter != null && obj.counter !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.counter)
        }

        if (obj.recipients != null && obj.recipients.length > 0) {
          for (const value of obj.recipients) {
            w.uint32(34)
            w.string(value)
          }
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.ciphertext)
        }

        if ((obj.wrappedKey != null && obj.wrappedKey.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.wrappedKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.signature)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(64)
          w.uint64Number(obj.epoch)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          seq: 0,
          sender: 0,
          counter: 0,
          recipients: [],
          ciphertext: uint8ArrayAlloc(0),
          wrappedKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          epoch: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.seq = reader.uint64Number()
              break
            }
            case 2: {
              obj.sender = reader.uint32()
              break
            }
            case 3: {
              obj.counter = reader.uint64Number()
              break
            }
            case 4: {
              if (opts.limits?.recipients != null && obj.recipients.length === opts.limits.recipients) {
                throw new MaxLengthError('Decode error - repeated field "recipients" had too many elements')
              }

              obj.recipients.push(reader.string())
              break
            }
            case 5: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 6: {
              obj.wrappedKey = reader.bytes()
              break
            }
            case 7: {
              obj.signature = reader.bytes()
              break
            }
            case 8: {
              obj.epoch = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          recipients: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sender`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.counter`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              if (opts.limits?.recipients != null && obj.recipients === opts.limits.recipients) {
                throw new MaxLengthError('Streaming decode error - repeated field "recipients" had too many elements')
              }

              yield {
                field: `${prefix}.recipients[]`,
                index: obj.recipients,
                value: reader.string()
              }

              obj.recipients++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.wrappedKey`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DeliverSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface DeliverSenderFieldEvent {
    field: '$.sender'
    value: number
  }

  export interface DeliverCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export interface DeliverRecipientsFieldEvent {
    field: '$.recipients[]'
    index: number
    value: string
  }

  export interface DeliverCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeliverWrappedKeyFieldEvent {
    field: '$.wrappedKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeliverSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeliverEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export function encode (obj: Partial<Deliver>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Deliver.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Deliver>): Deliver {
    return decodeMessage(buf, Deliver.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Deliver>): Generator<DeliverSeqFieldEvent | DeliverSenderFieldEvent | DeliverCounterFieldEvent | DeliverRecipientsFieldEvent | DeliverCiphertextFieldEvent | DeliverWrappedKeyFieldEvent | DeliverSignatureFieldEvent | DeliverEpochFieldEvent> {
    return streamMessage(buf, Deliver.codec(), opts)
  }
}

export interface Ack {
  counter: number
  seq: number
}

export namespace Ack {
  let _codec: Codec<Ack>

  export const codec = (): Codec<Ack> => {
    if (_codec == null) {
      _codec = message<Ack>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.counter != null && obj.counter !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.counter)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          counter: 0,
          seq: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.counter = reader.uint64Number()
              break
            }
            case 2: {
              obj.seq = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.counter`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AckCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export interface AckSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export function encode (obj: Partial<Ack>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Ack.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Ack {
    return decodeMessage(buf, Ack.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Generator<AckCounterFieldEvent | AckSeqFieldEvent> {
    return streamMessage(buf, Ack.codec(), opts)
  }
}

export interface Rejected {
  counter: number
  reason: Reason
  message: string
}

export namespace Rejected {
  let _codec: Codec<Rejected>

  export const codec = (): Codec<Rejected> => {
    if (_codec == null) {
      _codec = message<Rejected>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.counter != null && obj.counter !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.counter)
        }

        if (obj.reason != null && __ReasonValues[obj.reason] !== 0) {
          w.uint32(16)
          Reason.codec().encode(obj.reason, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(26)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          counter: 0,
          reason: Reason.REASON_UNSPECIFIED,
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.counter = reader.uint64Number()
              break
            }
            case 2: {
              obj.reason = Reason.codec().decode(reader)
              break
            }
            case 3: {
              obj.message = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.counter`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.reason`,
                value: Reason.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RejectedCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export interface RejectedReasonFieldEvent {
    field: '$.reason'
    value: Reason
  }

  export interface RejectedMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<Rejected>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Rejected.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Rejected>): Rejected {
    return decodeMessage(buf, Rejected.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Rejected>): Generator<RejectedCounterFieldEvent | RejectedReasonFieldEvent | RejectedMessageFieldEvent> {
    return streamMessage(buf, Rejected.codec(), opts)
  }
}

export interface MemberJoined {
  member?: Member
}

export namespace MemberJoined {
  let _codec: Codec<MemberJoined>

  export const codec = (): Codec<MemberJoined> => {
    if (_codec == null) {
      _codec = message<MemberJoined>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.member != null) {
          w.uint32(10)
          Member.codec().encode(obj.member, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = Member.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.member
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Member.codec().stream(reader, reader.uint32(), `${prefix}.member`, {
                limits: opts.limits?.member
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MemberJoinedMemberPeerIdFieldEvent {
    field: '$.member.peerId'
    value: string
  }

  export interface MemberJoinedMemberNicknameFieldEvent {
    field: '$.member.nickname'
    value: string
  }

  export interface MemberJoinedMemberPublicKeyFieldEvent {
    field: '$.member.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MemberJoinedMemberFingerprintFieldEvent {
    field: '$.member.fingerprint'
    value: string
  }

  export interface MemberJoinedMemberSigningKeyFieldEvent {
    field: '$.member.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MemberJoinedMemberSigningKeyBindingFieldEvent {
    field: '$.member.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MemberJoinedMemberIndexFieldEvent {
    field: '$.member.index'
    value: number
  }

  export function encode (obj: Partial<MemberJoined>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MemberJoined.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MemberJoined>): MemberJoined {
    return decodeMessage(buf, MemberJoined.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MemberJoined>): Generator<MemberJoinedMemberPeerIdFieldEvent | MemberJoinedMemberNicknameFieldEvent | MemberJoinedMemberPublicKeyFieldEvent | MemberJoinedMemberFingerprintFieldEvent | MemberJoinedMemberSigningKeyFieldEvent | MemberJoinedMemberSigningKeyBindingFieldEvent | MemberJoinedMemberIndexFieldEvent> {
    return streamMessage(buf, MemberJoined.codec(), opts)
  }
}

export interface MemberLeft {
  peerId: string
  nickname: string
  reason: Reason
}

export namespace MemberLeft {
  let _codec: Codec<MemberLeft>

  export const codec = (): Codec<MemberLeft> => {
    if (_codec == null) {
      _codec = message<MemberLeft>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if ((obj.nickname != null && obj.nickname !== '')) {
          w.uint32(18)
          w.string(obj.nickname)
        }

        if (obj.reason != null && __ReasonValues[obj.reason] !== 0) {
          w.uint32(24)
          Reason.codec().encode(obj.reason, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          nickname: '',
          reason: Reason.REASON_UNSPECIFIED
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.nickname = reader.string()
              break
            }
            case 3: {
              obj.reason = Reason.codec().decode(reader)
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.nickname`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.reason`,
                value: Reason.codec().decode(reader)
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MemberLeftPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface MemberLeftNicknameFieldEvent {
    field: '$.nickname'
    value: string
  }

  export interface MemberLeftReasonFieldEvent {
    field: '$.reason'
    value: Reason
  }

  export function encode (obj: Partial<MemberLeft>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MemberLeft.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MemberLeft>): MemberLeft {
    return decodeMessage(buf, MemberLeft.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MemberLeft>): Generator<MemberLeftPeerIdFieldEvent | MemberLeftNicknameFieldEvent | MemberLeftReasonFieldEvent> {
    return streamMessage(buf, MemberLeft.codec(), opts)
  }
}

export interface Goodbye {
  reason: Reason
  message: string
}

export namespace Goodbye {
  let _codec: Codec<Goodbye>

  export const codec = (): Codec<Goodbye> => {
    if (_codec == null) {
      _codec = message<Goodbye>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.reason != null && __ReasonValues[obj.reason] !== 0) {
          w.uint32(8)
          Reason.codec().encode(obj.reason, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          reason: Reason.REASON_UNSPECIFIED,
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.reason = Reason.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.reason`,
                value: Reason.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GoodbyeReasonFieldEvent {
    field: '$.reason'
    value: Reason
  }

  export interface GoodbyeMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<Goodbye>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Goodbye.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Goodbye>): Goodbye {
    return decodeMessage(buf, Goodbye.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Goodbye>): Generator<GoodbyeReasonFieldEvent | GoodbyeMessageFieldEvent> {
    return streamMessage(buf, Goodbye.codec(), opts)
  }
}

export interface Frame {
  hello?: Hello
  challenge?: Challenge
  answer?: Answer
  roomCode?: RoomCode
  register?: Register
  welcome?: Welcome
  refusal?: Refusal
  post?: Post
  deliver?: Deliver
  ack?: Ack
  rejected?: Rejected
  memberJoined?: MemberJoined
  memberLeft?: MemberLeft
  goodbye?: Goodbye
  resume?: Resume
  resumed?: Resumed
  presence?: Presence
  credential?: Credential
}

export namespace Frame {
  let _codec: Codec<Frame>

  export const codec = (): Codec<Frame> => {
    if (_codec == null) {
      _codec = message<Frame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.hello != null) {
          w.uint32(10)
          Hello.codec().encode(obj.hello, w)
        }

        if (obj.challenge != null) {
          w.uint32(18)
          Challenge.codec().encode(obj.challenge, w)
        }

        if (obj.answer != null) {
          w.uint32(26)
          Answer.codec().encode(obj.answer, w)
        }

        if (obj.roomCode != null) {
          w.uint32(34)
          RoomCode.codec().encode(obj.roomCode, w)
        }

        if (obj.register != null) {
          w.uint32(42)
          Register.codec().encode(obj.register, w)
        }

        if (obj.welcome != null) {
          w.uint32(50)
          Welcome.codec().encode(obj.welcome, w)
        }

        if (obj.refusal != null) {
          w.uint32(58)
          Refusal.codec().encode(obj.refusal, w)
        }

        if (obj.post != null) {
          w.uint32(66)
          Post.codec().encode(obj.post, w)
        }

        if (obj.deliver != null) {
          w.uint32(74)
          Deliver.codec().encode(obj.deliver, w)
        }

        if (obj.ack != null) {
          w.uint32(82)
          Ack.codec().encode(obj.ack, w)
        }

        if (obj.rejected != null) {
          w.uint32(90)
          Rejected.codec().encode(obj.rejected, w)
        }

        if (obj.memberJoined != null) {
          w.uint32(98)
          MemberJoined.codec().encode(obj.memberJoined, w)
        }

        if (obj.memberLeft != null) {
          w.uint32(106)
          MemberLeft.codec().encode(obj.memberLeft, w)
        }

        if (obj.goodbye != null) {
          w.uint32(114)
          Goodbye.codec().encode(obj.goodbye, w)
        }

        if (obj.resume != null) {
          w.uint32(122)
          Resume.codec().encode(obj.resume, w)
        }

        if (obj.resumed != null) {
          w.uint32(130)
          Resumed.codec().encode(obj.resumed, w)
        }

        if (obj.presence != null) {
          w.uint32(138)
          Presence.codec().encode(obj.presence, w)
        }

        if (obj.credential != null) {
          w.uint32(146)
          Credential.codec().encode(obj.credential, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.hello = Hello.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.hello
              })
              break
            }
            case 2: {
              obj.challenge = Challenge.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.challenge
              })
              break
            }
            case 3: {
              obj.answer = Answer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.answer
              })
              break
            }
            case 4: {
              obj.roomCode = RoomCode.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.roomCode
              })
              break
            }
            case 5: {
              obj.register = Register.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.register
              })
              break
            }
            case 6: {
              obj.welcome = Welcome.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.welcome
              })
              break
            }
            case 7: {
              obj.refusal = Refusal.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.refusal
              })
              break
            }
            case 8: {
              obj.post = Post.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.post
              })
              break
            }
            case 9: {
              obj.deliver = Deliver.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.deliver
              })
              break
            }
            case 10: {
              obj.ack = Ack.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ack
              })
              break
            }
            case 11: {
              obj.rejected = Rejected.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.rejected
              })
              break
            }
            case 12: {
              obj.memberJoined = MemberJoined.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.memberJoined
              })
              break
            }
            case 13: {
              obj.memberLeft = MemberLeft.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.memberLeft
              })
              break
            }
            case 14: {
              obj.goodbye = Goodbye.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.goodbye
              })
              break
            }
            case 15: {
              obj.resume = Resume.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.resume
              })
              break
            }
            case 16: {
              obj.resumed = Resumed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.resumed
              })
              break
            }
            case 17: {
              obj.presence = Presence.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.presence
              })
              break
            }
            case 18: {
              obj.credential = Credential.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.credential
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Hello.codec().stream(reader, reader.uint32(), `${prefix}.hello`, {
                limits: opts.limits?.hello
              })

              break
            }
            case 2: {
              yield * Challenge.codec().stream(reader, reader.uint32(), `${prefix}.challenge`, {
                limits: opts.limits?.challenge
              })

              break
            }
            case 3: {
              yield * Answer.codec().stream(reader, reader.uint32(), `${prefix}.answer`, {
                limits: opts.limits?.answer
              })

              break
            }
            case 4: {
              yield * RoomCode.codec().stream(reader, reader.uint32(), `${prefix}.roomCode`, {
                limits: opts.limits?.roomCode
              })

              break
            }
            case 5: {
              yield * Register.codec().stream(reader, reader.uint32(), `${prefix}.register`, {
                limits: opts.limits?.register
              })

              break
            }
            case 6: {
              yield * Welcome.codec().stream(reader, reader.uint32(), `${prefix}.welcome`, {
                limits: opts.limits?.welcome
              })

              break
            }
            case 7: {
              yield * Refusal.codec().stream(reader, reader.uint32(), `${prefix}.refusal`, {
                limits: opts.limits?.refusal
              })

              break
            }
            case 8: {
              yield * Post.codec().stream(reader, reader.uint32(), `${prefix}.post`, {
                limits: opts.limits?.post
              })

              break
            }
            case 9: {
              yield * Deliver.codec().stream(reader, reader.uint32(), `${prefix}.deliver`, {
                limits: opts.limits?.deliver
              })

              break
            }
            case 10: {
              yield * Ack.codec().stream(reader, reader.uint32(), `${prefix}.ack`, {
                limits: opts.limits?.ack
              })

              break
            }
            case 11: {
              yield * Rejected.codec().stream(reader, reader.uint32(), `${prefix}.rejected`, {
                limits: opts.limits?.rejected
              })

              break
            }
            case 12: {
              yield * MemberJoined.codec().stream(reader, reader.uint32(), `${prefix}.memberJoined`, {
                limits: opts.limits?.memberJoined
              })

              break
            }
            case 13: {
              yield * MemberLeft.codec().stream(reader, reader.uint32(), `${prefix}.memberLeft`, {
                limits: opts.limits?.memberLeft
              })

              break
            }
            case 14: {
              yield * Goodbye.codec().stream(reader, reader.uint32(), `${prefix}.goodbye`, {
                limits: opts.limits?.goodbye
              })

              break
            }
            case 15: {
              yield * Resume.codec().stream(reader, reader.uint32(), `${prefix}.resume`, {
                limits: opts.limits?.resume
              })

              break
            }
            case 16: {
              yield * Resumed.codec().stream(reader, reader.uint32(), `${prefix}.resumed`, {
                limits: opts.limits?.resumed
              })

              break
            }
            case 17: {
              yield * Presence.codec().stream(reader, reader.uint32(), `${prefix}.presence`, {
                limits: opts.limits?.presence
              })

              break
            }
            case 18: {
              yield * Credential.codec().stream(reader, reader.uint32(), `${prefix}.credential`, {
                limits: opts.limits?.credential
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FrameHelloVersionFieldEvent {
    field: '$.hello.version'
    value: number
  }

  export interface FrameHelloTokenFieldEvent {
    field: '$.hello.token'
    value: string
  }

  export interface FrameChallengeStepFieldEvent {
    field: '$.challenge.step'
    value: Step
  }

  export interface FrameChallengeQuestionFieldEvent {
    field: '$.challenge.question'
    value: string
  }

  export interface FrameChallengeAttemptsLeftFieldEvent {
    field: '$.challenge.attemptsLeft'
    value: number
  }

  export interface FrameAnswerAnswerFieldEvent {
    field: '$.answer.answer'
    value: string
  }

  export interface FrameRoomCodeCodeFieldEvent {
    field: '$.roomCode.code'
    value: string
  }

  export interface FrameRegisterNicknameFieldEvent {
    field: '$.register.nickname'
    value: string
  }

  export interface FrameRegisterPublicKeyFieldEvent {
    field: '$.register.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameRegisterSigningKeyFieldEvent {
    field: '$.register.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameRegisterSigningKeyBindingFieldEvent {
    field: '$.register.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameWelcomeRoomIdFieldEvent {
    field: '$.welcome.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameWelcomeRoomNameFieldEvent {
    field: '$.welcome.roomName'
    value: string
  }

  export interface FrameWelcomeYouPeerIdFieldEvent {
    field: '$.welcome.you.peerId'
    value: string
  }

  export interface FrameWelcomeYouNicknameFieldEvent {
    field: '$.welcome.you.nickname'
    value: string
  }

  export interface FrameWelcomeYouPublicKeyFieldEvent {
    field: '$.welcome.you.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameWelcomeYouFingerprintFieldEvent {
    field: '$.welcome.you.fingerprint'
    value: string
  }

  export interface FrameWelcomeYouSigningKeyFieldEvent {
    field: '$.welcome.you.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameWelcomeYouSigningKeyBindingFieldEvent {
    field: '$.welcome.you.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameWelcomeYouIndexFieldEvent {
    field: '$.welcome.you.index'
    value: number
  }

  export interface FrameWelcomeMembersPeerIdFieldEvent {
    field: '$.welcome.members[].peerId'
    value: string
    index: number
  }

  export interface FrameWelcomeMembersNicknameFieldEvent {
    field: '$.welcome.members[].nickname'
    value: string
    index: number
  }

  export interface FrameWelcomeMembersPublicKeyFieldEvent {
    field: '$.welcome.members[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FrameWelcomeMembersFingerprintFieldEvent {
    field: '$.welcome.members[].fingerprint'
    value: string
    index: number
  }

  export interface FrameWelcomeMembersSigningKeyFieldEvent {
    field: '$.welcome.members[].signingKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FrameWelcomeMembersSigningKeyBindingFieldEvent {
    field: '$.welcome.members[].signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FrameWelcomeMembersIndexFieldEvent {
    field: '$.welcome.members[].index'
    value: number
    index: number
  }

  export interface FrameWelcomeNextSeqFieldEvent {
    field: '$.welcome.nextSeq'
    value: number
  }

  export interface FrameWelcomeHostIsMemberFieldEvent {
    field: '$.welcome.hostIsMember'
    value: boolean
  }

  export interface FrameWelcomeResumeTokenFieldEvent {
    field: '$.welcome.resumeToken'
    value: string
  }

  export interface FrameWelcomeHostEpochFieldEvent {
    field: '$.welcome.hostEpoch'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameRefusalReasonFieldEvent {
    field: '$.refusal.reason'
    value: Reason
  }

  export interface FrameRefusalMessageFieldEvent {
    field: '$.refusal.message'
    value: string
  }

  export interface FrameRefusalAttemptsLeftFieldEvent {
    field: '$.refusal.attemptsLeft'
    value: number
  }

  export interface FrameRefusalRetryFieldEvent {
    field: '$.refusal.retry'
    value: boolean
  }

  export interface FrameRefusalRetryAfterFieldEvent {
    field: '$.refusal.retryAfter'
    value: number
  }

  export interface FramePostCounterFieldEvent {
    field: '$.post.counter'
    value: number
  }

  export interface FramePostRecipientsFieldEvent {
    field: '$.post.recipients[]'
    index: number
    value: string
  }

  export interface FramePostCiphertextFieldEvent {
    field: '$.post.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FramePostKeysRecipientFieldEvent {
    field: '$.post.keys[].recipient'
    value: string
    index: number
  }

  export interface FramePostKeysKeyFieldEvent {
    field: '$.post.keys[].key'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FramePostSignatureFieldEvent {
    field: '$.post.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FramePostEpochFieldEvent {
    field: '$.post.epoch'
    value: number
  }

  export interface FramePostFileOfferFieldEvent {
    field: '$.post.fileOffer'
    value: boolean
  }

  export interface FrameDeliverSeqFieldEvent {
    field: '$.deliver.seq'
    value: number
  }

  export interface FrameDeliverSenderFieldEvent {
    field: '$.deliver.sender'
    value: number
  }

  export interface FrameDeliverCounterFieldEvent {
    field: '$.deliver.counter'
    value: number
  }

  export interface FrameDeliverRecipientsFieldEvent {
    field: '$.deliver.recipients[]'
    index: number
    value: string
  }

  export interface FrameDeliverCiphertextFieldEvent {
    field: '$.deliver.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameDeliverWrappedKeyFieldEvent {
    field: '$.deliver.wrappedKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameDeliverSignatureFieldEvent {
    field: '$.deliver.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameDeliverEpochFieldEvent {
    field: '$.deliver.epoch'
    value: number
  }

  export interface FrameAckCounterFieldEvent {
    field: '$.ack.counter'
    value: number
  }

  export interface FrameAckSeqFieldEvent {
    field: '$.ack.seq'
    value: number
  }

  export interface FrameRejectedCounterFieldEvent {
    field: '$.rejected.counter'
    value: number
  }

  export interface FrameRejectedReasonFieldEvent {
    field: '$.rejected.reason'
    value: Reason
  }

  export interface FrameRejectedMessageFieldEvent {
    field: '$.rejected.message'
    value: string
  }

  export interface FrameMemberJoinedMemberPeerIdFieldEvent {
    field: '$.memberJoined.member.peerId'
    value: string
  }

  export interface FrameMemberJoinedMemberNicknameFieldEvent {
    field: '$.memberJoined.member.nickname'
    value: string
  }

  export interface FrameMemberJoinedMemberPublicKeyFieldEvent {
    field: '$.memberJoined.member.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameMemberJoinedMemberFingerprintFieldEvent {
    field: '$.memberJoined.member.fingerprint'
    value: string
  }

  export interface FrameMemberJoinedMemberSigningKeyFieldEvent {
    field: '$.memberJoined.member.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameMemberJoinedMemberSigningKeyBindingFieldEvent {
    field: '$.memberJoined.member.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameMemberJoinedMemberIndexFieldEvent {
    field: '$.memberJoined.member.index'
    value: number
  }

  export interface FrameMemberLeftPeerIdFieldEvent {
    field: '$.memberLeft.peerId'
    value: string
  }

  export interface FrameMemberLeftNicknameFieldEvent {
    field: '$.memberLeft.nickname'
    value: string
  }

  export interface FrameMemberLeftReasonFieldEvent {
    field: '$.memberLeft.reason'
    value: Reason
  }

  export interface FrameGoodbyeReasonFieldEvent {
    field: '$.goodbye.reason'
    value: Reason
  }

  export interface FrameGoodbyeMessageFieldEvent {
    field: '$.goodbye.message'
    value: string
  }

  export interface FrameResumeTokenFieldEvent {
    field: '$.resume.token'
    value: string
  }

  export interface FrameResumeLastSeqFieldEvent {
    field: '$.resume.lastSeq'
    value: number
  }

  export interface FrameResumeTimestampFieldEvent {
    field: '$.resume.timestamp'
    value: number
  }

  export interface FrameResumePublicKeyFieldEvent {
    field: '$.resume.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameResumeSignatureFieldEvent {
    field: '$.resume.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameResumeSigningKeyFieldEvent {
    field: '$.resume.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameResumeSigningKeyBindingFieldEvent {
    field: '$.resume.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameResumedWelcomeRoomIdFieldEvent {
    field: '$.resumed.welcome.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameResumedWelcomeRoomNameFieldEvent {
    field: '$.resumed.welcome.roomName'
    value: string
  }

  export interface FrameResumedWelcomeYouPeerIdFieldEvent {
    field: '$.resumed.welcome.you.peerId'
    value: string
  }

  export interface FrameResumedWelcomeYouNicknameFieldEvent {
    field: '$.resumed.welcome.you.nickname'
    value: string
  }

  export interface FrameResumedWelcomeYouPublicKeyFieldEvent {
    field: '$.resumed.welcome.you.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameResumedWelcomeYouFingerprintFieldEvent {
    field: '$.resumed.welcome.you.fingerprint'
    value: string
  }

  export interface FrameResumedWelcomeYouSigningKeyFieldEvent {
    field: '$.resumed.welcome.you.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameResumedWelcomeYouSigningKeyBindingFieldEvent {
    field: '$.resumed.welcome.you.signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameResumedWelcomeYouIndexFieldEvent {
    field: '$.resumed.welcome.you.index'
    value: number
  }

  export interface FrameResumedWelcomeMembersPeerIdFieldEvent {
    field: '$.resumed.welcome.members[].peerId'
    value: string
    index: number
  }

  export interface FrameResumedWelcomeMembersNicknameFieldEvent {
    field: '$.resumed.welcome.members[].nickname'
    value: string
    index: number
  }

  export interface FrameResumedWelcomeMembersPublicKeyFieldEvent {
    field: '$.resumed.welcome.members[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FrameResumedWelcomeMembersFingerprintFieldEvent {
    field: '$.resumed.welcome.members[].fingerprint'
    value: string
    index: number
  }

  export interface FrameResumedWelcomeMembersSigningKeyFieldEvent {
    field: '$.resumed.welcome.members[].signingKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FrameResumedWelcomeMembersSigningKeyBindingFieldEvent {
    field: '$.resumed.welcome.members[].signingKeyBinding'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FrameResumedWelcomeMembersIndexFieldEvent {
    field: '$.resumed.welcome.members[].index'
    value: number
    index: number
  }

  export interface FrameResumedWelcomeNextSeqFieldEvent {
    field: '$.resumed.welcome.nextSeq'
    value: number
  }

  export interface FrameResumedWelcomeHostIsMemberFieldEvent {
    field: '$.resumed.welcome.hostIsMember'
    value: boolean
  }

  export interface FrameResumedWelcomeResumeTokenFieldEvent {
    field: '$.resumed.welcome.resumeToken'
    value: string
  }

  export interface FrameResumedWelcomeHostEpochFieldEvent {
    field: '$.resumed.welcome.hostEpoch'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FrameResumedMissedFieldEvent {
    field: '$.resumed.missed'
    value: number
  }

  export interface FrameResumedGapUnknownFieldEvent {
    field: '$.resumed.gapUnknown'
    value: boolean
  }

  export interface FrameResumedReplayedFieldEvent {
    field: '$.resumed.replayed'
    value: number
  }

  export interface FramePresencePeerIdFieldEvent {
    field: '$.presence.peerId'
    value: string
  }

  export interface FramePresenceAwayFieldEvent {
    field: '$.presence.away'
    value: boolean
  }

  export interface FrameCredentialResumeTokenFieldEvent {
    field: '$.credential.resumeToken'
    value: string
  }

  export function encode (obj: Partial<Frame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Frame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Frame>): Frame {
    return decodeMessage(buf, Frame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Frame>): Generator<FrameHelloVersionFieldEvent | FrameHelloTokenFieldEvent | FrameChallengeStepFieldEvent | FrameChallengeQuestionFieldEvent | FrameChallengeAttemptsLeftFieldEvent | FrameAnswerAnswerFieldEvent | FrameRoomCodeCodeFieldEvent | FrameRegisterNicknameFieldEvent | FrameRegisterPublicKeyFieldEvent | FrameRegisterSigningKeyFieldEvent | FrameRegisterSigningKeyBindingFieldEvent | FrameWelcomeRoomIdFieldEvent | FrameWelcomeRoomNameFieldEvent | FrameWelcomeYouPeerIdFieldEvent | FrameWelcomeYouNicknameFieldEvent | FrameWelcomeYouPublicKeyFieldEvent | FrameWelcomeYouFingerprintFieldEvent | FrameWelcomeYouSigningKeyFieldEvent | FrameWelcomeYouSigningKeyBindingFieldEvent | FrameWelcomeYouIndexFieldEvent | FrameWelcomeMembersPeerIdFieldEvent | FrameWelcomeMembersNicknameFieldEvent | FrameWelcomeMembersPublicKeyFieldEvent | FrameWelcomeMembersFingerprintFieldEvent | FrameWelcomeMembersSigningKeyFieldEvent | FrameWelcomeMembersSigningKeyBindingFieldEvent | FrameWelcomeMembersIndexFieldEvent | FrameWelcomeNextSeqFieldEvent | FrameWelcomeHostIsMemberFieldEvent | FrameWelcomeResumeTokenFieldEvent | FrameWelcomeHostEpochFieldEvent | FrameRefusalReasonFieldEvent | FrameRefusalMessageFieldEvent | FrameRefusalAttemptsLeftFieldEvent | FrameRefusalRetryFieldEvent | FrameRefusalRetryAfterFieldEvent | FramePostCounterFieldEvent | FramePostRecipientsFieldEvent | FramePostCiphertextFieldEvent | FramePostKeysRecipientFieldEvent | FramePostKeysKeyFieldEvent | FramePostSignatureFieldEvent | FramePostEpochFieldEvent | FramePostFileOfferFieldEvent | FrameDeliverSeqFieldEvent | FrameDeliverSenderFieldEvent | FrameDeliverCounterFieldEvent | FrameDeliverRecipientsFieldEvent | FrameDeliverCiphertextFieldEvent | FrameDeliverWrappedKeyFieldEvent | FrameDeliverSignatureFieldEvent | FrameDeliverEpochFieldEvent | FrameAckCounterFieldEvent | FrameAckSeqFieldEvent | FrameRejectedCounterFieldEvent | FrameRejectedReasonFieldEvent | FrameRejectedMessageFieldEvent | FrameMemberJoinedMemberPeerIdFieldEvent | FrameMemberJoinedMemberNicknameFieldEvent | FrameMemberJoinedMemberPublicKeyFieldEvent | FrameMemberJoinedMemberFingerprintFieldEvent | FrameMemberJoinedMemberSigningKeyFieldEvent | FrameMemberJoinedMemberSigningKeyBindingFieldEvent | FrameMemberJoinedMemberIndexFieldEvent | FrameMemberLeftPeerIdFieldEvent | FrameMemberLeftNicknameFieldEvent | FrameMemberLeftReasonFieldEvent | FrameGoodbyeReasonFieldEvent | FrameGoodbyeMessageFieldEvent | FrameResumeTokenFieldEvent | FrameResumeLastSeqFieldEvent | FrameResumeTimestampFieldEvent | FrameResumePublicKeyFieldEvent | FrameResumeSignatureFieldEvent | FrameResumeSigningKeyFieldEvent | FrameResumeSigningKeyBindingFieldEvent | FrameResumedWelcomeRoomIdFieldEvent | FrameResumedWelcomeRoomNameFieldEvent | FrameResumedWelcomeYouPeerIdFieldEvent | FrameResumedWelcomeYouNicknameFieldEvent | FrameResumedWelcomeYouPublicKeyFieldEvent | FrameResumedWelcomeYouFingerprintFieldEvent | FrameResumedWelcomeYouSigningKeyFieldEvent | FrameResumedWelcomeYouSigningKeyBindingFieldEvent | FrameResumedWelcomeYouIndexFieldEvent | FrameResumedWelcomeMembersPeerIdFieldEvent | FrameResumedWelcomeMembersNicknameFieldEvent | FrameResumedWelcomeMembersPublicKeyFieldEvent | FrameResumedWelcomeMembersFingerprintFieldEvent | FrameResumedWelcomeMembersSigningKeyFieldEvent | FrameResumedWelcomeMembersSigningKeyBindingFieldEvent | FrameResumedWelcomeMembersIndexFieldEvent | FrameResumedWelcomeNextSeqFieldEvent | FrameResumedWelcomeHostIsMemberFieldEvent | FrameResumedWelcomeResumeTokenFieldEvent | FrameResumedWelcomeHostEpochFieldEvent | FrameResumedMissedFieldEvent | FrameResumedGapUnknownFieldEvent | FrameResumedReplayedFieldEvent | FramePresencePeerIdFieldEvent | FramePresenceAwayFieldEvent | FrameCredentialResumeTokenFieldEvent> {
    return streamMessage(buf, Frame.codec(), opts)
  }
}

export interface SenderKey {
  epoch: number
  key: Uint8Array<ArrayBuffer>
}

export namespace SenderKey {
  let _codec: Codec<SenderKey>

  export const codec = (): Codec<SenderKey> => {
    if (_codec == null) {
      _codec = message<SenderKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          key: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.uint32()
              break
            }
            case 2: {
              obj.key = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SenderKeyEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface SenderKeyKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKey>): SenderKey {
    return decodeMessage(buf, SenderKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKey>): Generator<SenderKeyEpochFieldEvent | SenderKeyKeyFieldEvent> {
    return streamMessage(buf, SenderKey.codec(), opts)
  }
}

export interface Content {
  text: string
  senderKey?: SenderKey
  fileOffer?: FileOffer
}

export namespace Content {
  let _codec: Codec<Content>

  export const codec = (): Codec<Content> => {
    if (_codec == null) {
      _codec = message<Content>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(10)
          w.string(obj.text)
        }

        if (obj.senderKey != null) {
          w.uint32(18)
          SenderKey.codec().encode(obj.senderKey, w)
        }

        if (obj.fileOffer != null) {
          w.uint32(26)
          FileOffer.codec().encode(obj.fileOffer, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          text: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.text = reader.string()
              break
            }
            case 2: {
              obj.senderKey = SenderKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.senderKey
              })
              break
            }
            case 3: {
              obj.fileOffer = FileOffer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.fileOffer
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * SenderKey.codec().stream(reader, reader.uint32(), `${prefix}.senderKey`, {
                limits: opts.limits?.senderKey
              })

              break
            }
            case 3: {
              yield * FileOffer.codec().stream(reader, reader.uint32(), `${prefix}.fileOffer`, {
                limits: opts.limits?.fileOffer
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ContentTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface ContentSenderKeyEpochFieldEvent {
    field: '$.senderKey.epoch'
    value: number
  }

  export interface ContentSenderKeyKeyFieldEvent {
    field: '$.senderKey.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentFileOfferFileIdFieldEvent {
    field: '$.fileOffer.fileId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentFileOfferKeyFieldEvent {
    field: '$.fileOffer.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentFileOfferNameFieldEvent {
    field: '$.fileOffer.name'
    value: string
  }

  export interface ContentFileOfferSizeFieldEvent {
    field: '$.fileOffer.size'
    value: number
  }

  export interface ContentFileOfferMediaTypeFieldEvent {
    field: '$.fileOffer.mediaType'
    value: string
  }

  export interface ContentFileOfferSha256FieldEvent {
    field: '$.fileOffer.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Content>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Content.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Content>): Content {
    return decodeMessage(buf, Content.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Content>): Generator<ContentTextFieldEvent | ContentSenderKeyEpochFieldEvent | ContentSenderKeyKeyFieldEvent | ContentFileOfferFileIdFieldEvent | ContentFileOfferKeyFieldEvent | ContentFileOfferNameFieldEvent | ContentFileOfferSizeFieldEvent | ContentFileOfferMediaTypeFieldEvent | ContentFileOfferSha256FieldEvent> {
    return streamMessage(buf, Content.codec(), opts)
  }
}

export interface FileOffer {
  fileId: Uint8Array<ArrayBuffer>
  key: Uint8Array<ArrayBuffer>
  name: string
  size: number
  mediaType: string
  sha256: Uint8Array<ArrayBuffer>
}

export namespace FileOffer {
  let _codec: Codec<FileOffer>

  export const codec = (): Codec<FileOffer> => {
    if (_codec == null) {
      _codec = message<FileOffer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.fileId != null && obj.fileId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.fileId)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(26)
          w.string(obj.name)
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.size)
        }

        if ((obj.mediaType != null && obj.mediaType !== '')) {
          w.uint32(42)
          w.string(obj.mediaType)
        }

        if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.sha256)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          fileId: uint8ArrayAlloc(0),
          key: uint8ArrayAlloc(0),
          name: '',
          size: 0,
          mediaType: '',
          sha256: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.fileId = reader.bytes()
              break
            }
            case 2: {
              obj.key = reader.bytes()
              break
            }
            case 3: {
              obj.name = reader.string()
              break
            }
            case 4: {
              obj.size = reader.uint64Number()
              break
            }
            case 5: {
              obj.mediaType = reader.string()
              break
            }
            case 6: {
              obj.sha256 = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.fileId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.mediaType`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.sha256`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FileOfferFileIdFieldEvent {
    field: '$.fileId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileOfferKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileOfferNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface FileOfferSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface FileOfferMediaTypeFieldEvent {
    field: '$.mediaType'
    value: string
  }

  export interface FileOfferSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileOffer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileOffer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileOffer>): FileOffer {
    return decodeMessage(buf, FileOffer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileOffer>): Generator<FileOfferFileIdFieldEvent | FileOfferKeyFieldEvent | FileOfferNameFieldEvent | FileOfferSizeFieldEvent | FileOfferMediaTypeFieldEvent | FileOfferSha256FieldEvent> {
    return streamMessage(buf, FileOffer.codec(), opts)
  }
}

export interface FileUpload {
  seq: number
  size: number
}

export namespace FileUpload {
  let _codec: Codec<FileUpload>

  export const codec = (): Codec<FileUpload> => {
    if (_codec == null) {
      _codec = message<FileUpload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.seq)
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.size)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          seq: 0,
          size: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.seq = reader.uint64Number()
              break
            }
            case 2: {
              obj.size = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FileUploadSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface FileUploadSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export function encode (obj: Partial<FileUpload>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileUpload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileUpload>): FileUpload {
    return decodeMessage(buf, FileUpload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileUpload>): Generator<FileUploadSeqFieldEvent | FileUploadSizeFieldEvent> {
    return streamMessage(buf, FileUpload.codec(), opts)
  }
}

export interface FileRequest {
  seq: number
  fromChunk: number
  decline: boolean
}

export namespace FileRequest {
  let _codec: Codec<FileRequest>

  export const codec = (): Codec<FileRequest> => {
    if (_codec == null) {
      _codec = message<FileRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.seq)
        }

        if ((obj.fromChunk != null && obj.fromChunk !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.fromChunk)
        }

        if ((obj.decline != null && obj.decline !== false)) {
          w.uint32(24)
          w.bool(obj.decline)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          seq: 0,
          fromChunk: 0,
          decline: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.seq = reader.uint64Number()
              break
            }
            case 2: {
              obj.fromChunk = reader.uint64Number()
              break
            }
            case 3: {
              obj.decline = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.fromChunk`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.decline`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FileRequestSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface FileRequestFromChunkFieldEvent {
    field: '$.fromChunk'
    value: number
  }

  export interface FileRequestDeclineFieldEvent {
    field: '$.decline'
    value: boolean
  }

  export function encode (obj: Partial<FileRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileRequest>): FileRequest {
    return decodeMessage(buf, FileRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileRequest>): Generator<FileRequestSeqFieldEvent | FileRequestFromChunkFieldEvent | FileRequestDeclineFieldEvent> {
    return streamMessage(buf, FileRequest.codec(), opts)
  }
}

export interface FileReady {
  size: number
  fromChunk: number
}

export namespace FileReady {
  let _codec: Codec<FileReady>

  export const codec = (): Codec<FileReady> => {
    if (_codec == null) {
      _codec = message<FileReady>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.size)
        }

        if ((obj.fromChunk != null && obj.fromChunk !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.fromChunk)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          size: 0,
          fromChunk: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.size = reader.uint64Number()
              break
            }
            case 2: {
              obj.fromChunk = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.fromChunk`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FileReadySizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface FileReadyFromChunkFieldEvent {
    field: '$.fromChunk'
    value: number
  }

  export function encode (obj: Partial<FileReady>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileReady.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileReady>): FileReady {
    return decodeMessage(buf, FileReady.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileReady>): Generator<FileReadySizeFieldEvent | FileReadyFromChunkFieldEvent> {
    return streamMessage(buf, FileReady.codec(), opts)
  }
}

export interface FileChunk {
  index: number
  sealed: Uint8Array<ArrayBuffer>
}

export namespace FileChunk {
  let _codec: Codec<FileChunk>

  export const codec = (): Codec<FileChunk> => {
    if (_codec == null) {
      _codec = message<FileChunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.index)
        }

        if ((obj.sealed != null && obj.sealed.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sealed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          index: 0,
          sealed: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.index = reader.uint64Number()
              break
            }
            case 2: {
              obj.sealed = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sealed`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FileChunkIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface FileChunkSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileChunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileChunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileChunk>): FileChunk {
    return decodeMessage(buf, FileChunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileChunk>): Generator<FileChunkIndexFieldEvent | FileChunkSealedFieldEvent> {
    return streamMessage(buf, FileChunk.codec(), opts)
  }
}

export interface FileEnd {
  reason: Reason
  message: string
}

export namespace FileEnd {
  let _codec: Codec<FileEnd>

  export const codec = (): Codec<FileEnd> => {
    if (_codec == null) {
      _codec = message<FileEnd>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.reason != null && __ReasonValues[obj.reason] !== 0) {
          w.uint32(8)
          Reason.codec().encode(obj.reason, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          reason: Reason.REASON_UNSPECIFIED,
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.reason = Reason.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.reason`,
                value: Reason.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FileEndReasonFieldEvent {
    field: '$.reason'
    value: Reason
  }

  export interface FileEndMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<FileEnd>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileEnd.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileEnd>): FileEnd {
    return decodeMessage(buf, FileEnd.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileEnd>): Generator<FileEndReasonFieldEvent | FileEndMessageFieldEvent> {
    return streamMessage(buf, FileEnd.codec(), opts)
  }
}

export interface FileFrame {
  upload?: FileUpload
  request?: FileRequest
  ready?: FileReady
  chunk?: FileChunk
  end?: FileEnd
}

export namespace FileFrame {
  let _codec: Codec<FileFrame>

  export const codec = (): Codec<FileFrame> => {
    if (_codec == null) {
      _codec = message<FileFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.upload != null) {
          w.uint32(10)
          FileUpload.codec().encode(obj.upload, w)
        }

        if (obj.request != null) {
          w.uint32(18)
          FileRequest.codec().encode(obj.request, w)
        }

        if (obj.ready != null) {
          w.uint32(26)
          FileReady.codec().encode(obj.ready, w)
        }

        if (obj.chunk != null) {
          w.uint32(34)
          FileChunk.codec().encode(obj.chunk, w)
        }

        if (obj.end != null) {
          w.uint32(42)
          FileEnd.codec().encode(obj.end, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.upload = FileUpload.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.upload
              })
              break
            }
            case 2: {
              obj.request = FileRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.request
              })
              break
            }
            case 3: {
              obj.ready = FileReady.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ready
              })
              break
            }
            case 4: {
              obj.chunk = FileChunk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chunk
              })
              break
            }
            case 5: {
              obj.end = FileEnd.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.end
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * FileUpload.codec().stream(reader, reader.uint32(), `${prefix}.upload`, {
                limits: opts.limits?.upload
              })

              break
            }
            case 2: {
              yield * FileRequest.codec().stream(reader, reader.uint32(), `${prefix}.request`, {
                limits: opts.limits?.request
              })

              break
            }
            case 3: {
              yield * FileReady.codec().stream(reader, reader.uint32(), `${prefix}.ready`, {
                limits: opts.limits?.ready
              })

              break
            }
            case 4: {
              yield * FileChunk.codec().stream(reader, reader.uint32(), `${prefix}.chunk`, {
                limits: opts.limits?.chunk
              })

              break
            }
            case 5: {
              yield * FileEnd.codec().stream(reader, reader.uint32(), `${prefix}.end`, {
                limits: opts.limits?.end
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FileFrameUploadSeqFieldEvent {
    field: '$.upload.seq'
    value: number
  }

  export interface FileFrameUploadSizeFieldEvent {
    field: '$.upload.size'
    value: number
  }

  export interface FileFrameRequestSeqFieldEvent {
    field: '$.request.seq'
    value: number
  }

  export interface FileFrameRequestFromChunkFieldEvent {
    field: '$.request.fromChunk'
    value: number
  }

  export interface FileFrameRequestDeclineFieldEvent {
    field: '$.request.decline'
    value: boolean
  }

  export interface FileFrameReadySizeFieldEvent {
    field: '$.ready.size'
    value: number
  }

  export interface FileFrameReadyFromChunkFieldEvent {
    field: '$.ready.fromChunk'
    value: number
  }

  export interface FileFrameChunkIndexFieldEvent {
    field: '$.chunk.index'
    value: number
  }

  export interface FileFrameChunkSealedFieldEvent {
    field: '$.chunk.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileFrameEndReasonFieldEvent {
    field: '$.end.reason'
    value: Reason
  }

  export interface FileFrameEndMessageFieldEvent {
    field: '$.end.message'
    value: string
  }

  export function encode (obj: Partial<FileFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileFrame>): FileFrame {
    return decodeMessage(buf, FileFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileFrame>): Generator<FileFrameUploadSeqFieldEvent | FileFrameUploadSizeFieldEvent | FileFrameRequestSeqFieldEvent | FileFrameRequestFromChunkFieldEvent | FileFrameRequestDeclineFieldEvent | FileFrameReadySizeFieldEvent | FileFrameReadyFromChunkFieldEvent | FileFrameChunkIndexFieldEvent | FileFrameChunkSealedFieldEvent | FileFrameEndReasonFieldEvent | FileFrameEndMessageFieldEvent> {
    return streamMessage(buf, FileFrame.codec(), opts)
  }
}
