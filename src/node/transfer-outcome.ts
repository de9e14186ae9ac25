/**
 * @module How a transfer that did not end whole is told: the code of its `file-failed` event, and
 * whether it broke off because the link went (so it may go on once the member is back) or for good.
 */
import { ReasonError } from '../protocol/errors.js'
import { reasonCode } from '../protocol/reasons.js'
import { FileSaveError } from './errors.js'

/** The codes of `file-failed` for a transfer's own failures (the rest are system codes: `enospc`…). */
const FILE_SAVE_CODES: Record<string, string> = {
  EMISMATCH: 'mismatch',
  ESIZE: 'size-mismatch',
  ESHORT: 'truncated',
  EORDER: 'out-of-order',
  ETOOLONG: 'size-mismatch',
  ECHANGED: 'file-changed',
  ERELAYED: 'relayed'
}

/** What a failed transfer is called in `file-failed` events and errors. */
export function failureCode(err: unknown, signal?: AbortSignal): string {
  if (signal?.aborted === true) {
    // Stopped by this member (`cancel`), or by the room (the host restarted: its ids mean nothing now).
    return signal.reason instanceof ReasonError ? reasonCode(signal.reason.reason) : 'cancelled'
  }
  if (err instanceof ReasonError) return reasonCode(err.reason)
  if (err instanceof FileSaveError) return FILE_SAVE_CODES[err.code] ?? err.code.toLowerCase()
  if ((err as Error).name === 'DecryptionError') return 'tampered'
  return 'transfer-failed'
}

/**
 * Whether a transfer broke off because the link went (and may come back), rather than because the
 * host or the file said no: a typed refusal, a bad chunk, a disk error, a cancel are final.
 */
export function isConnectionLoss(err: unknown): boolean {
  if (err instanceof ReasonError || err instanceof FileSaveError) return false
  const name = (err as Error).name
  return name !== 'DecryptionError' && name !== 'AbortError'
}
