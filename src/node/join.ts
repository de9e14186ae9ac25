/**
 * @module Joining a room: dial the host the invitation pins, pass its gates, start the member session.
 */
import type { Libp2p } from 'libp2p'
import { PROTOCOL_ID } from '../protocol/constants.js'
import { generateMemberKeyPair, type MemberKeyPair, withSigningKey } from '../protocol/member-keys.js'
import type { RsaKeyPair } from '../protocol/rsa.js'
import { Reason } from '../protocol/wire/securechat.js'
import { invitationTarget, isRelayed } from './addresses.js'
import {
  HANDSHAKE_TOTAL_TIMEOUT_MS,
  MDNS_DISCOVERY_WAIT_MS,
  RECONNECT_INITIAL_MS,
  RECONNECT_MAX_MS
} from './constants.js'
import { dialHost, type HostLink } from './dial-host.js'
import { HostUnreachableError, JoinRefusedError } from './errors.js'
import { EventFeed } from './events.js'
import type { MemberFileOptions } from './file-transfers.js'
import { handshake, type JoinCredentials } from './join-handshake.js'
import {
  createListeningNode,
  createSecureChatNode,
  defaultListenAddresses,
  type NodeOptions
} from './libp2p.js'
import { memberChannel, RoomMember } from './member.js'

export interface JoinOptions extends Omit<NodeOptions, 'listen'> {
  /** The member's RSA key pair; a fresh 2048-bit one when absent. */
  keys?: RsaKeyPair | MemberKeyPair
  /** An existing libp2p node to dial from; one is made (and later stopped) when absent. */
  node?: Libp2p
  signal?: AbortSignal
  handshakeTimeoutMs?: number
  /** Reconnect and resume by itself when the connection drops (default true). */
  reconnect?: boolean
  /** Backoff between reconnect attempts: first delay and cap, doubling in between (default 250 ms, 10 s). */
  reconnectBackoffMs?: { initial?: number; max?: number }
  /** Files offered to this member: where they go, what is accepted without asking. */
  files?: MemberFileOptions
  now?: () => number
}

/** With mDNS on, a failed dial waits a moment for the host to be discovered on the LAN. */
function discoveryWait(options: JoinOptions): number {
  return options.mdns === undefined || options.mdns === false ? 0 : MDNS_DISCOVERY_WAIT_MS
}

/**
 * Joins the room an invitation points to: dials the host it pins (Noise authenticates that PeerId),
 * passes the four gates with `credentials`, and returns the member session.
 */
export async function joinRoom(
  invitation: string,
  credentials: JoinCredentials,
  options: JoinOptions = {}
): Promise<RoomMember> {
  const { addresses, hostPeerId, token } = invitationTarget(invitation)
  const keys = options.keys === undefined ? await generateMemberKeyPair() : await withSigningKey(options.keys)
  const ownsNode = options.node === undefined
  // Through a relay, the joiner listens too: DCUtR can only upgrade to a direct connection if one of
  // the two sides can be dialled (or its router maps a port for it).
  const reach = options.reach ?? addresses.some((a) => isRelayed(a))
  const node =
    options.node ??
    (reach
      ? await createListeningNode({ ...options, reach, listen: defaultListenAddresses(0) })
      : await createSecureChatNode({ ...options, listen: [] }))
  if (ownsNode && node.status !== 'started') await node.start()
  const signal = AbortSignal.any([
    ...(options.signal === undefined ? [] : [options.signal]),
    AbortSignal.timeout(options.handshakeTimeoutMs ?? HANDSHAKE_TOTAL_TIMEOUT_MS)
  ])
  try {
    let link: HostLink
    try {
      link = await dialHost(node, addresses, hostPeerId, { signal, discoveryMs: discoveryWait(options) })
    } catch (err) {
      if (isUnsupportedProtocol(err)) {
        throw new JoinRefusedError(
          Reason.VERSION_UNSUPPORTED,
          `the host does not speak ${PROTOCOL_ID} (it runs another securechat version): one of you needs to update`
        )
      }
      throw new HostUnreachableError(
        `cannot reach the host at ${addresses.map(String).join(', ')}: ${(err as Error).message}`
      )
    }
    const channel = memberChannel(link)
    const welcome = await handshake(channel, credentials, token, keys, signal)
    const feed = new EventFeed()
    const member = new RoomMember({
      feed,
      node,
      ownsNode,
      channel,
      connection: link.connection,
      welcome,
      keys,
      hostPeerId,
      addresses,
      reconnect: options.reconnect ?? true,
      backoff: {
        initial: options.reconnectBackoffMs?.initial ?? RECONNECT_INITIAL_MS,
        max: options.reconnectBackoffMs?.max ?? RECONNECT_MAX_MS
      },
      discoveryMs: discoveryWait(options),
      files: options.files ?? {},
      now: options.now
    })
    try {
      await member.load(welcome)
    } catch (err) {
      // Admitted, but the Welcome does not check out (a member key that does not import): the
      // session just started is ended here, not left reconnecting in the background.
      await member.close()
      throw err
    }
    return member
  } catch (err) {
    if (ownsNode) await node.stop()
    throw err
  }
}

/** libp2p's multistream-select found none of our protocols on the host: it runs another version. */
function isUnsupportedProtocol(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e.name === 'UnsupportedProtocolError') return true
  }
  return false
}
