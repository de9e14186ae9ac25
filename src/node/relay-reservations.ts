/**
 * @module The relay's reservations as events (made, renewed, expired), each ended when its TTL passes
 * unrenewed or its host disconnects.
 *
 * circuit-relay-v2 keeps reservations in a map of its own and says nothing when it changes. This watch
 * is told by the gater when a reservation request was let through, and looks at the map once the
 * request has been handled. It also gives each new reservation a timer of its own in place of the
 * library's: the library's (retimeable-signal 1.0.1) leaves the timer of the first renewal armed after
 * the second, so a host renewing on time loses its reservation one TTL after its first renewal while
 * it believes it holds it. And, as go-libp2p's relay does, a host that disconnects gives its place back
 * at once rather than holding it for the rest of its TTL.
 */
import type { RelayReservation } from '@libp2p/circuit-relay-v2'
import type { PeerId } from '@libp2p/interface'
import { sourceAddress } from './addresses.js'
import { ReservationEndedError } from './errors.js'
import type { RelayEvent, ReservationEnd } from './relay-events.js'

/** The library's map of reservations (`CircuitRelayService.reservations`). */
export interface ReservationMap {
  readonly size: number
  get(peer: PeerId): RelayReservation | undefined
  delete(peer: PeerId): boolean
  entries(): IterableIterator<[PeerId, RelayReservation]>
}

export interface ReservationWatchOptions {
  reservations: ReservationMap
  ttlMs: number
  emit: (event: RelayEvent) => void
  now?: () => number
}

interface Adopted {
  peer: PeerId
  reservation: RelayReservation
  controller: AbortController
  timer: ReturnType<typeof setTimeout> | undefined
}

export class ReservationWatch {
  private readonly options: ReservationWatchOptions
  private readonly now: () => number
  /** Every reservation this watch gave a timer, by PeerId: at most one each. */
  private readonly adopted = new Map<string, Adopted>()
  private readonly settling = new Set<ReturnType<typeof setImmediate>>()
  private stopped = false

  constructor(options: ReservationWatchOptions) {
    this.options = options
    this.now = options.now ?? Date.now
  }

  /** Reservations held now, for hosts connected from `source` (IPv4, or IPv6 /64), not counting `except`'s. */
  heldFrom(source: string, except: PeerId): number {
    let held = 0
    for (const [peer, reservation] of this.options.reservations.entries()) {
      if (!peer.equals(except) && sourceAddress(reservation.addr) === source) held++
    }
    return held
  }

  /**
   * The gater let `peer`'s request through: the library handles it at once, so a moment later the map
   * says whether it was made (a new entry), renewed (this watch's own entry, whose reset said so
   * already) or refused because every slot was taken (no entry).
   */
  requested(peer: PeerId, address: string): void {
    if (this.stopped) return
    const settle = setImmediate(() => {
      this.settling.delete(settle)
      this.settle(peer, address)
    })
    this.settling.add(settle)
  }

  /** Ends `peer`'s reservation, if it holds one: its host is gone. */
  disconnected(peer: PeerId): void {
    const entry = this.adopted.get(peer.toString())
    if (entry !== undefined) this.end(entry, 'disconnected')
  }

  /** Stops every timer; the reservations themselves go with the relay service. */
  stop(): void {
    this.stopped = true
    for (const settle of this.settling) clearImmediate(settle)
    this.settling.clear()
    for (const entry of this.adopted.values()) clearTimeout(entry.timer)
    this.adopted.clear()
  }

  private settle(peer: PeerId, address: string): void {
    if (this.stopped) return
    const reservation = this.options.reservations.get(peer)
    if (reservation === undefined) {
      this.options.emit({
        type: 'reservation',
        state: 'refused',
        peerId: peer.toString(),
        address,
        reason: 'relay-full'
      })
      return
    }
    if (this.adopted.get(peer.toString())?.reservation === reservation) return
    this.adopt(peer, reservation)
    this.options.emit({
      type: 'reservation',
      state: 'made',
      peerId: peer.toString(),
      address: reservation.addr.toString(),
      expiresAt: this.now() + this.options.ttlMs
    })
  }

  /** Puts this watch's timer in the reservation's place; the library's is disarmed before it was ever reset. */
  private adopt(peer: PeerId, reservation: RelayReservation): void {
    const previous = this.adopted.get(peer.toString())
    if (previous !== undefined) this.end(previous, 'dropped')
    this.sweep()
    const library = reservation.signal
    const controller = new AbortController()
    const entry: Adopted = { peer, reservation, controller, timer: undefined }
    const arm = (ms: number): void => {
      clearTimeout(entry.timer)
      entry.timer = setTimeout(() => this.end(entry, 'ttl'), ms)
      entry.timer.unref()
    }
    const signal = Object.assign(controller.signal, {
      reset: (ms?: number) => {
        if (controller.signal.aborted) return
        arm(ms ?? this.options.ttlMs)
        this.options.emit({
          type: 'reservation',
          state: 'renewed',
          peerId: peer.toString(),
          address: reservation.addr.toString(),
          expiresAt: this.now() + (ms ?? this.options.ttlMs)
        })
      },
      clear: () => clearTimeout(entry.timer)
    })
    library.clear()
    // Should the library's timer fire all the same (a renewal raced the adoption), the map has lost
    // the entry: say so rather than keep a reservation nobody holds.
    library.addEventListener('abort', () => this.end(entry, 'ttl'), { once: true })
    reservation.signal = signal
    arm(this.options.ttlMs)
    this.adopted.set(peer.toString(), entry)
  }

  private end(entry: Adopted, reason: ReservationEnd): void {
    const key = entry.peer.toString()
    if (this.adopted.get(key) !== entry) return
    this.adopted.delete(key)
    clearTimeout(entry.timer)
    if (this.options.reservations.get(entry.peer) === entry.reservation)
      this.options.reservations.delete(entry.peer)
    entry.controller.abort(new ReservationEndedError(reason))
    if (this.stopped) return
    this.options.emit({
      type: 'reservation',
      state: 'expired',
      peerId: key,
      address: entry.reservation.addr.toString(),
      reason
    })
  }

  /**
   * Forgets reservations the library dropped by itself (a reservation whose answer could not be
   * written), so a host that asks and hangs up over and over leaves no timers behind.
   */
  private sweep(): void {
    if (this.adopted.size < this.options.reservations.size + 16) return
    for (const entry of [...this.adopted.values()]) {
      if (this.options.reservations.get(entry.peer) !== entry.reservation) this.end(entry, 'dropped')
    }
  }
}
