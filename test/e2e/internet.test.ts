/**
 * Real libp2p nodes made by `createSecureChatNode`, each in its own process inside a simulated internet
 * (test/helpers/internet.ts): a relay on the public segment, hosts and joiners behind NAT routers.
 * What it pins down is what the room code builds on: a reservation through NAT, a limited relayed
 * connection, what DCUtR does and does not upgrade in Node.js, how a relay's limit ends a connection, and
 * a UPnP port mapping through a real IGD (miniupnpd). Times are reported, never asserted.
 *
 * Two public prefixes: the default benchmarking block (198.18.0.0/15) where nothing needs to look
 * public, and ROUTABLE where libp2p and miniupnpd must see a public address (they treat every reserved
 * range as private). The namespaces have no link out, so no packet leaves them either way.
 */
import assert from 'node:assert/strict'
import { after, describe, it, type TestContext } from 'node:test'
import {
  internetUnavailable,
  type NatKind,
  type NetHost,
  SimulatedInternet,
  type UpnpGateway,
  upnpUnavailable
} from '../helpers/internet.js'
import { type PeerConfig, type PeerEvent, ReachPeer } from '../helpers/reach-peer.js'

const unavailable = internetUnavailable()
const upnpMissing = unavailable ?? upnpUnavailable()
/** Not a reserved block, so libp2p and miniupnpd take it for public; never leaves the namespaces. */
const ROUTABLE = '11.90.0.0/24'
const RELAY_PORT = 4001
const PORT = 4455
const DCUTR_LOG = 'libp2p:dcutr*'

type Connection = {
  id: string
  remotePeer: string
  remoteAddr: string
  direction: string
  direct: boolean
  status: string
  limits?: { bytes?: string; seconds?: number }
}

const isCircuit = (addr: unknown): boolean => typeof addr === 'string' && addr.includes('/p2p-circuit')

/**
 * How a member can tell that the relay's limit (data or duration) ended its connection: on these
 * versions a relay resets the circuit's streams when a limit is hit, which closes the limited connection
 * with a StreamResetError (status 'aborted'); every other end seen here (the peer leaving or crashing, the
 * relay stopping or crashing) closes it cleanly, with no error.
 */
function endedByRelayLimit(closed: PeerEvent): boolean {
  const error = closed['error'] as { name?: string } | undefined
  return (
    closed['limits'] !== undefined && closed['status'] === 'aborted' && error?.name === 'StreamResetError'
  )
}

/** One topology and the processes in it; every one made is destroyed after the suite. */
class Scenario {
  static readonly all: Scenario[] = []
  readonly net: SimulatedInternet
  readonly peers: ReachPeer[] = []
  readonly gateways: UpnpGateway[] = []
  relayAddr = ''

  /** Homes by name, each with one host `<name>1`. */
  constructor(homes: Record<string, NatKind>, publicPrefix?: string) {
    this.net = new SimulatedInternet({
      prefix: `si${process.pid % 100000}${String.fromCharCode(97 + Scenario.all.length)}`,
      ...(publicPrefix === undefined ? {} : { publicPrefix })
    })
    Scenario.all.push(this)
    for (const [name, nat] of Object.entries(homes)) this.net.addHome(name, { nat, hosts: [`${name}1`] })
  }

  async upnp(home: string): Promise<UpnpGateway> {
    const gateway = await this.net.startUpnp(home)
    this.gateways.push(gateway)
    return gateway
  }

  /** Runs a test body; when it fails, reports the last log lines of every process first. */
  async explain(t: TestContext, body: () => Promise<void>): Promise<void> {
    try {
      await body()
    } catch (err) {
      for (const peer of this.peers) {
        for (const line of peer.log.slice(-40)) t.diagnostic(`${peer.name}: ${line.slice(0, 300)}`)
      }
      for (const gateway of this.gateways) {
        for (const line of gateway.output().split('\n').slice(-10)) {
          t.diagnostic(`miniupnpd ${gateway.home}: ${line}`)
        }
      }
      throw err
    }
  }

  peer(name: string, where: NetHost, config: PeerConfig, debug?: string): ReachPeer {
    const peer = new ReachPeer(name, this.net.exec(where.ns), config, debug === undefined ? {} : { debug })
    this.peers.push(peer)
    return peer
  }

