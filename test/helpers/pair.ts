import type { Stream } from '@libp2p/interface'
import { streamPair } from '@libp2p/utils'
import { type ChannelOptions, FrameChannel } from '../../src/node/channel.js'
import { encodeVarint } from '../../src/protocol/bytes.js'

/** Two frame channels over an in-memory stream pair: what the node layer runs on, without a network. */
export async function channelPair(
  near: ChannelOptions = {},
  far: ChannelOptions = {}
): Promise<[FrameChannel, FrameChannel]> {
  const [a, b] = await streamPair()
  return [new FrameChannel(a, near), new FrameChannel(b, far)]
}

/** Resolves once `stream` next receives data (after the channel on it has seen the same event). */
export function arrival(stream: Stream): Promise<void> {
  return new Promise((resolve) => stream.addEventListener('message', () => resolve(), { once: true }))
}

/** `body` behind its varint length, as a peer writes a frame. */
export function lengthPrefixed(body: Uint8Array): Uint8Array {
  const prefix = encodeVarint(body.byteLength)
  const out = new Uint8Array(prefix.byteLength + body.byteLength)
  out.set(prefix)
  out.set(body, prefix.byteLength)
  return out
}

/** A length-prefixed body of `bodyBytes` bytes that need not decode: for the limits checked before decoding. */
export function rawFrame(bodyBytes: number): Uint8Array {
  return lengthPrefixed(new Uint8Array(bodyBytes).fill(0x0a))
}

/** The chunks one after another, as one write. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}
