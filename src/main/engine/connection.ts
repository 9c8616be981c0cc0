// One TCP connection, as both server and client panes hold it: counts bytes, reports
// reads and writes, half-close from either side, graceful close and reset.
import type { Socket } from 'node:net'
import { fail, toPaneError } from './errors'
import { nowUs } from './clock'
import { toEndpoint } from './endpoint'
import type { Outgoing, PaneContext } from './pane'
import type { Endpoint } from '../../shared/contract'

export class TcpConnection {
  bytesIn = 0
  bytesOut = 0
  readonly sinceUs = nowUs()
  readonly local: Endpoint
  readonly remote: Endpoint
  private localEnded = false
  private resetByUs = false
  private lastErrorCode: string | undefined
  private closed = false
  private readonly gone: Promise<void>
  /** How long a graceful close may wait for unsent data before the socket is dropped. */
  static closeGraceMs = 2000

  constructor(
    private readonly ctx: PaneContext,
    readonly id: number,
    private readonly socket: Socket,
    private readonly onGone: (conn: TcpConnection) => void,
    initiator: 'local' | 'remote'
  ) {
    this.local = toEndpoint(socket.localAddress, socket.localPort, socket.localFamily)
    this.remote = toEndpoint(socket.remoteAddress, socket.remotePort, socket.remoteFamily)
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.byteLength
      ctx.received(id, chunk, undefined, (payload) => {
        if (this.isWritable) this.send(payload)
      })
      ctx.statsChanged()
    })
    socket.on('end', () => ctx.emit({ type: 'conn.halfClosed', paneId: ctx.paneId, connId: id, by: 'peer', tUs: nowUs() }))
    socket.on('error', (err) => {
      const { code, syscall } = err as NodeJS.ErrnoException
      this.lastErrorCode = code
      // A failed write (EPIPE) says 'write'; a failed read (ECONNRESET) says 'read'.
      ctx.error(toPaneError(err, { op: syscall ?? 'read', connId: id, host: this.remote.address, port: this.remote.port }))
    })
    let markGone!: () => void
    this.gone = new Promise((r) => (markGone = r))
    socket.on('close', () => {
      this.closed = true
      markGone()
      ctx.connClosed(id)
      const how = this.resetByUs || this.lastErrorCode === 'ECONNRESET' ? 'reset' : this.lastErrorCode ? 'error' : 'close'
      ctx.emit({
        type: 'conn.closed',
        paneId: ctx.paneId,
        connId: id,
        how,
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        tUs: nowUs()
      })
      onGone(this)
    })
    ctx.emit({ type: 'conn.open', paneId: ctx.paneId, connId: id, local: this.local, remote: this.remote, initiator, tUs: this.sinceUs })
  }

  get isOpen(): boolean {
    return !this.closed
  }

  /** Open and not half-closed by us: a write can still go out. */
  get isWritable(): boolean {
    return !this.closed && !this.localEnded && !this.socket.destroyed
  }

  get halfClosedByPeer(): boolean {
    return this.socket.readableEnded
  }

  /** Sends a payload through the pane's message path (transforms, framing). */
  send(payload: Uint8Array): void {
    this.assertWritable()
    this.writeOut(this.ctx.encode(payload))
  }

  /** Writes bytes as they are (a file being streamed); false when the socket buffer is full. */
  writeRaw(bytes: Uint8Array): boolean {
    this.assertWritable()
    return this.writeOut({ wire: bytes })
  }

  /** Resolves when the socket can take more, or it closed. */
  drained(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done)
        this.socket.off('close', done)
        resolve()
      }
      this.socket.on('drain', done)
      this.socket.on('close', done)
    })
  }

  private assertWritable(): void {
    if (!this.isWritable) fail('EPIPE', 'the connection is closed for sending', { connId: this.id, op: 'write' })
  }

  private writeOut(out: Outgoing): boolean {
    this.bytesOut += out.wire.byteLength
    this.ctx.sent(this.id, out)
    this.ctx.statsChanged()
    return this.socket.write(out.wire)
  }

  /** Half-close: send FIN, keep reading until the peer closes too. */
  end(): void {
    if (this.localEnded || this.closed) return
    this.localEnded = true
    this.socket.end()
    this.ctx.emit({ type: 'conn.halfClosed', paneId: this.ctx.paneId, connId: this.id, by: 'local', tUs: nowUs() })
  }

  /**
   * Graceful close: everything written is sent, then FIN, then the socket is released.
   * A peer that never reads cannot hold it open: after closeGraceMs the socket is dropped.
   * Resolves once the connection is gone.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.localEnded = true
      this.socket.end(() => this.socket.destroy())
      if (this.socket.writableFinished) this.socket.destroy()
      const timer = setTimeout(() => this.socket.destroy(), TcpConnection.closeGraceMs)
      timer.unref()
      void this.gone.then(() => clearTimeout(timer))
    }
    return this.gone
  }

  /** Abort: RST to the peer, whatever is unsent is dropped. */
  reset(): void {
    if (this.closed) return
    this.resetByUs = true
    this.socket.resetAndDestroy()
  }
}
