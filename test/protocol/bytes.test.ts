import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { encodeVarint, varintLength, writeVarint } from '../../src/protocol/bytes.js'

/** LEB128 read back with BigInt arithmetic, independent of the code under test. */
function readVarint(bytes: Uint8Array, at = 0): { value: number; end: number } {
  let value = 0n
  let shift = 0n
  for (let i = at; i < bytes.byteLength; i++) {
    const byte = bytes[i] as number
    value |= BigInt(byte & 0x7f) << shift
    shift += 7n
    if ((byte & 0x80) === 0) return { value: Number(value), end: i + 1 }
  }
  throw new Error('unterminated varint')
}

const EDGES = [
  0,
  1,
  127,
  128,
  255,
  16_383,
  16_384,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  1_767_225_600_000,
  2 ** 53 - 1
]

describe('varints (protobuf fields and length prefixes)', () => {
  it('encode every safe integer so that LEB128 reads it back, in varintLength bytes', () => {
    for (const n of EDGES) {
      const bytes = encodeVarint(n)
      assert.equal(bytes.byteLength, varintLength(n), `length of ${n}`)
      assert.deepEqual(readVarint(bytes), { value: n, end: bytes.byteLength }, `value ${n}`)
    }
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const bytes = encodeVarint(n)
        return bytes.byteLength === varintLength(n) && readVarint(bytes).value === n
      })
    )
  })

  it('are written in place at an offset, leaving the bytes around them alone', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.nat(8), (n, at) => {
        const out = new Uint8Array(at + 10 + 3).fill(0xee)
        const end = writeVarint(out, at, n)
        const read = readVarint(out, at)
        return (
          end === at + varintLength(n) &&
          read.value === n &&
          read.end === end &&
          out.subarray(0, at).every((b) => b === 0xee) &&
          out.subarray(end).every((b) => b === 0xee)
        )
      })
    )
  })

  it('take one byte up to 127 and one more for every 7 bits', () => {
    assert.equal(varintLength(0), 1)
    assert.equal(varintLength(127), 1)
    assert.equal(varintLength(128), 2)
    assert.equal(varintLength(2 ** 32), 5)
    assert.equal(varintLength(2 ** 53 - 1), 8)
  })
})
