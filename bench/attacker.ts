/**
 * The attacker, in a process of its own so that its CPU is neither the coordinator's nor the
 * bystanders': libp2p nodes from 127.0.0.1 that speak /securechat/2.0.0 badly on purpose. `prepare`
 * makes one attack's nodes and connections (outside the measured window); `run` attacks for at most
 * `durationMs` (and at most `count` posts where that applies), then stops every node: the attacker
 * stops and disconnects by itself (attack-kit.ts).
 */
import type { Libp2p, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { writer } from 'protons-runtime'
import { invitationTarget } from '../src/node/addresses.js'
import { FrameChannel } from '../src/node/channel.js'
import { MAX_HANDSHAKES_PER_SOURCE, MESSAGE_BURST, MESSAGE_RATE_PER_SECOND } from '../src/node/constants.js'
import { asBufferSource } from '../src/protocol/bytes.js'
import { MAX_FRAME_BYTES, PROTOCOL_ID, WIRE_VERSION } from '../src/protocol/constants.js'
import type { Recipient } from '../src/protocol/envelope.js'
import { decodeFrame, frame } from '../src/protocol/frame.js'
import { generateMemberKeyPair, type MemberKeyPair } from '../src/protocol/member-keys.js'
import { sealMessage } from '../src/protocol/message.js'
import { Post, Step, type Welcome } from '../src/protocol/wire/securechat.js'
import {
  type Attack,
  connectedNodes,
  lanes,
  type Prepared,
  serveAttacker,
  sleep,
  type Tally,
  until
} from './attack-kit.js'
import { fileFlood } from './file-flood.js'
import { now } from './ipc.js'

export const ATTACKS = [
  'decode-bomb',
  'pinned-buffers',
  'endless-prefix',
  'scrypt-flood',
  'padded-backlog',
  'file-flood'
] as const
export type AttackKind = (typeof ATTACKS)[number]

export type { Outcome } from './attack-kit.js'

export interface PrepareArgs {
  kind: AttackKind
  invitation: string
  /** The scrypt flood and the padded backlog pass the gates they need to. */
  answer: string
  code: string
}

interface Target {
  addresses: Multiaddr[]
  token: string
}

/** The connection count and streams per connection of the attacks that open many of them. */
const DECODE_BOMB = { connections: 4, streams: 4 }
const PINNED = { connections: 32, streams: 4 }
/** Junk written into each stream at most, in chunks of 64 KiB. */
const JUNK_BYTES = 4 * 2 ** 20
const JUNK_CHUNK = 64 * 1024
/** The host accepts 4 inbound streams per connection; one less leaves room for a reopened one. */
const STREAMS_PER_CONNECTION = 3
/** Padded posts in flight at most, and the padder's outbound bytes (more than a member's 32 MiB). */
const PADDED_IN_FLIGHT = 64
const PADDED_OUTBOUND_BYTES = 128 * 2 ** 20
/** Frame field 8 is `post`; field 99 is unknown to every decoder. Tags: (field << 3) | length-delimited. */
const POST_TAG = (8 << 3) | 2
const PADDING_TAG = (99 << 3) | 2

/** `0x42 0x00` over and over: Frame field 8 (post), length 0 — one empty Post each, ~1 MiB of them. */
function decodeBombFrame(): Uint8Array {
  const body = new Uint8Array(Math.floor((MAX_FRAME_BYTES - 16) / 2) * 2)
  for (let i = 0; i < body.length; i += 2) body[i] = 0x42
  return body
}

/**
 * Streams opened as fast as the host refuses them, one bomb frame each: the host decodes the first
 * frame of a stream (its hello, as it hopes) before anything else, so each new stream costs it one
 * full decode, and the attacker nothing but the bytes.
 */
async function decodeBomb(target: Target): Promise<Prepared> {
  const nodes = await connectedNodes(DECODE_BOMB.connections, target.addresses)
  const bomb = decodeBombFrame()
  const attack: Attack = async (tally, deadline) => {
    await lanes(nodes.length * DECODE_BOMB.streams, async (i) => {
      const node = nodes[i % nodes.length] as Libp2p
      while (now() < deadline) {
        const signal = until(deadline)
        let stream: Stream | undefined
        try {
          stream = await node.dialProtocol(target.addresses, PROTOCOL_ID, { signal })
          const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
          await lp.write(bomb, { signal })
          tally.sent++
          tally.bytes += bomb.byteLength
          const reply = decodeFrame(await lp.read({ signal }))
          if (reply.kind === 'refusal') tally.answered++
        } catch (err) {
          tally.note(err, signal)
        } finally {
          stream?.abort(new Error('next stream'))
        }
      }
    })
  }
  return { nodes, attack }
}

/**
 * Writes `chunk` into a stream until `JUNK_BYTES` or the deadline, never reading from it: whatever
 * the host answers stays unread. Counts the streams it got and the bytes handed to them.
 */
async function stuff(node: Libp2p, target: Target, chunk: Uint8Array, tally: Tally, deadline: number) {
  const signal = until(deadline)
  try {
    const stream = await node.dialProtocol(target.addresses, PROTOCOL_ID, { signal })
    tally.sent++
    for (let sent = 0; sent < JUNK_BYTES && now() < deadline; sent += chunk.byteLength) {
      tally.bytes += chunk.byteLength
      if (!stream.send(chunk)) await stream.onDrain({ signal })
    }
    return stream
  } catch (err) {
    tally.note(err, signal)
    return undefined
  }
}

/** The attack's streams, so that what is still unsent on them at the end is not counted as sent. */
function junkAttack(nodes: Libp2p[], count: number, target: Target, chunk: Uint8Array): Prepared {
  const streams: Stream[] = []
  const attack: Attack = async (tally, deadline) => {
    await lanes(count, async (i) => {
      const stream = await stuff(nodes[i % nodes.length] as Libp2p, target, chunk, tally, deadline)
      if (stream !== undefined) streams.push(stream)
    })
    // Stays connected until the end, holding whatever the host kept for it.
    await sleep(deadline - now())
  }
  return { nodes, attack, unsent: () => streams.reduce((sum, s) => sum + s.writeBufferLength, 0) }
}

/**
 * 32 connections of 4 streams, refused past the host's handshake cap, with junk written into each
 * (never reading). Zeros: a stream still waiting for its hello reads an empty frame and is refused
 * at once too (0xff bytes would be an endless length prefix instead, the attack after this one).
 */
async function pinnedBuffers(target: Target): Promise<Prepared> {
  const nodes = await connectedNodes(PINNED.connections, target.addresses)
  return junkAttack(nodes, PINNED.connections * PINNED.streams, target, new Uint8Array(JUNK_CHUNK))
}

/**
 * As many hello streams as the host takes from one source, each sending 0xff bytes: a varint that
 * never ends, which the host's reader takes one byte at a time until its hello timeout.
 */
async function endlessPrefix(target: Target): Promise<Prepared> {
  const count = MAX_HANDSHAKES_PER_SOURCE
  const nodes = await connectedNodes(Math.ceil(count / STREAMS_PER_CONNECTION), target.addresses)
  return junkAttack(nodes, count, target, new Uint8Array(JUNK_CHUNK).fill(0xff))
}

/**
 * Handshakes with the valid token and the right answer, each hung up once the host has run scrypt
 * on it (the ROOM_CODE challenge is the proof), as many at once as the host takes from one source.
 */
async function scryptFlood(target: Target, args: PrepareArgs): Promise<Prepared> {
  const parallel = MAX_HANDSHAKES_PER_SOURCE
  const nodes = await connectedNodes(Math.ceil(parallel / STREAMS_PER_CONNECTION), target.addresses)
  const attack: Attack = async (tally, deadline) => {
    await lanes(parallel, async (i) => {
      const node = nodes[i % nodes.length] as Libp2p
      while (now() < deadline) {
        const signal = until(deadline)
        let channel: FrameChannel | undefined
        try {
          channel = new FrameChannel(await node.dialProtocol(target.addresses, PROTOCOL_ID, { signal }))
          channel.send(frame('hello', { version: WIRE_VERSION, token: target.token }))
          if ((await channel.read(signal)).kind !== 'challenge') {
            tally.refused++
            await sleep(20)
            continue
          }
          channel.send(frame('answer', { answer: args.answer }))
          tally.sent++
          const next = await channel.read(signal)
          if (next.kind === 'challenge' && next.body.step === Step.ROOM_CODE) tally.answered++
          else tally.refused++
        } catch (err) {
          tally.note(err, signal)
        } finally {
          channel?.abort(new Error('hung up before the room code'))
        }
      }
    })
  }
  return { nodes, attack }
}

/** The joiner's side of the handshake, frame by frame, so this process writes the member's frames itself. */
async function rawJoin(
  node: Libp2p,
  target: Target,
  args: PrepareArgs,
  nickname: string,
  keys: MemberKeyPair
): Promise<{ channel: FrameChannel; welcome: Welcome }> {
  const signal = AbortSignal.timeout(20_000)
  const stream = await node.dialProtocol(target.addresses, PROTOCOL_ID, { signal })
  const channel = new FrameChannel(stream, { maxOutboundBytes: PADDED_OUTBOUND_BYTES })
  channel.send(frame('hello', { version: WIRE_VERSION, token: target.token }))
  for (;;) {
    const received = await channel.read(signal)
    if (received.kind === 'welcome') return { channel, welcome: received.body }
    if (received.kind !== 'challenge') throw new Error(`${nickname} was not admitted: ${received.kind}`)
    const { step } = received.body
    channel.send(
      step === Step.QUESTION
        ? frame('answer', { answer: args.answer })
        : step === Step.ROOM_CODE
          ? frame('roomCode', { code: args.code })
          : frame('register', {
              nickname,
              publicKey: asBufferSource(keys.publicKey.spki),
              signingKey: asBufferSource(keys.signing.publicKey.raw),
              signingKeyBinding: asBufferSource(keys.binding)
            })
    )
  }
}

/**
 * A real, signed Post in a frame padded to ~1 MiB by an unknown field (99) inside the Post: the
 * decoder skips it, but it shares one buffer with the Post's byte fields, which the host keeps.
 */
function paddedPostFrame(post: Post): Uint8Array {
  const w = writer()
  w.uint32(POST_TAG)
  w.fork()
  Post.codec().encode(post, w, { lengthDelimited: false })
  const padding = MAX_FRAME_BYTES - 64 - w.len
  w.uint32(PADDING_TAG)
  w.bytes(new Uint8Array(Math.max(0, padding)))
  w.ldelim()
  return w.finish()
}

/**
 * A member ("padder") posting ~1 MiB frames to a recipient that dropped without a goodbye ("away"),
 * so that every post goes to the away member's backlog; as fast as the host's rate limit allows.
 */
async function paddedBacklog(target: Target, args: PrepareArgs): Promise<Prepared> {
  const [awayKeys, keys] = await Promise.all([generateMemberKeyPair(), generateMemberKeyPair()])
  const [awayNode, node] = (await connectedNodes(2, target.addresses)) as [Libp2p, Libp2p]
  await rawJoin(awayNode, target, args, 'away', awayKeys)
  const { channel, welcome } = await rawJoin(node, target, args, 'padder', keys)
  // Gone without a goodbye: the host keeps its place, and its backlog, for the resume window.
  await awayNode.stop()
  const recipient: Recipient = { id: awayNode.peerId.toString(), publicKey: awayKeys.publicKey }
  const sender = node.peerId.toString()
  const attack: Attack = async (tally, deadline, count) => {
    let inFlight = 0
    const reading = (async () => {
      for (;;) {
        const received = await channel.read()
        if (received.kind === 'ack') tally.answered++
        else if (received.kind === 'rejected') tally.refused++
        else continue
        inFlight--
      }
    })().catch(() => {})
    const start = now()
    // A member's counter is its clock in ms (the size a real member's Posts have on the wire).
    const firstCounter = Date.now()
    // The host's token bucket mirrored, with 2% to spare: the burst at once, then the steady rate.
    const interval = (1000 / MESSAGE_RATE_PER_SECOND) * 1.02
    for (let i = 0; i < count && now() < deadline; i++) {
      await sleep(start + Math.max(0, i + 1 - MESSAGE_BURST) * interval - now())
      while (inFlight >= PADDED_IN_FLIGHT && now() < deadline) await sleep(2)
      if (now() >= deadline) break
      const post = await sealMessage({
        roomId: welcome.roomId,
        sender,
        counter: firstCounter + i + 1,
        text: `padded ${i}`,
        recipients: [recipient],
        signingKey: keys.signing.privateKey
      })
      const bytes = paddedPostFrame(post)
      if (!channel.sendEncoded(bytes)) {
        tally.note(new Error('the outbound queue is full'))
        continue
      }
      inFlight++
      tally.sent++
      tally.bytes += bytes.byteLength
    }
    // The last acks, within the attack's time.
    while (inFlight > 0 && now() < deadline) await sleep(5)
    channel.abort(new Error('done'))
    await reading
  }
  return { nodes: [node], attack }
}

/** A member flooding the host with a file's upload, beside one member it offers the file to. */
async function fileFloodMember(target: Target, args: PrepareArgs): Promise<Prepared> {
  const [recipientKeys, keys] = await Promise.all([generateMemberKeyPair(), generateMemberKeyPair()])
  const [recipientNode, node] = (await connectedNodes(2, target.addresses)) as [Libp2p, Libp2p]
  await rawJoin(recipientNode, target, args, 'recipient', recipientKeys)
  const { channel, welcome } = await rawJoin(node, target, args, 'uploader', keys)
  const recipient: Recipient = { id: recipientNode.peerId.toString(), publicKey: recipientKeys.publicKey }
  const prepared = await fileFlood({ node, channel, welcome, keys, recipient })
  return { ...prepared, nodes: [node, recipientNode] }
}

const PREPARE: Record<AttackKind, (target: Target, args: PrepareArgs) => Promise<Prepared>> = {
  'decode-bomb': decodeBomb,
  'pinned-buffers': pinnedBuffers,
  'endless-prefix': endlessPrefix,
  'scrypt-flood': scryptFlood,
  'padded-backlog': paddedBacklog,
  'file-flood': fileFloodMember
}

serveAttacker(async (args: PrepareArgs) => {
  const { addresses, token } = invitationTarget(args.invitation)
  return PREPARE[args.kind]({ addresses, token }, args)
})
