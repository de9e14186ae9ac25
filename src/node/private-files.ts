/** @module Files that hold secrets (keys, a room's settings): written 0600 and atomically, loose modes tightened. */
import { randomBytes } from 'node:crypto'
import { chmodSync, constants, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import { join } from 'node:path'

/** Owner read and write only: every secret file. */
export const PRIVATE_FILE_MODE = 0o600
/** Owner only: every folder that holds one. */
export const PRIVATE_DIR_MODE = 0o700

/**
 * Writes `data` to a temporary file (0600) beside `target`, then renames it over `target`, so a crash
 * leaves either the old content or the new one, and the file is never readable by others on the way.
 */
export function writePrivateFile(target: string, data: string | Uint8Array): void {
  const temporary = `${target}.${process.pid}.tmp`
  writeFileSync(temporary, data, { mode: PRIVATE_FILE_MODE })
  // The mode of writeFileSync applies only to a new file; a leftover temporary keeps its own.
  chmodSync(temporary, PRIVATE_FILE_MODE)
  renameSync(temporary, target)
}

/** Makes `folder` (and its parents) with mode 0700 where missing. */
export function makePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE })
}

/** Sets `mode` on a file or folder that is open to group or others, and says so through `warn`. */
export function tightenMode(path: string, mode: number, warn: (message: string) => void): void {
  let current: number
  try {
    current = statSync(path).mode & 0o777
  } catch {
    return
  }
  if ((current & 0o077) === 0) return
  chmodSync(path, mode)
  warn(
    `${path} was readable by others (mode ${current.toString(8).padStart(4, '0')}); set to ${mode.toString(8).padStart(4, '0')}`
  )
}

/**
 * A new file (0600) with a random hidden name in `folder`, opened for `flags` (O_CREAT | O_EXCL added):
 * never an existing file, whatever is already there.
 */
export async function openPrivateTemporary(
  folder: string,
  prefix: string,
  flags: number
): Promise<{ path: string; file: FileHandle }> {
  const path = join(folder, `.${prefix}-${randomBytes(8).toString('hex')}`)
  const file = await open(path, flags | constants.O_CREAT | constants.O_EXCL, PRIVATE_FILE_MODE)
  return { path, file }
}

/** The system's code of a failed file operation (`ENOSPC`, `EACCES`, …), or `EIO`. */
export function systemCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' ? code : 'EIO'
}
