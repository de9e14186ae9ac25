/** The bench's fitted growth exponent, which the README's "growth with the room" row reports. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { growthExponent } from '../../bench/stats.js'

describe('growth exponent of cost against room size', () => {
  it('is 1 for linear cost, 2 for quadratic, and null without two usable points', () => {
    const sizes = [2, 10, 50, 100, 200]
    assert.equal(growthExponent(sizes.map((n) => [n, 3 * n] as const))?.toFixed(6), '1.000000')
    assert.equal(growthExponent(sizes.map((n) => [n, 0.5 * n * n] as const))?.toFixed(6), '2.000000')
    assert.equal(growthExponent([[2, 1]]), null)
    assert.equal(
      growthExponent([
        [2, null],
        [10, 0],
        [50, 4]
      ]),
      null
    )
  })
})
