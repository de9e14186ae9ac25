/**
 * A host's room kept on disk, so a restart keeps the PeerId and every outstanding invitation:
 *
 *   $XDG_CONFIG_HOME/securechat/rooms/<name>/     (default ~/.config/...; folders 0700)
 *     identity.key       libp2p Ed25519 private key, protobuf (0600): the PeerId
 *     member-key.pem     the host's RSA member key, PKCS#8 PEM (0600): its fingerprint
 *     signing-key.pem    the host's P-256 message signing key, PKCS#8 PEM (0600): in its fingerprint too
 *     room.json          room id, name, question, answer hash, TOTP secret, Fernet key, nickname, port (0600)
 *     invitations.json   the invitation book: ids, expiry, uses, revoked (0600), replaced atomically
 *
 * Every file here is a secret of the room; none of it is ever logged.
 */
import { readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { fromHex, randomBytes, toHex } from '../protocol/bytes.js'
import { Fernet } from '../protocol/fernet.js'
import { ROOM_ID_BYTES } from '../protocol/invitation.js'
import { generateMemberKeyPair, type MemberKeyPair, withSigningKey } from '../protocol/member-keys.js'
import {
  exportPrivateKey,
  fromPem,
  importPrivateKey,
  PEM_PRIVATE_KEY,
  publicKeyOf,
  type RsaKeyPair,
  toPem
} from '../protocol/rsa.js'
import {
  generateSigningKeyPair,
  importSigningPrivateKey,
  type SigningKeyPair
} from '../protocol/signing-key.js'
import { generateRoomSecret } from '../protocol/totp.js'
import { parseAnswerHash } from './answer-hash.js'
import { RoomStoreError } from './errors.js'
import type { InvitationRecord } from './invitations.js'
import {
  makePrivateFolder,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  tightenMode,
  writePrivateFile
} from './private-files.js'

export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const ROOM_FILE_VERSION = 1

export const ROOM_FILES = {
  identity: 'identity.key',
  memberKey: 'member-key.pem',
  signingKey: 'signing-key.pem',
  room: 'room.json',
  invitations: 'invitations.json',
  bans: 'bans.json'
} as const

/** The room's settings as room.json holds them. */
export interface RoomSettings {
  roomId: Uint8Array
  roomName: string
  question: string
  answerHash: string
  roomSecret: string
  fernetKey: string
  nickname: string | undefined
  /** The TCP port the host last bound, so the addresses in its invitations stay valid. */
  port: number | undefined
}

export interface StoredRoom extends RoomSettings {
  /** The libp2p identity: the PeerId every invitation pins. */
  privateKey: PrivateKey
  /** The host's member keys: RSA, and the P-256 signing key bound to it. */
  keys: MemberKeyPair
  invitations: InvitationRecord[]
  /** PeerIds banned from the room; a ban outlives a restart. */
  banned: string[]
}

export interface RoomStoreOptions {
  /** Environment to read XDG_CONFIG_HOME and HOME from; `process.env` when absent. */
  env?: Record<string, string | undefined>
  /** Told about anything fixed on the way (loose permissions); never given a secret. */
  warn?: (message: string) => void
  now?: () => number
}

/** `$XDG_CONFIG_HOME/securechat` (a relative XDG_CONFIG_HOME is ignored, as the spec says), else `~/.config/securechat`. */
export function configFolder(env: Record<string, string | undefined> = process.env): string {
  const xdg = env['XDG_CONFIG_HOME']
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'securechat')
  const home = env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : homedir()
  return join(home, '.config', 'securechat')
}

export function checkRoomName(name: string): string {
  if (!ROOM_NAME_PATTERN.test(name)) {
    throw new RoomStoreError(
      `invalid room name "${name.slice(0, 80)}": use 1 to 64 letters, digits, "_" or "-"`
    )
  }
  return name
}

/** One room's folder: load, create and save its files. */
export class RoomStore {
  readonly name: string
  readonly folder: string
  private readonly warn: (message: string) => void
  private readonly now: () => number

  constructor(name: string, options: RoomStoreOptions = {}) {
    this.name = checkRoomName(name)
    this.folder = join(configFolder(options.env), 'rooms', name)
    this.warn = options.warn ?? (() => {})
    this.now = options.now ?? Date.now
  }

  path(file: keyof typeof ROOM_FILES): string {
    return join(this.folder, ROOM_FILES[file])
  }

