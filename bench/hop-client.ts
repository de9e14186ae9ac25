/**
 * A circuit relay v2 client cut down to its hop requests, for the relay attacker and the relay tests:
 * one RESERVE or CONNECT on a stream of its own, and the status the relay answers with. A real host
 * makes its reservations through libp2p's circuit relay transport; this makes them one at a time, as
 * often as asked, from any node.
 */
import { RELAY_V2_HOP_CODEC } from '@libp2p/circuit-relay-v2'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { writer } from 'protons-runtime'
import { decodeCircuitMessage, HOP_CONNECT, HOP_RESERVE } from '../src/node/circuit-wire.js'

/** What to ask the relay: a reservation for the asking node, or a circuit to a peer. */
export type HopRequest = { reserve: true } | { connect: PeerId }

/** A HopMessage: type (field 1) and, for a CONNECT, peer (field 2) with its id (field 1). */
export function encodeHopRequest(request: HopRequest): Uint8Array {
  const w = writer()
  w.uint32((1 << 3) | 0)
  if ('reserve' in request) {
    w.int32(HOP_RESERVE)
    return w.finish()
  }
  w.int32(HOP_CONNECT)
  w.uint32((2 << 3) | 2)
  w.fork()
  w.uint32((1 << 3) | 2)
  w.bytes(request.connect.toMultihash().bytes)
  w.ldelim()
  return w.finish()
}

/**
 * Opens a hop stream to `relay`, sends `request` and reads the relay's status (100 is OK); undefined
 * when the answer does not decode. The stream is closed after a RESERVE, and given back after a
 * CONNECT that was answered OK (it is the circuit then).
 */
export async function hopRequest(
  node: Libp2p,
  relay: Multiaddr | Multiaddr[],
  request: HopRequest,
  signal: AbortSignal
): Promise<{ status: number | undefined; stream: Stream }> {
  const stream = await node.dialProtocol(relay, RELAY_V2_HOP_CODEC, { signal, runOnLimitedConnection: true })
  try {
    const lp = lpStream(stream, { maxDataLength: 4096 })
    await lp.write(encodeHopRequest(request), { signal })
    const status = decodeCircuitMessage(await lp.read({ signal }), 'hop')?.status
    if ('reserve' in request) await stream.close({ signal })
    return { status, stream: 'reserve' in request ? stream : lp.unwrap() }
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}
