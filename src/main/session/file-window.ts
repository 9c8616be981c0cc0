// Sequential reads of a file through a reusable window, so the index is built with a
// bounded amount of memory (the window, or one block of at most MAX_BLOCK bytes).
import * as fs from 'node:fs'

const WINDOW = 1024 * 1024

export class FileWindow {
  private buf: Buffer = Buffer.alloc(0)
  private start = 0
  private end = 0

  constructor(
    private readonly fd: number,
    readonly size: number
  ) {}

  /** Bytes [offset, offset + len), or null if they are not all in the file. The view is valid until the next call. */
  get(offset: number, len: number): Uint8Array | null {
    if (offset < 0 || len < 0 || offset + len > this.size) return null
    if (offset >= this.start && offset + len <= this.end) return this.buf.subarray(offset - this.start, offset - this.start + len)
    const want = Math.min(Math.max(len, WINDOW), this.size - offset)
    if (this.buf.length < want) this.buf = Buffer.allocUnsafe(Math.max(want, Math.min(WINDOW, this.size)))
    let got = 0
    while (got < want) {
      const n = fs.readSync(this.fd, this.buf, got, want - got, offset + got)
      if (n <= 0) break
      got += n
    }
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
