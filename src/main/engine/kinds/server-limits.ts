// What a TCP server pane does against peers that connect and stay: it holds at most `limit`
// connections and refuses (resets) the next ones; it refuses them too when the process is
// near its descriptor limit, so Save, Open and new tabs keep working; it may close a
// connection whose peer half-closed, or one that stayed idle. Each of these is said on the
// pane once per burst, with how many, never once per connection.
import type { Socket } from 'node:net'
import type { ConnSettings } from '../../../shared/contract'
import { defaultPaneConfig } from '../../../shared/contract'
import { DESCRIPTOR_RESERVE } from '../../../shared/limits'
import { BurstCount } from '../burst-count'
import type { TcpConnection } from '../connection'
import { descriptorsLeft, tookDescriptor } from '../descriptors'
import type { PaneContext } from '../pane-kind'

export class ServerLimits {
  private settings: ConnSettings = defaultPaneConfig.connections
  /** The fewest descriptors that were left when one was refused for the reserve (said in the note). */
  private fewestLeft = Infinity
  private readonly refusedAtLimit: BurstCount
  private readonly refusedForReserve: BurstCount
  private readonly closedHalfClosed: BurstCount
  private readonly closedIdle: BurstCount

  constructor(private readonly ctx: PaneContext) {
    this.refusedAtLimit = new BurstCount((count) => ctx.note('warn', { key: 'log.connLimit', params: { limit: this.settings.limit, count } }))
    this.refusedForReserve = new BurstCount((count) => {
      ctx.note('warn', { key: 'log.connReserve', params: { free: Math.max(0, this.fewestLeft), count, reserve: DESCRIPTOR_RESERVE } })
      this.fewestLeft = Infinity
    })
    this.closedHalfClosed = new BurstCount((count) => ctx.note('info', { key: 'log.closedHalfClosed', params: { count } }))
    this.closedIdle = new BurstCount((count) => ctx.note('info', { key: 'log.closedIdle', params: { count, seconds: this.settings.idleTimeoutS } }))
  }

  /** New settings; they apply to the connections held now too. */
  configure(settings: ConnSettings, held: readonly TcpConnection[]): void {
    const was = this.settings
    this.settings = settings
    if (settings.closeOnHalfClose && !was.closeOnHalfClose) for (const c of held) if (c.halfClosedByPeer) this.close(c, this.closedHalfClosed)
    if (settings.idleTimeoutS !== was.idleTimeoutS) for (const c of held) this.watchIdle(c)
  }

  /** Whether a socket just accepted may become a connection of a pane holding `held`; if not, it is reset and counted. */
  admit(socket: Socket, held: number): boolean {
    if (held >= this.settings.limit) return this.refuse(socket, this.refusedAtLimit)
    const left = descriptorsLeft()
    if (left !== undefined && left < DESCRIPTOR_RESERVE) {
      this.fewestLeft = Math.min(this.fewestLeft, left)
      return this.refuse(socket, this.refusedForReserve)
    }
    tookDescriptor()
    return true
  }

  /** Watches a new connection for a half-close and for idleness, as the settings say. */
  watch(conn: TcpConnection): void {
    conn.onPeerHalfClose(() => {
      if (this.settings.closeOnHalfClose) this.close(conn, this.closedHalfClosed)
    })
    this.watchIdle(conn)
  }

  /** Says at once what was counted and not said yet (the pane stops). */
  flush(): void {
    for (const b of [this.refusedAtLimit, this.refusedForReserve, this.closedHalfClosed, this.closedIdle]) b.flush()
  }

  private watchIdle(conn: TcpConnection): void {
    conn.idleAfter(this.settings.idleTimeoutS * 1000, () => this.close(conn, this.closedIdle))
  }

  private refuse(socket: Socket, count: BurstCount): false {
    socket.on('error', () => {})
    socket.resetAndDestroy()
    count.add()
    return false
  }

  /**
   * Closes after what the connection read before is shown and answered: its last messages may
   * still wait to be decompressed, and their auto-replies must go out before the FIN.
   */
  private close(conn: TcpConnection, count: BurstCount): void {
    this.ctx.traffic.inOrder(() => {
      if (!conn.isOpen) return
      count.add()
      void conn.close()
    })
  }
}
