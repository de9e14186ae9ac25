/**
 * The benchmark's message: `bench <id> <sentAt>` padded to a chat-sized text, the same bytes for the
 * real room and the baseline relay. Receivers keep, per message, how many got it and when the last did.
 */

export const PAYLOAD_CHARS = 160

export function payload(id: string, sentAt: number): string {
  return `bench ${id} ${sentAt.toFixed(3)} `.padEnd(PAYLOAD_CHARS, '.')
}

export function parsePayload(text: string): { id: string; sentAt: number } | undefined {
  const [tag, id, sentAt] = text.split(' ', 3)
  if (tag !== 'bench' || id === undefined || sentAt === undefined) return undefined
  return { id, sentAt: Number(sentAt) }
}

/** Per message id: receivers so far, the send time, and the latest receive time. */
export type Receipt = { count: number; sentAt: number; lastAt: number }

export class Receipts {
  private readonly byId = new Map<string, Receipt>()

  record(text: string, receivedAt: number): void {
    const parsed = parsePayload(text)
    if (parsed === undefined) return
    const r = this.byId.get(parsed.id)
    if (r === undefined) this.byId.set(parsed.id, { count: 1, sentAt: parsed.sentAt, lastAt: receivedAt })
    else {
      r.count++
      if (receivedAt > r.lastAt) r.lastAt = receivedAt
    }
  }

  get(id: string): Receipt | undefined {
    return this.byId.get(id)
  }

  entries(): [string, Receipt][] {
    return [...this.byId.entries()]
  }

  clear(): void {
    this.byId.clear()
  }
}

/** Merges the workers' receipts: counts add up, the last receive time is the latest of all. */
export function mergeReceipts(parts: readonly [string, Receipt][][]): Map<string, Receipt> {
  const merged = new Map<string, Receipt>()
  for (const part of parts) {
    for (const [id, r] of part) {
      const m = merged.get(id)
      if (m === undefined) merged.set(id, { ...r })
      else {
        m.count += r.count
        if (r.lastAt > m.lastAt) m.lastAt = r.lastAt
      }
    }
  }
  return merged
}
