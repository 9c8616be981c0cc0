// A TCP client pane: connects (with a timeout), sends, half-closes, closes, resets.
import net from 'node:net'
import type { Endpoint } from '../../../shared/contract'
import { TcpConnection } from '../connection'
import { EngineError, fail, toPaneError } from '../errors'
import { defineKind, type PaneContext } from '../pane-kind'
import { TcpPane } from './tcp-pane'

export class TcpClientPane extends TcpPane {
  readonly kind = 'tcp-client'
  private connecting: { cancel: () => void } | undefined

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
