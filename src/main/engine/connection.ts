// One TCP connection, as both server and client panes hold it: counts bytes, reports reads
// and writes, half-close from either side, graceful close and reset. Only bytes the socket
// accepted are counted, recorded and shown as sent; a reset is reported when it arrives,
// with the side it came from.
import type { Socket } from 'node:net'
import { failWith, toPaneError } from './errors'
import { nowNs, nowUs } from './clock'
import { toEndpoint } from './endpoint'
import type { Outgoing } from './live-traffic'
import type { PaneContext } from './pane-kind'
import type { Endpoint } from '../../shared/contract'

/** After a write to a peer that has half-closed, when to look whether it answered with RST (ms). */
const RESET_CHECKS_MS = [0, 5, 25, 100, 500, 2000]

interface PeerNameHandle {
  getpeername?(out: object): number
}

export class TcpConnection {
  bytesIn = 0
  bytesOut = 0
  readonly sinceUs = nowUs()
  readonly local: Endpoint
  readonly remote: Endpoint
  private localEnded = false
  /** Who aborted the connection, when it was aborted. */
  private abortedBy: 'local' | 'peer' | undefined
  private lastErrorCode: string | undefined
  private closed = false
  /** The idle timeout set by idleAfter (0: none). */
  private idleMs = 0
  private resetCheck: NodeJS.Timeout | undefined
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
      const more = ctx.traffic.received(id, chunk, undefined, (payload) => {
        if (this.isWritable) this.send(payload)
      })
      ctx.statsChanged()
      // Too many messages wait to be decompressed: read no more until they are (the peer's sends back up).
      if (!more) {
        socket.pause()
        // Paused by us, not idle: the idle timer waits too (bytes still arrive behind the pause).
        socket.setTimeout(0)
        void ctx.traffic.room().then(() => {
          socket.setTimeout(this.idleMs)
          socket.resume()
        })
      }
    })
    socket.on('end', () => {
      ctx.emit({ type: 'conn.halfClosed', paneId: ctx.paneId, connId: id, by: 'peer', tUs: nowUs() })
      // The socket reads no more: a reset that comes now is only seen by looking for it.
      this.watchForReset()
    })
    socket.on('error', (err) => {
      const { code, syscall } = err as NodeJS.ErrnoException
      this.lastErrorCode = code
      // ECONNRESET on a read, and EPIPE on a write (the kernel's answer once a RST came while
      // this side still could send), both mean the peer aborted the connection.
      if (code === 'ECONNRESET' || (code === 'EPIPE' && !this.localEnded)) this.abortedBy ??= 'peer'
      // A failed write (EPIPE) says 'write'; a failed read (ECONNRESET) says 'read'.
      ctx.error(toPaneError(err, { op: syscall ?? 'read', connId: id, host: this.remote.address, port: this.remote.port }))
    })
    let markGone!: () => void
    this.gone = new Promise((r) => (markGone = r))
    socket.on('close', () => {
      this.closed = true
      if (this.resetCheck) clearTimeout(this.resetCheck)
      markGone()
      ctx.traffic.connClosed(id)
      const how = this.abortedBy ? 'reset' : this.lastErrorCode ? 'error' : 'close'
      const by = this.abortedBy
      ctx.emit({
        type: 'conn.closed',
        paneId: ctx.paneId,
        connId: id,
        how,
        ...(by ? { by } : {}),
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

  /** Sends a payload through the pane's message path (transforms, framing); returns its size on the wire. */
  send(payload: Uint8Array): number {
    this.assertWritable()
    const out = this.ctx.traffic.encode(payload)
    this.writeOut(out)
    return out.wire.byteLength
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
    if (!this.isWritable) failWith('EPIPE', { key: 'why.connClosedForSending', params: { id: this.id } }, { connId: this.id, op: 'write' })
  }

  /**
   * Hands bytes to the socket. They count as sent (and are recorded and shown) once the socket
   * took them: at once when the kernel took them all as they were written (the usual case, so
   * they keep their place among the reads), else when the last of them was flushed. A write the
   * kernel refuses (the peer reset the connection) leaves no trace but the error.
   */
  private writeOut(out: Outgoing): boolean {
    const queuedBefore = this.socket.writableLength
    const tNs = nowNs()
    let counted = false
    const count = (): void => {
      counted = true
      this.bytesOut += out.wire.byteLength
      this.ctx.traffic.sent(this.id, out, undefined, tNs)
      this.ctx.statsChanged()
    }
    const more = this.socket.write(out.wire, (err) => {
      if (!err && !counted) count()
    })
    if (this.socket.writableLength === queuedBefore && !this.socket.destroyed) count()
    if (this.halfClosedByPeer) this.watchForReset()
    return more
  }

  /**
   * A peer that has half-closed may still answer a write with RST (it closed for good, as the
   * textbook's echo server does). Node reads nothing more after FIN, so the reset would stay
   * unseen until the next write fails: look for it a few times after each write instead. The
   * kernel forgets the peer's address once the connection is reset, so getpeername failing is
   * the sign, and it consumes nothing.
   */
  private watchForReset(): void {
    // Once this side sent FIN too, the connection ends normally and the kernel forgets the peer's address anyway.
    if (this.closed || this.localEnded) return
    // Each write starts the checks over: its RST comes within milliseconds on loopback.
    if (this.resetCheck) clearTimeout(this.resetCheck)
    let i = 0
    const check = (): void => {
      this.resetCheck = undefined
      if (this.closed || this.localEnded) return
      const handle = (this.socket as unknown as { _handle?: PeerNameHandle | null })._handle
      if (handle?.getpeername && handle.getpeername({}) !== 0) {
        this.abortedBy = 'peer'
        const err = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' })
        this.lastErrorCode = 'ECONNRESET'
        this.ctx.error(toPaneError(err, { op: 'read', connId: this.id, host: this.remote.address, port: this.remote.port }))
        this.socket.destroy()
        return
      }
      schedule()
    }
    // Never at once: the write's own callback (the bytes counted as sent) comes first.
    const schedule = (): void => {
      const next = RESET_CHECKS_MS[i++]
      if (next === undefined) return
      this.resetCheck = setTimeout(check, next)
      this.resetCheck.unref()
    }
    schedule()
  }

  /** Runs `then` when the peer half-closes (after the connection said so). */
  onPeerHalfClose(then: () => void): void {
    this.socket.once('end', then)
  }

  /** Runs `then` once no byte went either way for `ms` (0: never; each call starts the wait over). */
  idleAfter(ms: number, then: () => void): void {
    this.idleMs = ms
    this.socket.removeAllListeners('timeout')
    this.socket.setTimeout(ms)
    if (ms > 0) this.socket.once('timeout', then)
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
    this.abortedBy = 'local'
    this.socket.resetAndDestroy()
  }
}
