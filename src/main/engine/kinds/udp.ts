// A UDP pane: binds (0 = a free port), sends datagrams to host:port, receives them with the
// sender's address. Each datagram is one record: boundaries are kept.
import dgram from 'node:dgram'
import net from 'node:net'
import { lookup } from 'node:dns/promises'
import type { Endpoint, SendTarget } from '../../../shared/contract'
import { fromAddressInfo, toEndpoint } from '../endpoint'
import { EngineError, fail, failWith, toPaneError } from '../errors'
import { sendFileUdp } from '../file-send'
import { defineKind, type ConnStats, type PaneContext, type PaneRuntime, type Sent } from '../pane-kind'

/** The largest UDP payload (65,535 minus the IPv4 and UDP headers). */
export const MAX_DATAGRAM = 65507

export class UdpPane implements PaneRuntime {
  readonly sendsTo = 'addresses'
  readonly kind = 'udp'
  private socket: dgram.Socket | undefined
  /** A bind under way: a second one is refused, and stop() waits for it (then closes what it opened). */
  private starting: Promise<unknown> | undefined
  private bytesIn = 0
  private bytesOut = 0

  constructor(private readonly ctx: PaneContext) {}

  bind(host: string, port: number): Promise<{ local: Endpoint }> {
    if (this.socket || this.starting) fail('ALREADY_RUNNING')
    const started = this.open(host, port)
    this.starting = started.catch(() => {}).finally(() => (this.starting = undefined))
    return started
  }

  private async open(host: string, port: number): Promise<{ local: Endpoint }> {
    const family = net.isIPv6(host) ? 'udp6' : 'udp4'
    // A roomy receive buffer (the kernel caps it at net.core.rmem_max) so a burst is not
    // dropped while the event loop is busy batching the previous one.
    const socket = dgram.createSocket({ type: family, recvBufferSize: 4 * 1024 * 1024 })
    socket.on('message', (msg, rinfo) => {
      this.bytesIn += msg.byteLength
      const peer = toEndpoint(rinfo.address, rinfo.port, rinfo.family)
      this.ctx.traffic.received(0, msg, peer, (payload) => {
        this.sendTo(payload, rinfo.port, rinfo.address).catch((err: unknown) => this.ctx.error(toPaneError(err, { op: 'auto-reply' })))
      })
      this.ctx.statsChanged()
    })
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject)
        socket.bind({ address: host, port, exclusive: true }, () => {
          socket.off('error', reject)
          resolve()
        })
      })
    } catch (err) {
      socket.close()
      throw new EngineError(toPaneError(err, { op: 'bind', host, port }))
    }
    socket.on('error', (err) => this.ctx.error(toPaneError(err, { op: 'udp' })))
    this.socket = socket
    const local = fromAddressInfo(socket.address())
    this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: 'bound', local })
    return { local }
  }

  async send(target: SendTarget, payload: Uint8Array): Promise<Sent> {
    const { host, port } = this.destination(target)
    const address = await this.resolve(host, port)
    const bytes = await this.sendTo(payload, port, address).catch((err: unknown) => {
      throw new EngineError(toPaneError(err, { op: 'send', host, port }))
    })
    return { bytes, connections: 1 }
  }

  async sendFile(target: SendTarget, path: string, datagramSize: number): Promise<{ jobId: number; total: number }> {
    const { host, port } = this.destination(target)
    const address = await this.resolve(host, port)
    return sendFileUdp(path, datagramSize, this.ctx, (d) =>
      this.sendTo(d, port, address).catch((err: unknown) => {
        throw new EngineError(toPaneError(err, { op: 'send', host, port }))
      })
    )
  }

  private destination(target: SendTarget): { host: string; port: number } {
    return typeof target === 'object' ? target : failWith('WRONG_PANE_KIND', { key: 'why.sendTarget.datagram' })
  }

  /** The destination's address (a name looked up in the socket's family). */
  private async resolve(host: string, port: number): Promise<string> {
    const socket = this.socket ?? fail('NOT_RUNNING')
    if (net.isIP(host)) return host
    const family = socket.address().family === 'IPv6' ? 6 : 4
    try {
      return (await lookup(host, { family })).address
    } catch (err) {
      throw new EngineError(toPaneError(err, { op: 'send', host, port }))
    }
  }

  /** One datagram: the payload through the message path (transforms; never framed). Counted once the kernel took it. */
  private async sendTo(payload: Uint8Array, port: number, address: string): Promise<number> {
    const socket = this.socket ?? fail('NOT_RUNNING')
    const out = this.ctx.traffic.encode(payload, true)
    if (out.wire.byteLength > MAX_DATAGRAM) failWith('EMSGSIZE', { key: 'why.datagramTooLarge', params: { bytes: out.wire.byteLength, max: MAX_DATAGRAM } })
    await new Promise<void>((resolve, reject) => socket.send(out.wire, port, address, (err) => (err ? reject(err) : resolve())))
    this.bytesOut += out.wire.byteLength
    this.ctx.traffic.sent(0, out, toEndpoint(address, port))
    this.ctx.statsChanged()
    return out.wire.byteLength
  }

  stats(): ConnStats[] {
    return [{ connId: 0, bytesIn: this.bytesIn, bytesOut: this.bytesOut }]
  }

  async stop(): Promise<void> {
    await this.starting
    const socket = this.socket
    this.socket = undefined
    if (!socket) return
    await new Promise<void>((resolve) => socket.close(() => resolve()))
    this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: 'idle' })
  }
}

export const udpKind = defineKind({
  kind: 'udp',
  create: (ctx: PaneContext) => new UdpPane(ctx),
  commands: {
    'udp.bind': { starts: true, run: (pane, cmd) => pane.bind(cmd.host, cmd.port) }
  }
})
