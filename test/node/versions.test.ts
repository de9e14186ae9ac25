// Protocol versions: a member of a retired version (1.0.0, 2.0.0 to 2.2.0) is told to update, and a joiner says so when the host speaks another version.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { lpStream } from '@libp2p/utils'
import { JoinRefusedError } from '../../src/node/errors.js'
import { joinRoom } from '../../src/node/join.js'
import { createSecureChatNode } from '../../src/node/libp2p.js'
import { RETIRED_PROTOCOL_MESSAGE } from '../../src/node/retired-protocol.js'
import { PROTOCOL_ID, RETIRED_PROTOCOL_IDS, WIRE_VERSION } from '../../src/protocol/constants.js'
import { decodeFrame, encodeFrame, frame } from '../../src/protocol/frame.js'
import { encodeInvitation } from '../../src/protocol/invitation.js'
import { Reason } from '../../src/protocol/wire/securechat.js'
import { join, record, startHost } from '../helpers/room.js'

describe('protocol versions', () => {
  it('a 1.0.0, 2.0.0, 2.1.0 or 2.2.0 member is refused with VERSION_UNSUPPORTED and told to update; the room is unharmed', async () => {
    const host = await startHost()
    const node = await createSecureChatNode()
    await node.start()
    try {
      assert.deepEqual(RETIRED_PROTOCOL_IDS, [
        '/securechat/1.0.0',
        '/securechat/2.0.0',
        '/securechat/2.1.0',
        '/securechat/2.2.0'
      ])
      for (const [i, retired] of RETIRED_PROTOCOL_IDS.entries()) {
        const stream = await node.dialProtocol(host.addresses(), retired)
        const lp = lpStream(stream)
        // What such a member sends first; the host does not read it, and answers the same either way.
        await lp.write(encodeFrame(frame('hello', { version: i + 1, token: 'gAAAA' })))
        const reply = decodeFrame(await lp.read({ signal: AbortSignal.timeout(5000) }))
        assert.equal(reply.kind, 'refusal')
        if (reply.kind === 'refusal') {
          assert.equal(reply.body.reason, Reason.VERSION_UNSUPPORTED)
          assert.equal(reply.body.message, RETIRED_PROTOCOL_MESSAGE)
          assert.match(reply.body.message, /\/securechat\/2\.3\.0/)
        }
        // Then the stream ends: nothing more comes.
        await assert.rejects(lp.read({ signal: AbortSignal.timeout(5000) }))
      }
      // A member still gets in and talks.
      const alice = await join(host, 'alice')
      const bob = await join(host, 'bob')
      const bobEvents = record(bob)
      await alice.send('still here')
      const got = await new Promise((resolve) =>
        bob.on('message', (m) => m.text === 'still here' && resolve(m.text))
      )
      assert.equal(got, 'still here')
      assert.ok(!bobEvents.some((e) => e.type === 'error'))
      await Promise.all([alice.close(), bob.close()])
    } finally {
      await node.stop()
      await host.close()
    }
  })

  it('a 2.3.0 joiner whose host speaks another version is refused with version-unsupported, not "unreachable"', async () => {
    // A host of another version: a node that speaks some securechat id other than ours.
    const other = await createSecureChatNode({ listen: ['/ip4/127.0.0.1/tcp/0'] })
    await other.start()
    await other.handle('/securechat/9.0.0', (stream) => stream.abort(new Error('not this test')))
    try {
      const invitation = encodeInvitation({
        addresses: other.getMultiaddrs().map((a) => a.bytes),
        token: 'gAAAAA-a-token-the-other-host-would-check'
      })
      await assert.rejects(
        joinRoom(invitation, { answer: 'x', code: '000000', nickname: 'alice' }, { mdns: false }),
        (err) =>
          err instanceof JoinRefusedError &&
          err.code === 'version-unsupported' &&
          err.message.includes(PROTOCOL_ID)
      )
      assert.equal(WIRE_VERSION, 2)
    } finally {
      await other.stop()
    }
  })
})
