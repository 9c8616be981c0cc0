// net-playground flows: the TCP and UDP flows of a session or capture, one a line, with their
// endpoints, protocol, bytes each way and duration: how a user picks `replay --flow N`.
import { Engine } from '../engine/engine'
import { withSessions } from '../session/service'
import { formatBytes } from '../../shared/bytes'
import { errorMessage, formatTarget } from '../../shared/i18n'
import { FLOW_PAGE } from '../../shared/limits'
import type { SessionSummary } from '../../shared/contract'
import { savedPaneById } from '../../shared/workspace'
import { paneLabel } from '../runner/lines'
import { EXIT, fail, type Args } from './args'
import { openSessionFile } from './session-file'

export const flowsUsage = 'net-playground flows <file>'

type Flow = SessionSummary['flows'][number]

/** 850 µs, 12.5 ms, 3.25 s, 2 min 5 s. */
export function formatDuration(ns: bigint): string {
  const n = Number(ns)
  if (n < 1e6) return `${Math.round(n / 1e3)} µs`
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} ms`
  if (n < 60e9) return `${(n / 1e9).toFixed(2)} s`
  return `${Math.floor(n / 60e9)} min ${Math.round((n % 60e9) / 1e9)} s`
}

/**
 * The flows as a table, a header and one line each: number, protocol, endpoints (for a
 * session, the pane's side first; for a capture, the client's), bytes each way, duration,
 * and for a session the pane and connection that recorded it (by its name when the session's
 * workspace has the pane).
 */
export function flowTable(flows: readonly Flow[], workspace?: unknown, page: { widths: number[]; header: boolean } = { widths: [], header: true }): string[] {
  const recorder = (f: Flow): string => {
    if (f.paneId === undefined) return ''
    const saved = savedPaneById(workspace, f.paneId)
    const pane = saved && saved.n > 0 ? paneLabel(saved.kind, saved.n) : `pane ${f.paneId}`
    return f.connId ? `${pane}, connection ${f.connId}` : pane
  }
  const rows = [
    ['flow', 'proto', 'endpoints', '→ bytes', '← bytes', 'duration', 'recorded by'],
    ...flows.map((f) => [
      String(f.id),
      f.proto.toUpperCase(),
      `${formatTarget(f.local.address, f.local.port)} → ${formatTarget(f.remote.address, f.remote.port)}`,
      formatBytes(f.bytesOut),
      formatBytes(f.bytesIn),
      formatDuration(BigInt(f.lastNs) - BigInt(f.firstNs)),
      recorder(f)
    ])
  ]
  // A capture's flows have no pane: no such column.
  if (flows.every((f) => f.paneId === undefined)) for (const r of rows) r.pop()
  // A later page keeps the columns at least as wide as the pages before it.
  const widths = rows[0]!.map((_, c) => Math.max(page.widths[c] ?? 0, ...rows.map((r) => r[c]!.length)))
  page.widths.splice(0, widths.length, ...widths)
  return (page.header ? rows : rows.slice(1)).map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}`.trimEnd())
}

/** What `flows` says first: how many, where (or that there are none). */
function flowsHeading(session: SessionSummary): string {
  const n = session.flowCount
  if (n === 0) return `no TCP or UDP flows in ${session.path}`
  return `${n} flow${n === 1 ? '' : 's'} in ${session.path} (→: from the first endpoint to the second, ←: back)`
}

/** What `flows` prints for a file whose flows all came with its summary: the heading, then the table. */
export function flowList(session: SessionSummary): string {
  return session.flowCount === 0 ? flowsHeading(session) : [flowsHeading(session), ...flowTable(session.flows, session.workspace)].join('\n')
}

/** Every flow of an opened file, a page at a time (session.open lists the first page; session.flows the others). */
export async function* flowPages(engine: Engine, session: SessionSummary): AsyncGenerator<Flow[]> {
  yield session.flows
  for (let offset = session.flows.length; offset < session.flowCount; offset += FLOW_PAGE) {
    const r = await engine.command({ type: 'session.flows', sessionId: session.sessionId, offset, limit: FLOW_PAGE })
    if (!r.ok) fail(errorMessage('en', r.error))
    if (r.result.flows.length === 0) return
    yield r.result.flows
  }
}

/** One flow of an opened file by its number, fetched when it is past the first page. */
export async function flowById(engine: Engine, session: SessionSummary, id: number): Promise<Flow | undefined> {
  const listed = session.flows.find((f) => f.id === id)
  if (listed || id < session.flows.length || id >= session.flowCount) return listed
  const r = await engine.command({ type: 'session.flows', sessionId: session.sessionId, offset: id, limit: 1 })
  return r.ok ? r.result.flows.find((f) => f.id === id) : undefined
}

export async function flows(a: Args, usage: string): Promise<never> {
  const file = a._[1]
  if (!file || a._.length > 2) fail(usage)
  const engine = new Engine({ display: 'headless', sessions: withSessions({ record: false }) })
  const session = await openSessionFile(engine, file)
  // Streamed: a page is printed before the next is asked for, so a million flows never sit in memory as text.
  console.log(flowsHeading(session))
  const page = { widths: [], header: true }
  for await (const flows of flowPages(engine, session)) {
    if (flows.length === 0) continue
    await new Promise<void>((done) => process.stdout.write(flowTable(flows, session.workspace, page).join('\n') + '\n', () => done()))
    page.header = false
  }
  await engine.dispose()
  process.exit(EXIT.ok)
}
