/** @module Defaults for a room; every one can be overridden through the options of `createRoomHost`/`joinRoom`. */

/** A person types the answer and the code, so each step allows a human pause, not a machine one. */
export const HANDSHAKE_STEP_TIMEOUT_MS = 120_000
export const HANDSHAKE_TOTAL_TIMEOUT_MS = 300_000
/** Token-check before any question is asked: a machine step. */
export const HELLO_TIMEOUT_MS = 10_000
export const MAX_FAILURES = 5
export const FAILURE_WINDOW_MS = 10 * 60_000
export const LOCKOUT_MS = 10 * 60_000
/** Handshakes past a valid invitation token at once from one source address. */
export const MAX_HANDSHAKES_PER_SOURCE = 8
/** Handshakes past a valid invitation token at once on the whole host. */
export const MAX_HANDSHAKES = 64
/** A shared key (an invitation, a source address) locks after this many times a joiner's own limit. */
export const SHARED_FAILURES_FACTOR = 4
/** Lockout keys tracked at most; the oldest are forgotten first. */
export const MAX_LOCKOUT_KEYS = 100_000
/**
 * Answers hashed at once (scrypt): one, so guessing never holds more than one of libuv's four
 * threads, which WebCrypto's RSA and AES work for the relay also runs on.
 */
export const ANSWER_CHECKS_AT_ONCE = 1
/**
 * How long an inbound connection may stay without a member or a handshake past the token on it: a
 * connection that never opens a room stream, or whose streams were all refused, is closed then.
 */
export const CONNECTION_GRACE_MS = 10_000
/** How long a closing stream may take to flush its last frames (a refusal, a goodbye). */
export const CLOSE_FLUSH_MS = 2000
export const MAX_NICKNAME_TRIES = 5
/** Frames waiting for one slow member before it is dropped rather than slowing everyone. */
export const MAX_OUTBOUND_QUEUE = 4096
export const DEFAULT_INVITATION_TTL_MS = 24 * 60 * 60_000
export const DEFAULT_PORT = 4455
/** Many members can sit behind one address (NAT, one machine): libp2p's default of 5/s is too low. */
export const INBOUND_CONNECTION_THRESHOLD = 100
export const MAX_CONNECTIONS = 300
/** Inbound connections being set up (TCP accepted, Noise not finished) on the whole node at once. */
export const MAX_INCOMING_PENDING_CONNECTIONS = 256
/** The same from one source address (IPv4, or IPv6 /64): its share, so one address cannot fill the rest. */
export const MAX_PENDING_PER_SOURCE = 8
/** An inbound connection has this long to finish Noise and Yamux (a few round trips, even far away). */
export const INBOUND_UPGRADE_TIMEOUT_MS = 5000
export const DIAL_TIMEOUT_MS = 10_000
export const SECURITY_QUESTION_DEFAULT = 'What is the name of the room?'
/** Messages per second one member may send on average, and how many at once. */
export const MESSAGE_RATE_PER_SECOND = 100
export const MESSAGE_BURST = 200
/** How long a dropped member's place is kept and its resume credential is valid. */
export const RESUME_TTL_MS = 10 * 60_000
/** Messages kept for one away member; past that it is told how many it missed. */
export const BACKLOG_MESSAGES = 1000
/** Reconnect backoff: first delay, cap; each delay is drawn at random from its upper half (jitter). */
export const RECONNECT_INITIAL_MS = 250
export const RECONNECT_MAX_MS = 10_000
/** A resume request's timestamp may differ from the host's clock by this much. */
export const RESUME_CLOCK_SKEW_MS = 5 * 60_000
/** One resume attempt (dial, Noise, Resume → Resumed) before the next backoff step. */
export const RESUME_ATTEMPT_TIMEOUT_MS = 10_000
/** The mDNS service securechat nodes announce and query, apart from other libp2p applications. */
export const MDNS_SERVICE_TAG = 'securechat.local'
/** How long a joiner listens for the host on mDNS when the invitation's addresses do not answer. */
export const MDNS_DISCOVERY_WAIT_MS = 5000
/** Bytes waiting to be written to one peer before it counts as not reading. */
export const MAX_OUTBOUND_BYTES = 32 * 1024 * 1024
/** Ciphertext bytes held for one away member. */
export const BACKLOG_BYTES = 8 * 1024 * 1024
/** `/securechat/2.3.0` streams open at once on one inbound connection. */
export const MAX_STREAMS_PER_CONNECTION = 4
/**
 * Connections from one source address (IPv4 or IPv6 /64) that carry no member and no handshake past
 * the token; past this one of them is closed (idle ones first), so a stranger cannot fill a shared address's
 * place and keep the others behind it out.
 */
export const MAX_CONNECTIONS_PER_SOURCE = 32
/** How a securechat host's port mapping is labelled in the router's UPnP table. */
export const UPNP_PORT_MAPPING_DESCRIPTION = 'securechat'
/** A lost relay reservation is asked for again after this, doubling up to the cap below, with jitter. */
export const RELAY_RETRY_INITIAL_MS = 1000
export const RELAY_RETRY_MAX_MS = 30_000
/** A reservation that lasted this long resets the backoff when it is lost; a shorter one does not. */
export const STABLE_RESERVATION_MS = 60_000
/** One reservation attempt: dial the relay, reserve a slot. */
export const RESERVATION_TIMEOUT_MS = 10_000
/**
 * A joiner dials the invitation's direct addresses first and its relayed ones this much later, so a
 * host on the same LAN is reached directly while one behind NAT costs only this wait, not a timeout.
 */
