/** ArrayBuffer memory of this process, measured after garbage collection, for the attack tests. */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

export const MiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`

/** ArrayBuffer memory once garbage is collected (backing stores are freed a moment after the GC). */
export async function arrayBuffers(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return process.memoryUsage().arrayBuffers
}

/** JS heap in use once garbage is collected: where leaked listeners and their closures live. */
export async function heapUsed(): Promise<number> {
  await arrayBuffers()
  return process.memoryUsage().heapUsed
}
