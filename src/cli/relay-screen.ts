/** What `securechat relay` shows a person: what it serves and the address to give hosts, then one line an event. */

import { multiaddr } from '@multiformats/multiaddr'
import { ipOf, isLoopback } from '../node/addresses.js'
import { isPrivateIp } from '../node/invitation-scope.js'
import type { RelayEvent } from '../node/relay-events.js'
import type { RelayServer } from '../node/relay-server.js'
import { formatDuration } from './duration.js'

/** An event, or the note that some were not shown because stdout was not keeping up. */
export type RelayOutput = RelayEvent | { type: 'dropped'; events: number }

/** `12D3Koo…xyzAbc`: enough of a PeerId to tell hosts apart on one screen. */
export function shortPeerId(peerId: string): string {
  return peerId.length > 16 ? `${peerId.slice(0, 7)}…${peerId.slice(-6)}` : peerId
}

/** 1536 → "1.5 KiB". */
export function bytesText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const [value, unit] = bytes < 2 ** 20 ? [bytes / 1024, 'KiB'] : [bytes / 2 ** 20, 'MiB']
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`
}

/** The IP of a multiaddr, or the whole address when it has none. */
function where(address: string): string {
  try {
    return ipOf(multiaddr(address))?.ip ?? address
  } catch {
    return address
  }
}

/**
 * The address to give hosts: an announced one, else a public one of this machine's, else one on the
 * LAN, else whatever it listens on (loopback: a test, or a machine with no network).
 */
export function addressForHosts(listening: string[], announced: string[] = []): string | undefined {
  const scored = listening.map((address) => {
    const parsed = multiaddr(address)
    const ip = ipOf(parsed)
    const rank = announced.some((a) => address.startsWith(a))
      ? 0
      : ip === undefined
        ? 3
        : isLoopback(parsed)
          ? 4
          : isPrivateIp(ip.ip)
            ? 2
            : 1
    return { address, rank }
  })
  return scored.sort((a, b) => a.rank - b.rank)[0]?.address
}

function limitsText(relay: RelayServer): string {
  const s = relay.settings
  const circuit =
    s.limit === null
      ? 'relayed connections are unlimited'
      : `each relayed connection ends after ${formatDuration(s.limit.durationMs)} or ${bytesText(s.limit.bytes)}`
  return (
    `${circuit}; reservations last ${formatDuration(s.reservationTtlMs)} unless renewed, ` +
    `at most ${s.maxReservations} (${s.maxReservationsPerSource} per IP); ` +
    `at most ${s.maxConnectionsPerSource} connections per IP`
  )
}

/** The screen shown once the relay is up. */
export function describeRelay(
  relay: RelayServer,
  info: { identityPath: string; created: boolean; announced?: string[] }
): string {
  const [first = '', ...rest] = relay.addresses
  const forHosts = addressForHosts(relay.addresses, info.announced)
  const allow = relay.settings.allow
  const lines = [
    'The relay is running.',
    `  PeerId        ${relay.peerId}`,
    `  Identity      ${info.identityPath} (${info.created ? 'made now' : 'kept'}: the PeerId stays the same across restarts)`,
    `  Listening on  ${first}`,
    ...rest.map((address) => `                ${address}`),
    `  Limits        ${limitsText(relay)}`,
    `  Serves        ${allow === null ? 'any host' : `only ${allow.map(shortPeerId).join(', ')} (--allow)`}`,
    '',
    'Hosts use it with:',
    `  securechat p2p host --relay ${forHosts ?? '<one of the addresses above>'}`,
    ...(forHosts !== undefined && isLoopback(multiaddr(forHosts))
      ? ['  (that address is this machine only: give --announce /ip4/<public IP>/tcp/<port> on a server)']
      : []),
    '',
    'Ctrl-C or SIGTERM stops the relay.',
    ''
  ]
  return `${lines.join('\n')}\n`
}

const RESERVATION_REFUSED = {
  'not-allowed': 'not on --allow',
  'source-full': 'its IP holds its share already',
  'relay-full': 'every reservation is taken'
} as const

const RESERVATION_ENDED = {
  ttl: 'not renewed in time',
  disconnected: 'the host disconnected',
  dropped: 'the relay let it go'
} as const

function time(ts: number): string {
  const d = new Date(ts)
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
}

function eventText(event: RelayOutput): string {
  switch (event.type) {
    case 'reservation': {
      const host = `${shortPeerId(event.peerId)} (${where(event.address)})`
      if (event.state === 'made') return `reservation made for ${host}`
      if (event.state === 'renewed') return `reservation renewed by ${host}`
      if (event.state === 'refused')
        return `reservation refused for ${host}: ${RESERVATION_REFUSED[event.reason]}`
      return `reservation ended for ${host}: ${RESERVATION_ENDED[event.reason]}`
    }
    case 'circuit': {
      const ends = `${shortPeerId(event.from)} → ${shortPeerId(event.to)}`
      if (event.state === 'opened') return `circuit #${event.id} opened: ${ends}`
      if (event.state === 'refused') {
        return `circuit refused: ${ends} (${event.reason === 'not-allowed' ? 'host not on --allow' : 'the host refused it'})`
      }
      return (
        `circuit #${event.id} closed after ${(event.durationMs / 1000).toFixed(1)} s: ${ends}, ` +
        `${bytesText(event.bytesToHost)} to the host, ${bytesText(event.bytesToDialer)} back (${event.reason.replaceAll('-', ' ')})`
      )
    }
    case 'dropped':
      return `(${event.events} events not shown: the output was not being read fast enough)`
    case 'closed':
      return 'the relay stopped'
  }
}

/** One screen line for an event, with the local time. */
export function relayEventLine(event: RelayOutput, now: number): string {
  return `${time(now)}  ${eventText(event)}\n`
}
