// The session side of the window: keeping the recording's copy of the workspace current (never
// with keys), save / save as / open / recent (asking whether the keys go into the file), the
// opened session with its read-only panes and its restored workspace, and the replays started
// from them.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { PaneError, RecordingState, SessionSummary } from '../../../shared/contract'
import { defaultViewSettings, readWorkspace, savedPaneById, type SplitLayout } from '../../../shared/workspace'
import { playbackConnId } from '../../../shared/flows'
import { keyCount, withoutKeys } from '../../../shared/workspace-keys'
import { formatBytes } from '../../../shared/bytes'
import { api } from '../api'
import { useI18n } from '../i18n'
import { useNotice } from '../Notice'
import type { Flow, ResendChoice } from '../pane/FlowList'
import { closePane, makePane, restorePanes, storeOf, type PaneModel } from '../workspace'
import { workspaceDocument } from '../saved-workspace'
import type { Opening } from './OpeningBar'
import type { AtStake } from './ReplaceDialog'
import type { KeysChoice } from './KeysDialog'
import { useAskBeforeUnload } from './ask-before-unload'
import { startKey } from '../pane/Address'
import { fileName } from './file-name'

export type Dialog = { kind: 'save' | 'open' | 'export' | 'workspace' | 'saveCopy'; initial: string; flow?: Flow } | undefined

/** Read-only panes an opened file makes at most (the last one holds the rest): a recorded
 *  session's panes are the user's own, a capture's flows can be hundreds, and six is what
 *  two rows show with room for each terminal. */
export const MAX_SESSION_PANES = 16
export const MAX_CAPTURE_PANES = 6

/** What the session side needs of the window's workspace beyond its panes. */
export interface WorkspaceAccess {
  layout: SplitLayout | undefined
  setPanes(update: (panes: PaneModel[]) => PaneModel[]): void
  /** Put saved split sizes in place (the grid is rebuilt with them). */
  restoreLayout(layout: SplitLayout | undefined): void
}

/** The flows one read-only pane plays at most (playback.start's limit). */
const MAX_PLAYBACK_FLOWS = 10_000

/** The read-only pane of the flows that have none of their own: `n` of them in the file, `flows` those it plays (the first page's, and those shown since). */
function restView(base: PaneModel, sessionId: number, flows: Flow[], n: number): PaneModel {
  return { ...base, sessionId, flows, title: (tr) => tr('session.otherFlows', { n }) }
}

