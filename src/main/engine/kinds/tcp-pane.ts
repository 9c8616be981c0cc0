// The connections of a TCP pane, whether it accepted them (server) or made one (client), and the
// base both TCP kinds share: sending to one or all of them, a file, half-close, close, reset, counts.
import type { SendTarget } from '../../../shared/contract'
import type { TcpConnection } from '../connection'
import { fail, failWith } from '../errors'
import { sendFileTcp } from '../file-send'
import type { ConnStats, PaneContext, PaneRuntime, Sent } from '../pane-kind'
import type { PaneKind } from '../../../shared/pane-kinds'

export class TcpConns {
  private readonly conns = new Map<number, TcpConnection>()
  private nextId = 1

  constructor(private readonly ctx: PaneContext) {}

  /** A number for the next connection. */
  newId(): number {
    return this.nextId++
  }

  add(conn: TcpConnection): void {
    this.conns.set(conn.id, conn)
  }

  remove(conn: TcpConnection): void {
    this.conns.delete(conn.id)
  }

  /** How many it holds (a closing one until it is gone). */
  get size(): number {
    return this.conns.size
  }

  /** Every one it holds. */
  all(): TcpConnection[] {
    return [...this.conns.values()]
  }

  get anyOpen(): boolean {
    for (const c of this.conns.values()) if (c.isOpen) return true
    return false
  }

  async send(target: SendTarget, payload: Uint8Array): Promise<Sent> {
    const targets = this.targets(target)
    let bytes = 0
    for (const c of targets) bytes = c.send(payload)
    return { bytes, connections: targets.length }
  }

  sendFile(target: SendTarget, path: string): Promise<{ jobId: number; total: number }> {
    return sendFileTcp(this.targets(target), path, this.ctx)
  }

  connection(connId: number, action: 'end' | 'close' | 'reset'): void {
    const conn = this.conns.get(connId) ?? fail('NO_CONNECTION', undefined, { connId })
    if (action === 'end') conn.end()
    else if (action === 'close') void conn.close()
    else conn.reset()
  }

  stats(): ConnStats[] {
    return [...this.conns.values()].map((c) => ({ connId: c.id, bytesIn: c.bytesIn, bytesOut: c.bytesOut }))
  }

  /** Closes every connection gracefully; resolves when all are gone. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.conns.values()].map((c) => c.close()))
  }

  /** One connection, or every one open for sending. */
  private targets(target: SendTarget): TcpConnection[] {
    if (typeof target === 'object') return failWith('WRONG_PANE_KIND', { key: 'why.sendTarget.stream' })
    if (target === 'all') {
      const all = [...this.conns.values()].filter((c) => c.isWritable)
      return all.length > 0 ? all : fail('NO_CONNECTION')
    }
    const one = this.conns.get(target)
    return one ? [one] : fail('NO_CONNECTION', undefined, { connId: target })
  }
}

/** What a TCP pane of either kind is besides how its connections come: it sends, sends files and acts on its connections through them. */
export abstract class TcpPane implements PaneRuntime {
  abstract readonly kind: PaneKind
  readonly sendsTo = 'connections'
  protected readonly conns: TcpConns

  constructor(protected readonly ctx: PaneContext) {
    this.conns = new TcpConns(ctx)
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

  abstract stop(): Promise<void>
}
