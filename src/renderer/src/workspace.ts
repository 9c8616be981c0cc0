// The workspace: which panes exist and their settings (React state, small, saved in the
// browser's storage so a reload brings the panes back, stopped), plus one PaneStore per
// pane that receives engine events from the moment the pane is made. Starting and stopping
// go through the shared pane actions, as the headless runner's do.
import { defaultPaneConfig, type SessionSummary } from '../../shared/contract'
import type { PaneKind } from '../../shared/pane-kinds'
import { startPane as start, stopPane as stop, type Started } from '../../shared/pane-actions'
import { defaultComposerSettings, defaultViewSettings, readWorkspace, type SavedPane, type SplitLayout } from '../../shared/workspace'
import { api } from './api'
import { PaneStore } from './pane/pane-store'
import { workspaceDocument, type WindowPane } from './saved-workspace'

export { HISTORY_MAX } from '../../shared/workspace'
export type { Sequence, SequenceStep, Snippet } from '../../shared/workspace'

/** A pane of the window: what is saved of it, its id and, for playback panes, what they show. */
export interface PaneModel extends WindowPane {
  flows?: SessionSummary['flows']
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
  stores.set(model.id, new PaneStore(model.id, model.kind, (bytes) => api.ack({ paneId: model.id, bytes })))
  return model
}

/** A new pane with the default settings. */
export function makePane(kind: PaneKind, host: string, port: string, peerPort?: string): PaneModel {
  counter++
  return register({
    id: `p${counter}`,
    kind,
    n: counter,
    host,
    port,
    ...(peerPort === undefined ? {} : { peerPort }),
    config: defaultPaneConfig,
    snippets: [],
    history: [],
    sequences: [],
    view: defaultViewSettings,
    composer: defaultComposerSettings
  })
}

export async function closePane(id: string): Promise<void> {
  await api.command({ type: 'pane.close', paneId: id })
  stores.get(id)?.setSink(undefined)
  stores.delete(id)
}

/** Sends the pane's framing, transforms and auto-replies to the engine. */
export function configurePane(p: PaneModel): Promise<unknown> {
  return api.command({ type: 'pane.configure', paneId: p.id, config: p.config })
}

/** Starts a live pane with its settings: listen, connect or bind. Failures also arrive as pane events. */
export function startPane(p: PaneModel, port: number): Promise<Started | undefined> {
  if (p.kind === 'playback') return Promise.resolve(undefined)
  return start(api, { id: p.id, kind: p.kind, host: p.host, port, config: p.config })
}

export function stopPane(p: PaneModel): Promise<void> {
  return stop(api, p.id)
}

export function saveWorkspace(panes: readonly PaneModel[], layout?: SplitLayout): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(workspaceDocument(panes, layout)))
  } catch {
    /* storage full or disabled: the workspace just is not remembered */
  }
}

/** A live pane made again from a saved one (a new id; its number kept when asked and free). */
function fromSaved(p: SavedPane, keepNumber: boolean): PaneModel {
  const { id: _oldId, ...saved } = p
  const fresh = makePane(p.kind, p.host, p.port, p.peerPort)
  const n = keepNumber && p.n > 0 ? p.n : fresh.n
  counter = Math.max(counter, n)
  return { ...saved, id: fresh.id, n }
}

/**
 * Live panes from a saved workspace (a session file's), made anew and stopped, with their
 * settings, rules, snippets, input and display settings. `keepNumbers` (when they replace the
 * open panes) keeps "TCP server 2" named as in its recording.
 */
export function restorePanes(saved: unknown, keepNumbers = false): PaneModel[] {
  return readWorkspace(saved).panes.map((p) => fromSaved(p, keepNumbers))
}

/** The panes of the last visit, stopped, and their split sizes; a damaged entry is dropped, not fatal. */
export function loadWorkspace(): { panes: PaneModel[]; layout?: SplitLayout } {
  let stored: unknown
  try {
    stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]')
  } catch {
    return { panes: [] }
  }
  const ws = readWorkspace(stored)
  const panes = ws.panes.flatMap((p) => {
    if (!p.id) return []
    counter = Math.max(counter, p.n, Number(p.id.slice(1)) || 0)
    return [register({ ...p, id: p.id, n: p.n || counter })]
  })
  return { panes, ...(ws.layout ? { layout: ws.layout } : {}) }
}
