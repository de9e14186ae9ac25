import { unlink } from 'node:fs/promises'
import { basename } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '@libp2p/interface'
import mime from 'mime'
import { toHex } from '../protocol/bytes.js'
import {
  chunkCount,
  FILE_CHUNK_BYTES,
  importFileKey,
  newFileKey,
  openChunk
} from '../protocol/file-chunks.js'
import { type FileOffer, fileOffer } from '../protocol/file-offer.js'
import { reasonCode } from '../protocol/reasons.js'
import { Reason } from '../protocol/wire/securechat.js'
import { FileSaveError, NoSuchTransferError, TransferError } from './errors.js'
import type { EventFeed } from './events.js'
import type { FileCarrier } from './file-carrier.js'
import { FileDownload } from './file-download.js'
import {
  describeFile,
  type FileInput,
  fileChunks,
  SealedBefore,
  sealedChunks,
  stageStream
} from './file-source.js'
import { type Progress, ProgressMeter } from './progress-meter.js'
import { ByteThrottle } from './rate-limit.js'
import { failureCode, isConnectionLoss } from './transfer-outcome.js'

/** Offers remembered per member; the oldest settled ones are forgotten first. */
const OFFERS_KEPT = 256
/** A broken download waits this long before it looks for the connection again (it may not be gone yet). */
const RETRY_PAUSE_MS = 250

export interface SendFileOptions {
  /** The name the room sees. @default the path's last component (required for a stream) */
  name?: string
  /** @default guessed from the name, else application/octet-stream */
  mediaType?: string
  signal?: AbortSignal
  onProgress?: (progress: Progress) => void
}

export interface SentFile {
  id: number
  sha256: string
  recipients: string[]
}

export interface ReceivedFile {
  id: number
  path: string
  sha256: string
}

/** A member's own choices about files offered to it. */
export interface MemberFileOptions {
  /** Where received files are saved. @default the current directory */
  downloadDir?: string
  /** Offers up to this many bytes are accepted without asking; -1 accepts none. @default -1 */
  acceptUpTo?: number
  /** Downloads read at most this fast (bytes per second). @default unlimited */
  downloadBytesPerSecond?: number
}

export interface FileTransfersInit {
  feed: EventFeed
  carrier: FileCarrier
  /** Seals and sends the offer to the members present now; resolves with its seq and who it went to. */
  offer(offer: FileOffer, signal?: AbortSignal): Promise<{ seq: number; recipients: string[] }>
  /** Resolves when the member is connected to the host (at once when it is), rejects when it leaves. */
  connected(signal: AbortSignal): Promise<void>
  /**
   * Resolves when the member's link to the host can carry a file (not a relay's limited connection);
   * rejects when it cannot within a while. @default at once
   */
  linkReady?(signal: AbortSignal): Promise<void>
  downloadDir: string
  /** Offers up to this many bytes are accepted by themselves; -1 accepts none. @default -1 */
  acceptUpTo?: number
  /** Downloads read at most this fast (bytes per second); for slow links and for tests. */
  downloadBytesPerSecond?: number
  log: Logger
}

interface Incoming {
  id: number
  from: string
  offer: FileOffer
  state: 'offered' | 'downloading' | 'received' | 'rejected' | 'failed'
  stop: AbortController | undefined
  done: Promise<ReceivedFile> | undefined
}

interface Outgoing {
  id: number
  stop: AbortController
  uploaded: boolean
}

export class FileTransfers {
  private readonly init: FileTransfersInit
  private readonly incoming = new Map<number, Incoming>()
  private readonly outgoing = new Map<number, Outgoing>()

  constructor(init: FileTransfersInit) {
    this.init = init
  }

