import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { fromHex, toHex, utf8 } from '../../src/protocol/bytes.js'
import { IV_BYTES } from '../../src/protocol/constants.js'
import {
  DIGEST_BYTES,
  messageNonce,
  peerSetDigest,
  resumeSignatureInput
} from '../../src/protocol/signing.js'

const hex = (text: string): Uint8Array => fromHex(text.replace(/\s+/g, ''))
const PEERS = Array.from({ length: 6 }, (_, i) => `12D3KooW${String.fromCharCode(65 + i).repeat(44)}`)

/** A permutation of `items` by a list of random keys, as fast-check generates them. */
function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i] ?? 0 }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item)
}

describe('peerSetDigest', () => {
  it('is 32 bytes (SHA-256)', async () => {
    assert.equal(DIGEST_BYTES, 32)
    assert.equal((await peerSetDigest(PEERS)).byteLength, DIGEST_BYTES)
    assert.equal((await peerSetDigest([])).byteLength, DIGEST_BYTES)
  })

  it('is order-independent: one value for one set, whatever order a list holds it in', async () => {
    const reference = toHex(await peerSetDigest(PEERS))
    assert.equal(toHex(await peerSetDigest([...PEERS].reverse())), reference)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double(), { minLength: PEERS.length, maxLength: PEERS.length }),
        async (keys) => {
          assert.equal(toHex(await peerSetDigest(shuffled(PEERS, keys))), reference)
        }
      ),
      { numRuns: 50 }
    )
  })

  it('does not sort the list it is given', async () => {
    const list = [PEERS[2] as string, PEERS[0] as string, PEERS[1] as string]
    const copy = [...list]
    await peerSetDigest(list)
    assert.deepEqual(list, copy)
  })

  it('different sets differ: one member added, removed or replaced', async () => {
    const base = PEERS.slice(0, 4)
    const digests = [
      base,
      PEERS.slice(0, 5),
      PEERS.slice(0, 3),
      PEERS.slice(1, 4),
      [...PEERS.slice(0, 3), PEERS[5] as string],
      [],
      [PEERS[0] as string]
    ]
    const values = await Promise.all(digests.map(async (ids) => toHex(await peerSetDigest(ids))))
    assert.equal(new Set(values).size, values.length)
  })

  it('different sets differ, for generated sets', async () => {
    const id = fc.string({ minLength: 0, maxLength: 6 })
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(id, { maxLength: 5 }),
        fc.uniqueArray(id, { maxLength: 5 }),
        async (a, b) => {
          const same = a.length === b.length && a.every((x) => b.includes(x))
          fc.pre(!same)
          // Lone surrogates all become U+FFFD in UTF-8; only well-formed ids are distinct on the wire.
          fc.pre(!/[\ud800-\udfff]/.test([...a, ...b].join('')))
          assert.notDeepEqual(await peerSetDigest(a), await peerSetDigest(b))
        }
      ),
      { numRuns: 200 }
    )
  })

  it('is unambiguous: ids are length-prefixed after their count', async () => {
    const pairs: Array<[string[], string[]]> = [
      [
        ['ab', 'c'],
        ['a', 'bc']
      ],
      [['abc'], ['a', 'bc']],
      [['a', 'b'], ['ab']],
      [[''], []],
      [['', ''], ['']],
      [['a', 'a'], ['a']],
      [['a\u0000b'], ['a', 'b']],
      [['\u0000\u0000\u0000\u0001a'], ['a']]
    ]
    for (const [a, b] of pairs) {
      assert.notDeepEqual(
        await peerSetDigest(a),
        await peerSetDigest(b),
        `${JSON.stringify(a)} vs ${JSON.stringify(b)}`
      )
    }
  })

  it('sorts by UTF-8 bytes, not by JavaScript string order', async () => {
    // U+FB00 is ef ac 80 in UTF-8 and U+1F600 f0 9f 98 80: in bytes the first sorts first, in UTF-16
    // (JavaScript's order) the second does. Either list order gives the same digest.
    assert.equal(toHex(await peerSetDigest(['ﬀ', '😀'])), toHex(await peerSetDigest(['😀', 'ﬀ'])))
    assert.ok(utf8('ﬀ')[0] === 0xef && utf8('😀')[0] === 0xf0)
  })

  it('matches the worked example (the recipients ["QmBob"])', async () => {
    assert.deepEqual(
      await peerSetDigest(['QmBob']),
      hex('f81f6e157e6cf5770f2cb04b3fd3d7a47ed56420ce75241805346a432467c070')
    )
  })
})

describe('messageNonce', () => {
  it('is 12 bytes: four zero bytes, then the counter big-endian', () => {
    assert.equal(messageNonce(1).byteLength, IV_BYTES)
    assert.deepEqual(messageNonce(1), hex('000000000000000000000001'))
    assert.deepEqual(messageNonce(0x0102_0304_0506), hex('000000000000010203040506'))
    assert.deepEqual(messageNonce(1_767_225_600_123_456), hex('00000000 0006474846222240'))
    assert.deepEqual(messageNonce(Number.MAX_SAFE_INTEGER), hex('00000000 001fffffffffffff'))
  })

  it('distinct counters give distinct nonces', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (a, b) => {
          fc.pre(a !== b)
          assert.notDeepEqual(messageNonce(a), messageNonce(b))
        }
      ),
      { numRuns: 1000 }
    )
    // Neighbours, and counters that differ only above 32 bits.
    assert.notDeepEqual(messageNonce(2 ** 40), messageNonce(2 ** 40 + 1))
    assert.notDeepEqual(messageNonce(2 ** 32 + 7), messageNonce(7))
  })

  it('the same counter gives the same nonce (so a sender must never repeat one under a key)', () => {
    assert.deepEqual(messageNonce(12345), messageNonce(12345))
  })
})

describe('resume signature input', () => {
  it('domain, room, PeerId, timestamp, token (the 2.0.0 domain)', () => {
    const roomId = Uint8Array.from({ length: 16 }, (_, i) => i)
    assert.deepEqual(
      resumeSignatureInput(roomId, 'QmBob', 1_767_225_600_123, 'gAAA'),
      hex(`73 65 63 75 72 65 63 68 61 74 2f 32 20 72 65 73 75 6d 65 00
        00 00 00 10 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
        00 00 00 05 51 6d 42 6f 62
        00 00 01 9b 76 da a8 7b
        00 00 00 04 67 41 41 41`)
    )
    assert.equal(resumeSignatureInput(roomId, 'QmBob', 1_767_225_600_123, 'gAAA').byteLength, 65)
  })
})
