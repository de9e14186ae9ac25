/**
 * An invitation that grows with relayed addresses stays pasteable and fits a QR code: the sizes of
 * realistic ones, with a real token from the host's invitation book.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { qrWidth } from '../../src/cli/qr.js'
import { decodeInvitation, encodeInvitation } from '../../src/protocol/invitation.js'
import { startHost } from '../helpers/room.js'

const HOST = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
const RELAYS = [
  '12D3KooWLdRpQnL1KqVTQ3otAAbwoVX3pD3ZKXUoNWvqQwinXiur',
  '12D3KooWBKt5qEu3EpDFRRD7agbiAhKETnWTxJoiPZMxASTKdBTm'
]
const LAN = [`/ip4/192.168.1.20/tcp/4455/p2p/${HOST}`, `/ip6/fd00::1234:5678:9abc:def0/tcp/4455/p2p/${HOST}`]
const PUBLIC = [`/ip4/203.0.113.7/tcp/4455/p2p/${HOST}`]
const RELAYED = RELAYS.map((r, i) => `/ip4/198.51.100.${i + 1}/tcp/4456/p2p/${r}/p2p-circuit/p2p/${HOST}`)

describe('invitation size with relayed addresses', () => {
  it('LAN, public and two relayed addresses: still one pasteable line, and a QR code', async (t) => {
    const host = await startHost()
    const { token } = decodeInvitation((await host.invite()).invitation)
    await host.close()
    const cases: [string, string[]][] = [
      ['LAN only', LAN],
      ['LAN + public', [...LAN, ...PUBLIC]],
      ['LAN + public + 1 relay', [...LAN, ...PUBLIC, RELAYED[0] as string]],
      ['LAN + public + 2 relays', [...LAN, ...PUBLIC, ...RELAYED]]
    ]
    for (const [name, addresses] of cases) {
      const invitation = encodeInvitation({ addresses: addresses.map((a) => multiaddr(a).bytes), token })
      const width = qrWidth(invitation)
      t.diagnostic(`${name}: ${invitation.length} characters, QR code ${width} modules wide`)
      assert.ok(/^sc1[A-Za-z0-9_-]+$/.test(invitation), 'one line, no character a chat window would break')
      assert.ok(width !== undefined, `${name} fits a QR code`)
      assert.deepEqual(decodeInvitation(invitation).addresses.length, addresses.length)
    }
  })
})
