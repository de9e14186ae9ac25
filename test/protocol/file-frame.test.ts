// The frames of /securechat/file/1.0.0: the zero-copy chunk framing is byte for byte the codec's, and
// every frame outside its bounds is a FrameError.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { concatBytes } from '../../src/protocol/bytes.js'
import { FILE_CHUNK_BYTES, FILE_CHUNK_TAG_BYTES } from '../../src/protocol/file-chunks.js'
import {
  chunkFrameHeader,
  decodeFileFrame,
  encodeFileFrame,
  fileFrame
} from '../../src/protocol/file-frame.js'
import { FrameError } from '../../src/protocol/frame.js'
import { Reason } from '../../src/protocol/wire/securechat.js'

describe('file frames', () => {
  it('a chunk framed as header ‖ sealed is exactly what the codec writes, and decodes back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: FILE_CHUNK_TAG_BYTES, max: FILE_CHUNK_BYTES + FILE_CHUNK_TAG_BYTES }),
        (index, length) => {
          const sealed = new Uint8Array(length).fill(7)
          const framed = concatBytes(chunkFrameHeader(index, length), sealed)
          assert.deepEqual(framed, encodeFileFrame(fileFrame('chunk', { index, sealed })))
          const back = decodeFileFrame(framed)
          assert.equal(back.kind, 'chunk')
          assert.equal(back.kind === 'chunk' && back.body.index, index)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('refuses what is out of bounds: an oversized or undersized chunk, seq 0, an unset reason, two frames in one', () => {
    const refused = (bytes: Uint8Array) => assert.throws(() => decodeFileFrame(bytes), FrameError)
    refused(
      encodeFileFrame(
        fileFrame('chunk', { index: 0, sealed: new Uint8Array(FILE_CHUNK_BYTES + FILE_CHUNK_TAG_BYTES + 1) })
      )
    )
    refused(
      encodeFileFrame(fileFrame('chunk', { index: 0, sealed: new Uint8Array(FILE_CHUNK_TAG_BYTES - 1) }))
    )
    refused(encodeFileFrame(fileFrame('upload', { seq: 0, size: 1 })))
    refused(encodeFileFrame(fileFrame('request', { seq: 0, fromChunk: 0, decline: false })))
    refused(encodeFileFrame(fileFrame('end', { reason: Reason.REASON_UNSPECIFIED, message: '' })))
    refused(encodeFileFrame(fileFrame('end', { reason: Reason.TRANSFER_DONE, message: 'x'.repeat(257) })))
    refused(
      concatBytes(
        encodeFileFrame(fileFrame('ready', { size: 1, fromChunk: 0 })),
        encodeFileFrame(fileFrame('ready', { size: 2, fromChunk: 0 }))
      )
    )
    refused(new Uint8Array([0x0a, 0x05, 0x08]))
    refused(new Uint8Array(0))
    assert.equal(
      decodeFileFrame(encodeFileFrame(fileFrame('ready', { size: 0, fromChunk: 0 }))).kind,
      'ready'
    )
  })
})
