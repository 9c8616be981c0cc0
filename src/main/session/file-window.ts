// Sequential reads of a file through a reusable window, so the index is built with a
// bounded amount of memory (the 4 MiB window, or one block of at most MAX_BLOCK bytes). The
// scanners read through get(); before bytes the window does not hold they say so (a Need),
// and the sliced reader fills the window with load() in the thread pool, so no read blocks
// the event loop. Read without that, get() reads what it lacks at once (openSession).
import * as fs from 'node:fs'

/** How much is read at once: few enough reads that their round trips to the thread pool cost little. */
const WINDOW = 4 * 1024 * 1024

/**
 * Bytes a scanner is about to read that the window does not hold: [offset, offset + len).
 * A Need of no bytes (BREATHE blocks after the last one) only lets the sliced reader look at the clock.
 */
export interface Need {
  offset: number
  len: number
}

/** Blocks a scanner walks between two looks at the clock, however many of them the window holds. */
export const BREATHE = 1024

export class FileWindow {
  private buf: Buffer = Buffer.alloc(0)
  private start = 0
  private end = 0

  constructor(
    private readonly fd: number,
    readonly size: number
  ) {}

  /** The window holds bytes [offset, offset + len) (or they are not all in the file: get() will say so). */
  holds(offset: number, len: number): boolean {
    return (offset >= this.start && offset + len <= this.end) || offset < 0 || len < 0 || offset + len > this.size
  }

  /** Bytes [offset, offset + len), or null if they are not all in the file. The view is valid until the next call. */
  get(offset: number, len: number): Uint8Array | null {
    if (offset < 0 || len < 0 || offset + len > this.size) return null
    if (offset >= this.start && offset + len <= this.end) return this.buf.subarray(offset - this.start, offset - this.start + len)
    const want = this.prepare(offset, len)
    let got = 0
    while (got < want) {
      const n = fs.readSync(this.fd, this.buf, got, want - got, offset + got)
      if (n <= 0) break
      got += n
    }
    return this.filled(offset, len, got)
  }

  /**
   * Fills the window from `offset` (at least `len` bytes, a whole window if the file has them)
   * in the thread pool. False when there was nothing to read (the window holds them already).
   */
  async load(offset: number, len: number): Promise<boolean> {
    if (this.holds(offset, len)) return false
    const want = this.prepare(offset, len)
    let got = 0
    while (got < want) {
      const n = await new Promise<number>((resolve, reject) =>
        fs.read(this.fd, this.buf, got, want - got, offset + got, (err, bytes) => (err ? reject(err) : resolve(bytes)))
      )
      if (n <= 0) break
      got += n
    }
    this.filled(offset, len, got)
    return true
  }

  /** How much to read from `offset`, with a buffer large enough for it. */
  private prepare(offset: number, len: number): number {
    const want = Math.min(Math.max(len, WINDOW), this.size - offset)
    if (this.buf.length < want) this.buf = Buffer.allocUnsafe(Math.max(want, Math.min(WINDOW, this.size)))
    this.start = this.end = 0
    return want
  }

  private filled(offset: number, len: number, got: number): Uint8Array | null {
    this.start = offset
    this.end = offset + got
    if (got < len) return null
    return this.buf.subarray(0, len)
  }

  /** Lets go of the window buffer. */
  release(): void {
    this.buf = Buffer.alloc(0)
    this.start = this.end = 0
  }
}
