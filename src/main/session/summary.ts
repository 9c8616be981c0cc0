// What opening a file tells the renderer (SessionSummary): its kind, workspace, first flows with
// their byte counts (summed by the index builder, so nothing here walks the chunks), recorded
// panes, span and what the reader noted.
import type { FlowSummary, SessionSummary } from '../../shared/contract'
import { FLOW_PAGE } from '../../shared/limits'
import { sessionSpan } from './playback-steps'
import type { OpenSession, SessionIndex } from './reader'

/** Our session's recorded panes, by their lifecycle records (a capture has none), the first FLOW_PAGE. */
function recordedPanes(ix: SessionIndex): SessionSummary['panes'] {
  if (ix.kind !== 'session') return []
  const counts = new Map<string, number>()
  for (const e of ix.events) if (e.paneId !== undefined) counts.set(e.paneId, (counts.get(e.paneId) ?? 0) + 1)
  // A file that names a million panes still gets a bounded answer: the first FLOW_PAGE of them.
  return [...counts].slice(0, FLOW_PAGE).map(([paneId, events]) => ({ paneId, events }))
}

/** A flow's first and last moment: its opening, chunks, half-closes and close (ns, as decimal strings). */
export function flowSpan(f: SessionIndex['flows'][number]): { firstNs: string; lastNs: string } {
  const times = [f.opened, f.chunks[0]?.tNs, f.chunks.at(-1)?.tNs, f.closed?.tNs, ...(f.halfClosed ?? []).map((h) => h.tNs)].filter(
    (t): t is bigint => t !== undefined
  )
  const first = times.reduce((a, b) => (b < a ? b : a), times[0] ?? 0n)
  const last = times.reduce((a, b) => (b > a ? b : a), first)
  return { firstNs: String(first), lastNs: String(last) }
}

/** Flows [offset, offset + limit) of an index as the page sees them (at most FLOW_PAGE: the answer stays small whatever the file holds). */
export function flowPage(ix: SessionIndex, offset: number, limit: number): FlowSummary[] {
  return ix.flows.slice(offset, offset + Math.min(limit, FLOW_PAGE)).map((f) => ({
    id: f.id,
    proto: f.proto,
    ...(f.paneId !== undefined ? { paneId: f.paneId } : {}),
    ...(f.connId !== undefined ? { connId: f.connId } : {}),
    local: f.local,
    remote: f.remote,
    chunks: f.chunks.length,
    bytesIn: f.bytes.in,
    bytesOut: f.bytes.out,
    ...flowSpan(f)
  }))
}

export function summarize(sessionId: number, path: string, file: OpenSession): SessionSummary {
  const ix = file.index
  const span = sessionSpan(ix)
  return {
    sessionId,
    kind: ix.kind,
    path,
    workspace: ix.workspace,
    flows: flowPage(ix, 0, FLOW_PAGE),
    flowCount: ix.flows.length,
    panes: recordedPanes(ix),
    startNs: String(span.startNs),
    endNs: String(span.endNs),
    ...(ix.truncated ? { truncated: ix.truncated.reason } : {}),
    ...(ix.interrupted ? { interrupted: ix.interrupted } : {}),
    ...(ix.notes?.length ? { notes: ix.notes } : {})
  }
}
