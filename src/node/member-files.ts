/**
 * @module A joined member's files: its `FileTransfers`, carried over `/securechat/file/1.0.0` streams
 * on its connection to the host, which wait for that connection to be up, and to be one a file can
 * cross (a relay's limited connection cannot carry a single chunk).
 */
import type { Connection, Logger } from '@libp2p/interface'
import type { FileOffer } from '../protocol/file-offer.js'
import { FILE_DIRECT_WAIT_MS } from './constants.js'
import { FileSaveError } from './errors.js'
import type { EventFeed } from './events.js'
import { StreamCarrier } from './file-carrier.js'
import { FileTransfers, type MemberFileOptions } from './file-transfers.js'
import { untilLink } from './link-wait.js'

export interface MemberFilesInit {
  options: MemberFileOptions
  feed: EventFeed
  /** The member's connection to the host now (it changes on a resume or a move to direct). */
  connection(): Connection
  /** Whether the member is connected now, and why its session ended once it has. */
  connected(): boolean
  closed(): string | undefined
  offer(offer: FileOffer, signal?: AbortSignal): Promise<{ seq: number; recipients: string[] }>
  log: Logger
}

/** The member's file transfers and the carrier they use (kept for diagnostics and hostile tests). */
export function memberFiles(init: MemberFilesInit): { files: FileTransfers; carrier: StreamCarrier } {
  const carrier = new StreamCarrier(init.connection)
  const files = new FileTransfers({
    ...init.options,
    downloadDir: init.options.downloadDir ?? process.cwd(),
    feed: init.feed,
    carrier,
    offer: init.offer,
    connected: (signal) => untilLink({ feed: init.feed, ready: init.connected, closed: init.closed, signal }),
    // A relay's limits (libp2p's default: 128 KiB a connection, both ways) let no chunk through:
    // files wait for DCUtR's direct connection, or go through a relay that does not limit.
    linkReady: (signal) =>
      untilLink({
        feed: init.feed,
        ready: () => init.connected() && init.connection().limits === undefined,
        closed: init.closed,
        signal,
        timeoutMs: FILE_DIRECT_WAIT_MS,
        timedOut: () =>
          new FileSaveError(
            'ERELAYED',
            'files need a direct connection to the host (or a relay without limits); this one runs through a limited relay'
          )
      }),
    log: init.log
  })
  return { files, carrier }
}
