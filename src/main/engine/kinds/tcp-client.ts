// A TCP client pane: connects (with a timeout), sends, half-closes, closes, resets.
import net from 'node:net'
import type { Endpoint, SendTarget } from '../../../shared/contract'
import { TcpConnection } from '../connection'
import { EngineError, fail, toPaneError } from '../errors'
import { defineKind, type ConnStats, type PaneContext, type PaneRuntime, type Sent } from '../pane-kind'
import { TcpConns } from './tcp-conns'

export class TcpClientPane implements PaneRuntime {
  readonly sendsTo = 'connections'
  readonly kind = 'tcp-client'
  private readonly conns: TcpConns
  private connecting: { cancel: () => void } | undefined

  constructor(private readonly ctx: PaneContext) {
    this.conns = new TcpConns(ctx)
  }

  async connect(host: string, port: number, timeoutMs: number): Promise<{ connId: number; local: Endpoint; remote: Endpoint }> {
    if (this.connecting || this.conns.anyOpen) fail('ALREADY_RUNNING')
    const state = (s: 'connecting' | 'idle'): void => this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: s })
    state('connecting')
    const socket = net.connect({ host, port, allowHalfOpen: true })
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          socket.destroy()
          reject(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port} after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }))
        }, timeoutMs)
        this.connecting = {
          cancel: () => {
            clearTimeout(timer)
            reject(new EngineError({ code: 'NOT_RUNNING', reason: { key: 'why.connectCancelled' } }))
          }
        }
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
      state('idle')
      throw new EngineError(toPaneError(err, { op: 'connect', host, port }))
    } finally {
      this.connecting = undefined
    }
    socket.on('error', () => {}) // the connection reports it
    const conn = new TcpConnection(
      this.ctx,
      this.conns.newId(),
      socket,
      (c) => {
        this.conns.remove(c)
        state('idle')
      },
      'local'
    )
    this.conns.add(conn)
    this.ctx.emit({ type: 'pane.state', paneId: this.ctx.paneId, state: 'connected', local: conn.local, remote: conn.remote })
    return { connId: conn.id, local: conn.local, remote: conn.remote }
  }

  send(target: SendTarget, payload: Uint8Array): Promise<Sent> {
    return this.conns.send(target, payload)
  }

  sendFile(target: SendTarget, path: string): Promise<{ jobId: number; total: number }> {
    return this.conns.sendFile(target, path)
  }

  connection(connId: number, action: 'end' | 'close' | 'reset'): void {
    this.conns.connection(connId, action)
  }

  stats(): ConnStats[] {
    return this.conns.stats()
  }

  async stop(): Promise<void> {
    this.connecting?.cancel()
    await this.conns.closeAll()
  }
}

export const tcpClientKind = defineKind({
  kind: 'tcp-client',
  create: (ctx: PaneContext) => new TcpClientPane(ctx),
  commands: {
    'tcpClient.connect': { starts: true, run: (pane, cmd) => pane.connect(cmd.host, cmd.port, cmd.timeoutMs) }
  }
})
