// Starting and stopping panes, and making pairs, through the contract: the one place the
// renderer, the headless runner and the tests all call, whether they hold window.api or an
// Engine (both answer `command`).
import type { CommandInputOf, CommandType, Endpoint, PaneConfigInput, PaneError, Response } from './contract'
import type { LiveKind } from './pane-kinds'

/** What drives panes: window.api in the renderer, the Engine itself in main. */
export interface CommandApi {
  command<T extends CommandType>(cmd: CommandInputOf<T>): Promise<Response<T>>
}

/** What starting a pane needs: its kind, where, and its framing, transforms and auto-replies. */
export interface PaneStart {
  id: string
  kind: LiveKind
  host: string
  port: number
  config: PaneConfigInput
}

export type Started = { ok: true; local: Endpoint; remote?: Endpoint } | { ok: false; error: PaneError }

/** Configures a pane and starts it: a server listens, a client connects, a UDP socket binds. */
export async function startPane(api: CommandApi, p: PaneStart): Promise<Started> {
  const configured = await api.command({ type: 'pane.configure', paneId: p.id, config: p.config })
  if (!configured.ok) return configured
  const host = p.host.trim()
  switch (p.kind) {
    case 'tcp-server': {
      const r = await api.command({ type: 'tcpServer.listen', paneId: p.id, host, port: p.port })
      return r.ok ? { ok: true, local: r.result.local } : r
    }
    case 'tcp-client': {
      const r = await api.command({ type: 'tcpClient.connect', paneId: p.id, host, port: p.port })
      return r.ok ? { ok: true, local: r.result.local, remote: r.result.remote } : r
    }
    case 'udp': {
      const r = await api.command({ type: 'udp.bind', paneId: p.id, host, port: p.port })
      return r.ok ? { ok: true, local: r.result.local } : r
    }
  }
}

/** Stops a pane of any kind: its sockets close, its settings stay. */
export async function stopPane(api: CommandApi, paneId: string): Promise<void> {
  await api.command({ type: 'pane.stop', paneId })
}

/**
 * A TCP server on a free port of `host` and a client connected to it. Returns where each
 * started (the server's port is what the client's port field should say), or the failure.
 */
export async function startTcpPair(
  api: CommandApi,
  server: Omit<PaneStart, 'kind' | 'port'>,
  client: Omit<PaneStart, 'kind' | 'port' | 'host'>
): Promise<{ server: Started; client?: Started }> {
  const s = await startPane(api, { ...server, kind: 'tcp-server', port: 0 })
  if (!s.ok) return { server: s }
  const c = await startPane(api, { ...client, kind: 'tcp-client', host: server.host, port: s.local.port })
  return { server: s, client: c }
}

/** Two UDP sockets on free ports of `host`, each to send to the other. */
export async function startUdpPair(
  api: CommandApi,
  a: Omit<PaneStart, 'kind' | 'port'>,
  b: Omit<PaneStart, 'kind' | 'port'>
): Promise<{ a: Started; b: Started }> {
  const ra = await startPane(api, { ...a, kind: 'udp', port: 0 })
  const rb = await startPane(api, { ...b, kind: 'udp', port: 0 })
  return { a: ra, b: rb }
}
