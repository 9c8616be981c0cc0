// The workspace: which panes exist and their settings (React state, small, saved in the
// browser's storage so a reload brings the panes back, stopped), plus one PaneStore per
// pane that receives engine events from the moment the pane is made.
import type { Endpoint, Response, SessionSummary } from '../../shared/contract'
import { api } from './api'
import { PaneStore, type PaneKind } from './pane/pane-store'
import { layoutOf, savedPaneEntries, workspaceDocument, type SavedPane, type SplitLayout } from './saved-workspace'

export { HISTORY_MAX } from './saved-workspace'
export type { Sequence, SequenceStep, Snippet } from './saved-workspace'

/**
 * A pane of the window: what is saved of it (SavedPane: kind, number, address fields,
 * settings, snippets; history, sequences and display settings optional here, absent meaning
 * none or the defaults) plus its id and, for read-only panes, what they show.
 */
export interface PaneModel extends Omit<SavedPane, 'history' | 'sequences' | 'view'>, Partial<Pick<SavedPane, 'history' | 'sequences' | 'view'>> {
  id: string
  /** Read-only playback panes: the opened session and the recorded flows they show. */
  sessionId?: number
  flows?: SessionSummary['flows']
  /** A title other than "<kind> pane <n>" (playback, replay). */
  title?: string
}

const stores = new Map<string, PaneStore>()
let unsubscribe: (() => void) | undefined
let counter = 0
const STORAGE_KEY = 'np.workspace.v1'

function ensureSubscribed(): void {
  unsubscribe ??= api.onEvent((ev) => {
    if ('paneId' in ev) stores.get(ev.paneId)?.handle(ev)
  })
}

export function storeOf(id: string): PaneStore {
  const s = stores.get(id)
  if (!s) throw new Error(`no store for pane ${id}`)
  return s
}

function register(model: PaneModel): PaneModel {
  ensureSubscribed()
  stores.set(model.id, new PaneStore(model.id, model.kind, (bytes) => void api.command({ type: 'display.ack', paneId: model.id, bytes })))
  return model
}

export function makePane(kind: PaneKind, host: string, port: string, peerPort?: string): PaneModel {
  counter++
  return register({ id: `p${counter}`, kind, n: counter, host, port, peerPort, config: {}, snippets: [] })
}

export async function closePane(id: string): Promise<void> {
  await api.command({ type: 'pane.close', paneId: id })
  stores.get(id)?.setSink(undefined)
  stores.delete(id)
}

/** Sends the pane's framing, transforms and auto-replies to the engine. */
export function configurePane(p: PaneModel): Promise<Response> {
  return api.command({ type: 'pane.configure', paneId: p.id, config: p.config })
}

/** Start a pane with its settings: listen, connect or bind. Failures arrive as pane events. */
export async function startPane(p: PaneModel, port: number): Promise<Endpoint | undefined> {
  await configurePane(p)
  let r: Response
  if (p.kind === 'tcp-server') r = await api.command({ type: 'tcpServer.listen', paneId: p.id, host: p.host.trim(), port })
  else if (p.kind === 'tcp-client') r = await api.command({ type: 'tcpClient.connect', paneId: p.id, host: p.host.trim(), port })
  else r = await api.command({ type: 'udp.bind', paneId: p.id, host: p.host.trim(), port })
  return r.ok ? (r.result as { local: Endpoint }).local : undefined
}

export async function stopPane(p: PaneModel): Promise<void> {
  const store = storeOf(p.id)
  if (p.kind === 'tcp-server') await api.command({ type: 'tcpServer.stop', paneId: p.id })
  else if (p.kind === 'udp') await api.command({ type: 'pane.close', paneId: p.id })
  else for (const c of store.snapshot().conns) await api.command({ type: 'conn.close', paneId: p.id, connId: c.id })
}

export function saveWorkspace(panes: readonly PaneModel[], layout?: SplitLayout): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(workspaceDocument(panes, layout)))
  } catch {
    /* storage full or disabled: the workspace just is not remembered */
  }
}

function fromSaved(p: SavedPane, other: Record<string, unknown>, keepNumber: boolean): PaneModel {
  const fresh = makePane(p.kind, p.host, p.port, p.peerPort)
  const n = keepNumber && p.n > 0 ? p.n : fresh.n
  counter = Math.max(counter, n)
  return { ...other, ...fresh, n, config: p.config, snippets: p.snippets, history: p.history, sequences: p.sequences, view: p.view }
}

/**
 * Live panes from a saved workspace (a session file's), made anew and stopped, with their
 * settings, rules, snippets and display settings. `keepNumbers` (when they replace the open
 * panes) keeps "TCP server 2" named as in its recording.
 */
export function restorePanes(saved: unknown, keepNumbers = false): PaneModel[] {
  return savedPaneEntries(saved).map((e) => fromSaved(e.pane, e.other, keepNumbers))
}

/** The panes of the last visit, stopped, and their split sizes; a damaged entry is dropped, not fatal. */
export function loadWorkspace(): { panes: PaneModel[]; layout?: SplitLayout } {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as unknown
    const panes = savedPaneEntries(saved).flatMap(({ pane, id, other }) => {
      if (!id) return []
      counter = Math.max(counter, pane.n, Number(id.slice(1)) || 0)
      return [register({ ...other, ...pane, id, n: pane.n || counter })]
    })
    return { panes, layout: layoutOf(saved) }
  } catch {
    return { panes: [] }
  }
}