  /**
   * The relay, announcing its address, as `securechat relay --announce` does: announced addresses count
   * as verified, so the relay asks no peer to check them. (With AutoNAT v1 a peer asked to check one
   * answered by closing its own connection to the relay; v2, which the factory runs, dials afresh.)
   */
  async relay(
    server: NonNullable<PeerConfig['relayServer']> = {},
    debug?: string
  ): Promise<{ peer: ReachPeer; addr: string }> {
    const address = `/ip4/${this.net.relay.address}/tcp/${RELAY_PORT}`
    const peer = this.peer(
      'relay',
      this.net.relay,
      { listen: [`/ip4/0.0.0.0/tcp/${RELAY_PORT}`], announce: [address], relayServer: server },
      debug
    )
    const ready = await peer.event('ready')
    this.relayAddr = `${address}/p2p/${ready['peerId']}`
    return { peer, addr: this.relayAddr }
  }

  /** A host listening on PORT and on the relay; resolves once the reservation shows in its addresses. */
  async host(
    where: NetHost,
    extra: Partial<PeerConfig> = {},
    debug?: string
  ): Promise<{ peer: ReachPeer; id: string; circuit: PeerEvent }> {
    const peer = this.peer(
      'host',
      where,
      { reach: true, listen: [`/ip4/0.0.0.0/tcp/${PORT}`, `${this.relayAddr}/p2p-circuit`], ...extra },
      debug
    )
    const ready = await peer.event('ready')
    const circuit = (ready['addrs'] as string[]).some(isCircuit)
      ? ready
      : await peer.event(
          'self:peer:update',
          (e) => (e['addrs'] as string[]).some(isCircuit),
          'a relayed address'
        )
    return { peer, id: ready['peerId'] as string, circuit }
  }

  circuitTo(peerId: string): string {
    return `${this.relayAddr}/p2p-circuit/p2p/${peerId}`
  }

  async destroy(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.stop()))
    await this.net.destroy()
  }
}

async function dialOk(peer: ReachPeer, addr: string): Promise<Connection> {
  const from = peer.events.length
  peer.send({ cmd: 'dial', addr })
  const result = await peer.until(
    () => peer.events.slice(from).find((e) => e.type === 'dialed' || e.type === 'dial-failed'),
    `a dial of ${addr}`
  )
  assert.equal(result.type, 'dialed', `dial of ${addr} failed: ${result['name']}: ${result['message']}`)
  return result['connection'] as Connection
}

async function echo(peer: ReachPeer, remotePeer: string, bytes: number, chunk?: number): Promise<PeerEvent> {
  const from = peer.events.length
  peer.send({ cmd: 'echo', peer: remotePeer, bytes, ...(chunk === undefined ? {} : { chunk }) })
  return peer.until(
    () => peer.events.slice(from).find((e) => e.type === 'echoed' || e.type === 'echo-failed'),
    'the echo'
  )
}

async function connections(peer: ReachPeer): Promise<Connection[]> {
  const from = peer.events.length
  peer.send({ cmd: 'connections' })
  return (await peer.event('connections', () => true, 'connections', 10_000, from))[
    'connections'
  ] as Connection[]
}

/** Waits until the host's DCUtR has given up on every attempt (its log says so). */
async function dcutrGaveUp(host: ReachPeer): Promise<string[]> {
  await host.until(
    () => (host.logLines('DCUtR on attempt 3 of 3').length > 0 ? true : undefined),
    'DCUtR to give up (its third attempt)'
  )
  return host.logLines(/libp2p:dcutr/).map((l) => l.replace(/^\S+ /, '').slice(0, 240))
}

/** The address manager's entries (type, verified), from the child's `addresses` command. */
async function addressMeta(
  peer: ReachPeer
): Promise<Array<{ multiaddr: string; type: string; verified: boolean }>> {
  const from = peer.events.length
  peer.send({ cmd: 'addresses' })
  return (await peer.event('addresses', () => true, 'addresses', 10_000, from))['meta'] as Array<{
    multiaddr: string
    type: string
    verified: boolean
  }>
}