  /** True once the room has been saved (its room.json exists). */
  exists(): boolean {
    try {
      return statSync(this.path('room')).isFile()
    } catch {
      return false
    }
  }

  /** Reads the room, tightening loose permissions on the way; undefined when there is none yet. */
  async load(): Promise<StoredRoom | undefined> {
    if (!this.exists()) return undefined
    this.tighten(this.folder, PRIVATE_DIR_MODE)
    for (const file of ['identity', 'memberKey', 'signingKey', 'room', 'invitations', 'bans'] as const) {
      this.tighten(this.path(file), PRIVATE_FILE_MODE)
    }
    const settings = parseSettings(this.read('room'), this.path('room'))
    let privateKey: PrivateKey
    try {
      privateKey = privateKeyFromProtobuf(readFileSync(this.path('identity')))
    } catch (err) {
      throw this.damaged('identity', err)
    }
    let rsa: RsaKeyPair
    try {
      const privateRsa = await importPrivateKey(fromPem(this.read('memberKey'), PEM_PRIVATE_KEY))
      rsa = { privateKey: privateRsa, publicKey: await publicKeyOf(privateRsa) }
    } catch (err) {
      throw this.damaged('memberKey', err)
    }
    const keys = await withSigningKey(rsa, await this.loadSigningKey())
    return { ...settings, privateKey, keys, invitations: this.loadInvitations(), banned: this.loadBans() }
  }

  /**
   * Makes a new room's secrets (identity, member key, room id, TOTP secret, Fernet key) and saves
   * them with the settings given.
   */
  async create(settings: {
    roomName?: string
    question: string
    answerHash: string
    nickname?: string
  }): Promise<StoredRoom> {
    const room: StoredRoom = {
      roomId: randomBytes(ROOM_ID_BYTES),
      roomName: settings.roomName ?? this.name,
      question: settings.question,
      answerHash: settings.answerHash,
      roomSecret: generateRoomSecret(),
      fernetKey: Fernet.generateKey(),
      nickname: settings.nickname,
      port: undefined,
      privateKey: await generateKeyPair('Ed25519'),
      keys: await generateMemberKeyPair(),
      invitations: [],
      banned: []
    }
    this.ensureFolder()
    this.writeAtomic('identity', privateKeyToProtobuf(room.privateKey))
    this.writeAtomic('memberKey', toPem(exportPrivateKey(room.keys.privateKey), PEM_PRIVATE_KEY))
    this.writeAtomic('signingKey', toPem(room.keys.signing.privateKey.pkcs8, PEM_PRIVATE_KEY))
    this.saveSettings(room)
    this.saveInvitations([])
    return room
  }

  /** Rewrites room.json (question, answer hash, nickname, port may change between runs). */
  saveSettings(settings: RoomSettings): void {
    this.ensureFolder()
    const json = {
      version: ROOM_FILE_VERSION,
      roomId: toHex(settings.roomId),
      roomName: settings.roomName,
      question: settings.question,
      answerHash: settings.answerHash,
      roomSecret: settings.roomSecret,
      fernetKey: settings.fernetKey,
      nickname: settings.nickname,
      port: settings.port
    }
    this.writeAtomic('room', `${JSON.stringify(json, null, 2)}\n`)
  }

  /**
   * Replaces invitations.json: written to a temporary file (0600) then renamed over the old one, so a
   * crash leaves either the old book or the new one. Synchronous, so saves land in the order made.
   */
  saveInvitations(records: InvitationRecord[]): void {
    this.ensureFolder()
    this.writeAtomic(
      'invitations',
      `${JSON.stringify({ version: ROOM_FILE_VERSION, invitations: records })}\n`
    )
  }

  /** Replaces bans.json, atomically like the invitations. */
  saveBans(banned: string[]): void {
    this.ensureFolder()
    this.writeAtomic('bans', `${JSON.stringify({ version: ROOM_FILE_VERSION, banned })}\n`)
  }

  /**
   * The stored signing key; a room made before signing keys existed gets one now, kept from then on
   * (the host's fingerprint changes once, with the protocol).
   */
  private async loadSigningKey(): Promise<SigningKeyPair> {
    let text: string | undefined
    try {
      text = readFileSync(this.path('signingKey'), 'utf8')
    } catch {
      text = undefined
    }
    if (text === undefined) {
      const made = await generateSigningKeyPair()
      this.writeAtomic('signingKey', toPem(made.privateKey.pkcs8, PEM_PRIVATE_KEY))
      return made
    }
    try {
      return await importSigningPrivateKey(fromPem(text, PEM_PRIVATE_KEY))
    } catch (err) {
      throw this.damaged('signingKey', err)
    }
  }

