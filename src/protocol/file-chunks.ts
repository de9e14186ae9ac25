/**
 * @module The chunks of a file sent to the room: AES-256-GCM under the file's own key, each bound to the
 * file and to its place in it, so that a reordered, repeated, dropped, truncated or spliced chunk fails.
 *
 * A file's key and id travel in its signed, end-to-end encrypted offer; the host relays the chunks and
 * can read none of them. Chunk `i` of `n` is sealed under the nonce `u32(0) ‖ u64(i)` (unique under a key
 * made for this one file) with additional data `domain ‖ fileId ‖ u64(i) ‖ u64(n)`: a chunk moved to
 * another place, another file or another length of file no longer opens.
 */
import { asBufferSource, randomBytes, utf8 } from './bytes.js'
import { DecryptionError, InvalidInputError } from './errors.js'

/** Plaintext bytes in every chunk but the last. */
export const FILE_CHUNK_BYTES = 256 * 1024
/** A chunk's AES-GCM tag. */
export const FILE_CHUNK_TAG_BYTES = 16
/** A file's random id, in its offer and in every chunk's additional data. */
export const FILE_ID_BYTES = 16
/** A file's AES-256-GCM key, made for that file alone. */
export const FILE_KEY_BYTES = 32

const AES_GCM = 'AES-GCM'
const CHUNK_DOMAIN = utf8('securechat/2 file chunk\0')

/** How many chunks a file of `size` bytes is cut into: an empty file is one empty chunk. */
export function chunkCount(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0)
    throw new InvalidInputError('a file size is a whole number of bytes')
  return Math.max(1, Math.ceil(size / FILE_CHUNK_BYTES))
}

/** The plaintext length chunk `index` of a `size`-byte file must have. */
export function chunkLength(size: number, index: number): number {
  const count = chunkCount(size)
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new InvalidInputError(`a ${size}-byte file has no chunk ${index}`)
  }
  return index < count - 1 ? FILE_CHUNK_BYTES : size - (count - 1) * FILE_CHUNK_BYTES
}

/** A fresh key and id for one file. */
export async function newFileKey(): Promise<{ fileId: Uint8Array; key: CryptoKey; raw: Uint8Array }> {
  const raw = randomBytes(FILE_KEY_BYTES)
  return { fileId: randomBytes(FILE_ID_BYTES), raw, key: await importFileKey(raw) }
}

export async function importFileKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.byteLength !== FILE_KEY_BYTES) throw new InvalidInputError('a file key is 32 bytes')
  return globalThis.crypto.subtle.importKey('raw', asBufferSource(raw), AES_GCM, false, [
    'encrypt',
    'decrypt'
  ])
}

/** Where chunk `index` sits: its file and how many chunks that file has. */
export interface ChunkPlace {
  fileId: Uint8Array
  index: number
  count: number
}

function gcm(place: ChunkPlace): AesGcmParams {
  if (place.fileId.byteLength !== FILE_ID_BYTES) throw new InvalidInputError('a file id is 16 bytes')
  if (!Number.isSafeInteger(place.index) || place.index < 0 || place.index >= place.count) {
    throw new InvalidInputError(`chunk ${place.index} is not in a file of ${place.count}`)
  }
  const iv = new Uint8Array(12)
  new DataView(iv.buffer).setBigUint64(4, BigInt(place.index))
  const aad = new Uint8Array(CHUNK_DOMAIN.byteLength + FILE_ID_BYTES + 16)
  aad.set(CHUNK_DOMAIN, 0)
  aad.set(place.fileId, CHUNK_DOMAIN.byteLength)
  const view = new DataView(aad.buffer)
  view.setBigUint64(CHUNK_DOMAIN.byteLength + FILE_ID_BYTES, BigInt(place.index))
  view.setBigUint64(CHUNK_DOMAIN.byteLength + FILE_ID_BYTES + 8, BigInt(place.count))
  return { name: AES_GCM, iv, additionalData: aad, tagLength: FILE_CHUNK_TAG_BYTES * 8 }
}

/** Seals one chunk; its plaintext must have the length its place calls for (the caller's file size). */
export async function sealChunk(
  key: CryptoKey,
  place: ChunkPlace,
  plaintext: Uint8Array
): Promise<Uint8Array> {
  if (plaintext.byteLength > FILE_CHUNK_BYTES)
    throw new InvalidInputError(`a chunk holds at most ${FILE_CHUNK_BYTES} bytes`)
  return new Uint8Array(await globalThis.crypto.subtle.encrypt(gcm(place), key, asBufferSource(plaintext)))
}

/**
 * Opens one chunk at the place the receiver expects it, of the length the offer's size calls for.
 * Anything else (another file's chunk, another place, a tampered or cut chunk, a length the size does
 * not allow) is the same `DecryptionError`.
 */
export async function openChunk(
  key: CryptoKey,
  place: ChunkPlace & { size: number },
  sealed: Uint8Array
): Promise<Uint8Array> {
  if (sealed.byteLength !== chunkLength(place.size, place.index) + FILE_CHUNK_TAG_BYTES) {
    throw new DecryptionError('chunk of the wrong length')
  }
  if (place.count !== chunkCount(place.size)) throw new DecryptionError('chunk count does not match the size')
  try {
    return new Uint8Array(await globalThis.crypto.subtle.decrypt(gcm(place), key, asBufferSource(sealed)))
  } catch {
    throw new DecryptionError('cannot open chunk')
  }
}
