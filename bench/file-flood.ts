/**
 * The file-flood attack: a member that offers one large file and uploads junk chunks of it as fast as
 * the host takes them (that is, at its per-member upload rate), with the rest of its file streams held
 * open and silent. What it measures is what a member's file traffic costs the room: the host's CPU,
 * its memory, and a bystander's chat latency, while the spool takes the bytes.
 */
import type { Libp2p } from '@libp2p/interface'
import type { FrameChannel } from '../src/node/channel.js'
import { MAX_FILE_STREAMS_PER_MEMBER } from '../src/node/constants.js'
import { FileStream } from '../src/node/file-stream.js'
import { FILE_PROTOCOL_ID } from '../src/protocol/constants.js'
import type { Recipient } from '../src/protocol/envelope.js'
import {
  chunkCount,
  FILE_CHUNK_BYTES,
  FILE_CHUNK_TAG_BYTES,
  newFileKey
} from '../src/protocol/file-chunks.js'
import { fileFrame } from '../src/protocol/file-frame.js'
import { fileOffer } from '../src/protocol/file-offer.js'
import { frame } from '../src/protocol/frame.js'
import type { MemberKeyPair } from '../src/protocol/member-keys.js'
import { sealMessage } from '../src/protocol/message.js'
import type { Welcome } from '../src/protocol/wire/securechat.js'
import type { Attack, Prepared } from './attack-kit.js'
import { now } from './ipc.js'

/** The file the flood offers: far more than an attack's seconds can upload at the host's rate. */
const FLOOD_FILE_BYTES = 1024 * 1024 * 1024

export interface FloodMember {
  node: Libp2p
  channel: FrameChannel
  welcome: Welcome
  keys: MemberKeyPair
  /** The member the file is offered to (it never fetches it). */
  recipient: Recipient
}

/** Offers the file (its offer relayed and numbered before the measured window), then floods it. */
export async function fileFlood(member: FloodMember): Promise<Prepared> {
  const { node, channel, welcome, keys } = member
  const { fileId, raw } = await newFileKey()
  const size = FLOOD_FILE_BYTES
  const offer = fileOffer({ name: 'flood.bin', size, mediaType: '', sha256: new Uint8Array(32) }, fileId, raw)
  const post = await sealMessage({
    roomId: welcome.roomId,
    sender: node.peerId.toString(),
    counter: Date.now(),
    text: '',
    offer,
    recipients: [member.recipient],
    signingKey: keys.signing.privateKey
  })
  channel.send(frame('post', post))
  let seq = 0
  while (seq === 0) {
    const received = await channel.read(AbortSignal.timeout(10_000))
    if (received.kind === 'ack') seq = received.body.seq
    else if (received.kind === 'rejected') throw new Error(`the offer was rejected: ${received.body.message}`)
  }
  const attack: Attack = async (tally, deadline) => {
    const connection = node.getConnections()[0]
    if (connection === undefined) throw new Error('no connection to the host')
    // Every stream the member may have but the upload's: open, and silent until the host gives up on them.
    const held = await Promise.all(
      Array.from({ length: MAX_FILE_STREAMS_PER_MEMBER - 1 }, () =>
        connection.newStream(FILE_PROTOCOL_ID).catch((err: unknown) => tally.note(err))
      )
    )
    const upload = new FileStream(await connection.newStream(FILE_PROTOCOL_ID))
    const junk = new Uint8Array(FILE_CHUNK_BYTES + FILE_CHUNK_TAG_BYTES).fill(0x5a)
    try {
      await upload.write(fileFrame('upload', { seq, size }))
      await upload.expect('ready', AbortSignal.timeout(5000))
      for (let index = 0; index < chunkCount(size) - 1 && now() < deadline; index++) {
        await upload.writeChunk(index, junk, AbortSignal.timeout(Math.max(1, Math.ceil(deadline - now()))))
        tally.sent++
        tally.bytes += junk.byteLength
      }
    } catch (err) {
      if (now() < deadline) tally.note(err)
    }
    upload.abort(new Error('done'))
    for (const stream of held) stream?.abort(new Error('done'))
    tally.answered = held.filter((s) => s !== undefined).length
  }
  return { nodes: [node], attack }
}
