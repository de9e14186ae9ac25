/**
 * The baseline: the same libp2p stack (TCP + Noise + Yamux, made by `createSecureChatNode`) with a bare
 * relay that forwards plaintext length-prefixed frames to every other member and acks the sender. No
 * gates, no crypto, no protobuf: what is left is the transport and the star topology.
 */
import type { Libp2p, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { type Pushable, pushable } from 'it-pushable'

export const BENCH_RELAY_PROTOCOL = '/bench-relay/1.0.0'

const MSG = 1
const ACK = 2
const ACK_FRAME = new Uint8Array([ACK])
const MAX_FRAME = 64 * 1024

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A length-prefixed stream with one ordered writer, as the real room's channel has. */
class Framed {
  readonly stream: Stream
  private readonly lp: ReturnType<typeof lpStream<Stream>>
  private readonly out: Pushable<Uint8Array> = pushable()
  private readonly writer: Promise<void>
  private closed = false

  constructor(stream: Stream) {
    this.stream = stream
    this.lp = lpStream(stream, { maxDataLength: MAX_FRAME })
    this.writer = this.drain()
  }

  read(): Promise<Uint8Array> {
    return this.lp.read().then((list) => list.subarray())
  }

  send(bytes: Uint8Array): void {
    this.out.push(bytes)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.out.end()
    await this.writer
    await this.stream
      .close({ signal: AbortSignal.timeout(2000) })
      .catch((err: Error) => this.stream.abort(err))
  }

  private async drain(): Promise<void> {
    try {
      for await (const bytes of this.out) await this.lp.write(bytes)
    } catch (err) {
      this.stream.abort(err as Error)
    }
  }
}

export interface BaselineRelay {
  readonly members: number
  readonly relayed: number
  close(): Promise<void>
}

/** Serves the bare relay on `node`: every MSG frame goes to every other connected member. */
export async function startBaselineRelay(node: Libp2p): Promise<BaselineRelay> {
  const peers = new Set<Framed>()
  let relayed = 0
  await node.handle(
    BENCH_RELAY_PROTOCOL,
    async (stream) => {
      const peer = new Framed(stream)
      peers.add(peer)
      try {
        for (;;) {
          const frame = await peer.read()
          if (frame[0] !== MSG) continue
          for (const other of peers) if (other !== peer) other.send(frame)
          peer.send(ACK_FRAME)
          relayed++
        }
      } catch {
        // the member closed its side or went away: close ours too
      } finally {
        peers.delete(peer)
        await peer.close().catch(() => {})
      }
    },
    // Deliberately yes: members that reach the bare relay through a circuit relay arrive on a limited
    // connection, as the real room's relayed members do (its handler says the same).
    { maxInboundStreams: 4, runOnLimitedConnection: true }
  )
  return {
    get members() {
      return peers.size
    },
    get relayed() {
      return relayed
    },
    async close() {
      await Promise.allSettled([...peers].map((p) => p.close()))
      await node.unhandle(BENCH_RELAY_PROTOCOL).catch(() => {})
    }
  }
}

/** A member of the baseline room: sends texts (resolved on the relay's ack) and hears the others'. */
export class BaselineClient {
  private readonly framed: Framed
  private readonly acks: (() => void)[] = []
  private readonly reader: Promise<void>

  private constructor(stream: Stream, onMessage: (text: string) => void) {
    this.framed = new Framed(stream)
    this.reader = this.readLoop(onMessage)
  }

  /** `address` may be a relayed one (`…/p2p-circuit/p2p/<bare relay>`), from a node with `reach`. */
  static async connect(node: Libp2p, address: string, onMessage: (text: string) => void) {
    const stream = await node.dialProtocol(multiaddr(address), BENCH_RELAY_PROTOCOL, {
      runOnLimitedConnection: true
    })
    return new BaselineClient(stream, onMessage)
  }

  send(text: string): Promise<void> {
    const body = encoder.encode(text)
    const frame = new Uint8Array(body.byteLength + 1)
    frame[0] = MSG
    frame.set(body, 1)
    return new Promise((resolve) => {
      this.acks.push(resolve)
      this.framed.send(frame)
    })
  }

  /** Closes this side; the relay then closes its side, which ends the reader. */
  async close(): Promise<void> {
    await this.framed.close().catch(() => {})
    const timer = setTimeout(() => this.framed.stream.abort(new Error('close timed out')), 2000)
    await this.reader
    clearTimeout(timer)
  }

  private async readLoop(onMessage: (text: string) => void): Promise<void> {
    try {
      for (;;) {
        const frame = await this.framed.read()
        if (frame[0] === ACK) this.acks.shift()?.()
        else if (frame[0] === MSG) onMessage(decoder.decode(frame.subarray(1)))
      }
    } catch {
      // closed
    }
    for (const ack of this.acks.splice(0)) ack()
  }
}
