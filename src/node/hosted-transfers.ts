/**
 * @module What the host keeps of the files in transit: each offer it relayed (who sent it, to whom),
 * its spool once the upload begins, who still has to fetch it, and the caps that bound them all. The
 * host never holds a key to any of it: offers are end-to-end encrypted, chunks sealed.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import { Reason } from '../protocol/wire/securechat.js'
import {
  FILE_KEEP_MS,
  FILE_UPLOAD_BURST_BYTES,
  FILE_UPLOAD_BYTES_PER_SECOND,
  FILE_UPLOAD_START_MS,
  MAX_FILE_SIZE,
  MAX_KEPT_TRANSFERS_PER_MEMBER,
  MAX_SPOOL_BYTES,
  MAX_TRANSFERS,
  MAX_TRANSFERS_PER_MEMBER
} from './constants.js'
import { StreamEndedError, type TransferError } from './errors.js'
import { transferError } from './file-stream.js'
import { ByteThrottle } from './rate-limit.js'
import { TransferSpool } from './transfer-spool.js'

/** The host's bounds on files; each refusal names its reason. */
export interface FileLimits {
  /** @default MAX_FILE_SIZE */
  maxFileSize: number
  /** @default MAX_TRANSFERS_PER_MEMBER */
  maxTransfersPerMember: number
  /** @default MAX_KEPT_TRANSFERS_PER_MEMBER */
  maxKeptPerMember: number
  /** @default MAX_TRANSFERS */
  maxTransfers: number
  /** @default MAX_SPOOL_BYTES */
  maxSpoolBytes: number
  /** @default FILE_UPLOAD_BYTES_PER_SECOND */
  uploadBytesPerSecond: number
  /** @default FILE_UPLOAD_BURST_BYTES */
  uploadBurstBytes: number
  /** @default FILE_UPLOAD_START_MS */
  uploadStartMs: number
  /** @default FILE_KEEP_MS */
  keepMs: number
  /** Where spools are written (made 0700 if missing). @default `defaultSpoolDir()` */
  spoolDir: string
}

/**
 * The user's cache folder (`$XDG_CACHE_HOME/securechat/spool`, else `~/.cache/securechat/spool`):
 * on disk, where the system's temporary folder is often memory (tmpfs), which files in transit
 * would fill; the temporary folder when there is no home.
 */
export function defaultSpoolDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env['XDG_CACHE_HOME'] ?? (env['HOME'] === undefined ? undefined : join(env['HOME'], '.cache'))
  return cache === undefined || cache === '' ? tmpdir() : join(cache, 'securechat', 'spool')
}

export function resolveFileLimits(options: Partial<FileLimits> = {}): FileLimits {
  return {
    maxFileSize: options.maxFileSize ?? MAX_FILE_SIZE,
    maxTransfersPerMember: options.maxTransfersPerMember ?? MAX_TRANSFERS_PER_MEMBER,
    maxKeptPerMember: options.maxKeptPerMember ?? MAX_KEPT_TRANSFERS_PER_MEMBER,
    maxTransfers: options.maxTransfers ?? MAX_TRANSFERS,
    maxSpoolBytes: options.maxSpoolBytes ?? MAX_SPOOL_BYTES,
    uploadBytesPerSecond: options.uploadBytesPerSecond ?? FILE_UPLOAD_BYTES_PER_SECOND,
    uploadBurstBytes: options.uploadBurstBytes ?? FILE_UPLOAD_BURST_BYTES,
    uploadStartMs: options.uploadStartMs ?? FILE_UPLOAD_START_MS,
    keepMs: options.keepMs ?? FILE_KEEP_MS,
    spoolDir: options.spoolDir ?? defaultSpoolDir()
  }
}

/** How often a file kept past its time for a download still running is looked at again. */
const READER_RECHECK_MS = 10_000

/** Transfers whose ending is remembered after they are gone. */
const ENDINGS_KEPT = 256

/** One upload of a transfer under way: stopped when superseded or ended, `done` once its handler is. */
export interface Upload {
  readonly stop: AbortController
  readonly done: Promise<void>
  finish(): void
}

/** One offered file at the host. */
export interface HostedTransfer {
  readonly seq: number
  readonly sender: string
  /** Recipients who have neither fetched it whole nor declined it, nor left. */
  readonly waiting: Set<string>
  readonly recipients: ReadonlySet<string>
  spool: TransferSpool | undefined
  /** The upload under way, if one is. */
  upload: Upload | undefined
  /** Downloads being served now, one per receiver: the file is kept past `keepMs` while one runs. */
  readonly downloads: Map<string, AbortController>
  ended: boolean
  timer: ReturnType<typeof setTimeout> | undefined
}

