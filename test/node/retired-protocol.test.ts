// A stranger on the retired /securechat/1.0.0 must cost the host one frame, not a buffer.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { lpStream } from '@libp2p/utils'
import { CLOSE_FLUSH_MS } from '../../src/node/constants.js'
import { createSecureChatNode } from '../../src/node/libp2p.js'
import { RETIRED_PROTOCOL_IDS } from '../../src/protocol/constants.js'
import { decodeFrame } from '../../src/protocol/frame.js'
import { startHost } from '../helpers/room.js'

const RETIRED = RETIRED_PROTOCOL_IDS[0] as string
const MiB = 2 ** 20

describe('the retired protocol', () => {
  it('a stranger who reads the refusal and keeps writing holds no buffer and no stream at the host', async () => {
    const host = await startHost()
    const stranger = await createSecureChatNode()
    await stranger.start()
    try {
      // Both streams a connection may open, each read until the refusal, then written into, never closed.
      for (let i = 0; i < 2; i++) {
        const stream = await stranger.dialProtocol(host.addresses(), RETIRED)
        const lp = lpStream(stream)
        const reply = decodeFrame(await lp.read({ signal: AbortSignal.timeout(5000) }))
        assert.equal(reply.kind, 'refusal')
        for (let n = 0; n < 12; n++) {
          try {
            stream.send(new Uint8Array(MiB / 4))
          } catch {
            break
          }
        }
      }
      await sleep(CLOSE_FLUSH_MS + 1000)
      const held = host.node
        .getConnections()
        .flatMap((c) => c.streams)
        .filter((s) => s.protocol === RETIRED)
      const buffered = held.reduce((sum, s) => sum + s.readBufferLength, 0)
      assert.equal(
        held.filter((s) => s.status === 'open').length,
        0,
        `${held.length} retired streams still open, holding ${(buffered / MiB).toFixed(1)} MiB unread`
      )
      assert.ok(buffered < 64 * 1024, `the host holds ${(buffered / MiB).toFixed(1)} MiB a stranger sent`)
    } finally {
      await stranger.stop()
      await host.close()
    }
  })
})
