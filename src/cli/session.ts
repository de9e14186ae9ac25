/**
 * One shape for the two ends of a room, so the chat screen and --json mode serve the host and a
 * member alike: send, who, events, close, files; and for the host, its controls.
 */
import { basename } from 'node:path'
import type { FileTransfers, ReceivedFile, SentFile } from '../node/file-transfers.js'
import {
  EventFeed,
  type IssuedRoomInvitation,
  type MemberInfo,
  type RoomEvent,
  type RoomHost,
  type RoomMember
} from '../node/index.js'
import { type ScopeOptions, scopeInvitation } from '../node/invitation-scope.js'
import { confirmedPublicAddresses } from '../node/reach.js'
import { ROOM_CODE_STEP_SECONDS } from '../protocol/totp.js'
import { codeExpiry } from './format.js'
import { sendErrorCode } from './session-runner.js'

/** A member as `/who` shows it: the room's `MemberInfo`, and whether it is this process or the host. */
export interface Person extends MemberInfo {
  /** This process's own member. */
  self: boolean
  /** The room's host. */
  host: boolean
}

export interface IssuedInvitation extends IssuedRoomInvitation {
  maxUses: number | undefined
  /** Public addresses left out of the invitation (no --public). */
  withheld: string[]
}

export interface RoomCode {
  code: string
  expiresAt: number
  secondsLeft: number
}

export interface HostControls {
  readonly room: RoomHost
  invite(options: { ttlMs?: number; maxUses?: number }): Promise<IssuedInvitation>
  code(): Promise<RoomCode>
  revoke(id: string): boolean
  kick(nick: string): boolean
  ban(nick: string): boolean
  lock(): void
  unlock(): void
  readonly locked: boolean
  /** The addresses the node listens on, each ending in /p2p/<PeerId>. */
  listening(): string[]
  /** An invitation issued earlier, its token unchanged, with the addresses the host offers now. */
  reissue(issued: IssuedInvitation): IssuedInvitation
}

/** A session's file transfers, by the ids the room gives them; errors are `NoSuchTransferError`. */
export interface FileControls {
  /**
   * Offers the file at `path` and uploads it; resolves once the host holds all of it. `name` is the
   * name the room sees (default: the path's last part; a file dropped on the page has its own).
   */
  send(path: string, name?: string): Promise<SentFile>
  /** Downloads offer `id`; resolves once the file is saved. */
  accept(id: number): Promise<ReceivedFile>
  reject(id: number): Promise<void>
  cancel(id: number): Promise<void>
}

/**
 * The controls of a `FileTransfers`, sending through `sendFile` (which refuses once the room is left).
 * A send that fails once offered is told by the room's `file-failed`, and an offer the host refused by
 * its `error`; one that fails before (nobody else in the room, the connection down) is told nowhere,
 * so it becomes an `error` event on `feed`.
 */
function fileControls(
  files: FileTransfers,
  sendFile: (path: string, name: string | undefined) => Promise<SentFile>,
  room: Pick<EventFeed, 'on'>,
  feed: EventFeed
): FileControls {
  return {
    async send(path, name) {
      const failed: string[] = []
      const off = room.on('file-failed', (event) => failed.push(event.message))
      try {
        return await sendFile(path, name)
      } catch (err) {
        const error = err as Error
        // The room's events are synchronous: a `file-failed` for this send came before its rejection.
        if (!failed.includes(error.message) && error.name !== 'MessageRejectedError') {
          feed.emit({
            type: 'error',
            code: sendErrorCode(error),
            message: `${name ?? basename(path)} was not sent: ${error.message}`
          })
        }
        throw err
      } finally {
        off()
      }
    },
    accept: (id) => files.accept(id),
    reject: (id) => files.reject(id),
    cancel: (id) => files.cancel(id)
  }
}

export interface ChatSession {
  readonly role: 'host' | 'member'
  readonly roomName: string
  /** Undefined for a relay-only host, which is no member. */
  readonly nickname: string | undefined
  readonly peerId: string
  readonly fingerprint: string | undefined
  readonly canSend: boolean
  send(text: string): Promise<{ seq: number }>
  who(): Person[]
  /** Every room event; returns the unsubscribe. */
  onEvent(handler: (event: RoomEvent) => void): () => void
  /**
   * Leaves (a member) or stops the room (the host). A kept room (--room) stops as restarting unless
   * `final`: its members keep their places and resume when it comes back.
   */
  close(options?: { final?: boolean }): Promise<void>
  /** True when stopping keeps the members waiting for a restart (the host of a kept room). */
  readonly restartable: boolean
  readonly host: HostControls | undefined
  /** Undefined for a relay-only host, which sends and receives no files. */
  readonly files: FileControls | undefined
}

