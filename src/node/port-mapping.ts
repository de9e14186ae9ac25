/**
 * @module What the router answered when the node asked it (UPnP IGD) to forward its port.
 */
import { type Gateway, type UPnPNAT as PortMappingClient, upnpNat } from '@achingbrain/nat-port-mapper'
import { UPNP_PORT_MAPPING_DESCRIPTION } from './constants.js'

/** A port mapping the router made, or refused. */
export type PortMappingResult =
  | {
      state: 'mapped'
      protocol: 'TCP' | 'UDP'
      internal: string
      /** Where others can reach the node now, e.g. `203.0.113.7:4455`. */
      external: string
      gateway: string
    }
  | { state: 'refused'; internal: string; gateway: string; reason: string }

/**
 * A gateway whose `map` also reports its outcome. The UPnP service keeps its results to itself (it
 * only logs a refusal), and a person behind a router needs to be told whether it opened the port.
 */
function reportingGateway(gateway: Gateway, onMapping: (result: PortMappingResult) => void): Gateway {
  return new Proxy(gateway, {
    get(target, property, receiver) {
      if (property !== 'map') {
        const value = Reflect.get(target, property, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      }
      const map: Gateway['map'] = async (internalPort, internalHost, options) => {
        const internal = `${internalHost}:${internalPort}`
        try {
          const mapping = await target.map(internalPort, internalHost, options)
          onMapping({
            state: 'mapped',
            protocol: mapping.protocol,
            internal,
            external: `${mapping.externalHost}:${mapping.externalPort}`,
            gateway: target.id
          })
          return mapping
        } catch (err) {
          const reason = (err as Error).message?.split('\n')[0] ?? String(err)
          onMapping({ state: 'refused', internal, gateway: target.id, reason })
          throw err
        }
      }
      return map
    }
  })
}

/**
 * libp2p's UPnP client, with every gateway it finds (by search or by URL) reporting each mapping
 * it makes or is refused, to `onMapping`.
 */
export function reportingPortMappingClient(
  onMapping: (result: PortMappingResult) => void,
  options: { ttlMs?: number } = {}
): PortMappingClient {
  const client = upnpNat({ description: UPNP_PORT_MAPPING_DESCRIPTION, ttl: options.ttlMs })
  return {
    async *findGateways(findOptions) {
      for await (const gateway of client.findGateways(findOptions)) yield reportingGateway(gateway, onMapping)
    },
    async getGateway(descriptor, getOptions) {
      return reportingGateway(await client.getGateway(descriptor, getOptions), onMapping)
    }
  }
}
