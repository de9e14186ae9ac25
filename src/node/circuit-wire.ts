/**
 * @module The few fields of circuit relay v2's `HopMessage` and `StopMessage` that securechat reads:
 * their type, the peer they name and the status of an answer. The relay's circuit watch reads the
 * STOP exchange it has with a host; the bench's hop client reads the relay's answers. A message that
 * does not decode is reported as undefined, never thrown.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { reader } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'
import { toString as bytesToString } from 'uint8arrays/to-string'

/** `HopMessage.Type` */
export const HOP_RESERVE = 0
export const HOP_CONNECT = 1
export const HOP_STATUS = 2
/** `StopMessage.Type` */
export const STOP_CONNECT = 0
export const STOP_STATUS = 1
/** `Status.OK`; every other status refuses. */
export const STATUS_OK = 100

export interface CircuitFields {
  type?: number
  /** The peer a CONNECT names (the host a dialer asks for, the dialer a host is offered), as a PeerId string. */
  peer?: string
  status?: number
}

/** Field numbers: `type` and `peer` are 1 and 2 in both messages, `status` 5 in a HopMessage and 4 in a StopMessage. */
const STATUS_FIELD = { hop: 5, stop: 4 } as const
const TYPE_FIELD = 1
const PEER_FIELD = 2
/** `Peer.id` */
const PEER_ID_FIELD = 1

/**
 * Splits one length-prefixed message off the front of `bytes`: its body and the bytes it took, or
 * undefined while the prefix or the body is not complete yet.
 */
export function lengthPrefixed(bytes: Uint8Array): { body: Uint8Array; used: number } | undefined {
  let length = 0
  for (let i = 0, scale = 1; i < bytes.byteLength && i < 5; i++, scale *= 128) {
    const byte = bytes[i] as number
    length += (byte & 0x7f) * scale
    if ((byte & 0x80) === 0) {
      const used = i + 1 + length
      return used <= bytes.byteLength ? { body: bytes.subarray(i + 1, used), used } : undefined
    }
  }
  return undefined
}

/** The type, peer and status of a `HopMessage` or `StopMessage` body; undefined if it does not decode. */
export function decodeCircuitMessage(
  body: Uint8Array | Uint8ArrayList,
  kind: 'hop' | 'stop'
): CircuitFields | undefined {
  const bytes = body instanceof Uint8Array ? body : body.subarray()
  try {
    const r = reader(bytes)
    const fields: CircuitFields = {}
    while (r.pos < r.len) {
      const tag = r.uint32()
      const field = tag >>> 3
      if (field === TYPE_FIELD) fields.type = r.int32()
      else if (field === STATUS_FIELD[kind]) fields.status = r.int32()
      else if (field === PEER_FIELD) fields.peer = peerIdOf(r.bytes())
      else r.skipType(tag & 7)
    }
    return fields
  } catch {
    return undefined
  }
}

/** `Peer.id` (a multihash) as a PeerId string, checked by parsing it. */
function peerIdOf(peer: Uint8Array): string | undefined {
  const r = reader(peer)
  while (r.pos < r.len) {
    const tag = r.uint32()
    if (tag >>> 3 !== PEER_ID_FIELD) {
      r.skipType(tag & 7)
      continue
    }
    return peerIdFromString(bytesToString(r.bytes(), 'base58btc')).toString()
  }
  return undefined
}