  /**
   * Offers a file to everyone in the room now and uploads it; resolves once the host holds all of it.
   * A stream is first copied to a private temporary file (its hash must be in the offer before any
   * chunk goes), never held in memory.
   */
  async send(input: FileInput, options: SendFileOptions = {}): Promise<SentFile> {
    const staged = typeof input === 'string' ? undefined : await stageStream(input)
    const path = typeof input === 'string' ? input : (staged as string)
    try {
      const name = options.name ?? (typeof input === 'string' ? basename(input) : undefined)
      if (name === undefined || name === '')
        throw new NoSuchTransferError('a file sent from a stream needs a name')
      const { size, sha256 } = await describeFile(path)
      const mediaType = options.mediaType ?? mime.getType(name) ?? 'application/octet-stream'
      const { fileId, key, raw } = await newFileKey()
      const offer = fileOffer({ name, size, mediaType, sha256 }, fileId, raw)
      const { seq: id, recipients } = await this.init.offer(offer, options.signal)
      const hex = toHex(sha256)
      const stop = new AbortController()
      const signal =
        options.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, options.signal])
      const outgoing: Outgoing = { id, stop, uploaded: false }
      this.outgoing.set(id, outgoing)
      this.init.feed.emit({ type: 'file-offered', id, name, size, sha256: hex, recipients })
      try {
        const meter = new ProgressMeter(size)
        const count = chunkCount(size)
        let sent = 0
        const before = new SealedBefore()
        const sealedFrom = (fromChunk: number) => {
          sent = Math.min(size, fromChunk * FILE_CHUNK_BYTES)
          const onSent = (bytes: number): void => {
            sent += bytes
            this.progress(id, 'upload', meter.update(sent), options.onProgress)
          }
          return sealedChunks(fileChunks(path, size, fromChunk), { key, fileId, count }, onSent, before)
        }
        await this.whileLinked(signal, `upload ${id}`, () =>
          this.init.carrier.upload(id, size, sealedFrom, signal)
        )
        outgoing.uploaded = true
      } catch (err) {
        this.outgoing.delete(id)
        this.init.feed.emit({
          type: 'file-failed',
          id,
          code: failureCode(err, signal),
          message: (err as Error).message
        })
        throw err
      }
      this.init.feed.emit({ type: 'file-sent', id, recipients })
      return { id, sha256: hex, recipients }
    } finally {
      if (staged !== undefined) await unlink(staged).catch(() => {})
    }
  }

  /** An offer came (its signature checked, its fields bounded): shown, and accepted if small enough. */
  offered(id: number, from: { nick: string; peerId: string }, offer: FileOffer): void {
    this.incoming.set(id, { id, from: from.nick, offer, state: 'offered', stop: undefined, done: undefined })
    this.forgetOld()
    this.init.feed.emit({
      type: 'file-offer',
      id,
      from: from.nick,
      peerId: from.peerId,
      name: offer.name,
      size: offer.size,
      mediaType: offer.mediaType,
      sha256: toHex(offer.sha256)
    })
    const limit = this.init.acceptUpTo ?? -1
    if (offer.size <= limit) this.accept(id).catch(() => {})
  }

  /** Starts (or joins) the download of offer `id`; resolves with where it was saved. */
  accept(id: number, options: { downloadDir?: string } = {}): Promise<ReceivedFile> {
    const entry = this.incoming.get(id)
    if (entry === undefined) return Promise.reject(new NoSuchTransferError(`no file offer ${id}`))
    if (entry.done !== undefined) return entry.done
    if (entry.state !== 'offered')
      return Promise.reject(new NoSuchTransferError(`offer ${id} is ${entry.state}`))
    entry.state = 'downloading'
    entry.stop = new AbortController()
    entry.done = this.download(entry, options.downloadDir ?? this.init.downloadDir, entry.stop.signal)
    entry.done.catch(() => {})
    return entry.done
  }

  /** Declines offer `id`: nothing is fetched, and the host is told. */
  async reject(id: number): Promise<void> {
    const entry = this.incoming.get(id)
    if (entry === undefined || entry.state !== 'offered')
      throw new NoSuchTransferError(`no open file offer ${id}`)
    entry.state = 'rejected'
    await this.init.carrier.decline(id).catch(() => {})
  }

  /** Stops transfer `id`: one's own upload (for everyone), or this member's download of it. */
  async cancel(id: number): Promise<void> {
    const outgoing = this.outgoing.get(id)
    if (outgoing !== undefined) {
      this.outgoing.delete(id)
      outgoing.stop.abort()
      // Told apart, at once: the upload's own stream may still carry chunks queued before its end,
      // which the host would take (and might complete the file with) before it reads the cancel.
      await this.init.carrier.decline(id).catch(() => {})
      if (outgoing.uploaded) {
        this.init.feed.emit({
          type: 'file-failed',
          id,
          code: 'cancelled',
          message: 'you cancelled the transfer'
        })
      }
      return
    }
    const entry = this.incoming.get(id)
    if (entry?.state === 'downloading') {
      entry.stop?.abort()
      await entry.done?.catch(() => {})
      return
    }
    if (entry?.state === 'offered') return this.reject(id)
    throw new NoSuchTransferError(`no transfer ${id} under way`)
  }

  /**
   * The host restarted: its transfers are gone and their ids may name new ones. Every open transfer
   * ends with that reason, and offers not yet taken are forgotten.
   */
  hostRestarted(): void {
    const reason = new TransferError(
      Reason.HOST_RESTARTING,
      'the host restarted: the file is no longer there'
    )
    for (const outgoing of this.outgoing.values()) outgoing.stop.abort(reason)
    this.outgoing.clear()
    for (const [id, entry] of this.incoming) {
      if (entry.state === 'downloading') entry.stop?.abort(reason)
      else if (entry.state === 'offered') {
        entry.state = 'failed'
        this.init.feed.emit({
          type: 'file-failed',
          id,
          code: reasonCode(reason.reason),
          message: reason.message
        })
      }
    }
  }

  /** Every open transfer is stopped (the member leaves); nothing partial is kept. */
  close(): void {
    for (const outgoing of this.outgoing.values()) outgoing.stop.abort()
    for (const entry of this.incoming.values()) entry.stop?.abort()
  }

  private async download(entry: Incoming, folder: string, signal: AbortSignal): Promise<ReceivedFile> {
    const { id, offer } = entry
    let file: FileDownload | undefined
    try {
      const key = await importFileKey(offer.key)
      file = await FileDownload.start(folder, offer.name, { size: offer.size, sha256: offer.sha256 })
      const count = chunkCount(offer.size)
      const meter = new ProgressMeter(offer.size)
      const throttle =
        this.init.downloadBytesPerSecond === undefined
          ? undefined
          : new ByteThrottle({ perSecond: this.init.downloadBytesPerSecond, burst: FILE_CHUNK_BYTES })
      let next = 0
      while (next < count) {
        try {
          await this.init.linkReady?.(signal)
          // A chunk is opened while the one before it is written: the disk and the cipher overlap.
          let writing: Promise<void> = Promise.resolve()
          try {
            for await (const { index, sealed } of this.init.carrier.download(id, next, offer.size, signal)) {
              if (index !== next) throw new FileSaveError('EORDER', `chunk ${index} came, ${next} was due`)
              const place = { fileId: offer.fileId, index, count, size: offer.size }
              const plaintext = await openChunk(key, place, sealed)
              await writing
              this.progress(id, 'download', meter.update(file.bytes))
              writing = file.write(plaintext)
              next++
              const wait = throttle?.delayFor(plaintext.byteLength) ?? 0
              if (wait > 0) await sleep(wait, undefined, { signal })
            }
          } finally {
            // Whatever broke off, every chunk counted in `next` is on the disk before going on.
            await writing
          }
          this.progress(id, 'download', meter.update(file.bytes))
          if (next < count)
            throw new FileSaveError('ESHORT', `the host ended the file after ${next} of ${count} chunks`)
        } catch (err) {
          if (!isConnectionLoss(err) || signal.aborted) throw err
          // The link dropped: once the member is back, the download goes on from the next chunk.
          this.init.log('download %d paused at chunk %d: %s', id, next, (err as Error).message)
          await sleep(RETRY_PAUSE_MS, undefined, { signal })
          await this.init.connected(signal)
        }
      }
      const path = await file.commit()
      entry.state = 'received'
      const sha256 = toHex(offer.sha256)
      this.init.feed.emit({ type: 'file-received', id, from: entry.from, path, sha256, size: offer.size })
      return { id, path, sha256 }
    } catch (err) {
      await file?.abort()
      entry.state = 'failed'
      // Not taking it after all: the host need not keep the file for this member any longer.
      void this.init.carrier.decline(id).catch(() => {})
      const code = failureCode(err, signal)
      const message =
        code === 'cancelled'
          ? 'you cancelled the download'
          : signal.aborted
            ? (signal.reason as Error).message
            : (err as Error).message
      this.init.feed.emit({ type: 'file-failed', id, code, message })
      throw err
    }
  }

  /**
   * Runs `attempt` until it succeeds; when the link drops under it (not a refusal, not a bad file,
   * not a cancel), waits for the member to be back and runs it again, from where the host stands.
   */
  private async whileLinked(signal: AbortSignal, what: string, attempt: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await this.init.linkReady?.(signal)
        return await attempt()
      } catch (err) {
        if (!isConnectionLoss(err) || signal.aborted) throw err
        this.init.log('%s paused: %s', what, (err as Error).message)
        await sleep(RETRY_PAUSE_MS, undefined, { signal })
        await this.init.connected(signal)
      }
    }
  }

  private progress(
    id: number,
    direction: 'upload' | 'download',
    progress: Progress | undefined,
    onProgress?: (progress: Progress) => void
  ): void {
    if (progress === undefined) return
    onProgress?.(progress)
    this.init.feed.emit({ type: 'progress', id, direction, ...progress })
  }

  private forgetOld(): void {
    for (const [id, entry] of this.incoming) {
      if (this.incoming.size <= OFFERS_KEPT) return
      if (entry.state !== 'downloading') this.incoming.delete(id)
    }
  }
}
