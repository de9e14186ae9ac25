/**
 * @module The answer to a member still speaking an earlier securechat protocol: one Refusal that says
 * to update, then the stream closes. Nothing the peer sends is read, so it costs the host one frame.
 */
import type { Libp2p, Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { encodeVarint } from '../protocol/bytes.js'
import { PROTOCOL_ID, RETIRED_PROTOCOL_IDS } from '../protocol/constants.js'
import { encodeFrame, frame } from '../protocol/frame.js'
import { Reason } from '../protocol/wire/securechat.js'
import { CLOSE_FLUSH_MS } from './constants.js'

/** What an old member is told; its own code shows `message` to the person. */
export const RETIRED_PROTOCOL_MESSAGE = `this room speaks ${PROTOCOL_ID}: update securechat to join it`

/** Streams of a retired protocol one connection may open at once. */
const RETIRED_STREAMS_PER_CONNECTION = 2

function refuse(stream: Stream): void {
  const refusal = encodeFrame(
    frame('refusal', {
      reason: Reason.VERSION_UNSUPPORTED,
      message: RETIRED_PROTOCOL_MESSAGE,
      attemptsLeft: 0,
      retry: false,
      retryAfter: 0
    })
  )
  // Nothing it sends is read, so it is dropped as it comes: left unread, libp2p would buffer up to
  // 4 MiB of it per stream for as long as the peer keeps its side open.
  stream.closeRead().catch(() => {})
  stream.send(new Uint8ArrayList(encodeVarint(refusal.byteLength), refusal))
  // The write side is closed once the refusal is out; the stream is aborted after CLOSE_FLUSH_MS if
  // the peer has not closed its own side by then, so that it cannot keep the stream either. (Not at
  // once: a peer still finishing its protocol negotiation would see a reset instead of the refusal.)
  const abort = setTimeout(() => stream.abort(new Error('retired protocol: refused')), CLOSE_FLUSH_MS)
  abort.unref()
  stream.addEventListener('close', () => clearTimeout(abort), { once: true })
  stream.close({ signal: AbortSignal.timeout(CLOSE_FLUSH_MS) }).catch(() => {})
}

/** Answers every retired protocol id on `node` with the refusal above. */
export async function answerRetiredProtocols(node: Libp2p): Promise<void> {
  for (const id of RETIRED_PROTOCOL_IDS) {
    await node.handle(id, refuse, {
      maxInboundStreams: RETIRED_STREAMS_PER_CONNECTION,
      runOnLimitedConnection: true
    })
  }
}

/** Undoes `answerRetiredProtocols` (the host is closing). */
export async function stopAnsweringRetiredProtocols(node: Libp2p): Promise<void> {
  await node.unhandle([...RETIRED_PROTOCOL_IDS]).catch(() => {})
}
