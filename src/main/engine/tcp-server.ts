// A TCP server pane: listens, accepts many clients, sends to one or all of them.
import net from 'node:net'
import type { Command } from '../../shared/contract'
import { TcpConnection } from './connection'
import { fromAddressInfo } from './endpoint'
import { EngineError, fail, toPaneError } from './errors'
import type { ConnStats, PaneContext, PaneRuntime } from './pane'
import { connCommand } from './conn-commands'

export class TcpServerPane implements PaneRuntime {
  readonly kind = 'tcp-server'
  private server: net.Server | undefined
  private readonly conns = new Map<number, TcpConnection>()
  private nextConnId = 1

  constructor(private readonly ctx: PaneContext) {}

  async handle(cmd: Command): Promise<Record<string, unknown>> {
    switch (cmd.type) {
      case 'tcpServer.listen':
        return this.listen(cmd.host, cmd.port)
      case 'tcpServer.stop':
        await this.close()
        return {}
      default:
        return (await connCommand(this.conns, cmd, this.ctx)) ?? fail('WRONG_PANE_KIND', `${cmd.type} on a TCP server`)
    }
  }

  private async listen(host: string, port: number): Promise<Record<string, unknown>> {
    if (this.server) fail('ALREADY_RUNNING')
    const server = net.createServer({ allowHalfOpen: true })
    server.on('connection', (socket) => {
      socket.on('error', () => {}) // reported by the connection; never thrown
      const conn = new TcpConnection(this.ctx, this.nextConnId++, socket, (c) => this.conns.delete(c.id), 'remote')
      this.conns.set(conn.id, conn)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host, port }, () => {
        server.off('error', reject)
        resolve()
      })
    }).catch((err: unknown) => {
      throw new EngineError(toPaneError(err, { op: 'listen', host, port }))
    })
    server.on('error', (err) => this.ctx.error(toPaneError(err, { op: 'accept', host, port })))
    this.server = server
    const local = fromAddressInfo(server.address())
    this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: 'listening', local })
    return { local }
  }

  stats(): ConnStats[] {
    return [...this.conns.values()].map((c) => ({ connId: c.id, bytesIn: c.bytesIn, bytesOut: c.bytesOut }))
  }

  async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await Promise.all([...this.conns.values()].map((c) => c.close()))
    await closed
    this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: 'idle' })
  }
}
