// TCP stream reassembly for foreign captures, one direction at a time: bytes in sequence
// order from the SYN (or the first segment seen), retransmitted and overlapping bytes
// dropped, 32-bit wraparound handled. Payload stays in the file; we only keep places.

/** Segments waiting for a hole to be filled; beyond this the hole is given up as lost. */
const MAX_PENDING = 4096
/** A segment this far ahead of what we expect is not part of this stream. */
const MAX_AHEAD = 1 << 30

interface Pending {
  abs: number
  len: number
  offset: number
  tNs: bigint
}

export interface ReassemblyStats {
  retransmitted: number
  missing: number
  outOfWindow: number
}

export type Emit = (offset: number, len: number, tNs: bigint) => void

export class TcpDirection {
  started = false
  /** Sequence number of stream byte 0. */
  private base = 0
  /** Stream bytes delivered so far (the next expected byte). */
  private delivered = 0
  private pending: Pending[] = []
  private lastEmitNs = 0n

  constructor(
    private readonly emit: Emit,
    private readonly stats: ReassemblyStats
  ) {}

  /** A SYN: the stream starts after it. */
  syn(seq: number): void {
    if (this.started) return
    this.base = (seq + 1) >>> 0
    this.started = true
  }

  /** `len` payload bytes at sequence number `seq`, found in the file at `offset`. */
  data(seq: number, len: number, offset: number, tNs: bigint): void {
    if (!this.started) {
      this.base = seq >>> 0
      this.started = true
    }
    if (len <= 0) return
    const expected = (this.base + this.delivered) % 4294967296
    const delta = (seq - expected) | 0 // signed distance, modulo 2^32
    const abs = this.delivered + delta
    if (abs + len <= this.delivered) {
      this.stats.retransmitted += len
      return
    }
    if (abs <= this.delivered) {
      this.deliver(abs, len, offset, tNs)
      this.drain(tNs)
      return
    }
    if (delta > MAX_AHEAD) {
      this.stats.outOfWindow++
      return
    }
    this.insert({ abs, len, offset, tNs })
    if (this.pending.length > MAX_PENDING) this.skipHole(tNs)
  }

  /** The end of the stream (or of the file): deliver what waits, skipping the holes. */
  finish(): void {
    while (this.pending.length > 0) this.skipHole(this.lastEmitNs)
  }

  private skipHole(tNs: bigint): void {
    const first = this.pending[0]!
    if (first.abs > this.delivered) {
      this.stats.missing += first.abs - this.delivered
      this.delivered = first.abs
    }
    this.drain(tNs > first.tNs ? tNs : first.tNs)
  }

  private deliver(abs: number, len: number, offset: number, tNs: bigint): void {
    const skip = this.delivered - abs
    if (skip > 0) this.stats.retransmitted += skip
    const t = tNs > this.lastEmitNs ? tNs : this.lastEmitNs
    this.lastEmitNs = t
    this.emit(offset + skip, len - skip, t)
    this.delivered = abs + len
  }

  private drain(tNs: bigint): void {
    while (this.pending.length > 0 && this.pending[0]!.abs <= this.delivered) {
      const p = this.pending.shift()!
      if (p.abs + p.len > this.delivered) this.deliver(p.abs, p.len, p.offset, tNs)
      else this.stats.retransmitted += p.len
    }
  }

  private insert(p: Pending): void {
    let lo = 0
    let hi = this.pending.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.pending[mid]!.abs <= p.abs) lo = mid + 1
      else hi = mid
    }
    this.pending.splice(lo, 0, p)
  }
}
