/**
 * @module The host's end of `/securechat/file/1.0.0`: a member's upload of the file it offered, spooled
 * chunk by chunk under its rate limit; a recipient's download, served from the spool at the pace its
 * stream drains; a decline, or the sender's cancel. A stream from anyone who is not a member is closed
 * before a byte of it is read.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Connection, Logger, Stream } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'
import { FILE_PROTOCOL_ID } from '../protocol/constants.js'
import { ReasonError } from '../protocol/errors.js'
import { fileFrame } from '../protocol/file-frame.js'
import { type FileRequest, type FileUpload, Reason } from '../protocol/wire/securechat.js'
import {
  FILE_REQUEST_TIMEOUT_MS,
  FILE_STALL_TIMEOUT_MS,
  MAX_FILE_STREAMS_PER_CONNECTION,
  MAX_FILE_STREAMS_PER_MEMBER
} from './constants.js'
import { FileSaveError, StreamEndedError, TransferError } from './errors.js'
import { FileStream } from './file-stream.js'
import type { HostedTransfer, HostedTransfers } from './hosted-transfers.js'

export interface FileServiceInit {
  transfers: HostedTransfers
  /** Whether `peerId` is a member of the room now (the host's own member aside). */
  isMember(peerId: string): boolean
  signal: AbortSignal
  log: Logger
  tap?: (seq: number, index: number, sealed: Readonly<Uint8Array>) => void
}

/** A signal that aborts with the room, or after `ms` without progress. */
function stallSignal(room: AbortSignal, ms = FILE_STALL_TIMEOUT_MS): AbortSignal {
  return AbortSignal.any([room, AbortSignal.timeout(ms)])
}

/** The reason to tell the peer for an error met while serving it. */
function reasonOf(err: unknown): Reason {
  if (err instanceof ReasonError) return err.reason
  if (err instanceof FileSaveError) return Reason.TRANSFER_FAILED
  if ((err as Error).name === 'TimeoutError') return Reason.TIMEOUT
  return Reason.TRANSFER_FAILED
}

/**
 * Whether a stream broke off because its link went (the sender may come back and resume), rather
 * than because of what was sent on it (a typed refusal or cancel, a frame out of bounds, a chunk
 * that does not fit, the host's own disk).
 */
function isLinkLoss(err: unknown): boolean {
  return !(err instanceof ReasonError || err instanceof FileSaveError)
}

export class FileService {
  private readonly init: FileServiceInit
  /** File streams open now, per member. */
  private readonly streamsOf = new Map<string, number>()

  constructor(init: FileServiceInit) {
    this.init = init
  }

  async start(node: Libp2p): Promise<void> {
    await node.handle(FILE_PROTOCOL_ID, (stream, connection) => this.handle(stream, connection), {
      maxInboundStreams: MAX_FILE_STREAMS_PER_CONNECTION,
      runOnLimitedConnection: true
    })
  }

  async stop(node: Libp2p): Promise<void> {
    await node.unhandle(FILE_PROTOCOL_ID).catch(() => {})
  }

  private async handle(stream: Stream, connection: Connection): Promise<void> {
    const peerId = connection.remotePeer.toString()
    if (!this.init.isMember(peerId)) {
      stream.abort(new TransferError(Reason.TRANSFER_UNKNOWN, 'not a member of this room'))
      return
    }
    // A member's streams on all its connections together: more connections buy it no more.
    const open = this.streamsOf.get(peerId) ?? 0
    if (open >= MAX_FILE_STREAMS_PER_MEMBER) {
      stream.abort(new TransferError(Reason.TOO_MANY_TRANSFERS, 'too many file streams at once'))
      return
    }
    this.streamsOf.set(peerId, open + 1)
    const log = this.init.log.newScope(stream.id)
    const files = new FileStream(stream)
    try {
      const first = await files.read(stallSignal(this.init.signal, FILE_REQUEST_TIMEOUT_MS))
      if (first.kind === 'upload') await this.upload(files, peerId, first.body, log)
      else if (first.kind === 'request') await this.request(files, peerId, first.body, log)
      else await files.end(Reason.UNEXPECTED_FRAME)
    } catch (err) {
      log('file stream from %s ended: %s', peerId, (err as Error).message)
      await files.end(reasonOf(err), (err as Error).message)
    } finally {
      const left = (this.streamsOf.get(peerId) ?? 1) - 1
      if (left === 0) this.streamsOf.delete(peerId)
      else this.streamsOf.set(peerId, left)
    }
  }

