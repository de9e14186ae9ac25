/**
 * A simulated internet made of network namespaces the test creates itself:
 *
 * - a "public" segment: one namespace holding a bridge (`<prefix>-pub`), and on it a relay namespace
 *   (`<prefix>-relay`) and any further public hosts, each with a public address;
 * - home networks: a router namespace (`<prefix>-<home>-r`) with a WAN leg (`wan0`, a public address on
 *   the segment) and a LAN bridge (`lan0`, 10.<n>.0.1/24) to one or more host namespaces
 *   (`<prefix>-<host>`, 10.<n>.0.2… with a default route via the router). The router forwards, source-NATs
 *   what leaves by `wan0` with nftables (`masquerade`, which keeps the source port when it is free: a
 *   port-preserving home router; or `masquerade fully-random`: a symmetric NAT) and firewalls inbound
 *   (forward policy drop, `ct state established,related accept`, LAN → WAN accept), so no home reaches
 *   another except through NAT over the public segment. A home of kind `'none'` has no router: its hosts
 *   sit on the public segment with public addresses;
 * - optionally a UPnP IGD in a router: Debian's `miniupnpd` (nftables backend) in the router namespace,
 *   adding its DNAT and forward-accept rules to the router's own nftables table.
 *
 * Isolation: no interface in these namespaces has a link to the machine's own namespace or to any
 * device: every interface is loopback, a bridge, or a veth whose peer is in another namespace of this
 * internet, and every default route points at one of its own routers. Nothing sent here can leave it,
 * whatever the destination address; `assertIsolated()` checks exactly that, and the constructor calls it.
 * So the public prefix is a choice of what the software under test sees, not of where packets go:
 * the default, 198.18.0.0/15 (benchmarking), suits everything that only needs a relay; libp2p
 * (DCUtR, AutoNAT, UPnP) and miniupnpd treat every reserved range as private and refuse to work on it, so
 * the tests that need a "public" address pass a non-reserved block as `publicPrefix`.
 *
 * Nothing here touches the machine's own interfaces or routes, and `destroy()` removes every namespace
 * (which takes their interfaces, routes, nftables tables and conntrack entries with them) and stops the
 * UPnP daemons.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** How a home router maps its hosts' connections onto its public address. */
export type NatKind = 'port-preserving' | 'symmetric' | 'none'

export const MINIUPNPD = '/usr/sbin/miniupnpd'
/** The LAN port miniupnpd's HTTP (SOAP) server listens on in a router. */
export const UPNP_HTTP_PORT = 5000

export interface InternetOptions {
  /** Namespace name prefix. @default `si<pid>` */
  prefix?: string
  /**
   * The public segment's addresses, as a CIDR block; its hosts get the first addresses in it.
   * @default '198.18.0.0/15'
   */
  publicPrefix?: string
}

export interface NetHost {
  name: string
  ns: string
  /** Its address: public for the relay, public hosts and hosts of a `'none'` home; 10.x otherwise. */
  address: string
  /** The home it is in, if any. */
  home?: string
}

export interface Router {
  ns: string
  /** The public address of its WAN leg (`wan0`). */
  wanAddress: string
  /** Its address on the LAN bridge (`lan0`): the hosts' gateway. */
  lanAddress: string
}

export interface Home {
  name: string
  nat: NatKind
  /** Absent for a `'none'` home, whose hosts are on the public segment. */
  router?: Router
  /** The LAN's CIDR (10.<n>.0.0/24), or the public prefix for a `'none'` home. */
  subnet: string
  hosts: NetHost[]
}

export interface HomeOptions {
  /** @default 'port-preserving' */
  nat?: NatKind
  /** Names of the home's hosts (unique in the whole internet). @default [`<home>1`] */
  hosts?: string[]
}

export interface UpnpOptions {
  /** Also answer NAT-PMP/PCP. @default false */
  natPmp?: boolean
  /** miniupnpd's `secure_mode` (a client may map only to its own address). @default true */
  secureMode?: boolean
  /**
   * Permission rules (`allow|deny <ext ports> <ip/mask> <int ports>`), first match wins.
   * @default [`allow 1024-65535 <LAN subnet> 1024-65535`, 'deny 0-65535 0.0.0.0/0 0-65535']
   */
  rules?: string[]
}

export interface UpnpGateway {
  home: string
  /** The IGD's root description, which a client may be given instead of discovering it by SSDP. */
  rootDescUrl: string
  process: ChildProcess
  /** Everything miniupnpd printed so far (it logs to stderr in the foreground). */
  output(): string
  stop(): Promise<void>
}

