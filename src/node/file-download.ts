/**
 * @module Where a received file is written: a hidden temporary file (0600) in the download folder, its
 * SHA-256 taken as it grows, renamed to a safe, unused name only once the whole of it has come and its
 * length and hash are those its signed offer gave. A file that fails (tampered, cut short, the disk
 * full) leaves nothing under any final name, and its temporary file is removed.
 */
import { createHash, type Hash } from 'node:crypto'
import { constants } from 'node:fs'
import { chmod, copyFile, type FileHandle, link, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { constantTimeEqual } from '../protocol/bytes.js'
import { numberedFileName, safeFileName } from '../protocol/file-name.js'
import { FileSaveError } from './errors.js'
import { openPrivateTemporary, systemCode } from './private-files.js'

/** Names tried for a file before giving up (`report.pdf`, `report (1).pdf` … `report (999).pdf`). */
const MAX_NAME_TRIES = 1000

/** What the offer promised: the file's length and the SHA-256 of its content. */
export interface Expected {
  size: number
  sha256: Uint8Array
}

/** Errors of a folder whose file system has no hard links (FAT, exFAT, some network shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'])

/**
 * Gives the finished file the name `path`, unless a file has it: a hard link, or where the file
 * system has none, an exclusive copy (0600 like its source). False when the name is taken.
 */
async function placeAt(temporary: string, path: string): Promise<boolean> {
  try {
    await link(temporary, path)
    return true
  } catch (err) {
    const code = systemCode(err)
    if (code === 'EEXIST') return false
    if (!NO_HARD_LINKS.has(code)) throw err
  }
  try {
    await copyFile(temporary, path, constants.COPYFILE_EXCL)
    await chmod(path, 0o600)
    return true
  } catch (err) {
    if (systemCode(err) === 'EEXIST') return false
    throw err
  }
}

export class FileDownload {
  readonly folder: string
  /** The name the file will be saved under, or one numbered after it if that is taken. */
  readonly name: string
  private readonly expected: Expected
  private readonly temporary: string
  private readonly hash: Hash = createHash('sha256')
  private file: FileHandle | undefined
  private written = 0
  private done = false

  private constructor(
    folder: string,
    offeredName: string,
    expected: Expected,
    file: FileHandle,
    temporary: string
  ) {
    this.folder = folder
    this.name = safeFileName(offeredName)
    this.expected = expected
    this.file = file
    this.temporary = temporary
  }

  /** Opens the temporary file: new (never an existing one), 0600, in `folder`. */
  static async start(folder: string, offeredName: string, expected: Expected): Promise<FileDownload> {
    try {
      const { path: temporary, file } = await openPrivateTemporary(
        folder,
        'securechat-download',
        constants.O_WRONLY
      )
      return new FileDownload(folder, offeredName, expected, file, temporary)
    } catch (err) {
      throw new FileSaveError(systemCode(err), `cannot write in ${folder}: ${(err as Error).message}`)
    }
  }

  /** Bytes written so far: where a resumed download starts again. */
  get bytes(): number {
    return this.written
  }

  /** Appends verified plaintext; more than the offer's size is refused (and the download ended). */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.file === undefined) throw new FileSaveError('ECLOSED', 'the download has ended')
    if (this.written + chunk.byteLength > this.expected.size) {
      await this.abort()
      throw new FileSaveError('ETOOLONG', 'more bytes came than the offer said')
    }
    try {
      await this.file.write(chunk)
    } catch (err) {
      await this.abort()
      throw new FileSaveError(systemCode(err), `cannot write the file: ${(err as Error).message}`)
    }
    this.hash.update(chunk)
    this.written += chunk.byteLength
  }

  /**
   * Checks the length and the hash, then gives the file its name: the safe name, or the first
   * numbered one not taken. A hard link never replaces an existing file, so nothing is overwritten.
   * Returns the path it was saved at.
   */
  async commit(): Promise<string> {
    if (this.file === undefined || this.done) throw new FileSaveError('ECLOSED', 'the download has ended')
    const digest = new Uint8Array(this.hash.digest())
    if (this.written !== this.expected.size || !constantTimeEqual(digest, this.expected.sha256)) {
      await this.abort()
      throw new FileSaveError('EMISMATCH', 'the file received is not the file offered')
    }
    try {
      await this.file.sync()
      await this.file.close()
      this.file = undefined
      for (let n = 0; n < MAX_NAME_TRIES; n++) {
        const path = join(this.folder, n === 0 ? this.name : numberedFileName(this.name, n))
        if (await placeAt(this.temporary, path)) {
          this.done = true
          return path
        }
      }
      throw new FileSaveError('EEXIST', `no free name for ${this.name}`)
    } catch (err) {
      await this.abort()
      throw err instanceof FileSaveError
        ? err
        : new FileSaveError(systemCode(err), `cannot save the file: ${(err as Error).message}`)
    } finally {
      await unlink(this.temporary).catch(() => {})
    }
  }

  /** Ends the download and removes what was written; nothing is saved. */
  async abort(): Promise<void> {
    const file = this.file
    this.file = undefined
    await file?.close().catch(() => {})
    await unlink(this.temporary).catch(() => {})
  }
}
