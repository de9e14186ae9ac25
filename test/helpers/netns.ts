/**
 * A simulated LAN made of network namespaces the test creates itself: one "lan" namespace holding a
 * bridge, and one namespace per node joined to it by a veth pair, each with its own 10.231.x address.
 * Nothing here touches the machine's own interfaces, and everything is removed by `destroy`.
 */
import { execFileSync } from 'node:child_process'

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function inNs(ns: string, command: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/** Why network namespaces cannot be made here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root'
  const probe = `scprobe${process.pid}`
  try {
    ip(['netns', 'add', probe])
  } catch (err) {
    return `ip netns add failed: ${(err as Error).message.split('\n')[0]}`
  }
  try {
    inNs(probe, ['ip', 'link', 'add', 'br0', 'type', 'bridge'])
  } catch (err) {
    ip(['netns', 'del', probe])
    return `cannot make a bridge in a namespace: ${(err as Error).message.split('\n')[0]}`
  }
  try {
    inNs(probe, ['ip', 'link', 'set', 'lo', 'up'])
    try {
      inNs(probe, ['tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'loss', '1%'])
    } catch {
      inNs(probe, ['nft', 'add', 'table', 'inet', 'probe'])
    }
    return undefined
  } catch (err) {
    return `no way to make a link lossy: neither tc netem nor nftables works here (${(err as Error).message.split('\n')[0]})`
  } finally {
    try {
      ip(['netns', 'del', probe])
    } catch {}
  }
}

export interface LanNode {
  ns: string
  address: string
  /** The bridge-side end of this node's link, in the lan namespace. */
  port: string
}

export class SimulatedLan {
  readonly prefix: string
  readonly lan: string
  readonly nodes = new Map<string, LanNode>()
  private next = 1

  constructor(prefix = `sc${process.pid % 100000}`) {
    this.prefix = prefix
    this.lan = `${prefix}-lan`
    ip(['netns', 'add', this.lan])
    inNs(this.lan, ['ip', 'link', 'add', 'br0', 'type', 'bridge'])
    inNs(this.lan, ['ip', 'link', 'set', 'br0', 'up'])
  }

  /** Adds a node namespace with one interface on the LAN. */
  add(name: string): LanNode {
    const n = this.next++
    const ns = `${this.prefix}-${name}`
    const port = `p${n}`
    const address = `10.231.0.${n}`
    ip(['netns', 'add', ns])
    ip(['link', 'add', port, 'netns', this.lan, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns])
    inNs(this.lan, ['ip', 'link', 'set', port, 'master', 'br0'])
    inNs(this.lan, ['ip', 'link', 'set', port, 'up'])
    inNs(ns, ['ip', 'link', 'set', 'lo', 'up'])
    inNs(ns, ['ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0'])
    inNs(ns, ['ip', 'link', 'set', 'eth0', 'up'])
    // mDNS multicasts to 224.0.0.251: without a route for it the LAN has no multicast at all.
    inNs(ns, ['ip', 'route', 'add', '224.0.0.0/4', 'dev', 'eth0'])
    const node = { ns, address, port }
    this.nodes.set(name, node)
    return node
  }

  /**
   * Loss and delay on everything a node sends. `tc netem` when the kernel has it; otherwise (some VM
   * kernels ship without sch_netem) the loss is applied with an nftables random drop and no delay is
   * added. Returns what was applied, for the test to report.
   */
  impair(name: string, options: { lossPercent: number; delayMs: number }): string {
    const node = this.node(name)
    const loss = `${options.lossPercent}%`
    try {
      inNs(node.ns, [
        'tc',
        'qdisc',
        'add',
        'dev',
        'eth0',
        'root',
        'netem',
        'loss',
        loss,
        'delay',
        `${options.delayMs}ms`
      ])
      return `tc netem: ${loss} loss, ${options.delayMs} ms delay`
    } catch (netemError) {
      try {
        inNs(node.ns, ['nft', 'add', 'table', 'inet', 'impair'])
        inNs(node.ns, [
          'nft',
          'add',
          'chain',
          'inet',
          'impair',
          'out',
          '{ type filter hook output priority 0; }'
        ])
        inNs(node.ns, [
          'nft',
          'add',
          'rule',
          'inet',
          'impair',
          'out',
          'oifname',
          'eth0',
          'numgen',
          'random',
          'mod',
          '100',
          '<',
          String(options.lossPercent),
          'drop'
        ])
        const why =
          (netemError as Error).message.split('\n').find((l) => l.startsWith('Error')) ?? 'netem unavailable'
        return `nftables: ${loss} random loss; no delay (${why})`
      } catch (nftError) {
        throw new Error(`neither tc netem nor nftables can impair the link: ${(nftError as Error).message}`)
      }
    }
  }

  /** Takes a node's link down or up at the bridge, as a pulled cable or a Wi-Fi drop would. */
  setLink(name: string, up: boolean): void {
    inNs(this.lan, ['ip', 'link', 'set', this.node(name).port, up ? 'up' : 'down'])
  }

  /** The command prefix that runs a program inside a node's namespace. */
  exec(name: string): string[] {
    return ['ip', 'netns', 'exec', this.node(name).ns]
  }

  destroy(): void {
    for (const node of this.nodes.values()) {
      try {
        ip(['netns', 'del', node.ns])
      } catch {}
    }
    try {
      ip(['netns', 'del', this.lan])
    } catch {}
  }

  private node(name: string): LanNode {
    const node = this.nodes.get(name)
    if (node === undefined) throw new Error(`no node ${name} on the simulated LAN`)
    return node
  }
}
