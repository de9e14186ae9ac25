/**
 * What the host's backlogs cost in a large room, measured in one process: a room of `members` whose
 * members all stay (their channels take every frame at once), `messages` chat lines from one of them
 * relayed by the host's own `relayPost`, each held for every recipient's replay. Reported: the JS heap
 * the backlogs keep per held delivery (after full collections, the Posts themselves let go), and the
 * host's time to check and forward one message to everyone.
 */

import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { FrameChannel } from '../src/node/channel.js'
import type { MemberLimits } from '../src/node/host-config.js'
import { freshSession, type HostedMember } from '../src/node/hosted-member.js'
import { type RelayRoom, relayPost } from '../src/node/relay.js'
import { RoomDigests } from '../src/node/room-recipients.js'
import { decodeFrame, encodeFrame, frame } from '../src/protocol/frame.js'
import { generateMemberKeyPair } from '../src/protocol/member-keys.js'
import { sealMessage } from '../src/protocol/message.js'
import { generateSenderKey } from '../src/protocol/sender-key.js'
import type { Post } from '../src/protocol/wire/securechat.js'
import { now } from './ipc.js'

export interface BacklogCost {
  members: number
  messages: number
  /** JS heap the backlogs keep, per delivery held. */
  heap_bytes_per_held_delivery: number
  /** `relayPost` for one chat line to every other member: checks, numbering, backlogs, encoding. */
  relay_ms_per_message: number
}

const LIMITS: MemberLimits = {
  rateLimit: { perSecond: 1e9, burst: 1e9 },
  backlogSize: 1000,
  backlogBytes: 8 * 2 ** 20
}

/** A member's stream that takes every frame at once, so that only the host's own work is timed. */
const takesAll = { send: () => true, sendDeliver: () => true } as unknown as FrameChannel

function collector(): () => void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  return () => {
    gc()
    gc()
  }
}

export async function measureBacklogCost(options: {
  members: number
  messages: number
}): Promise<BacklogCost> {
  const { members, messages } = options
  const collect = collector()
  const keys = await generateMemberKeyPair()
  const roomId = new Uint8Array(16).fill(7)
  const seats = new Map<string, HostedMember>()
  for (let i = 0; i < members; i++) {
    // The shape of an Ed25519 PeerId in base58 (52 characters).
    const peerId = `12D3KooW${String(i).padStart(44, 'A')}`
    seats.set(peerId, {
      peerId,
      nickname: `m${i}`,
      publicKey: keys.publicKey,
      publicKeySpki: keys.publicKey.spki,
      signingKey: keys.signing.publicKey,
      signingKeyBinding: keys.binding,
      index: i + 1,
      fingerprint: '',
      local: false,
      ...freshSession(LIMITS, Date.now),
      channel: takesAll
    })
  }
  const sender = [...seats.values()][0] as HostedMember
  let seq = 0
  const room: RelayRoom = {
    roomId,
    members: seats,
    version: 0,
    digests: new RoomDigests({ members: seats, version: 0 }),
    limits: LIMITS,
    nextSeq: () => ++seq,
    deliverLocally: () => {}
  }
  const recipients = [...seats.values()].filter((m) => m !== sender)
  const senderKey = await generateSenderKey(1)
  collect()
  const heapBefore = process.memoryUsage().heapUsed
  const posts: Post[] = []
  for (let counter = 1; counter <= messages; counter++) {
    const sealed = await sealMessage({
      roomId,
      sender: sender.peerId,
      counter,
      text: `line ${counter}: the quick brown fox jumps over the lazy dog`,
      recipients: recipients.map((m) => ({ id: m.peerId, publicKey: m.publicKey })),
      signingKey: keys.signing.privateKey,
      senderKey
    })
    // As the host reads it off the wire: its fields are views into the frame.
    const decoded = decodeFrame(encodeFrame(frame('post', sealed)))
    if (decoded.kind !== 'post') throw new Error('backlog-cost: a Post did not decode as one')
    posts.push(decoded.body)
  }
  const t0 = now()
  for (const post of posts) await relayPost(room, post, sender)
  const relayMs = (now() - t0) / messages
  posts.length = 0
  collect()
  const held = recipients.reduce((n, m) => n + m.backlog.length, 0)
  if (held !== messages * recipients.length) throw new Error(`backlog-cost: ${held} deliveries held`)
  return {
    members,
    messages,
    heap_bytes_per_held_delivery: (process.memoryUsage().heapUsed - heapBefore) / held,
    relay_ms_per_message: relayMs
  }
}
