// The commands every TCP pane answers the same way, whether it accepted its connections
// (server) or made one (client): send, send a file, half-close, close, reset.
import { open, stat } from 'node:fs/promises'
import type { Command } from '../../shared/contract'
import type { TcpConnection } from './connection'
import { EngineError, fail, toPaneError } from './errors'
import type { PaneContext } from './pane'

type Conns = ReadonlyMap<number, TcpConnection>

/** Answers a connection command, or returns undefined when `cmd` is not one. */
export async function connCommand(conns: Conns, cmd: Command, ctx: PaneContext): Promise<Record<string, unknown> | undefined> {
  switch (cmd.type) {
    case 'send': {
      const targets = targetsOf(conns, cmd.target)
      for (const c of targets) c.send(cmd.data!)
      return { bytes: cmd.data!.byteLength, connections: targets.length }
    }
    case 'send.file':
      return sendFile(targetsOf(conns, cmd.target), cmd.path, ctx)
    case 'conn.end':
      connOf(conns, cmd.connId).end()
      return {}
    case 'conn.close':
      void connOf(conns, cmd.connId).close()
      return {}
    case 'conn.reset':
      connOf(conns, cmd.connId).reset()
      return {}
    default:
      return undefined
  }
}

function connOf(conns: Conns, id: number): TcpConnection {
  return conns.get(id) ?? fail('NO_CONNECTION', `connection #${id}`, { connId: id })
}

/** One connection, or every one open for sending. */
function targetsOf(conns: Conns, target: number | 'all'): TcpConnection[] {
  const targets = target === 'all' ? [...conns.values()].filter((c) => c.isWritable) : [conns.get(target)]
  if (targets.length === 0 || targets[0] === undefined) {
    fail('NO_CONNECTION', target === 'all' ? 'no connection open for sending' : `connection #${target}`)
  }
  return targets as TcpConnection[]
}

const FILE_CHUNK = 64 * 1024

/**
 * Streams a file to the targets as it is (no framing, no transforms), one chunk at a time,
 * waiting for every socket to drain before reading on: memory stays flat for any size.
 */
async function sendFile(targets: TcpConnection[], path: string, ctx: PaneContext): Promise<Record<string, unknown>> {
  let total: number
  try {
    const s = await stat(path)
    if (s.isDirectory()) fail('EISDIR', path)
    total = s.size
  } catch (err) {
    throw new EngineError(toPaneError(err, { op: 'open' }))
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
        if (live.length === 0) fail('EPIPE', 'the connection closed while the file was being sent')
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