export interface HostSessionOptions {
  defaultTtlMs: number
  includePublic: boolean
  announced: string[]
  fingerprint: string | undefined
  nickname: string | undefined
  /** A kept room (--room): stopping without `final` tells the members it is restarting. */
  restartable: boolean
}

/** The current room code with its exact expiry (the 30 s TOTP step boundary). */
export async function currentCode(room: RoomHost): Promise<RoomCode> {
  for (;;) {
    const before = Date.now()
    const { code } = await room.roomCode()
    const after = Date.now()
    const expiresAt = codeExpiry(before, ROOM_CODE_STEP_SECONDS)
    // Read again if the step turned while the code was computed.
    if (codeExpiry(after, ROOM_CODE_STEP_SECONDS) !== expiresAt) continue
    return { code, expiresAt, secondsLeft: Math.max(1, Math.ceil((expiresAt - after) / 1000)) }
  }
}

export function hostSession(room: RoomHost, options: HostSessionOptions): ChatSession {
  const scope = (): ScopeOptions => ({
    includePublic: options.includePublic,
    announced: options.announced,
    confirmed: confirmedPublicAddresses(room.node.getMultiaddrs()).map(String)
  })
  const own = new EventFeed()
  const controls: HostControls = {
    room,
    async invite(opts) {
      const issued = await room.invite({
        ttlMs: opts.ttlMs ?? options.defaultTtlMs,
        maxUses: opts.maxUses
      })
      const scoped = scopeInvitation(issued, scope())
      return {
        id: scoped.id,
        invitation: scoped.invitation,
        addresses: scoped.addresses,
        expiresAt: scoped.expiresAt,
        maxUses: opts.maxUses,
        withheld: scoped.withheld
      }
    },
    code: () => currentCode(room),
    revoke: (id) => room.revoke(id),
    kick: (nick) => room.kick(nick),
    ban: (nick) => room.ban(nick),
    lock: () => room.lock(),
    unlock: () => room.unlock(),
    get locked() {
      return room.isLocked
    },
    listening: () => room.node.getMultiaddrs().map(String),
    reissue(issued) {
      const now = room.reissue(issued.invitation)
      const scoped = scopeInvitation({ ...issued, ...now }, scope())
      return {
        ...issued,
        invitation: scoped.invitation,
        addresses: scoped.addresses,
        withheld: scoped.withheld
      }
    }
  }
  return {
    role: 'host',
    roomName: room.roomName,
    nickname: room.relayOnly ? undefined : options.nickname,
    peerId: room.peerId,
    fingerprint: options.fingerprint,
    canSend: !room.relayOnly,
    send: (text) => room.send(text),
    who: () =>
      room.memberList.map((m) => ({ ...m, self: m.peerId === room.peerId, host: m.peerId === room.peerId })),
    onEvent: (handler) => both(room.on('*', handler), own.on('*', handler)),
    close: (opts = {}) => room.close({ restarting: options.restartable && opts.final !== true }),
    restartable: options.restartable,
    host: controls,
    files:
      room.files === undefined
        ? undefined
        : fileControls(room.files, (path, name) => room.sendFile(path, { name }), room, own)
  }
}

export function memberSession(member: RoomMember, fingerprint: string): ChatSession {
  const own = new EventFeed()
  return {
    role: 'member',
    roomName: member.roomName,
    nickname: member.nickname,
    peerId: member.peerId,
    fingerprint,
    canSend: true,
    send: (text) => member.send(text),
    who: () => [
      { nick: member.nickname, peerId: member.peerId, fingerprint, self: true, host: false },
      ...member.members.map((m) => ({ ...m, self: false, host: m.peerId === member.hostPeerId }))
    ],
    onEvent: (handler) => both(member.on('*', handler), own.on('*', handler)),
    close: () => member.close(),
    restartable: false,
    host: undefined,
    files: fileControls(member.files, (path, name) => member.sendFile(path, { name }), member, own)
  }
}

/** One unsubscribe for two. */
function both(a: () => void, b: () => void): () => void {
  return () => {
    a()
    b()
  }
}

/**
 * Calls `onCode` with each new room code as the step turns (a little after the boundary, so the
 * host's clock has moved on too). Returns the stop.
 */
export function watchCode(room: RoomHost, onCode: (code: RoomCode) => void): () => void {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const schedule = (): void => {
    const wait = codeExpiry(Date.now(), ROOM_CODE_STEP_SECONDS) - Date.now() + 50
    timer = setTimeout(() => {
      currentCode(room).then(
        (code) => {
          if (stopped) return
          onCode(code)
          schedule()
        },
        () => {}
      )
    }, wait)
    timer.unref()
  }
  schedule()
  return () => {
    stopped = true
    if (timer !== undefined) clearTimeout(timer)
  }
}