  /**
   * The sender's chunks, in order, into the spool, from the first it does not have. A bad chunk or a
   * cancel ends the transfer for everyone; a broken link only pauses it, for the sender to resume.
   */
  private async upload(files: FileStream, peerId: string, upload: FileUpload, log: Logger): Promise<void> {
    const { transfers } = this.init
    const { transfer, upload: current } = await transfers.startUpload(peerId, upload.seq, upload.size)
    const spool = transfer.spool as NonNullable<HostedTransfer['spool']>
    const from = spool.chunksIn
    const live = (): AbortSignal => AbortSignal.any([stallSignal(this.init.signal), current.stop.signal])
    try {
      await files.write(fileFrame('ready', { size: upload.size, fromChunk: from }), live())
      // A chunk is written to the spool while the next is read: the disk and the stream overlap, and
      // at most one write is outstanding.
      let writing: Promise<void> = Promise.resolve()
      try {
        for (let index = from; index < spool.count; index++) {
          const chunk = await files.readChunk(live())
          if (chunk.index !== index) {
            throw new TransferError(Reason.MALFORMED, `chunk ${chunk.index} came, ${index} was due`)
          }
          this.init.tap?.(upload.seq, index, chunk.sealed.subarray())
          await writing
          writing = spool.append(index, chunk.sealed)
          const wait = transfers.uploadDelay(peerId, chunk.sealed.byteLength)
          if (wait > 0) await sleep(wait, undefined, { signal: live() })
        }
      } finally {
        // Whatever broke off, the spool holds every chunk counted before the next attempt reads it.
        await writing.catch(() => {})
      }
      await writing
    } catch (err) {
      log(
        'upload %d from %s stopped at chunk %d: %s',
        upload.seq,
        peerId,
        spool.chunksIn,
        (err as Error).message
      )
      if (current.stop.signal.aborted) {
        // Superseded by the sender's resumed upload, or the transfer ended: not this handler's to end.
        current.finish()
        throw err
      }
      if (isLinkLoss(err) && !this.init.signal.aborted) transfers.uploadBroken(transfer, current)
      else {
        current.finish()
        const reason = reasonOf(err)
        await transfers.end(transfer, reason === Reason.TRANSFER_CANCELLED ? reason : Reason.TRANSFER_FAILED)
      }
      throw err
    }
    transfers.uploaded(transfer, current)
    log('upload %d from %s is whole', upload.seq, peerId)
    await files.end(Reason.TRANSFER_DONE)
  }

  /**
   * A recipient's copy from `fromChunk` on, each chunk sent once the last has drained; or a decline;
   * or, from the sender, a cancel for everyone.
   */
  private async request(files: FileStream, peerId: string, request: FileRequest, log: Logger): Promise<void> {
    const { transfers } = this.init
    const own = transfers.forSender(peerId, request.seq)
    if (own !== undefined) {
      if (!request.decline)
        throw new TransferError(Reason.TRANSFER_UNKNOWN, 'a sender does not fetch its own file')
      await transfers.end(own, Reason.TRANSFER_CANCELLED, 'the sender cancelled the transfer')
      await files.end(Reason.TRANSFER_CANCELLED)
      return
    }
    const transfer = transfers.forRecipient(peerId, request.seq)
    if (request.decline) {
      transfers.settled(transfer, peerId)
      await files.end(Reason.TRANSFER_DONE, 'declined')
      return
    }
    // A request before the upload began waits for it (within the offer's own deadline).
    while (transfer.spool === undefined) {
      if (transfer.ended) throw transfers.unknown(request.seq)
      await sleep(100, undefined, { signal: stallSignal(this.init.signal) })
    }
    const spool = transfer.spool
    if (request.fromChunk > spool.count) {
      throw new TransferError(
        Reason.MALFORMED,
        `a file of ${spool.count} chunks has no chunk ${request.fromChunk}`
      )
    }
    // One copy per receiver at a time: a second request (a resume over a link the host has not yet
    // seen go) takes over from the first, which stops.
    transfer.downloads.get(peerId)?.abort(new StreamEndedError('superseded by a resumed download'))
    const mine = new AbortController()
    transfer.downloads.set(peerId, mine)
    const live = (): AbortSignal => AbortSignal.any([stallSignal(this.init.signal), mine.signal])
    try {
      await files.write(fileFrame('ready', { size: spool.size, fromChunk: 0 }), live())
      // The next chunk is read from the spool while this one is written to the stream. One that a
      // reader ahead of the upload waits for comes at the uploader's pace: that is no stall.
      const reading = AbortSignal.any([this.init.signal, mine.signal])
      const read = (index: number) => {
        const chunk = spool.read(index, reading)
        chunk.catch(() => {})
        return chunk
      }
      let next = request.fromChunk < spool.count ? read(request.fromChunk) : undefined
      for (let index = request.fromChunk; next !== undefined; index++) {
        const sealed = await next
        next = index + 1 < spool.count ? read(index + 1) : undefined
        await files.writeChunk(index, sealed, live())
      }
    } finally {
      if (transfer.downloads.get(peerId) === mine) transfer.downloads.delete(peerId)
    }
    // Sent is not received: only the receiver's own FileEnd, after it has taken the last chunk, says
    // it holds them all. A link that drops first leaves it waiting, to resume.
    await files.write(
      fileFrame('end', { reason: Reason.TRANSFER_DONE, message: 'sent' }),
      stallSignal(this.init.signal)
    )
    try {
      await files.read(stallSignal(this.init.signal))
      throw new TransferError(Reason.UNEXPECTED_FRAME, 'a frame after the last chunk')
    } catch (err) {
      if (!(err instanceof TransferError && err.reason === Reason.TRANSFER_DONE)) throw err
    }
    transfers.settled(transfer, peerId)
    log('%s fetched transfer %d', peerId, request.seq)
    await files.close()
  }
}