  private loadBans(): string[] {
    let text: string
    try {
      text = readFileSync(this.path('bans'), 'utf8')
    } catch {
      return []
    }
    try {
      const list = (JSON.parse(text) as { banned?: unknown })?.banned
      if (!Array.isArray(list)) throw new TypeError('no list of bans')
      return list.filter((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 128)
    } catch (err) {
      throw this.damaged('bans', err)
    }
  }

  /** The stored book, less invitations already expired (a token past its expiry is refused anyway). */
  private loadInvitations(): InvitationRecord[] {
    let text: string
    try {
      text = readFileSync(this.path('invitations'), 'utf8')
    } catch {
      return []
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      throw this.damaged('invitations', err)
    }
    const list = (parsed as { invitations?: unknown })?.invitations
    if (!Array.isArray(list)) throw this.damaged('invitations')
    const now = this.now()
    return list
      .filter(isInvitationRecord)
      .filter((r) => r.expiresAt > now)
      .map((r) => ({ ...r, maxUses: r.maxUses ?? undefined }))
  }

  private read(file: keyof typeof ROOM_FILES): string {
    try {
      return readFileSync(this.path(file), 'utf8')
    } catch (err) {
      throw this.damaged(file, err)
    }
  }

  private damaged(file: keyof typeof ROOM_FILES, cause?: unknown): RoomStoreError {
    const why = cause instanceof Error && 'code' in cause ? ` (${String(cause.code)})` : ''
    return new RoomStoreError(`room "${this.name}": ${this.path(file)} is missing or damaged${why}`)
  }

  private ensureFolder(): void {
    const rooms = join(this.folder, '..')
    makePrivateFolder(rooms)
    makePrivateFolder(this.folder)
    this.tighten(join(rooms, '..'), PRIVATE_DIR_MODE)
    this.tighten(rooms, PRIVATE_DIR_MODE)
    this.tighten(this.folder, PRIVATE_DIR_MODE)
  }

  /** Sets `mode` on a file or folder that is open to group or others, and says so. */
  private tighten(path: string, mode: number): void {
    tightenMode(path, mode, this.warn)
  }

  private writeAtomic(file: keyof typeof ROOM_FILES, data: string | Uint8Array): void {
    writePrivateFile(this.path(file), data)
  }
}

function parseSettings(text: string, path: string): RoomSettings {
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new RoomStoreError(`${path} is not valid JSON`)
  }
  const problem = (field: string): RoomStoreError =>
    new RoomStoreError(`${path}: "${field}" is missing or invalid`)
  const text_ = (field: string): string => {
    const value = raw[field]
    if (typeof value !== 'string' || value === '') throw problem(field)
    return value
  }
  const roomIdHex = text_('roomId')
  if (!/^[0-9a-f]+$/i.test(roomIdHex) || roomIdHex.length !== ROOM_ID_BYTES * 2) throw problem('roomId')
  const answerHash = text_('answerHash')
  try {
    parseAnswerHash(answerHash)
  } catch {
    throw problem('answerHash')
  }
  const fernetKey = text_('fernetKey')
  try {
    new Fernet(fernetKey)
  } catch {
    throw problem('fernetKey')
  }
  const nickname = raw['nickname']
  if (nickname !== undefined && typeof nickname !== 'string') throw problem('nickname')
  const port = raw['port']
  if (port !== undefined && !(Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65535)) {
    throw problem('port')
  }
  return {
    roomId: fromHex(roomIdHex),
    roomName: text_('roomName'),
    question: text_('question'),
    answerHash,
    roomSecret: text_('roomSecret'),
    fernetKey,
    nickname,
    port: port as number | undefined
  }
}

function isInvitationRecord(value: unknown): value is InvitationRecord {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return (
    typeof r['id'] === 'string' &&
    typeof r['createdAt'] === 'number' &&
    typeof r['expiresAt'] === 'number' &&
    (r['maxUses'] === undefined || r['maxUses'] === null || typeof r['maxUses'] === 'number') &&
    typeof r['uses'] === 'number' &&
    typeof r['revoked'] === 'boolean'
  )
}
