/**
 * The baseline for file transfer: a bare relay that pipes one stream's bytes into another, with the
 * stream's own backpressure and nothing else (no spool, no frames, no crypto). A receiver opens a
 * stream and names a key; the sender opening a stream with the same key is piped into it.
 */
import type { Libp2p, Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'

export const BENCH_PIPE_PROTOCOL = '/bench-pipe/1.0.0'

const RECEIVER = 0x52
const SENDER = 0x53

/** Bytes of the opening: a role byte and an 8-byte key. */
const OPENING = 9

/** Forwards every byte `from` sends into `to`, pausing `from` while `to` cannot take more. */
function pipe(from: Stream, to: Stream, first: Uint8Array): void {
  const forward = (bytes: Uint8Array | import('uint8arraylist').Uint8ArrayList): void => {
    if (bytes.byteLength === 0) return
    if (!to.send(bytes)) {
      from.pause()
      to.onDrain().then(
        () => from.resume(),
        (err: Error) => from.abort(err)
      )
    }
  }
  forward(first)
  from.addEventListener('message', (event) => forward(event.data))
  from.addEventListener('remoteCloseWrite', () => void to.close().catch((err: Error) => to.abort(err)))
  from.addEventListener('close', (event) => {
    if (event.error !== undefined) to.abort(event.error)
  })
  // A sender that came before its receiver waited paused; what it sent meanwhile comes now.
  if (from.readStatus === 'paused') from.resume()
}

/** Serves the pipe relay on `node`. */
export async function startPipeRelay(node: Libp2p): Promise<void> {
  const receivers = new Map<string, Stream>()
  const senders = new Map<string, { stream: Stream; rest: Uint8Array }>()
  await node.handle(
    BENCH_PIPE_PROTOCOL,
    (stream) => {
      let head = new Uint8Array(0)
      const onOpening = (event: { data: { subarray(): Uint8Array } }): void => {
        const bytes = event.data.subarray()
        const joined = new Uint8Array(head.byteLength + bytes.byteLength)
        joined.set(head)
        joined.set(bytes, head.byteLength)
        head = joined
        if (head.byteLength < OPENING) return
        stream.removeEventListener('message', onOpening as never)
        const key = Buffer.from(head.subarray(1, OPENING)).toString('hex')
        const rest = head.subarray(OPENING)
        if (head[0] === RECEIVER) {
          const sender = senders.get(key)
          if (sender === undefined) receivers.set(key, stream)
          else pipe(sender.stream, stream, sender.rest)
        } else if (head[0] === SENDER) {
          const receiver = receivers.get(key)
          if (receiver === undefined) {
            stream.pause()
            senders.set(key, { stream, rest })
          } else pipe(stream, receiver, rest)
        }
      }
      stream.addEventListener('message', onOpening as never)
    },
    { maxInboundStreams: 4 }
  )
}

/** Opens a pipe stream to the relay at `address` as a receiver or a sender of `key`. */
export async function openPipe(node: Libp2p, address: string, role: 'receiver' | 'sender', key: Uint8Array) {
  const stream = await node.dialProtocol(multiaddr(address), BENCH_PIPE_PROTOCOL)
  const opening = new Uint8Array(OPENING)
  opening[0] = role === 'receiver' ? RECEIVER : SENDER
  opening.set(key.subarray(0, 8), 1)
  stream.send(opening)
  return stream
}