describe('a simulated internet (namespaces, NAT routers)', { skip: unavailable }, () => {
  after(async () => {
    for (const s of Scenario.all) await s.destroy()
  })

  it('routers masquerade as their kind says and keep homes apart', async () => {
    const { net } = new Scenario({ a: 'port-preserving', b: 'symmetric', c: 'none' })
    const [a, b, c] = [net.home('a'), net.home('b'), net.home('c')]
    net.assertIsolated()
    const server = await net.serveTcp('relay', 7000)
    await net.serveTcp('a1', 7001)
    const first = await net.observedFrom('a1', net.relay.address, 7000, 40000)
    assert.equal(first, `${a.router?.wanAddress}:40000`, 'port-preserving NAT keeps a free source port')
    const seen = [
      await net.observedFrom('b1', net.relay.address, 7000, 40000),
      await net.observedFrom('b1', net.relay.address, 7000, 40001)
    ]
    assert.ok(
      seen.every((o) => o.startsWith(`${b.router?.wanAddress}:`) && !/:4000[01]$/.test(o)),
      `symmetric NAT picks its own ports: ${seen}`
    )
    assert.equal(
      await net.observedFrom('c1', net.relay.address, 7000, 40002),
      `${c.hosts[0]?.address}:40002`,
      'no NAT for an open home'
    )
    assert.equal(
      await net.canConnect('relay', a.router?.wanAddress as string, 7001, 1000),
      false,
      'inbound is firewalled'
    )
    assert.equal(
      await net.canConnect('b1', a.hosts[0]?.address as string, 7001, 1000),
      false,
      'no route between homes'
    )
    assert.equal(await net.canConnect('c1', a.hosts[0]?.address as string, 7001, 1000), false)
    await server.close()
  })

  it('a host behind NAT holds a relay reservation; a joiner behind NAT reaches it through the relay', {
    timeout: 60_000
  }, async (t) => {
    const s = new Scenario({ a: 'port-preserving', b: 'port-preserving' })
    await s.explain(t, async () => {
      await s.relay()
      const started = Date.now()
      const host = await s.host(s.net.host('a1'), {}, DCUTR_LOG)
      const addrs = host.circuit['addrs'] as string[]
      t.diagnostic(
        `reservation after ${host.circuit.at - started} ms (process start included); addresses: ${addrs.join(' ')}`
      )
      assert.ok(addrs.includes(`${s.circuitTo(host.id)}`), 'the relayed address is advertised')

      const joiner = s.peer('joiner', s.net.host('b1'), { reach: true }, DCUTR_LOG)
      await joiner.event('ready')
      const dialStarted = Date.now()
      const relayed = await dialOk(joiner, s.circuitTo(host.id))
      t.diagnostic(`dial through the relay: ${Date.now() - dialStarted} ms`)
      assert.equal(relayed.remoteAddr, s.circuitTo(host.id))
      assert.equal(relayed.direct, false)
      assert.ok(
        relayed.limits?.bytes !== undefined && BigInt(relayed.limits.bytes) <= 131072n,
        'limited by bytes'
      )
      const inbound = await host.peer.event(
        'connection:open',
        (e) => isCircuit(e['remoteAddr']),
        'the relayed connection'
      )
      assert.equal(inbound['direction'], 'inbound')
      assert.ok(inbound['limits'] !== undefined)
      t.diagnostic(`joiner sees ${relayed.remoteAddr} limits ${JSON.stringify(relayed.limits)}`)
      t.diagnostic(`host sees ${inbound['remoteAddr']} limits ${JSON.stringify(inbound['limits'])}`)

      const echoed = await echo(joiner, host.id, 2000)
      assert.equal(echoed.type, 'echoed', `echo over the relayed connection: ${echoed['message']}`)

      // Nothing here looks public, and Node's TCP dials cannot come from the listening port: DCUtR has
      // no address to try, so the connection stays relayed.
      for (const line of await dcutrGaveUp(host.peer)) t.diagnostic(`host ${line}`)
      for (const line of joiner.logLines(/libp2p:dcutr/).slice(0, 2))
        t.diagnostic(`joiner ${line.slice(25, 260)}`)
      const toHost = (await connections(joiner)).filter((c) => c.remotePeer === host.id)
      assert.deepEqual(
        toHost.map((c) => isCircuit(c.remoteAddr)),
        [true],
        'still exactly one connection, relayed'
      )
    })
  })

  it('symmetric NAT on one side: relayed works and stays relayed', { timeout: 60_000 }, async (t) => {
    // On a routable prefix, so that nothing but the NAT stands between DCUtR and a direct connection.
    const s = new Scenario({ a: 'port-preserving', b: 'symmetric' }, ROUTABLE)
    await s.explain(t, async () => {
      await s.relay()
      const host = await s.host(s.net.host('a1'), {}, DCUTR_LOG)
      const joiner = s.peer(
        'joiner',
        s.net.host('b1'),
        { reach: true, listen: [`/ip4/0.0.0.0/tcp/${PORT}`] },
        DCUTR_LOG
      )
      await joiner.event('ready')
      const relayed = await dialOk(joiner, s.circuitTo(host.id))
      assert.ok(isCircuit(relayed.remoteAddr))
      for (const line of await dcutrGaveUp(host.peer)) t.diagnostic(`host ${line}`)
      const echoed = await echo(joiner, host.id, 2000)
      assert.equal(echoed.type, 'echoed', `echo after DCUtR gave up: ${echoed['message']}`)
      const toHost = (await connections(joiner)).filter((c) => c.remotePeer === host.id)
      assert.deepEqual(
        toHost.map((c) => isCircuit(c.remoteAddr)),
        [true]
      )
    })
  })

  it("a relay's limit ends the connection with a cause a member can tell apart", {
    timeout: 60_000
  }, async (t) => {
    const s = new Scenario({ a: 'port-preserving', b: 'port-preserving', c: 'port-preserving' })
    await s.explain(t, async () => {
      await s.relay({ defaultDataLimit: '8192' })
      const host = await s.host(s.net.host('a1'))
      const joiner = s.peer('joiner', s.net.host('b1'), { reach: true })
      await joiner.event('ready')
      const relayed = await dialOk(joiner, s.circuitTo(host.id))
      const echoed = await echo(joiner, host.id, 20_000, 256)
      assert.equal(echoed.type, 'echo-failed', 'the relay cut the transfer')
      t.diagnostic(
        `echo ended: ${echoed['name']}: ${echoed['message']} after ${echoed['received']} of 20000 bytes`
      )
      const joinerSaw = await joiner.event(
        'connection:closed-event',
        (e) => e['id'] === relayed.id,
        'the close'
      )
      const hostSaw = await host.peer.event(
        'connection:closed-event',
        (e) => isCircuit(e['remoteAddr']),
        'the close'
      )
      for (const [who, e] of [
        ['joiner', joinerSaw],
        ['host', hostSaw]
      ] as const) {
        t.diagnostic(
          `${who}: status ${e['status']}, error ${JSON.stringify(e['error'])}, limits ${JSON.stringify(e['limits'])}`
        )
        assert.ok(endedByRelayLimit(e), `${who} can tell the relay's limit ended it`)
      }

      // The same host and relay, a connection that ends for another reason: the host leaves.
      const other = s.peer('joiner2', s.net.host('c1'), { reach: true })
      await other.event('ready')
      const second = await dialOk(other, s.circuitTo(host.id))
      await host.peer.stop()
      const otherSaw = await other.event('connection:closed-event', (e) => e['id'] === second.id, 'the close')
      t.diagnostic(`host left: status ${otherSaw['status']}, error ${JSON.stringify(otherSaw['error'])}`)
      assert.equal(endedByRelayLimit(otherSaw), false, 'a peer leaving is not the relay limit')
    })
  })

  describe('UPnP through a real IGD (miniupnpd in the router)', {
    skip: upnpMissing,
    // Each waits for upnp-nat's 5 s debounce before it maps anything; their topologies are apart.
    concurrency: true
  }, () => {
    it('the host maps its port, AutoNAT confirms it through the relay, outsiders reach it there', {
      timeout: 60_000
    }, async (t) => {
      const s = new Scenario({ a: 'port-preserving', b: 'port-preserving' }, ROUTABLE)
      const a = s.net.home('a')
      const probe = s.net.addPublicHost('probe')
      const gateway = await s.upnp('a')
      const wan = a.router?.wanAddress as string
      const publicAddr = `/ip4/${wan}/tcp/${PORT}`
      await s.explain(t, async () => {
        await s.relay()
        const started = Date.now()
        // Found by SSDP on the LAN (the default route carries the multicast; no gateways list needed).
        // No autoConfirmAddress: the mapping is offered only once AutoNAT v2 (the relay dials back
        // on a fresh connection) has confirmed it.
        const host = await s.host(s.net.host('a1'), { upnp: true }, 'libp2p:upnp-nat*,libp2p:auto-nat*')
        const mapped = await host.peer.event(
          'self:peer:update',
          (e) => (e['addrs'] as string[]).some((addr) => addr.startsWith(`${publicAddr}/`)),
          'the mapped public address',
          30_000
        )
        t.diagnostic(`public address ${publicAddr} in getMultiaddrs() ${mapped.at - started} ms after start`)
        for (const line of host.peer.logLines('mapping'))
          t.diagnostic(`host ${line.replace(/^\S+ /, '').slice(0, 200)}`)
        assert.match(
          gateway.output(),
          new RegExp(`redirecting port ${PORT} to ${a.hosts[0]?.address}:${PORT}`)
        )
        assert.match(
          s.net.ruleset('a'),
          new RegExp(`dnat ip to ${a.hosts[0]?.address.replaceAll('.', '\\.')}:${PORT}`)
        )
        assert.ok(await s.net.canConnect(probe.name, wan, PORT), 'the mapping forwards through the firewall')

        const joiner = s.peer('joiner', s.net.host('b1'), { reach: true })
        await joiner.event('ready')
        const direct = await dialOk(joiner, `${publicAddr}/p2p/${host.id}`)
        assert.equal(direct.direct, true)
        const echoed = await echo(joiner, host.id, 2000)
        assert.equal(echoed.type, 'echoed', `echo over the mapped port: ${echoed['message']}`)
      })
    })

    it("a joiner whose router maps its port: DCUtR's unilateral upgrade makes the connection direct", {
      timeout: 60_000
    }, async (t) => {
      const s = new Scenario({ a: 'port-preserving', b: 'port-preserving' }, ROUTABLE)
      const b = s.net.home('b')
      await s.upnp('b')
      const joinerPublic = `/ip4/${b.router?.wanAddress}/tcp/${PORT}`
      await s.explain(t, async () => {
        await s.relay()
        const host = await s.host(s.net.host('a1'), {}, DCUTR_LOG)
        const joiner = s.peer('joiner', s.net.host('b1'), {
          reach: true,
          listen: [`/ip4/0.0.0.0/tcp/${PORT}`],
          upnp: true
        })
        // AutoNAT needs a peer to dial the mapping back: the relay, once the joiner is connected to it.
        await joiner.event('ready')
        await dialOk(joiner, s.relayAddr as string)
        await joiner.event(
          'self:peer:update',
          (e) => (e['addrs'] as string[]).some((addr) => addr.startsWith(`${joinerPublic}/`)),
          "the joiner's mapped address",
          30_000
        )
        const relayed = await dialOk(joiner, s.circuitTo(host.id))
        const opened = await joiner.event(
          'connection:open',
          (e) => e['id'] === relayed.id,
          'the relayed open'
        )
        const direct = await joiner.event(
          'connection:open',
          (e) => e['remotePeer'] === host.id && !isCircuit(e['remoteAddr']),
          'a direct connection from the host'
        )
        t.diagnostic(
          `relayed → direct in ${direct.at - opened.at} ms (${direct['direction']} from ${direct['remoteAddr']})`
        )
        for (const line of host.peer.logLines('unilateral'))
          t.diagnostic(`host ${line.replace(/^\S+ /, '').slice(0, 220)}`)
        assert.equal(direct['direction'], 'inbound', 'the host (inbound on the relay) dialed the joiner')
        await joiner.event(
          'connection:close',
          (e) => e['id'] === relayed.id,
          'the relayed connection to close'
        )
        const echoed = await echo(joiner, host.id, 2000)
        assert.equal(echoed.type, 'echoed', `echo over the direct connection: ${echoed['message']}`)
        assert.equal((echoed['connection'] as Connection).direct, true)
      })
    })

    // With AutoNAT v1 (3.0.28) the joiner, asked to verify the host's mapping, dialed back over the
    // connection it already had and then closed it: its own connection to the host. v2 dials afresh.
    it('a joiner dialing a UPnP host while AutoNAT checks the mapping keeps its connection', {
      timeout: 60_000
    }, async (t) => {
      const s = new Scenario({ a: 'port-preserving', b: 'port-preserving' }, ROUTABLE)
      const a = s.net.home('a')
      await s.upnp('a')
      const publicAddr = `/ip4/${a.router?.wanAddress}/tcp/${PORT}`
      await s.relay()
      const host = await s.host(s.net.host('a1'), { upnp: true }, 'libp2p:auto-nat*')
      // The mapping exists but stays unverified, so it is not in getMultiaddrs() and no event says so.
      const deadline = Date.now() + 30_000
      let meta = await addressMeta(host.peer)
      while (!meta.some((m) => m.type === 'ip-mapping') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500))
        meta = await addressMeta(host.peer)
      }
      t.diagnostic(`host address entries: ${JSON.stringify(meta)}`)
      const joiner = s.peer('joiner', s.net.host('b1'), { reach: true }, 'libp2p:auto-nat*')
      await joiner.event('ready')
      await dialOk(joiner, `${publicAddr}/p2p/${host.id}`)
      const echoed = await echo(joiner, host.id, 2000)
      for (const line of joiner.logLines('auto-nat'))
        t.diagnostic(`joiner ${line.replace(/^\S+ /, '').slice(0, 200)}`)
      assert.equal(echoed.type, 'echoed', `echo over the mapped port: ${echoed['message']}`)
    })
  })
})
