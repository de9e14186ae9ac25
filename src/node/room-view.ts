/**
 * @module A member's view of who is in the room: each member's keys as it checked them itself, their
 * numbers (by which deliveries name senders), and the audience digest of a message for the whole room.
 */
import { memberFingerprint } from '../protocol/member-keys.js'
import { importPublicKey, type RsaPublicKey } from '../protocol/rsa.js'
import { audienceDigest, peerSetDigest } from '../protocol/signing.js'
import { type SigningPublicKey, verifiedSigningKey } from '../protocol/signing-key.js'
import type { Deliver, Member } from '../protocol/wire/securechat.js'

/**
 * Another member as this participant knows it: its key imported and its fingerprint computed here,
 * never taken on the host's word. The names of "a member", from the wire outwards: `Member` (the
 * wire record the host announces), `VerifiedMember` (this), `HostedMember` (what the host keeps of
 * each), `MemberInfo` (what events show), `Person` (the CLI's `/who`: `MemberInfo` and two flags),
 * and `RoomMember` (a member's whole session, made by `joinRoom`).
 */
export interface VerifiedMember {
  peerId: string
  nickname: string
  publicKey: RsaPublicKey
  /** Its P-256 signing key, accepted only with its RSA key's binding signature. */
  signingKey: SigningPublicKey
  /** Its number in the room, by which deliveries name their sender. */
  index: number
  fingerprint: string
}

/**
 * A member record from the host, its keys checked here: the RSA key imported, the signing key taken
 * only with the RSA key's binding signature, and the fingerprint computed from both.
 */
export async function verifiedMember(member: Member): Promise<VerifiedMember> {
  const publicKey = await importPublicKey(member.publicKey)
  const signingKey = await verifiedSigningKey(publicKey, member.signingKey, member.signingKeyBinding)
  return {
    peerId: member.peerId,
    nickname: member.nickname,
    publicKey,
    signingKey,
    index: member.index,
    fingerprint: await memberFingerprint({ publicKeySpki: member.publicKey, signingKey: signingKey.raw })
  }
}

/** The roster, and those who left while this member was away (until the replay is through). */
export class RoomView {
  /** This member's own PeerId: a recipient of every message for the whole room. */
  private readonly self: string
  private readonly roster = new Map<string, VerifiedMember>()
  private readonly departed = new Map<string, VerifiedMember>()
  /** The roster's members and those departed, by index. */
  private readonly byIndex = new Map<number, VerifiedMember>()
  /** The audience digest of a message for the whole room (the same for every sender), until the roster changes. */
  private wholeRoom: Promise<Uint8Array> | undefined
  private changes = 0

  constructor(self: string) {
    this.self = self
  }

  /** Goes up with every change of the roster: what was computed from it is stale after. */
  get version(): number {
    return this.changes
  }

  get size(): number {
    return this.roster.size
  }

  get(peerId: string): VerifiedMember | undefined {
    return this.roster.get(peerId)
  }

  values(): IterableIterator<VerifiedMember> {
    return this.roster.values()
  }

  /** The member a delivery names as its sender; one who left counts while its last words replay. */
  sender(index: number, replaying: boolean): VerifiedMember | undefined {
    const entry = this.byIndex.get(index)
    if (entry === undefined) return undefined
    return this.roster.get(entry.peerId) === entry || (replaying && this.departed.has(entry.peerId))
      ? entry
      : undefined
  }

  /** Adds a verified member (or puts a re-announced one's new record in place). */
  seat(entry: VerifiedMember): void {
    const before = this.roster.get(entry.peerId)
    // A restarted host numbers afresh: another member may hold this one's old number by now.
    if (before !== undefined && this.byIndex.get(before.index) === before) this.byIndex.delete(before.index)
    this.roster.set(entry.peerId, entry)
    this.byIndex.set(entry.index, entry)
    this.changed()
  }

  /** Removes a member for good. */
  remove(peerId: string): VerifiedMember | undefined {
    const entry = this.roster.get(peerId)
    if (entry === undefined) return undefined
    this.roster.delete(peerId)
    if (this.byIndex.get(entry.index) === entry) this.byIndex.delete(entry.index)
    this.changed()
    return entry
  }

  /** Removes a member from the roster but keeps it as a sender until `forgetDeparted`. */
  depart(peerId: string): void {
    const entry = this.roster.get(peerId)
    if (entry === undefined) return
    this.roster.delete(peerId)
    this.departed.set(peerId, entry)
    this.changed()
  }

  /** Those departed, and forgets them. */
  forgetDeparted(): VerifiedMember[] {
    const gone = [...this.departed.values()]
    for (const entry of gone) {
      if (this.byIndex.get(entry.index) === entry) this.byIndex.delete(entry.index)
    }
    this.departed.clear()
    return gone
  }

  /**
   * The digest a delivery's signature must cover: of its sender and the list it names, or, when it
   * names none, of the room as this member knows it now (itself and the roster, the sender among them).
   */
  audienceOf(deliver: Deliver, sender: string): Promise<Uint8Array> {
    if (deliver.recipients.length > 0) return audienceDigest(sender, deliver.recipients)
    if (!this.roster.has(sender)) return audienceDigest(sender, [this.self, ...this.roster.keys()])
    this.wholeRoom ??= peerSetDigest([this.self, ...this.roster.keys()])
    return this.wholeRoom
  }

  private changed(): void {
    this.wholeRoom = undefined
    this.changes++
  }
}
