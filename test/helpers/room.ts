import type { RoomEvent } from '../../src/node/events.js'
import { createRoomHost, type RoomHost, type RoomHostOptions } from '../../src/node/host.js'
import { type JoinOptions, joinRoom } from '../../src/node/join.js'
import type { JoinCredentials } from '../../src/node/join-handshake.js'
import type { RoomMember } from '../../src/node/member.js'
import { generateMemberKeyPair, type MemberKeyPair } from '../../src/protocol/member-keys.js'
import type { Post } from '../../src/protocol/wire/securechat.js'

export const QUESTION = 'Which river runs past the office?'
export const ANSWER = 'The Thames'

/** Low scrypt cost: the gates are what is under test, not the hash's strength. */
const FAST_HASH = 'fast'

let keyPool: MemberKeyPair[] = []

/** RSA key generation is the slow part of a test room; keys are made once and reused across tests. */
export async function memberKeys(count: number): Promise<MemberKeyPair[]> {
  while (keyPool.length < count) keyPool = [...keyPool, await generateMemberKeyPair()]
  return keyPool.slice(0, count)
}

/** Where each host started by `startHost` copies the Posts it relays (see `tapRelay`). */
const relayTaps = new WeakMap<RoomHost, Post[][]>()

export async function startHost(options: Partial<RoomHostOptions> = {}): Promise<RoomHost> {
  const { hashAnswer } = await import('../../src/node/answer-hash.js')
  const answerHash = options.answerHash ?? (await hashAnswer(ANSWER, { N: 1024 }))
  const [keys] = await memberKeys(1)
  const taps: Post[][] = []
  const host = await createRoomHost({
    question: QUESTION,
    answerHash,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    nickname: 'host',
    ...(options.relayOnly === true ? {} : { keys }),
    ...options,
    relayTap: (post, sender) => {
      for (const into of taps) into.push(post)
      options.relayTap?.(post, sender)
    }
  })
  relayTaps.set(host, taps)
  return host
}

export async function credentialsFor(
  host: RoomHost,
  nickname: string,
  overrides: Partial<JoinCredentials> = {}
): Promise<JoinCredentials> {
  return { answer: ANSWER, code: (await host.roomCode()).code, nickname, ...overrides }
}

export async function join(
  host: RoomHost,
  nickname: string,
  options: JoinOptions & { credentials?: Partial<JoinCredentials>; invitation?: string } = {}
): Promise<RoomMember> {
  const invitation = options.invitation ?? (await host.invite()).invitation
  return joinRoom(invitation, await credentialsFor(host, nickname, options.credentials), options)
}

/** Collects a member's events from now on. */
export function record(target: {
  on: (type: '*', handler: (e: RoomEvent) => void) => () => void
}): RoomEvent[] {
  const events: RoomEvent[] = []
  target.on('*', (e) => events.push(e))
  return events
}

/** Resolves once `predicate` holds over the recorded events (checked on every new event). */
export function until<T>(
  target: { on: (type: '*', handler: (e: RoomEvent) => void) => () => void },
  predicate: () => T | undefined | false,
  signal: AbortSignal = AbortSignal.timeout(20_000)
): Promise<T> {
  return new Promise((resolve, reject) => {
    const now = predicate()
    if (now) {
      resolve(now)
      return
    }
    const off = target.on('*', () => {
      const value = predicate()
      if (value) {
        off()
        resolve(value)
      }
    })
    signal.addEventListener('abort', () => {
      off()
      reject(new Error(`condition not met: ${signal.reason}`))
    })
  })
}

export { FAST_HASH }

/**
 * Records every Post the host relays from now on, as a curious host would see them, through the
 * `relayTap` option `startHost` sets (so only hosts it started can be tapped).
 */
export function tapRelay(host: RoomHost, into: Post[] = []): Post[] {
  const taps = relayTaps.get(host)
  if (taps === undefined) throw new Error('tapRelay needs a host started by startHost')
  taps.push(into)
  return into
}

/** Polls `predicate` until it holds (for state that emits no event); rejects after `timeoutMs`. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A host and two members, alice and bob, each with a pooled key; alice already sees bob. */
export async function hostWithAliceAndBob(
  bobOptions: JoinOptions = {}
): Promise<{ host: RoomHost; alice: RoomMember; bob: RoomMember; close: () => Promise<void> }> {
  const keys = await memberKeys(3)
  const host = await startHost()
  const alice = await join(host, 'alice', { keys: keys[1] })
  const bob = await join(host, 'bob', { keys: keys[2], ...bobOptions })
  await until(alice, () => alice.members.length === 2 || undefined)
  await until(bob, () => bob.members.length === 2 || undefined)
  const close = async (): Promise<void> => {
    await Promise.all([alice.close(), bob.close()])
    await host.close()
  }
  return { host, alice, bob, close }
}
