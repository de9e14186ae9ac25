/**
 * @module What a relay server tells its operator: reservations made, renewed, refused and ended,
 * circuits opened, refused and closed with their bytes. The CLI's `--json` events are these, one per
 * line. They name PeerIds and addresses, which the relay sees anyway; never a byte of what it carries.
 */
import type { ReservationEndedError } from './errors.js'

/** Why a reservation was refused: not on `--allow`, its source's share taken, or every slot taken. */
export type ReservationRefusal = 'not-allowed' | 'source-full' | 'relay-full'
/** Why a reservation ended: its TTL passed unrenewed, its host disconnected, or the relay let it go. */
export type ReservationEnd = ReservationEndedError['reason']
/**
 * Why a circuit closed: its data or duration limit, either side closing, a reset or error on one of
 * its streams, the host's reservation ending, the relay stopping, or the relay cutting the circuit
 * that held the most of its dialer's bytes when open circuits held more than it allows.
 */
export type CircuitEnd =
  | 'data-limit'
  | 'duration-limit'
  | 'closed'
  | 'reset'
  | 'reservation-ended'
  | 'relay-stopped'
  | 'held-bytes'

/** The limits a relayed connection is held to, or null on an unlimited relay. */
export interface CircuitLimit {
  durationMs: number
  bytes: number
}

export type RelayEvent =
  /** A host holds a reservation now (`made`), or renewed the one it held (`renewed`). */
  | { type: 'reservation'; state: 'made'; peerId: string; address: string; expiresAt: number }
  | { type: 'reservation'; state: 'renewed'; peerId: string; address: string; expiresAt: number }
  | { type: 'reservation'; state: 'refused'; peerId: string; address: string; reason: ReservationRefusal }
  | { type: 'reservation'; state: 'expired'; peerId: string; address: string; reason: ReservationEnd }
  /** `from` is the dialer, `to` the host; `id` ties the closed event to its opened one. */
  | { type: 'circuit'; state: 'opened'; id: number; from: string; to: string; limit: CircuitLimit | null }
  | {
      type: 'circuit'
      state: 'closed'
      id: number
      from: string
      to: string
      /** Bytes the relay passed from the dialer to the host, and from the host to the dialer. */
      bytesToHost: number
      bytesToDialer: number
      durationMs: number
      reason: CircuitEnd
    }
  /** Refused by the relay's allow list (`not-allowed`), or by the host itself (`host-refused`). */
  | { type: 'circuit'; state: 'refused'; from: string; to: string; reason: 'not-allowed' | 'host-refused' }
  /** The relay stopped; the last event of a feed. */
  | { type: 'closed'; reason: 'stopped' }

export type RelayEventType = RelayEvent['type']
