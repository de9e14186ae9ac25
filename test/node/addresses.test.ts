import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import {
  invitationAddresses,
  invitationTarget,
  ipv6Groups,
  sourceAddress,
  withPeerId
} from '../../src/node/addresses.js'
import { scopeInvitation } from '../../src/node/invitation-scope.js'
import { confirmedPublicAddresses } from '../../src/node/reach.js'
import { encodeInvitation } from '../../src/protocol/invitation.js'

describe('source addresses for per-source limits', () => {
  it('keys IPv4 by address and IPv6 by its /64', () => {
    assert.equal(sourceAddress(multiaddr('/ip4/192.0.2.7/tcp/1')), '192.0.2.7')
    assert.equal(sourceAddress(multiaddr('/ip6/2001:db8:1:2:aaaa::1/tcp/1')), '2001:db8:1:2::/64')
    assert.equal(sourceAddress(multiaddr('/ip6/2001:db8:1:2:bbbb:cccc:dddd:eeee/tcp/1')), '2001:db8:1:2::/64')
    assert.equal(sourceAddress(multiaddr('/ip6/::1/tcp/1')), '0:0:0:0::/64')
  })

  it('expands IPv6 groups', () => {
    assert.deepEqual(ipv6Groups('fe80::1'), ['fe80', '0', '0', '0', '0', '0', '0', '1'])
    assert.deepEqual(ipv6Groups('2001:DB8:0:0:0:0:0:1'), ['2001', 'db8', '0', '0', '0', '0', '0', '1'])
  })
})

describe('invitation addresses', () => {
  const peer = '/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
  it('prefers LAN addresses to loopback, drops link-local, keeps announced ones first', () => {
    const listening = [
      `/ip4/127.0.0.1/tcp/4455${peer}`,
      `/ip4/192.168.1.20/tcp/4455${peer}`,
      `/ip6/fe80::1/tcp/4455${peer}`
    ].map((a) => multiaddr(a))
    const announced = [multiaddr(`/ip4/203.0.113.5/tcp/4455${peer}`)]
    assert.deepEqual(invitationAddresses(listening, announced).map(String), [
      `/ip4/203.0.113.5/tcp/4455${peer}`,
      `/ip4/192.168.1.20/tcp/4455${peer}`
    ])
  })

  it('falls back to loopback when there is nothing else', () => {
    const listening = [multiaddr(`/ip4/127.0.0.1/tcp/4455${peer}`)]
    assert.deepEqual(invitationAddresses(listening).map(String), [`/ip4/127.0.0.1/tcp/4455${peer}`])
  })
})

describe('relayed addresses', () => {
  const host = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
  const relay = '12D3KooWLdRpQnL1KqVTQ3otAAbwoVX3pD3ZKXUoNWvqQwinXiur'
  const joiner = '12D3KooWBKt5qEu3EpDFRRD7agbiAhKETnWTxJoiPZMxASTKdBTm'
  const circuit = `/ip4/198.18.0.1/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${host}`

  it('keys a relayed connection by relay and remote PeerId, not by the relay IP everyone shares', () => {
    const from = (peer: string) => multiaddr(`/ip4/198.18.0.1/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${peer}`)
    assert.equal(sourceAddress(from(joiner)), `relay:${relay}>${joiner}`)
    assert.notEqual(sourceAddress(from(joiner)), sourceAddress(from(host)))
    assert.equal(sourceAddress(multiaddr('/ip4/198.18.0.1/tcp/4001')), '198.18.0.1')
  })

  it('orders an invitation: announced, LAN, confirmed public, relayed last', () => {
    const listening = [
      multiaddr(circuit),
      multiaddr(`/ip4/198.51.100.9/tcp/4455/p2p/${host}`),
      multiaddr(`/ip4/192.168.1.20/tcp/4455/p2p/${host}`),
      multiaddr(`/ip4/127.0.0.1/tcp/4455/p2p/${host}`)
    ]
    const announced = [multiaddr(`/dns4/chat.example.org/tcp/4455/p2p/${host}`)]
    assert.deepEqual(invitationAddresses(listening, announced).map(String), [
      `/dns4/chat.example.org/tcp/4455/p2p/${host}`,
      `/ip4/192.168.1.20/tcp/4455/p2p/${host}`,
      `/ip4/198.51.100.9/tcp/4455/p2p/${host}`,
      circuit
    ])
  })

  it("an invitation's host is the last /p2p/ of each address, so relayed and direct ones agree", () => {
    const invitation = encodeInvitation({
      addresses: [multiaddr(`/ip4/192.168.1.20/tcp/4455/p2p/${host}`).bytes, multiaddr(circuit).bytes],
      token: 'gAAAAA'
    })
    assert.equal(invitationTarget(invitation).hostPeerId, host)
    assert.equal(
      String(withPeerId(multiaddr(`/ip4/1.2.3.4/tcp/1/p2p/${relay}/p2p-circuit`), host)),
      `/ip4/1.2.3.4/tcp/1/p2p/${relay}/p2p-circuit/p2p/${host}`
    )
  })

  it('keeps relayed and confirmed public addresses in a scoped invitation, withholds other public ones', () => {
    const mapped = `/ip4/198.51.100.9/tcp/4455/p2p/${host}`
    const iface = `/ip4/198.51.100.10/tcp/4455/p2p/${host}`
    const lan = `/ip4/192.168.1.20/tcp/4455/p2p/${host}`
    const all = [lan, mapped, iface, circuit]
    const issued = {
      id: 'x',
      expiresAt: 0,
      addresses: all,
      invitation: encodeInvitation({ addresses: all.map((a) => multiaddr(a).bytes), token: 'gAAAAA' })
    }
    const scoped = scopeInvitation(issued, { includePublic: false, confirmed: [mapped] })
    assert.deepEqual(scoped.addresses, [lan, mapped, circuit])
    assert.deepEqual(scoped.withheld, [iface])
  })

  it('counts as confirmed only public addresses no interface of this machine has', () => {
    const addresses = [
      `/ip4/198.51.100.9/tcp/4455/p2p/${host}`,
      `/ip4/198.51.100.10/tcp/4455/p2p/${host}`,
      `/ip4/10.0.0.2/tcp/4455/p2p/${host}`,
      circuit
    ].map((a) => multiaddr(a))
    assert.deepEqual(confirmedPublicAddresses(addresses, new Set(['198.51.100.10'])).map(String), [
      `/ip4/198.51.100.9/tcp/4455/p2p/${host}`
    ])
  })
})
