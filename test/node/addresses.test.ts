import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { invitationAddresses, ipv6Groups, sourceAddress } from '../../src/node/addresses.js'

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
