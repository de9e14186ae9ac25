/**
 * A TCP forwarder on loopback whose link can be cut: every connection through it is dropped, and new
 * ones are refused until it is mended. Put in a member's invitation, it drops that member's link to
 * the host and no one else's.
 */
import { createServer, type Socket, connect as tcpConnect } from 'node:net'

export interface CuttableLink {
  /** The forwarder's own port on 127.0.0.1. */
  port: number
  /** Drops every connection and refuses new ones. */
  cut(): void
  /** Accepts connections again. */
  mend(): void
  close(): Promise<void>
}

export async function cuttableLink(target: { host: string; port: number }): Promise<CuttableLink> {
  const sockets = new Set<Socket>()
  let open = true
  const server = createServer((inbound) => {
    if (!open) {
      inbound.destroy()
      return
    }
    const outbound = tcpConnect(target.port, target.host)
    for (const socket of [inbound, outbound]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => {
        sockets.delete(socket)
        // One side gone: the other goes too, as a real broken link would take both.
        inbound.destroy()
        outbound.destroy()
      })
    }
    inbound.pipe(outbound).pipe(inbound)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      open = false
      for (const socket of sockets) socket.destroy()
    },
    mend() {
      open = true
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
}
