/** The semaphore the host hashes answers through: never more at once than its limit, in order. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Semaphore } from '../../src/node/semaphore.js'

describe('Semaphore', () => {
  it('runs at most its limit of tasks at once, the rest in the order given, and passes failures through', async () => {
    for (const limit of [1, 3]) {
      const semaphore = new Semaphore(limit)
      let running = 0
      let peak = 0
      const order: number[] = []
      const tasks = Array.from({ length: 12 }, (_, i) =>
        semaphore.run(async () => {
          running++
          peak = Math.max(peak, running)
          order.push(i)
          await new Promise((resolve) => setTimeout(resolve, 2))
          running--
          if (i === 5) throw new Error('task 5 fails')
          return i
        })
      )
      const outcomes = await Promise.allSettled(tasks)
      assert.equal(peak, limit)
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b)
      )
      assert.equal(outcomes.filter((o) => o.status === 'rejected').length, 1)
      assert.equal(semaphore.queued, 0)
    }
  })
})
