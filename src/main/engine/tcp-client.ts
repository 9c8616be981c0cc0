// A TCP client pane: connects (with a timeout), sends, half-closes, closes, resets.
import net from 'node:net'
import type { Command } from '../../shared/contract'
import { TcpConnection } from './connection'
import { EngineError, fail, toPaneError } from './errors'
import type { ConnStats, PaneContext, PaneRuntime } from './pane'
import { connCommand } from './conn-commands'

export class TcpClientPane implements PaneRuntime {
  readonly kind = 'tcp-client'
  private readonly conns = new Map<number, TcpConnection>()
  private connecting: { socket: net.Socket; cancel: () => void } | undefined
  private nextConnId = 1

  constructor(private readonly ctx: PaneContext) {}

  async handle(cmd: Command): Promise<Record<string, unknown>> {
    switch (cmd.type) {
      case 'tcpClient.connect':
        return this.connect(cmd.host, cmd.port, cmd.timeoutMs)
      default:
        return (await connCommand(this.conns, cmd, this.ctx)) ?? fail('WRONG_PANE_KIND', `${cmd.type} on a TCP client`)
    }
  }

  private async connect(host: string, port: number, timeoutMs: number): Promise<Record<string, unknown>> {
    if (this.connecting || [...this.conns.values()].some((c) => c.isOpen)) fail('ALREADY_RUNNING')
    this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: 'connecting' })
    const socket = net.connect({ host, port, allowHalfOpen: true })
    try {
      await new Promise<void>((resolve, reject) => {
        this.connecting = {
          socket,
          cancel: () => {
            clearTimeout(timer)
            reject(Object.assign(new Error('connect cancelled: the pane was closed'), { code: 'NOT_RUNNING' }))
          }
        }
        const timer = setTimeout(() => {
          const err = Object.assign(new Error(`connect ETIMEDOUT ${host}:${port} after ${timeoutMs} ms`), {
            code: 'ETIMEDOUT'
          })
          socket.destroy()
          reject(err)
        }, timeoutMs)
        socket.once('connect', () => {
          clearTimeout(timer)
          resolve()
        })
        socket.once('error', (err) => {
          clearTimeout(timer)
          reject(err)
        })
      })
    } catch (err) {
      socket.destroy()
      this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: 'idle' })
      throw new EngineError(toPaneError(err, { op: 'connect', host, port }))
    } finally {
      this.connecting = undefined
    }
    socket.on('error', () => {}) // the connection reports it
    const conn = new TcpConnection(
      this.ctx,
      this.nextConnId++,
      socket,
      (c) => {
        this.conns.delete(c.id)
        this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: 'idle' })
      },
      'local'
    )
    this.conns.set(conn.id, conn)
    this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: 'connected', local: conn.local, remote: conn.remote })
    return { connId: conn.id, local: conn.local, remote: conn.remote }
  }

  stats(): ConnStats[] {
    return [...this.conns.values()].map((c) => ({ connId: c.id, bytesIn: c.bytesIn, bytesOut: c.bytesOut }))
  }

  async close(): Promise<void> {
    this.connecting?.cancel()
    await Promise.all([...this.conns.values()].map((c) => c.close()))
  }
}
