/**
 * @module Each circuit the relay carries, as events: opened (dialer, host, limits) and closed (bytes
 * each way, duration, why).
 *
 * A circuit is the pair of streams the relay joins: the dialer's HOP stream and the STOP stream the
 * relay opens to the host. The STOP stream alone tells all of it, so that is the one watched, through
 * libp2p's stream middleware for outbound streams (`node.use`): the first message the relay writes on it
 * names the dialer; the host's answer says whether it took the circuit; after that, what the relay
 * writes on it is the dialer's data for the host, and what arrives on it the host's for the dialer.
 * Writes are counted by wrapping the stream's `send` (libp2p keeps no byte counts per stream); reads
 * by a `message` listener added once the relay's own reader is in place, so no data is taken from it.
 *
 * The count of the dialer's bytes is also a bound. circuit-relay-v2 4.2.13 joins the two streams with
 * `pipe(hop, stop, hop)`, and the hop stream's second duplex has a source nobody reads: every byte the
 * dialer sends stays in memory until the circuit closes. A limited circuit holds at most its data
 * limit; an unlimited one would hold all it ever carried. So past `maxHeldBytes` on the whole relay,
 * the circuit that holds the most is cut (`held-bytes`).
 */
import { RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import type { Connection, Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'
import { Uint8ArrayList } from 'uint8arraylist'
import { decodeCircuitMessage, lengthPrefixed, STATUS_OK, STOP_CONNECT, STOP_STATUS } from './circuit-wire.js'
import { HeldBytesError } from './errors.js'
import type { CircuitEnd, CircuitLimit, RelayEvent } from './relay-events.js'

export interface CircuitWatchOptions {
  emit: (event: RelayEvent) => void
  /** The limits of the circuits to `host` (its reservation's), or null when unlimited. */
  limitOf: (host: string) => CircuitLimit | null
  /** Whether `host` still holds a reservation (a circuit cut when it ended reads as its duration limit). */
  holdsReservation: (host: string) => boolean
  /** Dialers' bytes held by open circuits at most (see above). */
  maxHeldBytes: number
  now?: () => number
}

/** Bytes of a host's STOP answer kept while it is incomplete. */
const MAX_ANSWER_BYTES = 4096

interface Circuit {
  stream: Stream
  id: number
  from: string
  to: string
  phase: 'request' | 'answer' | 'relaying' | 'done'
  /** The host's answer, while it is incomplete. */
  answer: Uint8ArrayList
  openedAt: number
  bytesToHost: number
  bytesToDialer: number
}

export class CircuitWatch {
  private readonly node: Libp2p
  private readonly options: CircuitWatchOptions
  private readonly now: () => number
  private readonly circuits = new Set<Circuit>()
  private nextId = 1
  private stopping = false
  /** The dialers' bytes that open circuits have carried, which the relay holds until they close. */
  private held = 0

  constructor(node: Libp2p, options: CircuitWatchOptions) {
    this.node = node
    this.options = options
    this.now = options.now ?? Date.now
  }

  /** Circuits open now. */
  get open(): number {
    let open = 0
    for (const circuit of this.circuits) if (circuit.phase === 'relaying') open++
    return open
  }

  start(): void {
    this.node.use(RELAY_V2_STOP_CODEC, (stream, connection, next) => {
      this.watch(stream, connection)
      next(stream, connection)
    })
  }

  /** The relay is stopping: circuits that close from now on say so. */
  stop(): void {
    this.stopping = true
    this.node.unuse(RELAY_V2_STOP_CODEC)
  }

  private watch(stream: Stream, connection: Connection): void {
    const circuit: Circuit = {
      stream,
      id: 0,
      from: '',
      to: connection.remotePeer.toString(),
      phase: 'request',
      answer: new Uint8ArrayList(),
      openedAt: 0,
      bytesToHost: 0,
      bytesToDialer: 0
    }
    this.circuits.add(circuit)
    const onMessage = (event: StreamMessageEvent): void => this.received(circuit, event.data)
    const send = stream.send.bind(stream)
    stream.send = (data) => {
      if (circuit.phase === 'relaying') {
        this.admit(circuit, data.byteLength)
        // Throws if the stream was cut: then nothing was passed on, and nothing is counted.
        const accepted = send(data)
        circuit.bytesToHost += data.byteLength
        this.held += data.byteLength
        return accepted
      }
      if (circuit.phase === 'request') this.requested(circuit, data, stream, onMessage)
      return send(data)
    }
    stream.addEventListener(
      'close',
      (event) => {
        stream.removeEventListener('message', onMessage)
        this.closed(circuit, event)
      },
      { once: true }
    )
  }

  /** The relay's CONNECT to the host: it names the dialer. */
  private requested(
    circuit: Circuit,
    data: Uint8Array | Uint8ArrayList,
    stream: Stream,
    onMessage: (event: StreamMessageEvent) => void
  ): void {
    const request = lengthPrefixed(data.subarray())
    const fields = request === undefined ? undefined : decodeCircuitMessage(request.body, 'stop')
    if (fields?.type !== STOP_CONNECT || fields.peer === undefined) {
      circuit.phase = 'done'
      return
    }
    circuit.from = fields.peer
    circuit.phase = 'answer'
    // The relay's reader of the answer is listening already: this listener takes nothing from it.
    stream.addEventListener('message', onMessage)
  }

  /**
   * `bytes` more of the dialer's are about to be passed on, and held: if that takes open circuits
   * past `maxHeldBytes`, the circuit holding the most (this one, if nothing holds more) is cut first.
   */
  private admit(circuit: Circuit, bytes: number): void {
    if (this.held + bytes <= this.options.maxHeldBytes) return
    let heaviest = circuit
    for (const other of this.circuits) if (other.bytesToHost > heaviest.bytesToHost) heaviest = other
    heaviest.stream.abort(new HeldBytesError(`open circuits would hold ${this.held + bytes} bytes`))
  }

  private received(circuit: Circuit, data: Uint8Array | Uint8ArrayList): void {
    if (circuit.phase === 'relaying') {
      circuit.bytesToDialer += data.byteLength
      return
    }
    if (circuit.phase !== 'answer') return
    // Bytes after the answer in the same chunk are not counted here: the relay's reader gives them
    // back to the stream when it lets go of it, and they arrive again, counted then.
    circuit.answer.append(data)
    const answer = lengthPrefixed(circuit.answer.subarray())
    if (answer === undefined) {
      // A STOP answer is a few bytes: one that is not done by now is not one (the relay refuses it too).
      if (circuit.answer.byteLength > MAX_ANSWER_BYTES) circuit.phase = 'done'
      return
    }
    circuit.answer = new Uint8ArrayList()
    const fields = decodeCircuitMessage(answer.body, 'stop')
    if (fields?.type !== STOP_STATUS || fields.status !== STATUS_OK) {
      circuit.phase = 'done'
      this.options.emit({
        type: 'circuit',
        state: 'refused',
        from: circuit.from,
        to: circuit.to,
        reason: 'host-refused'
      })
      return
    }
    circuit.phase = 'relaying'
    circuit.id = this.nextId++
    circuit.openedAt = this.now()
    this.options.emit({
      type: 'circuit',
      state: 'opened',
      id: circuit.id,
      from: circuit.from,
      to: circuit.to,
      limit: this.options.limitOf(circuit.to)
    })
  }

  private closed(circuit: Circuit, event: StreamCloseEvent): void {
    this.circuits.delete(circuit)
    this.held -= circuit.bytesToHost
    if (circuit.phase !== 'relaying') return
    circuit.phase = 'done'
    this.options.emit({
      type: 'circuit',
      state: 'closed',
      id: circuit.id,
      from: circuit.from,
      to: circuit.to,
      bytesToHost: circuit.bytesToHost,
      bytesToDialer: circuit.bytesToDialer,
      durationMs: this.now() - circuit.openedAt,
      reason: this.stopping ? 'relay-stopped' : this.endOf(circuit, event.error)
    })
  }

  /** The circuit's end, from the error its streams were closed with (circuit-relay-v2's error names). */
  private endOf(circuit: Circuit, error: Error | undefined): CircuitEnd {
    if (error === undefined) return 'closed'
    if (error instanceof HeldBytesError) return 'held-bytes'
    if (error.name === 'TransferLimitError') return 'data-limit'
    if (error.name === 'DurationLimitError') {
      // The library ends a reservation's circuits with the same error as their duration limit.
      return this.options.holdsReservation(circuit.to) ? 'duration-limit' : 'reservation-ended'
    }
    return 'reset'
  }
}
