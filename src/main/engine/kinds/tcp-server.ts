// A TCP server pane: listens, accepts many clients (within its limits), sends to one or all of them.
import net from 'node:net'
import { TcpConnection } from '../connection'
import { fromAddressInfo } from '../endpoint'
import { EngineError, fail, toPaneError } from '../errors'
import { defineKind, type PaneContext } from '../pane-kind'
import type { Endpoint, PaneConfig } from '../../../shared/contract'
import { ServerLimits } from './server-limits'
import { TcpPane } from './tcp-pane'

export class TcpServerPane extends TcpPane {
  readonly kind = 'tcp-server'
  private server: net.Server | undefined
  /** A listen under way: a second one is refused, and stop() waits for it (then closes what it opened). */
  private starting: Promise<unknown> | undefined
  private readonly limits = new ServerLimits(this.ctx)

  settingsChanged(config: PaneConfig): void {
    this.limits.configure(config.connections, this.conns.all())
  }

  listen(host: string, port: number): Promise<{ local: Endpoint }> {
    if (this.server || this.starting) fail('ALREADY_RUNNING')
    const started = this.open(host, port)
    this.starting = started.catch(() => {}).finally(() => (this.starting = undefined))
    return started
  }

  private async open(host: string, port: number): Promise<{ local: Endpoint }> {
    const server = net.createServer({ allowHalfOpen: true })
    server.on('connection', (socket) => {
      socket.on('error', () => {}) // reported by the connection; never thrown
      if (!this.limits.admit(socket, this.conns.size)) return
      const conn = new TcpConnection(this.ctx, this.conns.newId(), socket, (c) => this.conns.remove(c), 'remote')
      this.conns.add(conn)
      this.limits.watch(conn)
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

  async stop(): Promise<void> {
    await this.starting
    const server = this.server
    this.server = undefined
    if (!server) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await this.conns.closeAll()
    await closed
    this.limits.flush()
    this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: 'idle' })
  }
}

export const tcpServerKind = defineKind({
  kind: 'tcp-server',
  create: (ctx: PaneContext) => new TcpServerPane(ctx),
  commands: {
    'tcpServer.listen': { starts: true, run: (pane, cmd) => pane.listen(cmd.host, cmd.port) }
  }
})