export function useSession(panes: PaneModel[], add: (...m: PaneModel[]) => void, ws: WorkspaceAccess) {
  const { t, err, lang } = useI18n()
  const [session, setSession] = useState<SessionSummary | undefined>()
  const [savedPath, setSavedPath] = useState<string | undefined>()
  const [recent, setRecent] = useState<string[]>([])
  /** Recordings an earlier run left behind when it crashed: offered next to the recent sessions. */
  const [recovered, setRecovered] = useState<{ path: string; lastWriteMs: number; bytes: number }[]>([])
  const [dialog, setDialog] = useState<Dialog>()
  const [message, say, dismissMessage] = useNotice()
  const [pending, setPending] = useState<{ summary: SessionSummary; stake: AtStake } | undefined>()
  /** Flows of the opened file not given a pane of their own (they are in the "other flows" pane). */
  const [otherFlows, setOtherFlows] = useState(0)
  /** A file whose index is still being read (session.opening), until its open answers. */
  const [opening, setOpening] = useState<Opening | undefined>()
  /** The running recording: on, off (it could not start) or failed (a write failed), and why. */
  const [recording, setRecording] = useState<{ state: RecordingState; problem?: PaneError }>({ state: 'on' })
  /** The question on Save whether to include the keys, while it is asked. */
  const [keysQuestion, setKeysQuestion] = useState<{ n: number; answer(choice: KeysChoice): void } | undefined>()
  /** The opened file's pane of the other flows, and the recorded pane each read-only pane shows. */
  const restRef = useRef<string | undefined>(undefined)
  const recordedRef = useRef(new Map<string, string>())
  const home = useRef('')
  const savedAt = useRef(0)
  const { layout } = ws

  // The recording carries the workspace (live panes, split sizes), so a saved session restores
  // it; never its keys: a saved copy gets them only when the person says so (writtenDown).
  useEffect(() => {
    const timer = setTimeout(() => void api.command({ type: 'session.workspace', workspace: withoutKeys(workspaceDocument(panes, layout)) }), 300)
    return () => clearTimeout(timer)
  }, [panes, layout])

  /**
   * The workspace as a file gets it: the recording's copy brought up to date (without keys), and,
   * when some step has a key, the question whether to include them: `workspace` is then the one
   * with keys for the file, or undefined (the recording's). Undefined when the person cancelled.
   */
  const writtenDown = async (): Promise<{ workspace?: unknown } | undefined> => {
    const doc = workspaceDocument(panes, layout)
    const n = keyCount(doc)
    const choice = n === 0 ? 'leaveOut' : await new Promise<KeysChoice>((answer) => setKeysQuestion({ n, answer }))
    setKeysQuestion(undefined)
    if (choice === 'cancel') return undefined
    // The engine has the workspace as of the last pause in changes; send the current one first.
    await api.command({ type: 'session.workspace', workspace: withoutKeys(doc) })
    return choice === 'include' ? { workspace: doc } : {}
  }

  /** Live panes with traffic not saved since the last Save. */
  const unsavedPanes = useCallback(() => panes.filter((p) => p.kind !== 'playback' && storeOf(p.id).lastTrafficMs > savedAt.current), [panes])
  const hasUnsaved = useCallback(() => unsavedPanes().length > 0, [unsavedPanes])
  useAskBeforeUnload(hasUnsaved)

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
      if (!r.ok) return
      home.current = r.result.dir ?? ''
      setRecording({ state: r.result.recording, ...(r.result.problem ? { problem: r.result.problem } : {}) })
    })
    return api.onEvent((e) => {
      if (e.type === 'session.recording') setRecording({ state: e.recording, ...(e.problem ? { problem: e.problem } : {}) })
      if (e.type === 'session.opening') setOpening({ sessionId: e.sessionId, path: e.path, bytes: e.bytes, total: e.total })
    })
  }, [refreshRecent])

  const suggestion = (): string => savedPath ?? `${home.current || '/tmp'}/session-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.pcapng`

  const save = async (path: string): Promise<string | undefined> => {
    if (keysQuestion) return undefined
    const keys = await writtenDown()
    if (!keys) return undefined
    const r = await api.command({ type: 'session.save', path, ...keys })
    if (!r.ok) return err(r.error)
    setSavedPath(r.result.path)
    savedAt.current = Date.now()
    say(
      r.result.incomplete ? t('session.savedIncomplete', { path: r.result.path, why: err(r.result.incomplete) }) : t('session.saved', { path: r.result.path })
    )
    setDialog(undefined)
    void refreshRecent()
    return undefined
  }

  /** The opened file saved as a clean copy: its whole blocks, and its end when a crash left it without one. */
  const saveCopy = async (path: string): Promise<string | undefined> => {
    if (!session) return undefined
    const r = await api.command({ type: 'session.saveOpened', sessionId: session.sessionId, path })
    if (!r.ok) return err(r.error)
    say(
      r.result.dropped > 0
        ? t('session.savedCopyCut', { path: r.result.path, size: formatBytes(r.result.dropped) })
        : t('session.saved', { path: r.result.path })
    )
    setDialog(undefined)
    void refreshRecent()
    return undefined
  }

  const open = async (path: string): Promise<string | undefined> => {
    const r = await api.command({ type: 'session.open', path })
    setOpening(undefined)
    if (!r.ok) return err(r.error)
    const s = r.result
    setDialog(undefined)
    void refreshRecent()
    // Opening a file replaces the document: its workspace takes the place of the open panes.
    // Ask first when that would stop something running or drop traffic not saved since.
    const live = panes.filter((p) => p.kind !== 'playback')
    const restorable = readWorkspace(s.workspace).panes.length
    const running = live.filter((p) => storeOf(p.id).snapshot().state !== 'idle').length
    const unsaved = unsavedPanes().length
    if (restorable > 0 && running + unsaved > 0) {
      setPending({ summary: s, stake: { open: live.length, running, unsaved, restorable, name: fileName(s.path) } })
      return undefined
    }
    await show(s, 'replace')
    return undefined
  }

  /** Opens a file picked under Recent; a failure is said by the toolbar, and the list is read again (a file gone leaves it). */
  const openRecent = async (path: string): Promise<void> => {
    const error = await open(path)
    if (error === undefined) return
    say(error, true)
    await refreshRecent()
  }

  /** The answer to the replace question. */
  const choose = async (choice: 'replace' | 'keep' | 'view' | 'cancel'): Promise<void> => {
    const p = pending
    setPending(undefined)
    if (!p) return
    if (choice === 'cancel') await api.command({ type: 'session.close', sessionId: p.summary.sessionId })
    else await show(p.summary, choice)
  }

  /** Shows an opened file: its workspace's panes restored (stopped), its flows as read-only panes. */
  const show = async (s: SessionSummary, mode: 'replace' | 'keep' | 'view'): Promise<void> => {
    if (session && session.sessionId !== s.sessionId) await api.command({ type: 'session.close', sessionId: session.sessionId })
    // One read-only pane per recorded pane (our sessions) or per flow (captures). A recorded
    // pane that never had a connection (a refused connect, a server nobody reached) has one
    // too: it shows its states and errors.
    const own = s.kind === 'session'
    const groups = new Map<string, Flow[]>()
    for (const f of s.flows) {
      const key = own && f.paneId ? f.paneId : `flow-${f.id}`
      groups.set(key, [...(groups.get(key) ?? []), f])
    }
    if (own) for (const p of s.panes) if (!groups.has(p.paneId)) groups.set(p.paneId, [])
    const entries = [...groups.entries()]
    const max = own ? MAX_SESSION_PANES : MAX_CAPTURE_PANES
    const shown = entries.length > max ? entries.slice(0, max - 1) : entries
    const rest = entries.slice(shown.length).flatMap(([, flows]) => flows)
    const recordedOf = new Map<string, string>()
    const views: PaneModel[] = shown.map(([key, flows]) => {
      const m = makePane('playback', '', '')
      if (own) recordedOf.set(m.id, key)
      // A pane without a connection has no flow list to show.
      return {
        ...m,
        sessionId: s.sessionId,
        flows: flows.length ? flows : undefined,
        title: own
          ? (tr: typeof t) => tr('session.recordedPane', { pane: recordedName(s, key, (k) => tr(`kind.${k}` as 'kind.udp')) })
          : (tr: typeof t) => tr('session.flowPane', { id: flows[0]!.id })
      }
    })
    restRef.current = undefined
    // The flows past the first page are in no pane until one is shown (reach), but counted with the other flows.
    const others = rest.length + s.flowCount - s.flows.length
    if (rest.length > 0) {
      const r = restView(makePane('playback', '', ''), s.sessionId, rest, others)
      restRef.current = r.id
      views.push(r)
    }
    recordedRef.current = recordedOf
    // 'view': the recording only, in its tab; the open panes stay as they are.
    const restored = mode === 'view' ? [] : restorePanes(s.workspace, mode === 'replace')
    // The previous file's read-only panes go; the live ones too when the file brings its own.
    const replacing = mode === 'replace' && restored.length > 0
    const gone = panes.filter((p) => p.kind === 'playback' || replacing)
    for (const p of gone) void closePane(p.id)
    const goneIds = new Set(gone.map((p) => p.id))
    ws.setPanes((ps) => [...ps.filter((p) => !goneIds.has(p.id)), ...restored, ...views])
    if (replacing) ws.restoreLayout(readWorkspace(s.workspace).layout)
    setSession(s)
    setOtherFlows(others)
    if (restored.length > 0) {
      const closed = gone.filter((p) => p.kind !== 'playback').length
      // The words on the buttons that start them: Listen, Connect, Bind.
      const words = [...new Set(restored.map((p) => t('list.quoted', { word: t(startKey[p.kind]) })))]
      const actions = new Intl.ListFormat(lang === 'zh' ? 'zh-CN' : 'en', { type: 'disjunction' }).format(words)
      if (!replacing) say(t('session.restoredAdded', { n: restored.length, actions }))
      else say(closed > 0 ? t('session.restoredReplacing', { n: restored.length, closed, actions }) : t('session.restored', { n: restored.length, actions }))
    }
    await startPlayback(s, views)
  }

  /** Plays the file's read-only panes, showing each whole conversation at once (Play replays it from the start). */
  const startPlayback = async (s: SessionSummary, views: PaneModel[]): Promise<void> => {
    const recordedOf = recordedRef.current
    const started = await api.command({
      type: 'playback.start',
      sessionId: s.sessionId,
      panes: views.map((v) => ({ paneId: v.id, flowIds: (v.flows ?? []).map((f) => f.id), recordedPane: recordedOf.get(v.id) }))
    })
    if (started.ok)
      await api.command({ type: 'playback.control', sessionId: s.sessionId, action: 'seek', offsetNs: String(BigInt(s.endNs) - BigInt(s.startNs)) })
  }

  /**
   * A flow past the first page, shown from the flow list: it joins the pane of the other flows
   * (made if there is none; the oldest such flow leaves it when it is full) and the playback
   * starts again with it.
   */
  const reach = async (flow: Flow): Promise<void> => {
    const s = session
    if (!s) return
    const views = panes.filter((p) => p.kind === 'playback' && p.sessionId === s.sessionId)
    if (views.some((v) => v.flows?.some((f) => f.id === flow.id))) return
    const old = views.find((v) => v.id === restRef.current)
    const flows = [...(old?.flows ?? []), flow].slice(-MAX_PLAYBACK_FLOWS)
    const base = restView(old ?? makePane('playback', '', ''), s.sessionId, flows, Math.max(otherFlows, 1))
    // Shown alone, as any flow chosen in the list.
    const view = base.view ?? defaultViewSettings
    const rest = { ...base, view: { ...view, filter: { ...view.filter, connId: playbackConnId(flow) } } }
    restRef.current = rest.id
    ws.setPanes((ps) => (old ? ps.map((p) => (p.id === old.id ? rest : p)) : [...ps, rest]))
    await startPlayback(s, old ? views.map((v) => (v.id === old.id ? rest : v)) : [...views, rest])
  }

  const exportFlow = async (flow: Flow, dir: string): Promise<string | undefined> => {
    if (!session) return undefined
    const r = await api.command({ type: 'session.export', sessionId: session.sessionId, flowId: flow.id, dir })
    if (!r.ok) return err(r.error)
    say(t('session.exported', { files: r.result.files.join(', ') }))
    setDialog(undefined)
    return undefined
  }

  const exportWorkspace = async (path: string): Promise<string | undefined> => {
    if (keysQuestion) return undefined
    const keys = await writtenDown()
    if (!keys) return undefined
    const r = await api.command({ type: 'session.exportWorkspace', path, ...keys })
    if (!r.ok) return err(r.error)
    say(t('session.exported', { files: r.result.path }))
    setDialog(undefined)
    return undefined
  }

  const resend = (flow: Flow, c: ResendChoice): void => {
    if (!session) return
    const kind = flow.proto === 'udp' ? 'udp' : c.side === 'server' ? 'tcp-server' : 'tcp-client'
    const pane = kind === 'udp' && c.side === 'client' ? makePane(kind, '0.0.0.0', '0', String(c.port)) : makePane(kind, c.host, String(c.port))
    add({ ...pane, title: (tr: typeof t) => tr('session.replayPane', { id: flow.id }), replayOf: session.sessionId })
    void api.command({ type: 'replay.resend', sessionId: session.sessionId, flowId: flow.id, paneId: pane.id, ...c })
  }

  const standIn = (flow: Flow, port: number): void => {
    if (!session) return
    const pane = makePane(flow.proto === 'udp' ? 'udp' : 'tcp-server', '127.0.0.1', String(port))
    add({ ...pane, title: (tr: typeof t) => tr('session.standInPane', { id: flow.id }), replayOf: session.sessionId })
    void api.command({ type: 'replay.standin', sessionId: session.sessionId, flowId: flow.id, paneId: pane.id, host: '127.0.0.1', port })
  }

  /** Stops the file being opened (its open then answers that it was stopped). */
  const stopOpening = (): void => {
    if (opening) void api.command({ type: 'session.close', sessionId: opening.sessionId })
  }

  const close = async (): Promise<void> => {
    if (session) await api.command({ type: 'session.close', sessionId: session.sessionId })
    setSession(undefined)
    setOtherFlows(0)
  }

  return {
    recording,
    session,
    recent,
    recovered,
    dialog,
    setDialog,
    keysQuestion,
    message,
    dismissMessage,
    suggestion,
    save,
    saveCopy,
    open,
    openRecent,
    pending,
    choose,
    otherFlows,
    reach,
    exportFlow,
    exportWorkspace,
    resend,
    standIn,
    close,
    savedPath,
    opening,
    stopOpening
  }
}

function recordedName(s: SessionSummary, paneId: string, kindName: (kind: string) => string): string {
  const p = savedPaneById(s.workspace, paneId)
  return p ? `${kindName(p.kind)} ${p.n}` : paneId
}
