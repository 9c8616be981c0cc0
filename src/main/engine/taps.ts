// What the engine hands its recorder (the session layer) for every chunk: unbatched, never
// skipped, only bytes a socket really read or accepted for sending.
import type { Endpoint } from '../../shared/contract'

export interface TrafficTap {
  paneId: string
  connId: number
  dir: 'in' | 'out'
  /** Nanoseconds since the Unix epoch (the screen gets the same instant in microseconds). */
  tNs: bigint
  bytes: Uint8Array
  /** UDP: the datagram's sender (in) or destination (out). */
  peer?: Endpoint
}
