// Holds libuv's thread pool: reads of FIFOs nobody writes block its threads, so nothing that
// runs there (zlib's async inflate) finishes until they are let go. A test forces "a message is
// still being decompressed" this way, whatever the machine's speed.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Blocks the pool (8 threads' worth: Node's default is 4); the returned function lets it go. */
export function holdThreadPool(): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'np-pool-'))
  const fifos = Array.from({ length: 8 }, (_, i) => join(dir, `f${i}`))
  for (const f of fifos) execFileSync('mkfifo', [f])
  const held = fifos.map((f) => readFile(f).catch(() => Buffer.alloc(0)))
  return async () => {
    // Each FIFO gets a writer that closes at once: every read ends.
    execFileSync('sh', ['-c', fifos.map((f) => `: > '${f}'`).join('; ')])
    await Promise.all(held)
    rmSync(dir, { recursive: true, force: true })
  }
}
