/** Files for the transfer tests: random sources with their hashes, folders, and event lookups. */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RoomEvent, RoomEventOf } from '../../src/node/events.js'

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export function fileHash(path: string): string {
  return sha256Hex(readFileSync(path))
}

/** A new empty folder under `root`. */
export function folder(root: string, name: string): string {
  return mkdtempSync(join(root, `${name}-`))
}

/** A file of `size` random bytes (or the given bytes) named `name` in a new folder under `root`. */
export function sourceFile(
  root: string,
  size: number,
  name = 'report.pdf',
  bytes: Uint8Array = randomBytes(size)
): { path: string; sha256: string; bytes: Uint8Array } {
  const path = join(folder(root, 'src'), name)
  writeFileSync(path, bytes)
  return { path, sha256: sha256Hex(bytes), bytes }
}

export function findEvent<T extends RoomEvent['type']>(
  events: RoomEvent[],
  type: T,
  predicate: (e: RoomEventOf<T>) => boolean = () => true
): RoomEventOf<T> | undefined {
  return events.find((e) => e.type === type && predicate(e as RoomEventOf<T>)) as RoomEventOf<T> | undefined
}
