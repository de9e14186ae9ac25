/**
 * @module `node dist/bench/cold-calls.js`: what one node:crypto call costs back to back, and after a
 * pause of other work (5 ms of a busy loop, as between two chat lines a worker's members receive).
 * A plain JavaScript loop is timed the same way, for scale. Prints one JSON object, medians in ms.
 */
import { createCipheriv, createHash, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'

const data = randomBytes(200)
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
const aesKey = randomBytes(32)

const calls: Record<string, () => unknown> = {
  p256_sign: () => sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  p256_verify: () => verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
  aes_gcm_encrypt: () => {
    const cipher = createCipheriv('aes-256-gcm', aesKey, randomBytes(12))
    cipher.update(data)
    cipher.final()
    return cipher.getAuthTag()
  },
  sha256: () => createHash('sha256').update(data).digest(),
  javascript_loop: () => {
    let sum = 0
    for (let i = 0; i < 20_000; i++) sum += Math.sqrt(i)
    return sum
  }
}

function busy(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // other work
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round((sorted[sorted.length >> 1] as number) * 10_000) / 10_000
}

function timeOne(call: () => unknown): number {
  const t0 = performance.now()
  call()
  return performance.now() - t0
}

const result: Record<string, { back_to_back_ms: number; after_5ms_ms: number }> = {}
for (const [name, call] of Object.entries(calls)) {
  for (let i = 0; i < 300; i++) call()
  const warm = Array.from({ length: 200 }, () => timeOne(call))
  const cold = Array.from({ length: 100 }, () => {
    busy(5)
    return timeOne(call)
  })
  result[name] = { back_to_back_ms: median(warm), after_5ms_ms: median(cold) }
}
process.stdout.write(`${JSON.stringify({ node: process.version, calls: result })}\n`)
