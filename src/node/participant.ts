import type { Recipient } from '../protocol/envelope.js'
import type { FileOffer } from '../protocol/file-offer.js'
import type { MemberKeyPair } from '../protocol/member-keys.js'
import { type OpenedContent, openDeliveredContent, sealMessage, sentAt } from '../protocol/message.js'
import type { MessageCrypto } from '../protocol/message-crypto.js'
import { generateSenderKey, type SenderKey } from '../protocol/sender-key.js'
import { audienceDigest } from '../protocol/signing.js'
import type { Deliver, Member, Post } from '../protocol/wire/securechat.js'
import { droppedDelivery, unopened } from './delivery-checks.js'
import { NobodyToSendToError } from './errors.js'
import type { EventFeed, MemberInfo } from './events.js'
import { nodeMessageCrypto } from './message-crypto.js'
import { ReceivedKeys } from './received-keys.js'
import { RoomView, type VerifiedMember, verifiedMember } from './room-view.js'
import { SerialQueue } from './serial-queue.js'

/** A delivery checked and opened as it arrived, and the state it was opened in. */
interface EarlyOpening {
  sender: VerifiedMember
  rosterVersion: number
  keyVersion: number
  content: Promise<OpenedContent>
}

export interface ParticipantInit {
  roomId: Uint8Array
  peerId: string
  nickname: string
  keys: MemberKeyPair
  feed: EventFeed
  /** Hands a sealed Post to the host and resolves with the room sequence number it was given. */
  submit: (post: Post, signal?: AbortSignal) => Promise<number>
  /** A file offered to this member, verified like any message; `seq` is the transfer's id. */
  onFileOffer?: (seq: number, sender: VerifiedMember, offer: FileOffer) => void
  now?: () => number
  /** What signs, verifies, encrypts and decrypts each message. @default nodeMessageCrypto */
  crypto?: MessageCrypto
}

/**
 * A member's view of the room, whatever carries its frames: the roster with keys it checked itself,
 * sealing and signing what it sends, verifying and opening what it receives, and dropping replays.
 */
export class Participant {
  readonly roomId: Uint8Array
  readonly peerId: string
  readonly nickname: string
  private readonly keys: MemberKeyPair
  private readonly feed: EventFeed
  private readonly submit: ParticipantInit['submit']
  private readonly onFileOffer: ParticipantInit['onFileOffer']
  private readonly now: () => number
  private readonly crypto: MessageCrypto
  private readonly roster: RoomView
  private readonly lastCounterFrom = new Map<string, number>()
  /** Held messages still to come in the replay after a resume. */
  private replayLeft = 0
  /** Sender keys others announced to this member. */
  private readonly received = new ReceivedKeys()
  /** This member's own sender key and the recipients it was announced to. */
  private ownKey: { key: SenderKey; audience: string; digest: Uint8Array } | undefined
  private epoch = 0
  private lastSeq = 0
  /**
   * The clock in milliseconds, made strictly increasing: it keeps increasing across sessions and
   * restarts (receivers never forget a sender's last counter, so an old message stays a replay even
   * when a host announces its sender again), and it is the message's timestamp too.
   */
  private counter = 0
  private readonly sending = new SerialQueue()
  private readonly receiving = new SerialQueue()

  constructor(init: ParticipantInit) {
    this.roomId = init.roomId
    this.peerId = init.peerId
    this.nickname = init.nickname
    this.keys = init.keys
    this.feed = init.feed
    this.submit = init.submit
    this.onFileOffer = init.onFileOffer
    this.now = init.now ?? Date.now
    this.crypto = init.crypto ?? nodeMessageCrypto
    this.roster = new RoomView(init.peerId)
  }

  private nextCounter(): number {
    this.counter = Math.max(this.counter + 1, Math.floor(this.now()))
    return this.counter
  }

  get members(): MemberInfo[] {
    return [...this.roster.values()].map((m) => ({
      nick: m.nickname,
      peerId: m.peerId,
      fingerprint: m.fingerprint
    }))
  }

