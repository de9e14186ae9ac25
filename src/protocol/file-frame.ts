/**
 * @module The frames of `/securechat/file/1.0.0`: one `FileFrame` each, with exactly one field set,
 * scanned against the schema before decoding and checked against their bounds after.
 */
import type { Uint8ArrayList } from 'uint8arraylist'
import { concatBytes, encodeVarint } from './bytes.js'
import { MAX_REASON_MESSAGE_LENGTH } from './constants.js'
import { FILE_CHUNK_BYTES, FILE_CHUNK_TAG_BYTES } from './file-chunks.js'
import { FrameError } from './frame.js'
import { FileFrame, Reason } from './wire/securechat.js'
import { FILE_FRAME_RULE, scanFrame } from './wire-scan.js'

export type FileFrameKind = keyof FileFrame
export const FILE_FRAME_KINDS: readonly FileFrameKind[] = ['upload', 'request', 'ready', 'chunk', 'end']

/** A file frame narrowed by its kind. */
export type FileFrameOf<K extends FileFrameKind> = { kind: K; body: NonNullable<FileFrame[K]> }
export type AnyFileFrame = { [K in FileFrameKind]: FileFrameOf<K> }[FileFrameKind]

export function fileFrame<K extends FileFrameKind>(kind: K, body: NonNullable<FileFrame[K]>): FileFrameOf<K> {
  return { kind, body }
}

export function encodeFileFrame(frame: AnyFileFrame): Uint8Array {
  return FileFrame.encode({ [frame.kind]: frame.body } as Partial<FileFrame>)
}

/**
 * The bytes of a `chunk` frame that come before its sealed bytes: the frame is `header ‖ sealed`,
 * byte for byte what `encodeFileFrame` writes, so that a chunk is framed without being copied.
 * Encoding: https://protobuf.dev/programming-guides/encoding/ (field 4 of FileFrame, length-delimited;
 * in it field 1, the index as a varint, left out when 0 as proto3 does; field 2, the sealed bytes).
 */
export function chunkFrameHeader(index: number, sealedBytes: number): Uint8Array {
  const indexField = index === 0 ? new Uint8Array(0) : concatBytes(Uint8Array.of(0x08), encodeVarint(index))
  const sealedField = concatBytes(Uint8Array.of(0x12), encodeVarint(sealedBytes))
  const chunkBytes = indexField.byteLength + sealedField.byteLength + sealedBytes
  return concatBytes(Uint8Array.of(0x22), encodeVarint(chunkBytes), indexField, sealedField)
}

/** Reads a varint at `pos` of `list`; undefined when it runs past the end or past 7 bytes. */
function varintAt(list: Uint8ArrayList, pos: number): [value: number, next: number] | undefined {
  let value = 0
  let scale = 1
  for (let i = 0; i < 7 && pos + i < list.byteLength; i++) {
    const byte = list.get(pos + i)
    value += (byte & 0x7f) * scale
    if ((byte & 0x80) === 0) return [value, pos + i + 1]
    scale *= 128
  }
  return undefined
}

/**
 * A chunk frame taken apart where it lies, its sealed bytes left in place (the pieces they came in):
 * for the host, which only spools and forwards them. Only the exact encoding `chunkFrameHeader`
 * writes is taken, with its bounds; anything else is undefined, for `decodeFileFrame` to judge.
 */
export function splitChunkFrame(list: Uint8ArrayList): { index: number; sealed: Uint8ArrayList } | undefined {
  if (list.byteLength === 0 || list.get(0) !== 0x22) return undefined
  const length = varintAt(list, 1)
  if (length === undefined) return undefined
  let pos = length[1]
  let index = 0
  if (pos < list.byteLength && list.get(pos) === 0x08) {
    const read = varintAt(list, pos + 1)
    if (read === undefined) return undefined
    ;[index, pos] = read
  }
  if (pos >= list.byteLength || list.get(pos) !== 0x12) return undefined
  const sealedLength = varintAt(list, pos + 1)
  if (sealedLength === undefined) return undefined
  const [bytes, start] = sealedLength
  if (bytes < FILE_CHUNK_TAG_BYTES || bytes > FILE_CHUNK_BYTES + FILE_CHUNK_TAG_BYTES) return undefined
  if (!Number.isSafeInteger(index) || start + bytes !== list.byteLength) return undefined
  // The canonical header only: the same bytes the sender's framing writes.
  const header = chunkFrameHeader(index, bytes)
  if (header.byteLength !== start) return undefined
  for (let i = 0; i < start; i++) if (list.get(i) !== header[i]) return undefined
  return { index, sealed: list.sublist(start) }
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new FrameError(`field out of bounds: ${what}`)
}

const whole = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/** Decodes and validates one file frame; anything else is a `FrameError`, never a crash. */
export function decodeFileFrame(bytes: Uint8Array | Uint8ArrayList): AnyFileFrame {
  const own = bytes instanceof Uint8Array ? bytes : bytes.subarray()
  try {
    scanFrame(own, FILE_FRAME_RULE)
  } catch (err) {
    throw new FrameError(`file frame refused: ${(err as Error).message}`)
  }
  let decoded: FileFrame
  try {
    decoded = FileFrame.decode(own)
  } catch (err) {
    throw new FrameError(`file frame does not decode: ${(err as Error).message}`)
  }
  const kind = FILE_FRAME_KINDS.find((k) => decoded[k] != null) as FileFrameKind
  const frame = { kind, body: decoded[kind] } as AnyFileFrame
  switch (frame.kind) {
    case 'upload':
      check(whole(frame.body.seq) && frame.body.seq > 0, 'upload.seq')
      check(whole(frame.body.size), 'upload.size')
      break
    case 'request':
      check(whole(frame.body.seq) && frame.body.seq > 0, 'request.seq')
      check(whole(frame.body.fromChunk), 'request.fromChunk')
      break
    case 'ready':
      check(whole(frame.body.size), 'ready.size')
      check(whole(frame.body.fromChunk), 'ready.fromChunk')
      break
    case 'chunk':
      check(whole(frame.body.index), 'chunk.index')
      check(frame.body.sealed.byteLength >= FILE_CHUNK_TAG_BYTES, 'chunk.sealed')
      check(frame.body.sealed.byteLength <= FILE_CHUNK_BYTES + FILE_CHUNK_TAG_BYTES, 'chunk.sealed')
      break
    case 'end':
      check(
        Object.values(Reason).includes(frame.body.reason) && frame.body.reason !== Reason.REASON_UNSPECIFIED,
        'end.reason'
      )
      check(frame.body.message.length <= MAX_REASON_MESSAGE_LENGTH, 'end.message')
      break
  }
  return frame
}
