// Hostile peers of issue 10: each connects to a server on 127.0.0.1, sends FIN at once and
// stays (its socket kept open, reading). What each one saw is kept: whether it connected, and
// whether the server then ended its connection (closed or reset). Bounded in number by the
// caller; `destroy()` lets every one of them go.
import net from 'node:net'
import { until } from './probe'

export interface HalfCloser {
  socket: net.Socket
  connected: boolean
  /** The server ended the connection: 'reset' (RST), 'closed' (FIN), or still open (undefined). */
  ended: 'reset' | 'closed' | undefined
}

export class HalfClosers {
  readonly peers: HalfCloser[] = []

  /** Starts `n` peers against `port`, all at once (not waited for). */
  constructor(port: number, n: number) {
    for (let i = 0; i < n; i++) {
      const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true })
      const peer: HalfCloser = { socket, connected: false, ended: undefined }
      socket.on('connect', () => {
        peer.connected = true
        socket.end()
      })
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNRESET') peer.ended = 'reset'
      })
      socket.on('data', () => {})
      socket.on('end', () => (peer.ended ??= 'closed'))
      socket.on('close', () => (peer.ended ??= 'closed'))
      this.peers.push(peer)
    }
  }

  count(what: HalfCloser['ended'] | 'connected'): number {
    return this.peers.filter((p) => (what === 'connected' ? p.connected : p.ended === what)).length
  }

  /** Every peer connected, and `ended` of them saw the server end their connection. */
  settled(ended: number, timeoutMs = 10_000): Promise<void> {
    return until(
      () => this.count('connected') === this.peers.length && this.peers.length - this.count(undefined) >= ended,
      `${this.peers.length} peers connected and ${ended} of them ended by the server`,
      timeoutMs
    )
  }

  destroy(): void {
    for (const p of this.peers) p.socket.destroy()
  }
}
