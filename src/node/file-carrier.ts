/**
 * @module How a member's sealed chunks reach the host and come back: over `/securechat/file/1.0.0`
 * streams for a member that joined, or straight into the host's spools for the host's own member.
 * Either way the carrier moves only sealed chunks; sealing and opening are the member's.
 */
import type { Connection } from '@libp2p/interface'
import { FILE_PROTOCOL_ID } from '../protocol/constants.js'
import { fileFrame } from '../protocol/file-frame.js'
import { Reason } from '../protocol/wire/securechat.js'
import { FileSaveError, TransferError } from './errors.js'
import { FileStream } from './file-stream.js'
import type { HostedTransfers } from './hosted-transfers.js'

/** One sealed chunk of a transfer. */
export interface SealedChunk {
  index: number
  sealed: Uint8Array
}

export interface FileCarrier {
  /**
   * Hands the host the chunks of offer `seq`, from the first it still needs (`chunksFrom` gives them
   * from there: 0, or where an upload that broke off stopped); resolves once the host holds them all.
   */
  upload(
    seq: number,
    size: number,
    chunksFrom: (fromChunk: number) => AsyncIterable<SealedChunk>,
    signal?: AbortSignal
  ): Promise<void>
  /**
   * The chunks of transfer `seq` from `fromChunk` on, as the host has them; ends after the last.
   * Throws at once when the host's copy is not of the `size` the signed offer gave.
   */
  download(seq: number, fromChunk: number, size: number, signal?: AbortSignal): AsyncGenerator<SealedChunk>
  /** Declines transfer `seq` (a receiver), or cancels it for everyone (its sender). */
  decline(seq: number): Promise<void>
}

/** The host's `FileEnd` for a copy that is whole, which ends a stream without error. */
function isDone(err: unknown): boolean {
  return err instanceof TransferError && err.reason === Reason.TRANSFER_DONE
}

/** The upload's size (what the host holds) against the offer's, which the sender signed. */
function checkSize(uploaded: number, offered: number): void {
  if (uploaded !== offered) {
    throw new FileSaveError('ESIZE', `the host's copy is ${uploaded} bytes; the offer said ${offered}`)
  }
}

/** A member that joined: each upload and download is a stream of its own on its connection to the host. */
export class StreamCarrier implements FileCarrier {
  private readonly connection: () => Connection

  constructor(connection: () => Connection) {
    this.connection = connection
  }

  private async open(signal?: AbortSignal): Promise<FileStream> {
    const stream = await this.connection().newStream(FILE_PROTOCOL_ID, {
      signal,
      runOnLimitedConnection: true
    })
    return new FileStream(stream)
  }

  async upload(
    seq: number,
    size: number,
    chunksFrom: (fromChunk: number) => AsyncIterable<SealedChunk>,
    signal?: AbortSignal
  ): Promise<void> {
    const files = await this.open(signal)
    try {
      await files.write(fileFrame('upload', { seq, size }), signal)
      const ready = await files.expect('ready', signal)
      for await (const chunk of chunksFrom(ready.body.fromChunk)) {
        signal?.throwIfAborted()
        await files.writeChunk(chunk.index, chunk.sealed, signal)
      }
      // The host answers once the last chunk is in its spool.
      await files.read(signal)
      throw new TransferError(Reason.UNEXPECTED_FRAME, 'the host sent a frame after the upload')
    } catch (err) {
      if (isDone(err)) return
      if (signal?.aborted === true) await files.end(Reason.TRANSFER_CANCELLED)
      else files.abort(err as Error)
      throw err
    }
  }

  async *download(
    seq: number,
    fromChunk: number,
    size: number,
    signal?: AbortSignal
  ): AsyncGenerator<SealedChunk> {
    const files = await this.open(signal)
    try {
      await files.write(fileFrame('request', { seq, fromChunk, decline: false }), signal)
      const ready = await files.expect('ready', signal)
      checkSize(ready.body.size, size)
      for (;;) {
        const { body } = await files.expect('chunk', signal)
        yield body
      }
    } catch (err) {
      if (!isDone(err)) throw err
      // Every chunk before it has been taken: the host may now count this copy as received.
      await files.end(Reason.TRANSFER_DONE, 'received')
    } finally {
      // Stopped early (cancelled, a bad chunk): the host's writer sees the stream go.
      if (files.stream.status === 'open') files.abort(new TransferError(Reason.TRANSFER_CANCELLED, 'stopped'))
    }
  }

  async decline(seq: number): Promise<void> {
    const signal = AbortSignal.timeout(5000)
    const files = await this.open(signal)
    try {
      await files.write(fileFrame('request', { seq, fromChunk: 0, decline: true }), signal)
      await files.read(signal)
    } catch {
      // Told, or the host has already let the transfer go: either way it is over for this member.
    } finally {
      await files.close()
    }
  }
}

/** The host's own member: its uploads go straight into the spool, its downloads come straight out. */
export class LocalCarrier implements FileCarrier {
  private readonly transfers: HostedTransfers
  private readonly self: string

  constructor(transfers: HostedTransfers, self: string) {
    this.transfers = transfers
    this.self = self
  }

  async upload(
    seq: number,
    size: number,
    chunksFrom: (fromChunk: number) => AsyncIterable<SealedChunk>,
    signal?: AbortSignal
  ): Promise<void> {
    const { transfer, upload } = await this.transfers.startUpload(this.self, seq, size)
    try {
      for await (const chunk of chunksFrom(transfer.spool?.chunksIn ?? 0)) {
        signal?.throwIfAborted()
        upload.stop.signal.throwIfAborted()
        await transfer.spool?.append(chunk.index, chunk.sealed)
      }
    } catch (err) {
      upload.finish()
      const reason = signal?.aborted === true ? Reason.TRANSFER_CANCELLED : Reason.TRANSFER_FAILED
      await this.transfers.end(transfer, reason)
      throw err
    }
    this.transfers.uploaded(transfer, upload)
  }

  async *download(
    seq: number,
    fromChunk: number,
    size: number,
    signal?: AbortSignal
  ): AsyncGenerator<SealedChunk> {
    const transfer = this.transfers.forRecipient(this.self, seq)
    while (transfer.spool === undefined) {
      if (transfer.ended) throw new TransferError(Reason.TRANSFER_UNKNOWN, 'the transfer ended')
      await new Promise((resolve) => setTimeout(resolve, 100))
      signal?.throwIfAborted()
    }
    const spool = transfer.spool
    checkSize(spool.size, size)
    for (let index = fromChunk; index < spool.count; index++) {
      yield { index, sealed: (await spool.read(index, signal)).subarray() }
    }
    this.transfers.settled(transfer, this.self)
  }

  async decline(seq: number): Promise<void> {
    const own = this.transfers.forSender(this.self, seq)
    if (own !== undefined) {
      await this.transfers.end(own, Reason.TRANSFER_CANCELLED, 'the sender cancelled the transfer')
      return
    }
    try {
      this.transfers.settled(this.transfers.forRecipient(this.self, seq), this.self)
    } catch {
      // Already over.
    }
  }
}
