/** An in-process V8 CPU profile (the `.cpuprofile` Chrome DevTools and `--cpu-prof` write). */
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'

let session: Session | undefined

export async function startProfile(): Promise<void> {
  if (session !== undefined) return
  session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
}

/** Stops the profile and writes it to `path`; returns the top functions by self time. */
export async function stopProfile(path: string): Promise<{ path: string; top: TopEntry[] }> {
  if (session === undefined) throw new Error('no profile running')
  const { profile } = await session.post('Profiler.stop')
  session.disconnect()
  session = undefined
  await writeFile(path, JSON.stringify(profile))
  return { path, top: topSelf(profile as unknown as CpuProfile) }
}

interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number }
  }[]
  samples: number[]
  timeDeltas: number[]
}

export interface TopEntry {
  fn: string
  where: string
  selfPct: number
}

function topSelf(profile: CpuProfile, count = 25): TopEntry[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, { fn: string; where: string; us: number }>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id)
    const dt = profile.timeDeltas[i] ?? 0
    if (node === undefined) return
    total += dt
    const { functionName, url, lineNumber } = node.callFrame
    const where = `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/main\//, '')}:${lineNumber + 1}`
    const key = `${functionName}@${where}`
    const entry = self.get(key) ?? { fn: functionName || '(anonymous)', where, us: 0 }
    entry.us += dt
    self.set(key, entry)
  })
  return [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((e) => ({ fn: e.fn, where: e.where, selfPct: Math.round((e.us / Math.max(1, total)) * 1000) / 10 }))
}
