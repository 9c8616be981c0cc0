// The workspace: which panes exist and their settings (React state, small, saved in the
// browser's storage so a reload brings the panes back, stopped), plus one PaneStore per
// pane that receives engine events from the moment the pane is made.
import type { Endpoint, PaneConfigInput, Response, SessionSummary } from '../../shared/contract'
import type { TemplateMode } from '../../shared/compose'
import type { TextEncoding } from '../../shared/encodings'
import { api } from './api'
import { PaneStore, type PaneKind } from './pane/pane-store'

export interface Snippet {
  name: string
  text: string
  mode: TemplateMode
  encoding: TextEncoding
}

/** One step of a sequence: wait delayMs, then send the snippet of that name. */
export interface SequenceStep {
  snippet: string
  delayMs: number
}

/** Named, ordered sends with delays, run by the engine as one job. */
export interface Sequence {
  name: string
  steps: SequenceStep[]
}

/** How many sent inputs a pane remembers (up/down in the input). */
export const HISTORY_MAX = 50

export interface PaneModel {
  id: string
  kind: PaneKind
  /** Shown in the pane's title: "TCP server 1". */
  n: number
  host: string
  port: string
  /** UDP pairs: the other pane's port, prefilled as the destination. */
  peerPort?: string
  config: PaneConfigInput
  snippets: Snippet[]
  /** Sent inputs, newest first, at most HISTORY_MAX. */
  history?: string[]
  sequences?: Sequence[]
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

export function saveWorkspace(panes: readonly PaneModel[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(panes.filter((p) => p.kind !== 'view')))
  } catch {
    /* storage full or disabled: the workspace just is not remembered */
  }
}

/** A saved pane's settings, snippets, history and sequences, each dropped if damaged. */
function savedLists(p: Partial<PaneModel>): Pick<PaneModel, 'config' | 'snippets' | 'history' | 'sequences'> {
  const history = Array.isArray(p.history) ? p.history.filter((h) => typeof h === 'string').slice(0, HISTORY_MAX) : []
  const sequences = Array.isArray(p.sequences)
    ? p.sequences.filter((q) => q && typeof q.name === 'string' && Array.isArray(q.steps)).map((q) => ({ name: q.name, steps: q.steps.filter((st) => st && typeof st.snippet === 'string' && Number.isInteger(st.delayMs)) }))
    : []
  return { config: p.config ?? {}, snippets: Array.isArray(p.snippets) ? p.snippets : [], history, sequences }
}

/** Live panes from a saved workspace (a session file's), made anew and stopped. */
export function restorePanes(saved: unknown): PaneModel[] {
  const list = (saved as { panes?: unknown } | undefined)?.panes
  if (!Array.isArray(list)) return []
  const kinds = ['tcp-server', 'tcp-client', 'udp']
  return (list as PaneModel[])
    .filter((p) => p && kinds.includes(p.kind))
    .map((p) => {
      const fresh = makePane(p.kind, String(p.host ?? '127.0.0.1'), String(p.port ?? '0'), p.peerPort)
      return { ...fresh, ...savedLists(p) }
    })
}

/** The panes of the last visit, stopped; a damaged entry is dropped, not fatal. */
export function loadWorkspace(): PaneModel[] {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as PaneModel[]
    if (!Array.isArray(saved)) return []
    const kinds = ['tcp-server', 'tcp-client', 'udp']
    return saved
      .filter((p) => p && kinds.includes(p.kind) && typeof p.id === 'string')
      .map((p) => {
        counter = Math.max(counter, p.n)
        return register({ ...p, ...savedLists(p) })
      })
  } catch {
    return []
  }
}