export interface TcpServer {
  /** Lines the server printed: `accepted <remote ip>:<remote port>` for each connection. */
  lines: string[]
  close(): Promise<void>
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function inNs(ns: string, command: string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...command], {
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
  })
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message: string }
  return (e.stderr?.trim() || e.message).split('\n')[0] ?? ''
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0)
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

/** Why a simulated internet cannot be built here, or undefined when it can. */
export function internetUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root'
  try {
    run('nft', ['--version'])
  } catch {
    return 'nft (nftables) is not installed: the routers NAT and firewall with it'
  }
  const probe = `siprobe${process.pid}`
  try {
    run('ip', ['netns', 'add', probe])
  } catch (err) {
    return `ip netns add failed: ${firstLine(err)}`
  }
  try {
    inNs(probe, ['ip', 'link', 'add', 'br0', 'type', 'bridge'])
    inNs(probe, ['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'])
    inNs(
      probe,
      ['nft', '-f', '-'],
      'table ip probe {\n  chain post {\n    type nat hook postrouting priority srcnat;\n    masquerade fully-random\n  }\n}\n'
    )
    inNs(probe, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'])
    return undefined
  } catch (err) {
    return `a namespace cannot be made a NAT router here: ${firstLine(err)}`
  } finally {
    try {
      run('ip', ['netns', 'del', probe])
    } catch {}
  }
}

/** Why a UPnP gateway (miniupnpd) cannot run in a router here, or undefined when it can. */
export function upnpUnavailable(): string | undefined {
  if (!existsSync(MINIUPNPD)) {
    return `${MINIUPNPD} is missing (Debian package miniupnpd-nftables; .ci/run installs it)`
  }
  let version: string
  try {
    version = run(MINIUPNPD, ['--version'])
  } catch (err) {
    return `miniupnpd --version failed: ${firstLine(err)}`
  }
  if (!version.includes('nftables')) {
    return `this miniupnpd is not built for nftables (${version.trim().replace(/\n/g, '; ')}): install miniupnpd-nftables`
  }
  return undefined
}

export class SimulatedInternet {
  readonly prefix: string
  readonly publicPrefix: string
  /** The namespace holding the public segment's bridge. */
  readonly publicNs: string
  readonly relay: NetHost
  readonly homes = new Map<string, Home>()
  readonly hosts = new Map<string, NetHost>()
  private readonly namespaces: string[] = []
  private readonly publicBase: number
  private readonly publicLength: number
  private nextPublic = 1
  private nextPort = 1
  private readonly gateways = new Set<UpnpGateway>()
  private readonly children = new Set<ChildProcess>()
  private readonly tempDirs: string[] = []

  constructor(options: InternetOptions = {}) {
    this.prefix = options.prefix ?? `si${process.pid % 100000}`
    this.publicPrefix = options.publicPrefix ?? '198.18.0.0/15'
    const [base, length] = this.publicPrefix.split('/')
    this.publicLength = Number(length)
    if (base === undefined || !(this.publicLength >= 8 && this.publicLength <= 24)) {
      throw new Error(`publicPrefix must be an IPv4 CIDR from /8 to /24, not ${this.publicPrefix}`)
    }
    this.publicBase = (ipToInt(base) & (~0 << (32 - this.publicLength))) >>> 0
    this.publicNs = `${this.prefix}-pub`
    try {
      this.addNs(this.publicNs)
      inNs(this.publicNs, ['ip', 'link', 'add', 'br0', 'type', 'bridge'])
      inNs(this.publicNs, ['ip', 'link', 'set', 'br0', 'up'])
      this.relay = this.addPublicHost('relay')
      this.assertIsolated()
    } catch (err) {
      this.destroySync()
      throw err
    }
  }

  /** A namespace on the public segment with the next public address (a server, a probe). */
  addPublicHost(name: string, home?: string): NetHost {
    const ns = `${this.prefix}-${name}`
    this.addNs(ns)
    const address = this.plugIntoPublic(ns, 'eth0')
    const host: NetHost = { name, ns, address, ...(home === undefined ? {} : { home }) }
    this.addHost(host)
    return host
  }

