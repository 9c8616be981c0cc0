// The workspace: which panes exist and their settings (React state, small), plus one
// PaneStore per pane that receives engine events from the moment the pane is made.
import type { Endpoint, Response } from '../../shared/contract'
import { api } from './api'
import { PaneStore, type PaneKind } from './pane/pane-store'

export interface PaneModel {
  id: string
  kind: PaneKind
  /** Shown in the pane's title: "TCP server 1". */
  n: number
  host: string
  port: string
  /** UDP pairs: the other pane's port, prefilled as the destination. */
  peerPort?: string
}

const stores = new Map<string, PaneStore>()
let unsubscribe: (() => void) | undefined
let counter = 0

function ensureSubscribed(): void {
  unsubscribe ??= api.onEvent((ev) => stores.get(ev.paneId)?.handle(ev))
}

export function storeOf(id: string): PaneStore {
  const s = stores.get(id)
  if (!s) throw new Error(`no store for pane ${id}`)
  return s
}

export function makePane(kind: PaneKind, host: string, port: string, peerPort?: string): PaneModel {
  ensureSubscribed()
  counter++
  const id = `p${counter}`
  stores.set(id, new PaneStore(id, kind, (bytes) => void api.command({ type: 'display.ack', paneId: id, bytes })))
  return { id, kind, n: counter, host, port, peerPort }
}

export async function closePane(id: string): Promise<void> {
  await api.command({ type: 'pane.close', paneId: id })
  stores.get(id)?.setSink(undefined)
  stores.delete(id)
}

/** Start a pane with its settings: listen, connect or bind. Failures arrive as pane events. */
export async function startPane(p: PaneModel, port: number): Promise<Endpoint | undefined> {
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