  memberByNick(nick: string): VerifiedMember | undefined {
    const wanted = nick.toLocaleLowerCase('und')
    return [...this.roster.values()].find((m) => m.nickname.toLocaleLowerCase('und') === wanted)
  }

  /** Sets where the room's sequence stands, so nothing before the Welcome counts as missed. */
  startAt(nextSeq: number): void {
    this.lastSeq = Math.max(0, nextSeq - 1)
  }

  /**
   * Adds a member from the host's announcement, in order with the messages around it. The
   * fingerprint is computed here from the key, never taken from the host's word.
   */
  memberJoined(member: Member, options: { announce?: boolean } = {}): Promise<VerifiedMember> {
    return this.receiving.run(async () => {
      const entry = await verifiedMember(member)
      this.roster.seat(entry)
      // Even a member announced again (a restarted host re-admitting it) holds none of our keys.
      this.ownKey = undefined
      if (options.announce !== false) {
        this.feed.emit({
          type: 'member-joined',
          nick: entry.nickname,
          peerId: entry.peerId,
          fingerprint: entry.fingerprint
        })
      }
      return entry
    })
  }

  /** Removes a member, in order with the messages around it, so its last words are still shown. */
  memberLeft(peerId: string, reason: string): Promise<void> {
    return this.receiving.run(async () => {
      const entry = this.roster.remove(peerId)
      if (entry === undefined) return
      this.feed.emit({ type: 'member-left', nick: entry.nickname, peerId, reason })
    })
  }

  /** A member's connection dropped (`away`) or came back; it stays a recipient meanwhile. */
  presence(peerId: string, away: boolean): Promise<void> {
    return this.receiving.run(async () => {
      const entry = this.roster.get(peerId)
      if (entry === undefined) return
      // What came while it was away may have lost our key announcement (a full backlog): re-key.
      if (!away) this.ownKey = undefined
      this.feed.emit({ type: away ? 'member-away' : 'member-back', nick: entry.nickname, peerId })
    })
  }

  /**
   * This member's current sender key, if one is announced: for diagnostics and tests (a member that
   * holds a peer's key must still not be able to forge its messages). It is this member's own key.
   */
  get ownSenderKey(): SenderKey | undefined {
    return this.ownKey?.key
  }

  /** The last room sequence number this member has processed: what it asks for when it resumes. */
  get lastSequence(): number {
    return this.lastSeq
  }

  /**
   * Brings the roster in line with the host's after a reconnect, announcing who came and went
   * meanwhile. After a host restart the room sequence starts again; senders' counters never do.
   *
   * The `replayed` held messages that follow were sent while this member was away, some perhaps by
   * members who have left since: their keys are kept until those messages are through, and only then
   * is their leaving announced, after their last words, so nothing sent to this member is dropped.
   */
  resync(
    members: Member[],
    options: { nextSeq: number; hostRestarted: boolean; replayed?: number }
  ): Promise<void> {
    return this.receiving.run(async () => {
      const current = new Set(members.map((m) => m.peerId))
      this.roster.forgetDeparted()
      for (const entry of [...this.roster.values()]) {
        if (!current.has(entry.peerId)) this.roster.depart(entry.peerId)
      }
      this.replayLeft = options.replayed ?? 0
      if (options.hostRestarted) {
        // A restarted host (when a member) lost the keys we announced to it.
        this.ownKey = undefined
        this.lastSeq = Math.max(0, options.nextSeq - 1)
      }
      for (const member of members) {
        const known = this.roster.get(member.peerId)
        // A restarted host numbers its members afresh: the record is taken again for its index.
        if (known !== undefined && known.index === member.index) continue
        const entry = await verifiedMember(member)
        this.roster.seat(entry)
        // Renumbered as it was (a restarted host): nothing to tell. Other keys or another name under a
        // known PeerId are news, as in a MemberJoined: the person goes by the name and compares the
        // fingerprint it shows; and the holder of other keys holds none of ours.
        const sameKeys = known?.fingerprint === entry.fingerprint
        if (known !== undefined && sameKeys && known.nickname === entry.nickname) continue
        if (known !== undefined && !sameKeys) this.ownKey = undefined
        this.feed.emit({
          type: 'member-joined',
          nick: entry.nickname,
          peerId: entry.peerId,
          fingerprint: entry.fingerprint
        })
      }
      if (this.replayLeft === 0) this.announceDepartures()
    })
  }