export interface HostedTransfersInit {
  limits: FileLimits
  log: Logger
}

export class HostedTransfers {
  readonly limits: FileLimits
  private readonly log: Logger
  private readonly transfers = new Map<number, HostedTransfer>()
  private readonly throttles = new Map<string, ByteThrottle>()
  /** Why recent transfers ended, so a late upload or request hears the real reason. */
  private readonly endings = new Map<number, { reason: Reason; message: string | undefined }>()
  private spoolBytes = 0

  constructor(init: HostedTransfersInit) {
    this.limits = init.limits
    this.log = init.log
  }

  /** Transfers at the host now (offered, uploading, or waiting to be fetched). */
  get size(): number {
    return this.transfers.size
  }

  /**
   * Why `sender` may not offer another file now, if it may not: the host holds its cap of transfers,
   * or the sender its own caps (of files not yet wholly uploaded, and of files kept in all).
   */
  refusal(sender: string): Reason | undefined {
    if (this.transfers.size >= this.limits.maxTransfers) return Reason.TOO_MANY_TRANSFERS
    let uploading = 0
    let kept = 0
    for (const t of this.transfers.values()) {
      if (t.sender !== sender) continue
      kept++
      if (t.spool?.complete !== true) uploading++
    }
    // Both bound one member: files it is sending, and files of its the host keeps for their
    // recipients, so that no member can take every transfer the host allows.
    const over = uploading >= this.limits.maxTransfersPerMember || kept >= this.limits.maxKeptPerMember
    return over ? Reason.TOO_MANY_TRANSFERS : undefined
  }

  /** The relay numbered an offer: its upload is expected soon, from its sender alone. */
  offered(seq: number, sender: string, recipients: readonly string[]): void {
    const others = recipients.filter((r) => r !== sender)
    const transfer: HostedTransfer = {
      seq,
      sender,
      recipients: new Set(others),
      waiting: new Set(others),
      spool: undefined,
      upload: undefined,
      downloads: new Map(),
      ended: false,
      timer: undefined
    }
    this.transfers.set(seq, transfer)
    this.arm(transfer, this.limits.uploadStartMs)
  }

  /**
   * The transfer `seq` as `peerId` may upload it: its sender, within the limits; once, or again from
   * where an upload that broke off stopped (the same size, not yet whole). An upload still under way
   * (its link gone, and the host not told yet) is superseded: stopped, and waited for.
   */
  async startUpload(
    peerId: string,
    seq: number,
    size: number
  ): Promise<{ transfer: HostedTransfer; upload: Upload }> {
    const transfer = this.transfers.get(seq)
    if (transfer === undefined || transfer.sender !== peerId) throw this.unknown(seq)
    const earlier = transfer.upload
    if (earlier !== undefined) {
      earlier.stop.abort(new StreamEndedError('superseded by a resumed upload'))
      await earlier.done
      if (transfer.ended) throw this.unknown(seq)
    }
    if (transfer.upload !== undefined) throw this.unknown(seq)
    if (transfer.spool !== undefined) {
      if (transfer.spool.complete || transfer.spool.size !== size) throw this.unknown(seq)
      return { transfer, upload: this.beginUpload(transfer) }
    }
    if (size > this.limits.maxFileSize) {
      void this.end(transfer, Reason.FILE_TOO_LARGE)
      throw transferError(
        Reason.FILE_TOO_LARGE,
        `the file is ${size} bytes; this host relays at most ${this.limits.maxFileSize}`
      )
    }
    if (this.spoolBytes + size > this.limits.maxSpoolBytes) {
      void this.end(transfer, Reason.TOO_MANY_TRANSFERS)
      throw transferError(Reason.TOO_MANY_TRANSFERS, "the host's room for files in transit is full")
    }
    const upload = this.beginUpload(transfer)
    this.spoolBytes += size
    try {
      transfer.spool = await TransferSpool.create(this.limits.spoolDir, size)
    } catch (err) {
      this.spoolBytes -= size
      upload.finish()
      void this.end(transfer, Reason.TRANSFER_FAILED)
      throw err
    }
    return { transfer, upload }
  }

  /** Marks `transfer` as uploading: the lapse timer waits for the upload's own end. */
  private beginUpload(transfer: HostedTransfer): Upload {
    if (transfer.timer !== undefined) clearTimeout(transfer.timer)
    let finish = (): void => {}
    const done = new Promise<void>((resolve) => {
      finish = () => {
        if (transfer.upload === upload) transfer.upload = undefined
        resolve()
      }
    })
    const upload: Upload = { stop: new AbortController(), done, finish: () => finish() }
    transfer.upload = upload
    return upload
  }

