/**
 * One end of the file-transfer benchmark in its own process, as on a machine of its own: a member of
 * the room that sends or receives one file, or a bare peer that pipes the same file's bytes through the
 * bare relay (read from disk and written to disk the same way).
 */

import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import type { Libp2p } from '@libp2p/interface'
import { joinRoom } from '../src/node/join.js'
import { createSecureChatNode } from '../src/node/libp2p.js'
import type { RoomMember } from '../src/node/member.js'
import { ANSWER, ROOM_LIMITS } from './config.js'
import { now, serve } from './ipc.js'
import { openPipe } from './pipe-relay.js'

let member: RoomMember | undefined
let node: Libp2p | undefined
let received: Promise<{ at: number; path: string; sha256: string }> | undefined

async function join(args: {
  invitation: string
  code: string
  nick: string
  dir: string
  /** Reads at most this fast (bytes per second): a slow receiver. */
  rate?: number
}): Promise<void> {
  const rate = args.rate === undefined ? {} : { downloadBytesPerSecond: args.rate }
  member = await joinRoom(
    args.invitation,
    { answer: ANSWER, code: args.code, nickname: args.nick },
    { ...ROOM_LIMITS, files: { downloadDir: args.dir, acceptUpTo: Number.MAX_SAFE_INTEGER, ...rate } }
  )
  const m = member
  received = new Promise((resolve, reject) => {
    m.on('file-received', (e) => resolve({ at: now(), path: e.path, sha256: e.sha256 }))
    m.on('file-failed', (e) => reject(new Error(`${e.code}: ${e.message}`)))
  })
  received.catch(() => {})
}

async function waitForMembers(args: { count: number }): Promise<void> {
  const deadline = Date.now() + 20_000
  while ((member?.members.length ?? 0) < args.count) {
    if (Date.now() > deadline) throw new Error('the other member never came')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Sends the file; resolves when it starts (the time the transfer is measured from) and when it ends. */
async function send(args: { path: string }): Promise<{ started: number; ended: number }> {
  if (member === undefined) throw new Error('not joined')
  const started = now()
  await member.sendFile(args.path)
  return { started, ended: now() }
}

async function awaitReceived(): Promise<{ at: number; path: string; sha256: string }> {
  if (received === undefined) throw new Error('not joined')
  return received
}

async function bareNode(): Promise<Libp2p> {
  node ??= await createSecureChatNode({ listen: ['/ip4/127.0.0.1/tcp/0'], ...ROOM_LIMITS })
  return node
}

/** Reads `path` and writes its bytes into a pipe to the bare relay, with the stream's backpressure. */
async function pipeSend(args: {
  address: string
  key: Uint8Array
  path: string
}): Promise<{ started: number }> {
  const stream = await openPipe(await bareNode(), args.address, 'sender', args.key)
  const started = now()
  for await (const piece of createReadStream(args.path, { highWaterMark: 64 * 1024 })) {
    if (!stream.send(piece as Buffer)) await stream.onDrain()
  }
  await stream.close()
  return { started }
}

/** Takes `bytes` bytes from the bare relay's pipe into `path`; resolves with when the last came. */
async function pipeReceive(args: { address: string; key: Uint8Array; path: string; bytes: number }) {
  const stream = await openPipe(await bareNode(), args.address, 'receiver', args.key)
  const out = createWriteStream(args.path)
  let got = 0
  return new Promise<{ at: number }>((resolve, reject) => {
    stream.addEventListener('message', (event) => {
      got += event.data.byteLength
      // The file's writes have their own backpressure: the stream waits while the disk catches up.
      if (!out.write(event.data.subarray())) {
        stream.pause()
        void once(out, 'drain').then(() => stream.resume())
      }
      if (got >= args.bytes) {
        const at = now()
        out.end(() => resolve({ at }))
      }
    })
    stream.addEventListener('close', (event) => {
      if (got < args.bytes) reject(event.error ?? new Error(`the pipe ended after ${got} bytes`))
    })
  })
}

/** CPU time this process has used, in µs (user and system). */
function cpu(): number {
  const { user, system } = process.cpuUsage()
  return user + system
}

serve({ join, waitForMembers, send, awaitReceived, pipeSend, pipeReceive, cpu }, async () => {
  await member?.close()
  await node?.stop()
})