  /** Those who left while this member was away: their leaving is told once what they sent is through. */
  private announceDepartures(): void {
    for (const entry of this.roster.forgetDeparted()) {
      this.feed.emit({ type: 'member-left', nick: entry.nickname, peerId: entry.peerId, reason: 'left' })
    }
  }

  /** Encrypts for everyone in the roster now, signs, and waits for the host's sequence number. */
  send(text: string, options: { signal?: AbortSignal } = {}): Promise<{ seq: number; counter: number }> {
    // Sealing and handing over happen one at a time, in counter order; the wait for the host's
    // acknowledgement does not, so a member can have many messages in flight.
    const handedOver = this.sending.run(async () => {
      options.signal?.throwIfAborted()
      if (this.roster.size === 0) throw new NobodyToSendToError('nobody else is in the room yet')
      const recipients = [...this.roster.values()].map((m) => ({ id: m.peerId, publicKey: m.publicKey }))
      const { key: senderKey, digest } = await this.currentSenderKey(recipients, options.signal)
      const counter = this.nextCounter()
      const post = await sealMessage({
        roomId: this.roomId,
        sender: this.peerId,
        counter,
        text,
        recipients,
        audienceDigest: digest,
        signingKey: this.keys.signing.privateKey,
        senderKey,
        crypto: this.crypto
      })
      return { counter, acknowledged: this.submit(post, options.signal) }
    })
    return handedOver.then(async ({ counter, acknowledged }) => {
      const seq = await acknowledged
      this.feed.emit({ type: 'sent', seq, counter })
      return { seq, counter }
    })
  }

  /**
   * Offers a file to everyone in the roster now: a message under a fresh content key wrapped for each
   * (the offer holds the file's key), signed like any other. Resolves with its room sequence number,
   * the transfer's id, and the nicknames it went to.
   */
  sendOffer(offer: FileOffer, signal?: AbortSignal): Promise<{ seq: number; recipients: string[] }> {
    const handedOver = this.sending.run(async () => {
      signal?.throwIfAborted()
      if (this.roster.size === 0) throw new NobodyToSendToError('nobody else is in the room yet')
      const members = [...this.roster.values()]
      const post = await sealMessage({
        roomId: this.roomId,
        sender: this.peerId,
        counter: this.nextCounter(),
        text: '',
        offer,
        recipients: members.map((m) => ({ id: m.peerId, publicKey: m.publicKey })),
        signingKey: this.keys.signing.privateKey,
        crypto: this.crypto
      })
      return { recipients: members.map((m) => m.nickname), acknowledged: this.submit(post, signal) }
    })
    return handedOver.then(async ({ recipients, acknowledged }) => ({ seq: await acknowledged, recipients }))
  }

  /**
   * This member's sender key for the current recipients. A new one whenever the membership changed
   * (a newcomer must not read what came before, a departed member what comes after), announced to
   * each recipient inside an RSA-wrapped message just before the first message that uses it.
   */
  private async currentSenderKey(
    recipients: Recipient[],
    signal?: AbortSignal
  ): Promise<{ key: SenderKey; digest: Uint8Array }> {
    const audience = recipients
      .map((r) => r.id)
      .sort()
      .join(' ')
    if (this.ownKey !== undefined && this.ownKey.audience === audience) return this.ownKey
    const digest = await audienceDigest(
      this.peerId,
      recipients.map((r) => r.id)
    )
    // Numbered 1, 2, 3… in this session: receivers keep a sender's keys by when they came, not by
    // number, and each is announced before its first message, so a small number is all it needs.
    this.epoch += 1
    const key = await generateSenderKey(this.epoch)
    const announcement = await sealMessage({
      roomId: this.roomId,
      sender: this.peerId,
      counter: this.nextCounter(),
      text: '',
      announce: key,
      recipients,
      audienceDigest: digest,
      signingKey: this.keys.signing.privateKey,
      crypto: this.crypto
    })
    this.ownKey = { key, audience, digest }
    this.submit(announcement, signal).catch(() => {
      // Not relayed (refused, or the room closed): announce a new key with the next message.
      if (this.ownKey?.key === key) this.ownKey = undefined
    })
    return this.ownKey
  }

