/**
 * @module The host's part in file transfer: the transfers it keeps, the `/securechat/file/1.0.0`
 * service members upload to and download from, and (when the host is a member) its own files,
 * which go straight into and out of its spools.
 */
import type { Logger } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'
import type { FileOffer } from '../protocol/file-offer.js'
import type { EventFeed } from './events.js'
import { LocalCarrier } from './file-carrier.js'
import { FileService } from './file-service.js'
import { FileTransfers, type MemberFileOptions } from './file-transfers.js'
import { type FileLimits, HostedTransfers } from './hosted-transfers.js'

export interface HostFilesInit {
  limits: FileLimits
  peerId: string
  /** Whether `peerId` is a member that joined (not the host's own member). */
  isMember(peerId: string): boolean
  signal: AbortSignal
  log: Logger
  feed: EventFeed
  tap?: (seq: number, index: number, sealed: Readonly<Uint8Array>) => void
  /** The host's own member's choices, and how it offers a file (absent for a relay-only host). */
  own?: MemberFileOptions & {
    offer(offer: FileOffer, signal?: AbortSignal): Promise<{ seq: number; recipients: string[] }>
  }
}

export class HostFiles {
  readonly transfers: HostedTransfers
  readonly own: FileTransfers | undefined
  private readonly service: FileService

  constructor(init: HostFilesInit) {
    this.transfers = new HostedTransfers({ limits: init.limits, log: init.log })
    this.service = new FileService({
      transfers: this.transfers,
      isMember: init.isMember,
      signal: init.signal,
      log: init.log,
      ...(init.tap === undefined ? {} : { tap: init.tap })
    })
    const own = init.own
    this.own =
      own === undefined
        ? undefined
        : new FileTransfers({
            ...own,
            downloadDir: own.downloadDir ?? process.cwd(),
            feed: init.feed,
            carrier: new LocalCarrier(this.transfers, init.peerId),
            offer: own.offer,
            connected: () => Promise.resolve(),
            log: init.log.newScope('own')
          })
  }

  start(node: Libp2p): Promise<void> {
    return this.service.start(node)
  }

  async stop(node: Libp2p): Promise<void> {
    this.own?.close()
    await this.service.stop(node)
    await this.transfers.close()
  }
}
