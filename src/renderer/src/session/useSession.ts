// The session side of the window: keeping the recording's copy of the workspace current,
// save / save as / open / recent, the opened session with its read-only panes, and the
// replays started from them.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { SessionSummary } from '../../../shared/contract'
import { api } from '../api'
import { useI18n } from '../i18n'
import type { Flow, ResendChoice } from '../pane/FlowList'
import { makePane, type PaneModel } from '../workspace'

export type Dialog = { kind: 'save' | 'open' | 'export' | 'workspace'; initial: string; flow?: Flow } | undefined

export function useSession(panes: PaneModel[], add: (...m: PaneModel[]) => void) {
  const { t, err } = useI18n()
  const [session, setSession] = useState<SessionSummary | undefined>()
  const [savedPath, setSavedPath] = useState<string | undefined>()
  const [recent, setRecent] = useState<string[]>([])
  /** Recordings an earlier run left behind when it crashed: offered next to the recent sessions. */
  const [recovered, setRecovered] = useState<{ path: string; lastWriteMs: number; bytes: number }[]>([])
  const [dialog, setDialog] = useState<Dialog>()
  const [message, setMessage] = useState<string | undefined>()
  const home = useRef('')

  // The recording carries the workspace (live panes only), so a saved session restores it.
  useEffect(() => {
    const live = panes.filter((p) => p.kind !== 'view')
    const timer = setTimeout(() => void api.command({ type: 'session.workspace', workspace: { version: 1, panes: live } }), 300)
    return () => clearTimeout(timer)
  }, [panes])

  const refreshRecent = useCallback(async () => {
    const r = await api.command({ type: 'session.recent' })
    if (r.ok) {
      setRecent(r.result.paths)
      setRecovered(r.result.recovered)
    }
  }, [])

  useEffect(() => {
    void refreshRecent()
    void api.command({ type: 'session.info' }).then((r) => {
      if (r.ok) home.current = r.result.path.replace(/[\\/][^\\/]*$/, '')
    })
  }, [refreshRecent])

  const suggestion = (): string => savedPath ?? `${home.current || '/tmp'}/session-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.pcapng`

  const save = async (path: string): Promise<string | undefined> => {
    const r = await api.command({ type: 'session.save', path })
    if (!r.ok) return err(r.error)
    setSavedPath(r.result.path)
    setMessage(t('session.saved', { path: r.result.path }))
    setDialog(undefined)
    void refreshRecent()
    return undefined
  }

  const open = async (path: string): Promise<string | undefined> => {
    const r = await api.command({ type: 'session.open', path })
    if (!r.ok) return err(r.error)
    const s = r.result
    if (session) await api.command({ type: 'session.close', sessionId: session.sessionId })
    // One read-only pane per recorded pane (our sessions) or per flow (captures).
    const groups = new Map<string, Flow[]>()
    for (const f of s.flows) {
      const key = s.kind === 'session' && f.paneId ? f.paneId : `flow-${f.id}`
      groups.set(key, [...(groups.get(key) ?? []), f])
    }
    const views: PaneModel[] = [...groups.entries()].slice(0, 16).map(([key, flows]) => {
      const m = makePane('view', '', '')
      return { ...m, sessionId: s.sessionId, flows, title: s.kind === 'session' ? t('session.recordedPane', { pane: recordedName(s, key, (k) => t(`kind.${k}` as 'kind.udp')) }) : t('session.flowPane', { id: flows[0]!.id }) }
    })
    add(...views)
    setSession(s)
    setDialog(undefined)
    void refreshRecent()
    const started = await api.command({ type: 'playback.start', sessionId: s.sessionId, panes: views.map((v) => ({ paneId: v.id, flowIds: v.flows!.map((f) => f.id) })) })
    // Show the whole conversation at once; Play replays it from the start.
    if (started.ok) await api.command({ type: 'playback.control', sessionId: s.sessionId, action: 'seek', offsetNs: String(BigInt(s.endNs) - BigInt(s.startNs)) })
    return undefined
  }

  const exportFlow = async (flow: Flow, dir: string): Promise<string | undefined> => {
    if (!session) return undefined
    const r = await api.command({ type: 'session.export', sessionId: session.sessionId, flowId: flow.id, dir })
    if (!r.ok) return err(r.error)
    setMessage(t('session.exported', { files: r.result.files.join(', ') }))
    setDialog(undefined)
    return undefined
  }

  const exportWorkspace = async (path: string): Promise<string | undefined> => {
    // The engine has the workspace as of the last change; send the current one first.
    await api.command({ type: 'session.workspace', workspace: { version: 1, panes: panes.filter((p) => p.kind !== 'view') } })
    const r = await api.command({ type: 'session.exportWorkspace', path })
    if (!r.ok) return err(r.error)
    setMessage(t('session.exported', { files: r.result.path }))
    setDialog(undefined)
    return undefined
  }

  const resend = (flow: Flow, c: ResendChoice): void => {
    if (!session) return
    const kind = flow.proto === 'udp' ? 'udp' : c.side === 'server' ? 'tcp-server' : 'tcp-client'
    const pane = kind === 'udp' && c.side === 'client' ? makePane(kind, '0.0.0.0', '0', String(c.port)) : makePane(kind, c.host, String(c.port))
    add({ ...pane, title: t('session.replayPane', { id: flow.id }) })
    void api.command({ type: 'replay.resend', sessionId: session.sessionId, flowId: flow.id, paneId: pane.id, ...c })
  }

  const standIn = (flow: Flow, port: number): void => {
    if (!session) return
    const pane = makePane(flow.proto === 'udp' ? 'udp' : 'tcp-server', '127.0.0.1', String(port))
    add({ ...pane, title: t('session.standInPane', { id: flow.id }) })
    void api.command({ type: 'replay.standin', sessionId: session.sessionId, flowId: flow.id, paneId: pane.id, host: '127.0.0.1', port })
  }

  const close = async (): Promise<void> => {
    if (session) await api.command({ type: 'session.close', sessionId: session.sessionId })
    setSession(undefined)
  }

  return { session, recent, recovered, dialog, setDialog, message, setMessage, suggestion, save, open, exportFlow, exportWorkspace, resend, standIn, close, savedPath }
}

function recordedName(s: SessionSummary, paneId: string, kindName: (kind: string) => string): string {
  const ws = s.workspace as { panes?: { id: string; kind: string; n: number }[] } | undefined
  const p = ws?.panes?.find((x) => x.id === paneId)
  return p ? `${kindName(p.kind)} ${p.n}` : paneId
}