  /**
   * The upload's link broke (not the sender's doing, nor a bad chunk): what came is kept, and the
   * sender has as long as a new upload would to come back and go on from there.
   */
  uploadBroken(transfer: HostedTransfer, upload: Upload): void {
    if (transfer.upload !== upload) return
    upload.finish()
    if (!transfer.ended) this.arm(transfer, this.limits.uploadStartMs)
  }

  /** How long `peerId` must wait before `bytes` more of its upload are taken (its rate limit). */
  uploadDelay(peerId: string, bytes: number): number {
    let throttle = this.throttles.get(peerId)
    if (throttle === undefined) {
      throttle = new ByteThrottle({
        perSecond: this.limits.uploadBytesPerSecond,
        burst: this.limits.uploadBurstBytes
      })
      this.throttles.set(peerId, throttle)
    }
    return throttle.delayFor(bytes)
  }

  /** The upload is whole: the file stays for those who have yet to fetch it, `keepMs` at most. */
  uploaded(transfer: HostedTransfer, upload: Upload): void {
    upload.finish()
    if (transfer.waiting.size === 0) void this.end(transfer, Reason.TRANSFER_DONE)
    else this.arm(transfer, this.limits.keepMs)
  }

  /** The transfer `seq` as recipient `peerId` may fetch it. */
  forRecipient(peerId: string, seq: number): HostedTransfer {
    const transfer = this.transfers.get(seq)
    if (transfer === undefined || !transfer.waiting.has(peerId)) throw this.unknown(seq)
    return transfer
  }

  /** The transfer `seq` if `peerId` sent it. */
  forSender(peerId: string, seq: number): HostedTransfer | undefined {
    const transfer = this.transfers.get(seq)
    return transfer?.sender === peerId ? transfer : undefined
  }

  /** `peerId` has the whole file, or declined it: once nobody is waiting, the spool goes. */
  settled(transfer: HostedTransfer, peerId: string): void {
    transfer.waiting.delete(peerId)
    if (transfer.waiting.size > 0) return
    if (transfer.spool === undefined) {
      // Declined by all before the upload began: the sender is told, and uploads nothing.
      void this.end(transfer, Reason.TRANSFER_CANCELLED, 'every recipient declined the file')
    } else if (transfer.spool.complete && transfer.upload === undefined) {
      void this.end(transfer, Reason.TRANSFER_DONE)
    }
  }

  /** A member left the room for good: it fetches nothing more, and its rate limit is forgotten. */
  memberLeft(peerId: string): void {
    this.throttles.delete(peerId)
    for (const transfer of [...this.transfers.values()]) {
      if (transfer.waiting.has(peerId)) this.settled(transfer, peerId)
    }
  }

  /** Ends a transfer: readers still reading are told `reason`, and its spool is removed. */
  async end(transfer: HostedTransfer, reason: Reason, message?: string): Promise<void> {
    if (transfer.ended) return
    transfer.ended = true
    transfer.upload?.stop.abort(transferError(reason, message))
    if (transfer.timer !== undefined) clearTimeout(transfer.timer)
    this.transfers.delete(transfer.seq)
    this.endings.set(transfer.seq, { reason, message })
    for (const old of [...this.endings.keys()].slice(0, -ENDINGS_KEPT)) this.endings.delete(old)
    this.log('transfer %d ended: %s', transfer.seq, Reason[reason])
    const spool = transfer.spool
    if (spool !== undefined) {
      this.spoolBytes -= spool.size
      await spool.end(transferError(reason, message))
    }
  }

  /** Ends every transfer (the room is closing). */
  async close(): Promise<void> {
    await Promise.all([...this.transfers.values()].map((t) => this.end(t, Reason.HOST_CLOSING)))
  }

  /** A transfer that is not (or no longer) there for this peer: why it ended, when that is known. */
  unknown(seq: number): TransferError {
    const ending = this.endings.get(seq)
    if (ending === undefined) return transferError(Reason.TRANSFER_UNKNOWN)
    if (ending.reason === Reason.TRANSFER_DONE) {
      return transferError(Reason.TRANSFER_UNKNOWN, 'that transfer is over')
    }
    return transferError(ending.reason, ending.message)
  }

  /**
   * Ends the transfer after `ms` (the upload never began, or the whole file waited too long), but
   * never under a download still running: that one is let finish, and the time looked at again.
   */
  private arm(transfer: HostedTransfer, ms: number): void {
    if (transfer.timer !== undefined) clearTimeout(transfer.timer)
    transfer.timer = setTimeout(() => {
      if (transfer.downloads.size > 0) this.arm(transfer, Math.min(ms, READER_RECHECK_MS))
      else void this.end(transfer, Reason.TIMEOUT)
    }, ms)
    transfer.timer.unref()
  }
}