  /**
   * Verifies and opens one delivered message, in arrival order. A replay, a duplicate, an unknown
   * sender or a bad signature is dropped and reported, never shown.
   */
  receive(deliver: Deliver): Promise<void> {
    const early = this.openEarly(deliver)
    return this.receiving.run(async () => {
      try {
        await this.accept(deliver, early)
      } finally {
        if (this.replayLeft > 0 && --this.replayLeft === 0) this.announceDepartures()
      }
    })
  }

  /**
   * Starts checking and opening a delivery as it arrives, with what this member knows now, so that
   * deliveries queued behind one another are checked at once rather than one after the other. Its
   * answer is used only if nothing it depended on (the roster, the sender's keys) changed before the
   * delivery's turn; otherwise the delivery is opened again then. Nothing is shown or kept from it.
   */
  private openEarly(deliver: Deliver): EarlyOpening | undefined {
    const sender = this.roster.sender(deliver.sender, this.replayLeft > 0)
    if (sender === undefined) return undefined
    if (deliver.recipients.length > 0 && !deliver.recipients.includes(this.peerId)) return undefined
    const early = { sender, rosterVersion: this.roster.version, keyVersion: this.keyVersion(sender) }
    const content = this.open(deliver, sender)
    content.catch(() => {})
    return { ...early, content }
  }

  /** How many keys `sender` has announced: with the roster's version, what an early opening depended on. */
  private keyVersion(sender: VerifiedMember): number {
    return this.received.version(sender.peerId)
  }

  private open(deliver: Deliver, sender: VerifiedMember): Promise<OpenedContent> {
    return this.roster.audienceOf(deliver, sender.peerId).then((recipients) =>
      openDeliveredContent(this.roomId, deliver, sender, recipients, this.keys.privateKey, {
        senderKeys: (from, epoch) => this.received.get(from, epoch),
        crypto: this.crypto
      })
    )
  }

  private async accept(deliver: Deliver, early: EarlyOpening | undefined): Promise<void> {
    const sender = this.roster.sender(deliver.sender, this.replayLeft > 0)
    const dropped = droppedDelivery(deliver, sender, {
      self: this.peerId,
      lastSeq: this.lastSeq,
      lastCounter: sender === undefined ? 0 : (this.lastCounterFrom.get(sender.peerId) ?? 0)
    })
    if (dropped !== undefined || sender === undefined) {
      if (dropped !== undefined) this.feed.emit({ type: 'error', ...dropped })
      return
    }
    let content: OpenedContent
    try {
      const fresh =
        early !== undefined &&
        early.sender === sender &&
        early.rosterVersion === this.roster.version &&
        early.keyVersion === this.keyVersion(sender)
      content = await (fresh ? early.content : this.open(deliver, sender))
      if (content.senderKey !== undefined) {
        await this.received.remember(sender.peerId, content.senderKey.epoch, content.senderKey.key)
      }
    } catch (err) {
      this.feed.emit({ type: 'error', ...unopened(deliver, sender, err as Error) })
      return
    }
    this.lastSeq = deliver.seq
    this.lastCounterFrom.set(sender.peerId, deliver.counter)
    if (content.senderKey !== undefined) return
    if (content.fileOffer !== undefined) {
      this.onFileOffer?.(deliver.seq, sender, content.fileOffer)
      return
    }
    const text = content.text
    this.feed.emit({
      type: 'message',
      from: sender.nickname,
      peerId: sender.peerId,
      text,
      seq: deliver.seq,
      ts: sentAt(deliver.counter)
    })
  }

  /** Settles once everything already received has been processed. */
  idle(): Promise<void> {
    return this.receiving.run(async () => {})
  }
}