  /** A home network behind its own router, or (`nat: 'none'`) hosts straight on the public segment. */
  addHome(name: string, options: HomeOptions = {}): Home {
    if (this.homes.has(name)) throw new Error(`home ${name} exists`)
    const nat = options.nat ?? 'port-preserving'
    const hostNames = options.hosts ?? [`${name}1`]
    if (nat === 'none') {
      const home: Home = { name, nat, subnet: this.publicPrefix, hosts: [] }
      this.homes.set(name, home)
      for (const hostName of hostNames) home.hosts.push(this.addPublicHost(hostName, name))
      return home
    }
    const n = this.homes.size + 1
    const subnet = `10.${n}.0.0/24`
    const ns = `${this.prefix}-${name}-r`
    this.addNs(ns)
    const wanAddress = this.plugIntoPublic(ns, 'wan0')
    const lanAddress = `10.${n}.0.1`
    inNs(ns, ['ip', 'link', 'add', 'lan0', 'type', 'bridge'])
    inNs(ns, ['ip', 'addr', 'add', `${lanAddress}/24`, 'dev', 'lan0'])
    inNs(ns, ['ip', 'link', 'set', 'lan0', 'up'])
    inNs(ns, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'])
    inNs(ns, ['nft', '-f', '-'], routerRuleset(nat))
    const home: Home = { name, nat, router: { ns, wanAddress, lanAddress }, subnet, hosts: [] }
    this.homes.set(name, home)
    hostNames.forEach((hostName, i) => {
      const hostNs = `${this.prefix}-${hostName}`
      const address = `10.${n}.0.${i + 2}`
      this.addNs(hostNs)
      const port = `l${i}`
      run('ip', ['link', 'add', port, 'netns', ns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', hostNs])
      inNs(ns, ['ip', 'link', 'set', port, 'master', 'lan0'])
      inNs(ns, ['ip', 'link', 'set', port, 'up'])
      inNs(hostNs, ['ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0'])
      inNs(hostNs, ['ip', 'link', 'set', 'eth0', 'up'])
      inNs(hostNs, ['ip', 'route', 'add', 'default', 'via', lanAddress])
      const host: NetHost = { name: hostName, ns: hostNs, address, home: name }
      home.hosts.push(host)
      this.addHost(host)
    })
    this.assertIsolated()
    return home
  }

  host(name: string): NetHost {
    const host = this.hosts.get(name)
    if (host === undefined) throw new Error(`no host ${name} in the simulated internet`)
    return host
  }

  home(name: string): Home {
    const home = this.homes.get(name)
    if (home === undefined) throw new Error(`no home ${name} in the simulated internet`)
    return home
  }

  /** The command prefix that runs a program inside a host's (or any of our namespaces') namespace. */
  exec(nameOrNs: string): string[] {
    return ['ip', 'netns', 'exec', this.nsOf(nameOrNs)]
  }

  /** Runs a command in a namespace and returns its output (throws on failure). */
  run(nameOrNs: string, command: string[]): string {
    return inNs(this.nsOf(nameOrNs), command)
  }

  /** The router's nftables ruleset (its NAT, firewall and any UPnP mappings), for diagnostics. */
  ruleset(home: string): string {
    const router = this.home(home).router
    if (router === undefined) return `(home ${home} has no router)`
    return inNs(router.ns, ['nft', 'list', 'ruleset'])
  }

  /** Whether a TCP connection from `from`'s namespace to ip:port completes within `timeoutMs`. */
  async canConnect(from: string, ip: string, port: number, timeoutMs = 2000): Promise<boolean> {
    const script = `const s = require('node:net').connect({ host: ${JSON.stringify(ip)}, port: ${port} });
s.setTimeout(${timeoutMs}, () => process.exit(1));
s.on('connect', () => { s.destroy(); process.exit(0) });
s.on('error', () => process.exit(1));`
    const child = spawn('ip', ['netns', 'exec', this.nsOf(from), process.execPath, '-e', script], {
      stdio: 'ignore'
    })
    this.children.add(child)
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    this.children.delete(child)
    return code === 0
  }

  /**
   * A TCP server in a host's namespace that accepts connections and records where each came from (as the
   * server sees it: after any NAT on the way). For checking reachability and what a NAT does to ports.
   */
  async serveTcp(name: string, port: number, address = '0.0.0.0'): Promise<TcpServer> {
    const script = `const net = require('node:net');
const server = net.createServer((s) => { console.log('accepted ' + s.remoteAddress + ':' + s.remotePort); s.end(s.remoteAddress + ':' + s.remotePort + '\\n') });
server.listen(${port}, ${JSON.stringify(address)}, () => console.log('listening'));
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`
    const child = spawn('ip', ['netns', 'exec', this.nsOf(name), process.execPath, '-e', script], {
      stdio: ['pipe', 'pipe', 'pipe']
    })
    this.children.add(child)
    const lines: string[] = []
    let buffered = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString()
        const parts = buffered.split('\n')
        buffered = parts.pop() ?? ''
        for (const line of parts) {
          if (line === 'listening') resolve()
          else lines.push(line)
        }
      })
      child.on('exit', (code) => reject(new Error(`TCP server in ${name} exited with ${code}`)))
    })
    return {
      lines,
      close: async () => {
        if (child.exitCode !== null) return
        const exited = new Promise((resolve) => child.on('exit', resolve))
        child.stdin?.end()
        await exited
        this.children.delete(child)
      }
    }
  }

  /**
   * Connects from a host to ip:port, optionally from a fixed local port, and returns the "ip:port" the
   * server saw (what serveTcp answers): the NAT's mapping of this connection.
   */
  async observedFrom(from: string, ip: string, port: number, localPort?: number): Promise<string> {
    const script = `const s = require('node:net').connect({ host: ${JSON.stringify(ip)}, port: ${port}${localPort === undefined ? '' : `, localPort: ${localPort}`} });
let got = ''; s.setTimeout(3000, () => process.exit(1));
s.on('data', (d) => { got += d }); s.on('end', () => { process.stdout.write(got.trim()); process.exit(0) });
s.on('error', (e) => { console.error(e.message); process.exit(1) });`
    return inNs(this.nsOf(from), [process.execPath, '-e', script]).trim()
  }

  /**
   * Runs miniupnpd (UPnP IGD, nftables backend) in a home's router, in the foreground: LAN side `lan0`,
   * WAN side `wan0`, secure mode, mappings allowed for the LAN's own subnet only. Its rules go into
   * the router's nftables table (`inet router`), whose forward chain jumps to them, so a mapping it makes
   * really forwards through the firewall. Resolves once its HTTP server answers on the LAN.
   */
  async startUpnp(homeName: string, options: UpnpOptions = {}): Promise<UpnpGateway> {
    const why = upnpUnavailable()
    if (why !== undefined) throw new Error(why)
    const home = this.home(homeName)
    const router = home.router
    if (router === undefined) throw new Error(`home ${homeName} has no router to run miniupnpd in`)
    const dir = mkdtempSync(join(tmpdir(), `${this.prefix}-upnp-`))
    this.tempDirs.push(dir)
    const config = [
      'ext_ifname=wan0',
      'listening_ip=lan0',
      `port=${UPNP_HTTP_PORT}`,
      `enable_natpmp=${options.natPmp === true ? 'yes' : 'no'}`,
      'enable_upnp=yes',
      `secure_mode=${options.secureMode === false ? 'no' : 'yes'}`,
      'system_uptime=no',
      'notify_interval=30',
      'clean_ruleset_interval=600',
      'upnp_table_name=router',
      'upnp_nat_table_name=router',
      'upnp_forward_chain=miniupnpd',
      'upnp_nat_chain=prerouting_miniupnpd',
      'upnp_nat_postrouting_chain=postrouting_miniupnpd',
      `uuid=${uuidFor(this.prefix, homeName)}`,
      ...(options.rules ?? [`allow 1024-65535 ${home.subnet} 1024-65535`, 'deny 0-65535 0.0.0.0/0 0-65535']),
      ''
    ].join('\n')
    const configFile = join(dir, 'miniupnpd.conf')
    writeFileSync(configFile, config)
    const child = spawn(
      'ip',
      ['netns', 'exec', router.ns, MINIUPNPD, '-d', '-f', configFile, '-P', join(dir, 'miniupnpd.pid')],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    this.children.add(child)
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const gateway: UpnpGateway = {
      home: homeName,
      rootDescUrl: `http://${router.lanAddress}:${UPNP_HTTP_PORT}/rootDesc.xml`,
      process: child,
      output: () => output,
      stop: async () => {
        this.gateways.delete(gateway)
        if (child.exitCode !== null || child.signalCode !== null) return
        const exited = new Promise((resolve) => child.on('exit', resolve))
        child.kill('SIGTERM')
        await exited
        this.children.delete(child)
      }
    }
    this.gateways.add(gateway)
    const probe = home.hosts[0]?.name ?? router.ns
    const deadline = Date.now() + 5000
    while (!(await this.canConnect(probe, router.lanAddress, UPNP_HTTP_PORT, 500))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await gateway.stop()
        throw new Error(`miniupnpd did not start in ${router.ns}:\n${output}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return gateway
  }

  /**
   * Throws unless every interface in our namespaces is loopback, a bridge or a veth whose peer is in
   * another of our namespaces (or the same one), and every default route goes via an address of ours.
   */
  assertIsolated(): void {
    const ours = new Set(this.namespaces)
    const gateways = new Set([...this.homes.values()].flatMap((h) => (h.router ? [h.router.lanAddress] : [])))
    for (const ns of this.namespaces) {
      const ids = new Map<number, string>()
      for (const line of inNs(ns, ['ip', 'netns', 'list-id']).split('\n')) {
        const m = /^nsid (\d+) \(iproute2 netns name: (.+)\)$/.exec(line.trim())
        if (m) ids.set(Number(m[1]), m[2] as string)
      }
      const links = JSON.parse(inNs(ns, ['ip', '-d', '-j', 'link', 'show'])) as Array<{
        ifname: string
        link_type: string
        link_netnsid?: number
        linkinfo?: { info_kind?: string }
      }>
      for (const link of links) {
        const kind = link.linkinfo?.info_kind
        if (link.link_type === 'loopback' || kind === 'bridge') continue
        if (kind !== 'veth') {
          throw new Error(`isolation: ${ns} has interface ${link.ifname} of kind ${kind ?? link.link_type}`)
        }
        if (link.link_netnsid === undefined) continue // both ends in this namespace
        const peerNs = ids.get(link.link_netnsid)
        if (peerNs === undefined || !ours.has(peerNs)) {
          throw new Error(
            `isolation: ${ns}'s ${link.ifname} leads to namespace ${peerNs ?? `nsid ${link.link_netnsid} (unnamed)`}`
          )
        }
      }
      const routes = JSON.parse(inNs(ns, ['ip', '-j', 'route', 'show', 'default'])) as Array<{
        gateway?: string
      }>
      for (const route of routes) {
        if (route.gateway === undefined || !gateways.has(route.gateway)) {
          throw new Error(`isolation: ${ns} has a default route via ${route.gateway ?? 'a device'}`)
        }
      }
    }
  }

  /** Stops the UPnP daemons and every helper process, and removes every namespace made. */
  async destroy(): Promise<void> {
    await Promise.all([...this.gateways].map((g) => g.stop()))
    this.destroySync()
  }

  private destroySync(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    this.children.clear()
    for (const ns of [...this.namespaces].reverse()) {
      try {
        run('ip', ['netns', 'del', ns])
      } catch {}
    }
    this.namespaces.length = 0
    for (const dir of this.tempDirs) rmSync(dir, { recursive: true, force: true })
    this.tempDirs.length = 0
  }

  private nsOf(nameOrNs: string): string {
    if (this.namespaces.includes(nameOrNs)) return nameOrNs
    return this.host(nameOrNs).ns
  }

  private addNs(ns: string): void {
    run('ip', ['netns', 'add', ns])
    this.namespaces.push(ns)
    inNs(ns, ['ip', 'link', 'set', 'lo', 'up'])
  }

  private addHost(host: NetHost): void {
    if (this.hosts.has(host.name)) throw new Error(`host ${host.name} exists`)
    this.hosts.set(host.name, host)
  }

  /** Plugs a namespace into the public bridge as `ifname` with the next public address. */
  private plugIntoPublic(ns: string, ifname: string): string {
    const n = this.nextPublic++
    if (n >= 2 ** (32 - this.publicLength) - 1) throw new Error(`${this.publicPrefix} is full`)
    const address = intToIp(this.publicBase + n)
    const port = `w${this.nextPort++}`
    run('ip', [
      'link',
      'add',
      port,
      'netns',
      this.publicNs,
      'type',
      'veth',
      'peer',
      'name',
      ifname,
      'netns',
      ns
    ])
    inNs(this.publicNs, ['ip', 'link', 'set', port, 'master', 'br0'])
    inNs(this.publicNs, ['ip', 'link', 'set', port, 'up'])
    inNs(ns, ['ip', 'addr', 'add', `${address}/${this.publicLength}`, 'dev', ifname])
    inNs(ns, ['ip', 'link', 'set', ifname, 'up'])
    return address
  }
}

/**
 * A home router's nftables: source NAT out of `wan0`, a stateful firewall for what comes in, and the
 * (empty) chains miniupnpd fills when it runs. One `inet` table, as miniupnpd's nftables backend uses.
 */
function routerRuleset(nat: Exclude<NatKind, 'none'>): string {
  const masquerade = nat === 'symmetric' ? 'masquerade fully-random' : 'masquerade'
  return `table inet router {
  chain miniupnpd {
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }
  chain forward_filter {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname "lan0" oifname "wan0" accept
    iifname "wan0" oifname "lan0" jump miniupnpd
  }
  chain nat_prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "wan0" jump prerouting_miniupnpd
  }
  chain nat_postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    jump postrouting_miniupnpd
    oifname "wan0" ${masquerade}
  }
}
`
}

/** A stable UUID for a gateway, so its description does not change between runs. */
function uuidFor(prefix: string, home: string): string {
  const hex = Buffer.from(`${prefix}:${home}`).toString('hex').padEnd(32, '0').slice(0, 32)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}
