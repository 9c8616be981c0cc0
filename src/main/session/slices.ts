// Long session work (indexing a file, redrawing a playback, exporting a flow) done in
// slices: each runs at most SLICE_MS, then the event loop gets its turn (setImmediate), so
// the sockets, timers and display flushes of every pane keep going while a big file is read.
import type { ChunkRef, OpenSession } from './types'

/** The longest a slice of session work keeps the event loop. */
export const SLICE_MS = 10

/** A chunk this large is read in the thread pool (fs.read), not with a blocking read. */
export const BIG_READ = 256 * 1024

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export class Slicer {
  private start = performance.now()

  constructor(private readonly budgetMs = SLICE_MS) {}

  /** This slice has used its time. */
  get due(): boolean {
    return performance.now() - this.start >= this.budgetMs
  }

  /** Lets the event loop run (timers, sockets, I/O), then starts a new slice. */
  async yield(): Promise<void> {
    await turn()
    this.restart()
  }

  /** Yields only when the slice has used its time. */
  async maybeYield(): Promise<void> {
    if (this.due) await this.yield()
  }

  /** A new slice starts now (after waiting on I/O, which let the loop run anyway). */
  restart(): void {
    this.start = performance.now()
  }
}

/** A chunk's bytes: a small one at once, a big one from the thread pool. */
export function readChunk(file: OpenSession, ref: ChunkRef): Uint8Array | Promise<Uint8Array> {
  return ref.len >= BIG_READ ? file.read(ref) : file.readSync(ref)
}
