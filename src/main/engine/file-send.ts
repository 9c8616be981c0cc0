// Files sent by a pane, as jobs with progress. TCP: streamed raw with backpressure when the
// pane has no framing and no transforms; otherwise read whole (up to 16 MiB) and sent as
// one message through them. UDP: cut into datagrams of a chosen size, paced.
import { open, readFile, stat } from 'node:fs/promises'
import { formatBytes } from '../../shared/bytes'
import type { TcpConnection } from './connection'
import { EngineError, fail, failWith, toPaneError } from './errors'
import { pause } from './jobs'
import type { PaneContext } from './pane-kind'
import { MAX_MESSAGE_BYTES } from '../../shared/limits'

// The largest file sent as one message (File mode with framing or transforms, {{file:…}}) is
// MAX_MESSAGE_BYTES, what any one send may expand to.

const FILE_CHUNK = 64 * 1024

/** The size of a regular file, or an EngineError saying why it cannot be sent. */
async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path)
    if (s.isDirectory()) fail('EISDIR', path)
    return s.size
  } catch (err) {
    throw new EngineError(toPaneError(err, { op: 'open' }))
  }
}

export async function sendFileTcp(targets: TcpConnection[], path: string, ctx: PaneContext): Promise<{ jobId: number; total: number }> {
  const total = await fileSize(path)
  if (ctx.traffic.shapesMessages) {
    if (total > MAX_MESSAGE_BYTES) {
      failWith(
        'EMSGSIZE',
        { key: 'why.fileTooLargeForMessage', params: { path, size: formatBytes(total), max: formatBytes(MAX_MESSAGE_BYTES) } },
        { op: 'send' }
      )
    }
    const jobId = ctx.startJob('file', total, async (job) => {
      const payload: Uint8Array = await readFile(path)
      const live = targets.filter((c) => c.isWritable)
      if (live.length === 0) failWith('EPIPE', { key: 'why.fileConnGone' })
      for (const c of live) c.send(payload)
      await Promise.all(live.map((c) => c.drained()))
      job.progress(payload.byteLength)
    })
    return { jobId, total }
  }
  const jobId = ctx.startJob('file', total, async (job) => {
    const file = await open(path, 'r')
    try {
      const buf = new Uint8Array(FILE_CHUNK)
      let done = 0
      while (!job.signal.aborted) {
        const { bytesRead } = await file.read(buf, 0, FILE_CHUNK, done)
        if (bytesRead === 0) break
        const chunk = buf.slice(0, bytesRead)
        const live = targets.filter((c) => c.isWritable)
        if (live.length === 0) failWith('EPIPE', { key: 'why.fileConnGone' })
        for (const c of live) c.writeRaw(chunk)
        await Promise.all(live.map((c) => c.drained()))
        done += bytesRead
        job.progress(done)
      }
    } finally {
      await file.close()
    }
  })
  return { jobId, total }
}

/** How many bytes go out between two short pauses: the receiver's buffer gets time to drain. */
const UDP_BURST = 64 * 1024

/**
 * A file as datagrams of `size` bytes (the last one shorter), each handed to `sendOne`
 * and awaited (the kernel took it) before the next; every UDP_BURST bytes a 1 ms pause,
 * so neither our send buffer nor a local receiver's buffer is overrun.
 */
export async function sendFileUdp(
  path: string,
  size: number,
  ctx: PaneContext,
  sendOne: (datagram: Uint8Array) => Promise<unknown>
): Promise<{ jobId: number; total: number }> {
  const total = await fileSize(path)
  const jobId = ctx.startJob('file', total, async (job) => {
    const file = await open(path, 'r')
    try {
      let done = 0
      let burst = 0
      while (!job.signal.aborted) {
        const buf = new Uint8Array(size)
        const { bytesRead } = await file.read(buf, 0, size, done)
        if (bytesRead === 0) break
        await sendOne(bytesRead === size ? buf : buf.slice(0, bytesRead))
        done += bytesRead
        burst += bytesRead
        job.progress(done)
        if (burst >= UDP_BURST) {
          burst = 0
          await pause(1, job.signal)
        }
      }
    } finally {
      await file.close()
    }
  })
  return { jobId, total }
}