export const RELAYED_DIAL_HEAD_START_MS = 750
/**
 * When a member's relayed stream ends (DCUtR moved it to a direct connection, or the relay's limit
 * ended it), the host waits this long for its resume before telling the room it is away.
 */
export const MOVE_GRACE_MS = 5000
/** How often the host looks, during that grace, whether the member is back. */
export const MOVE_POLL_MS = 100
/** A relayed member's own try at the host's public addresses (learned from identify). */
export const DIRECT_DIAL_TIMEOUT_MS = 5000
/** Of those, at most this many are dialled. */
export const MAX_DIRECT_ADDRESSES = 4
/** After the router maps a port, AutoNAT is asked to check the new address this much later. */
export const MAPPING_RECHECK_DELAY_MS = 250

// `securechat relay`: a circuit relay v2 server. Its limits are libp2p's or go-libp2p's figures
// unless said otherwise; "source" is an IPv4 address or an IPv6 /64, as for the host.

/** TCP port a relay listens on: beside the host's 4455, apart from IPFS's 4001, so one machine can run all three. */
export const RELAY_DEFAULT_PORT = 4456
/** How long a reservation lasts unless its host renews it (go-libp2p's figure; hosts renew 5 minutes before). */
export const RELAY_RESERVATION_TTL_MS = 60 * 60_000
/** Reservations held at once on the whole relay. */
export const RELAY_MAX_RESERVATIONS = 128
/** Reservations held at once for hosts connected from one source address. */
export const RELAY_MAX_RESERVATIONS_PER_SOURCE = 8
/** Connections open at once from one source address (a connection flood from one machine stops here). */
export const RELAY_MAX_CONNECTIONS_PER_SOURCE = 16
/** A relayed connection ends after this long (libp2p's default limit). */
export const RELAY_CIRCUIT_DURATION_MS = 120_000
/** A relayed connection ends after this many bytes, both directions together (libp2p's default limit). */
export const RELAY_CIRCUIT_DATA_BYTES = 131_072
/** One hop exchange (a RESERVE, or a CONNECT with its STOP exchange with the host) must finish within this. */
export const RELAY_HOP_TIMEOUT_MS = 10_000
/** Hop streams open at once on one connection; a circuit keeps its own, so this caps a dialer's circuits too. */
export const RELAY_MAX_HOP_STREAMS_PER_CONNECTION = 16
/** Circuits open at once to one host (its STOP streams from the relay). */
export const RELAY_MAX_CIRCUITS_PER_HOST = 64
/**
 * Dialers' bytes open circuits may hold in all: circuit-relay-v2 keeps what a dialer sends until its
 * circuit closes, so past this the circuit holding the most is cut (it matters on an unlimited relay).
 */
export const RELAY_MAX_HELD_BYTES = 128 * 2 ** 20
/**
 * A direct connection to the host must stay open this long before a relayed member moves to it:
 * AutoNAT's dial-backs open direct connections and close them within milliseconds.
 */
export const MOVE_SETTLE_MS = 500
/** The largest file a host relays (`--max-file-size`). */
export const MAX_FILE_SIZE = 2 * 1024 * 1024 * 1024
/** Files one member may have offered and not yet wholly uploaded, at once. */
export const MAX_TRANSFERS_PER_MEMBER = 4
/** Transfers of one member's at the host at once, those whose files wait to be fetched included. */
export const MAX_KEPT_TRANSFERS_PER_MEMBER = 8
/** Transfers on the whole host at once, those whose files wait to be fetched included. */
export const MAX_TRANSFERS = 64
/** Bytes the host's spooled files may take on its disk together. */
export const MAX_SPOOL_BYTES = 8 * 1024 * 1024 * 1024
/** Bytes per second one member may upload (a faster one is slowed down, not refused), and its burst. */
export const FILE_UPLOAD_BYTES_PER_SECOND = 64 * 1024 * 1024
export const FILE_UPLOAD_BURST_BYTES = 16 * 1024 * 1024
/** An offered file's upload must begin this soon after the offer, or the offer lapses. */
export const FILE_UPLOAD_START_MS = 60_000
/** A whole file stays at the host for receivers who have not fetched it yet, this long. */
export const FILE_KEEP_MS = 30 * 60_000
/** File streams open at once on one connection, and of one member on all its connections. */
export const MAX_FILE_STREAMS_PER_CONNECTION = 16
export const MAX_FILE_STREAMS_PER_MEMBER = 16
/** How long a transfer waits for a member on a relay that limits its connection to reach the host directly. */
export const FILE_DIRECT_WAIT_MS = 30_000
/** A file stream's first frame (upload or request) must come this soon. */
export const FILE_REQUEST_TIMEOUT_MS = 10_000
/** The longest a file stream may wait for its peer to take or send a chunk before it is cut off. */
export const FILE_STALL_TIMEOUT_MS = 60_000
/** Progress events per second, at most, for one transfer (and one at its end). */
export const FILE_PROGRESS_PER_SECOND = 4
/** The most a Yamux stream lets its peer send ahead of what was read (libp2p's default is 16 MiB). */
export const MAX_STREAM_WINDOW_BYTES = 2 * 1024 * 1024
