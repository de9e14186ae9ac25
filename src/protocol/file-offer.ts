/**
 * @module A file offered to the room: what its signed, end-to-end encrypted offer holds (the file's own
 * key and id, its name, size, media type and SHA-256), and the checks a receiver makes before it shows
 * one. The chunks themselves are in file-chunks.ts.
 */
import { asBufferSource, utf8 } from './bytes.js'
import { MAX_FILE_NAME_BYTES, MAX_MEDIA_TYPE_LENGTH } from './constants.js'
import { DecryptionError } from './errors.js'
import { FILE_ID_BYTES, FILE_KEY_BYTES } from './file-chunks.js'
import type { FileOffer } from './wire/securechat.js'

export type { FileOffer } from './wire/securechat.js'

/** A SHA-256 digest. */
export const SHA256_BYTES = 32

/** What a sender says of its file: all of it goes into the offer, under the message's signature. */
export interface FileDescription {
  name: string
  size: number
  mediaType: string
  sha256: Uint8Array
}

/** The offer of a file described by `file`, with the key and id made for it. */
export function fileOffer(file: FileDescription, fileId: Uint8Array, key: Uint8Array): FileOffer {
  return {
    fileId: asBufferSource(fileId),
    key: asBufferSource(key),
    name: file.name,
    size: file.size,
    mediaType: file.mediaType,
    sha256: asBufferSource(file.sha256)
  }
}

/**
 * Throws unless an opened offer is one a receiver can act on: an id, key and hash of their lengths, a
 * whole size, a non-empty name within bounds, and a media type within bounds (empty: unknown). Its name is still the sender's word: it is
 * made safe when the file is saved.
 */
export function checkFileOffer(offer: FileOffer): FileOffer {
  if (offer.fileId.byteLength !== FILE_ID_BYTES) throw new DecryptionError('a file offer with a bad id')
  if (offer.key.byteLength !== FILE_KEY_BYTES) throw new DecryptionError('a file offer with a bad key')
  if (offer.sha256.byteLength !== SHA256_BYTES) throw new DecryptionError('a file offer with a bad hash')
  if (!Number.isSafeInteger(offer.size) || offer.size < 0)
    throw new DecryptionError('a file offer with a bad size')
  const nameBytes = utf8(offer.name).byteLength
  if (nameBytes === 0 || nameBytes > MAX_FILE_NAME_BYTES)
    throw new DecryptionError('a file offer with a bad name')
  if (offer.mediaType.length > MAX_MEDIA_TYPE_LENGTH)
    throw new DecryptionError('a file offer with a bad media type')
  return offer
}
