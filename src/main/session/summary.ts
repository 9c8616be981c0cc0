// What opening a file tells the renderer (SessionSummary): its kind, workspace, flows with
// their byte counts, recorded panes, span and what the reader noted. Counting the bytes
// walks every chunk, so it runs in slices like the index it summarizes.
import type { SessionSummary } from '../../shared/contract'
import { sessionSpan } from './playback-steps'
import type { OpenSession, SessionIndex } from './reader'
import { Slicer } from './slices'

/** Our session's recorded panes, by their lifecycle records (a capture has none). */
function recordedPanes(ix: SessionIndex): SessionSummary['panes'] {
  if (ix.kind !== 'session') return []
  const counts = new Map<string, number>()
  for (const e of ix.events) if (e.paneId !== undefined) counts.set(e.paneId, (counts.get(e.paneId) ?? 0) + 1)
  return [...counts].map(([paneId, events]) => ({ paneId, events }))
}

/** How many chunks are counted between two looks at the clock. */
const CHUNKS_PER_LOOK = 4096

export async function summarize(sessionId: number, path: string, file: OpenSession): Promise<SessionSummary> {
  const ix = file.index
  const slicer = new Slicer()
  const flows: SessionSummary['flows'] = []
  for (const f of ix.flows) {
    let bytesIn = 0
    let bytesOut = 0
    for (let i = 0; i < f.chunks.length; i++) {
      const c = f.chunks[i]!
      if (c.dir === 'in') bytesIn += c.len
      else bytesOut += c.len
      if (i % CHUNKS_PER_LOOK === CHUNKS_PER_LOOK - 1) await slicer.maybeYield()
    }
    flows.push({
      id: f.id,
      proto: f.proto,
      ...(f.paneId !== undefined ? { paneId: f.paneId } : {}),
      ...(f.connId !== undefined ? { connId: f.connId } : {}),
      local: f.local,
      remote: f.remote,
      chunks: f.chunks.length,
      bytesIn,
      bytesOut
    })
  }
  const span = sessionSpan(ix)
  return {
    sessionId,
    kind: ix.kind,
    path,
    workspace: ix.workspace,
    flows,
    panes: recordedPanes(ix),
    startNs: String(span.startNs),
    endNs: String(span.endNs),
    ...(ix.truncated ? { truncated: ix.truncated.reason } : {}),
    ...(ix.interrupted ? { interrupted: ix.interrupted } : {}),
    ...(ix.notes?.length ? { notes: ix.notes } : {})
  }
}
