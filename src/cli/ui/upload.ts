/**
 * @module A file dropped on the page: `POST /upload?name=<name>` with the file as the body, kept in a
 * private (0600) temporary file until the room has it. The browser cannot hand the process a path,
 * so the bytes come over loopback and are sent from the copy, under the name the page gave.
 */
import { constants } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { pipeline } from 'node:stream/promises'
import { openPrivateTemporary } from '../../node/private-files.js'

/** A file received whole from the page; whoever takes it removes `path` when done. */
export interface UploadedFile {
  path: string
  /** The name the room sees (the page's file name). */
  name: string
  size: number
}

/** Why an upload was refused: the HTTP status and the page's `{ok:false, code, message}`. */
export class UploadRefused extends Error {
  override name = 'UploadRefused'
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

/** A name the room can show: the last path part, at most 255 characters, no control characters. */
export function uploadName(raw: string | null): string {
  const name = (raw ?? '').split(/[/\\]/).pop()?.trim() ?? ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (name === '' || name === '.' || name === '..' || /[\x00-\x1f\x7f]/.test(name) || name.length > 255) {
    throw new UploadRefused(
      400,
      'usage',
      'an upload needs ?name= with the file name (one line, 1–255 characters)'
    )
  }
  return name
}

/**
 * The announced size, which must be there and within `maxBytes`: the temporary file is never
 * larger than what the room would take, and a refusal comes before any byte is written.
 */
export function uploadSize(req: IncomingMessage, maxBytes: number): number {
  const header = req.headers['content-length']
  if (header === undefined || !/^[0-9]{1,16}$/.test(header)) {
    throw new UploadRefused(411, 'usage', 'an upload needs a Content-Length')
  }
  const size = Number(header)
  if (size > maxBytes) {
    throw new UploadRefused(
      413,
      'file-too-large',
      `the file is larger than the room takes (${maxBytes} bytes)`
    )
  }
  return size
}

/** Writes the body of `req` (exactly `size` bytes) to a new private temporary file. */
export async function receiveUpload(req: IncomingMessage, name: string, size: number): Promise<UploadedFile> {
  const { path, file } = await openPrivateTemporary(tmpdir(), 'securechat-upload', constants.O_WRONLY)
  let received = 0
  try {
    const out = file.createWriteStream()
    req.on('data', (chunk: Buffer) => {
      received += chunk.byteLength
      // A body longer than it said is cut off here rather than written.
      if (received > size)
        req.destroy(new UploadRefused(400, 'usage', 'the body is longer than its Content-Length'))
    })
    await pipeline(req, out)
    if (received !== size) throw new UploadRefused(400, 'usage', 'the body ended before its Content-Length')
    return { path, name, size }
  } catch (err) {
    await file.close().catch(() => {})
    await rm(path, { force: true })
    if (err instanceof UploadRefused) throw err
    throw new UploadRefused(400, 'usage', `the upload did not arrive whole: ${(err as Error).message}`)
  }
}
