// A flow's bytes to files, one per direction, named by its endpoints. Streamed: each chunk's
// parts are read from the session file and written in batches, in slices that leave the event
// loop free, so a flow of any size (past 2 GiB too) needs a batch of memory and the disk.
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { formatTarget } from '../../shared/i18n'
import type { ChunkRef, Flow, OpenSession } from './reader'
import { readChunk, Slicer } from './slices'

/** Bytes gathered before one write to the export file. */
const BATCH = 1024 * 1024

const name = (e: { address: string; port: number }): string => formatTarget(e.address, e.port).replace(/[^\w.-]+/g, '_')

/** Writes the flow's bytes into `dir` (which exists): the `out` direction, then `in`. Returns the two paths. */
export async function exportFlow(file: OpenSession, flow: Flow, dir: string): Promise<string[]> {
  const files: string[] = []
  for (const d of ['out', 'in'] as const) {
    const path = join(dir, `flow-${flow.id}-${name(flow.local)}-${d === 'out' ? 'to' : 'from'}-${name(flow.remote)}.bin`)
    await writeDirection(file, flow.chunks, d, path)
    files.push(path)
  }
  return files
}

async function writeDirection(file: OpenSession, chunks: ChunkRef[], dir: 'in' | 'out', path: string): Promise<void> {
  const out = await open(path, 'w')
  try {
    const batch = Buffer.allocUnsafe(BATCH)
    let used = 0
    const flush = async (): Promise<void> => {
      if (used > 0) await out.write(batch, 0, used)
      used = 0
    }
    const slicer = new Slicer()
    for (const c of chunks) {
      if (c.dir !== dir) continue
      // Part by part: a chunk split over packets is never joined in memory.
      for (const p of c.parts ?? [{ offset: c.offset, len: c.len }]) {
        const bytes = await readChunk(file, { dir: c.dir, tNs: c.tNs, offset: p.offset, len: p.len })
        if (used + bytes.byteLength > BATCH) await flush()
        if (bytes.byteLength >= BATCH) await out.write(bytes)
        else {
          batch.set(bytes, used)
          used += bytes.byteLength
        }
      }
      await slicer.maybeYield()
    }
    await flush()
  } finally {
    await out.close()
  }
}
