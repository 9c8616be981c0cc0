// The window: the top line, the tabs (the live workspace, and an opened session or capture),
// the inspector beside them, the window's dialogs, and its toasts.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { webApi } from './api'
import { useI18n } from './i18n'
import { Notice } from './Notice'
import { shortcutOf } from './shortcuts'
import type { LiveKind } from '../../shared/pane-kinds'
import type { SplitLayout } from '../../shared/workspace'
import { keyWanted } from '../../shared/workspace-keys'
import { startTcpPair, startUdpPair } from '../../shared/pane-actions'
import { api } from './api'
import { closePane, loadWorkspace, makePane, saveWorkspace, type PaneModel } from './workspace'
import { useSession } from './session/useSession'
import { OpeningBar } from './session/OpeningBar'
import { SessionView } from './session/SessionView'
import { PathDialog } from './session/PathDialog'
import { ReplaceDialog } from './session/ReplaceDialog'
import { KeysDialog } from './session/KeysDialog'
import { TopBar } from './TopBar'
import { WorkspaceGrid } from './WorkspaceGrid'
import { InspectorContext, type InspectorSection, type InspectorState } from './ui/inspector'
import { InspectorPanel } from './ui/InspectorPanel'
import { paneTitle } from './saved-workspace'
import { DocumentTabs } from './DocumentTabs'
import { fileName } from './session/file-name'

export function App() {
  const { t, err } = useI18n()
  const [initial] = useState(loadWorkspace)
  const [panes, setPanes] = useState<PaneModel[]>(initial.panes)
  // Split sizes by position; `grid` remounts the splits when a restored layout replaces them.
  const [layout, setLayout] = useState<SplitLayout | undefined>(initial.layout)
  const [grid, setGrid] = useState(0)
  const [hostLost, setHostLost] = useState(false)
  // The maximized pane covers the workspace; the splits and the other panes stay mounted under
  // it (hidden), so their terminals, inputs and split sizes are exactly as they were on restore.
  const [maxId, setMaxId] = useState<string | undefined>()
  const maximized = panes.some((p) => p.id === maxId) ? maxId : undefined
  const [tab, setTab] = useState<'workspace' | 'session'>('workspace')
  const [focused, setFocused] = useState<string | undefined>()
  const [inspectorOpen, setInspectorOpen] = useState(false)
  const [slots, setSlots] = useState<InspectorState['slots']>({})
  const [reveal, setReveal] = useState<{ section?: InspectorSection; focus: boolean; n: number }>()

  useEffect(() => saveWorkspace(panes, layout), [panes, layout])
  useEffect(() => webApi?.onConnectionChange((open) => setHostLost(!open)), [])
  useEffect(() => {
    document.title = t('app.title')
  }, [t])

  // A new pane brings the layout back, so it is seen rather than added under the maximized one.
  const add = useCallback((...models: PaneModel[]) => {
    setMaxId(undefined)
    setPanes((ps) => [...ps, ...models])
  }, [])
  const patch = useCallback((id: string, p: Partial<PaneModel>) => setPanes((ps) => ps.map((m) => (m.id === id ? { ...m, ...p } : m))), [])
  const restoreLayout = useCallback((l: SplitLayout | undefined) => {
    setLayout(l)
    setGrid((n) => n + 1)
  }, [])
  const s = useSession(panes, add, { layout, setPanes, restoreLayout })
  const sessionId = s.session?.sessionId
  // Replays of the opened session live in its tab; once it is closed, in the workspace.
  const inSession = (p: PaneModel): boolean => p.kind === 'playback' || (p.replayOf !== undefined && p.replayOf === sessionId)
  const live = panes.filter((p) => !inSession(p))
  const views = panes.filter((p) => p.kind === 'playback')
  const replays = panes.filter((p) => p.kind !== 'playback' && inSession(p))
  const shownTab = s.session ? tab : 'workspace'

  const panesNow = useRef(panes)
  panesNow.current = panes
  // An opened file shows in its tab; unless a pane it restored wants a key left out of it:
  // the live panes stay in view, the inspector at that key.
  useEffect(() => {
    if (sessionId === undefined) return
    const keyWanting = panesNow.current.some((p) => p.kind !== 'playback' && keyWanted(p.config) !== undefined)
    setTab(keyWanting ? 'workspace' : 'session')
  }, [sessionId])

  // Layout callbacks also fire on mount and on reflow: a change that changes nothing keeps
  // the old value, so it does not re-render (and re-send the workspace) for nothing.
  const updateLayout = useCallback(
    (next: (l: SplitLayout | undefined) => SplitLayout): void =>
      setLayout((l) => {
        const n = next(l)
        return JSON.stringify(n) === JSON.stringify(l) ? l : n
      }),
    []
  )

  // The inspector's pane, as the mount effects of many restored panes see it in one commit.
  const focusedNow = useRef<string | undefined>(undefined)
  const inspect = useCallback((id: string, section?: InspectorSection, ifFree = false): boolean => {
    const wantsKey = (pid: string | undefined): boolean => !!pid && keyWanted(panesNow.current.find((p) => p.id === pid)?.config ?? {}) !== undefined
    // On restore the first pane whose key was left out keeps the inspector.
    if (ifFree && focusedNow.current !== id && wantsKey(focusedNow.current)) return false
    focusedNow.current = id
    setFocused(id)
    setInspectorOpen(true)
    // Settings asked for: the focus goes to the panel; asked for a section (a key), that section's field takes it.
    setReveal((r) => ({ section, focus: !ifFree && section === undefined, n: (r?.n ?? 0) + 1 }))
    return true
  }, [])
  const focusPane = useCallback((id: string): void => {
    focusedNow.current = id
    setFocused(id)
  }, [])
  // The inspector shows a pane of the tab shown, never one hidden in the other tab.
  const inShownTab = (p: PaneModel): boolean => (shownTab === 'session') === inSession(p)
  const focusedPane = panes.find((p) => p.id === focused && inShownTab(p))
  const inspector = useMemo<InspectorState>(
    () => ({ focused: focusedPane?.id, slots, inspect, focus: focusPane }),
    [focusedPane?.id, slots, inspect, focusPane]
  )

  const newPair = useCallback(
    async (kind: 'tcp' | 'udp') => {
      setTab('workspace')
      if (kind === 'tcp') {
        const server = makePane('tcp-server', '127.0.0.1', '0')
        const client = makePane('tcp-client', '127.0.0.1', '')
        add(server)
        const r = await startTcpPair(api, server, client)
        if (!r.server.ok) return
        // The pair's ports are written down as chosen, so a restored pair finds itself again.
        const port = String(r.server.local.port)
        patch(server.id, { port })
        add({ ...client, port })
      } else {
        const a = makePane('udp', '127.0.0.1', '0')
        const b = makePane('udp', '127.0.0.1', '0')
        add(a, b)
        const r = await startUdpPair(api, a, b)
        if (r.a.ok && r.b.ok) {
          const pa = String(r.a.local.port)
          const pb = String(r.b.local.port)
          patch(a.id, { port: pa, peerPort: pb, composer: { ...a.composer, udpPort: pb } })
          patch(b.id, { port: pb, peerPort: pa, composer: { ...b.composer, udpPort: pa } })
        }
      }
    },
    [add, patch]
  )

  const addSingle = (kind: LiveKind): void => {
    setTab('workspace')
    add(makePane(kind, '127.0.0.1', kind === 'tcp-client' ? '' : '0'))
  }
  const openDialog = useCallback(() => s.setDialog({ kind: 'open', initial: s.recent[0] ?? '' }), [s])
  const saveAsDialog = useCallback(() => s.setDialog({ kind: 'save', initial: s.suggestion() }), [s])

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const shortcut = shortcutOf(e)
      if (shortcut === 'save' && s.savedPath) void s.save(s.savedPath)
      else if (shortcut === 'save' || shortcut === 'saveAs') saveAsDialog()
      else if (shortcut === 'open') openDialog()
      else if (shortcut === 'tcpPair') void newPair('tcp')
      else if (shortcut === 'udpPair') void newPair('udp')
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [newPair, s, openDialog, saveAsDialog])

  const closeOne = (id: string): void => {
    void closePane(id)
    setMaxId((m) => (m === id ? undefined : m))
    setPanes((ps) => ps.filter((m) => m.id !== id))
  }
  const closeSession = (): void => {
    void s.close()
    setPanes((ps) => ps.filter((m) => m.kind !== 'playback'))
    setTab('workspace')
  }

  return (
    <InspectorContext.Provider value={inspector}>
      <div className="app">
        <TopBar
          onPair={(k) => void newPair(k)}
          onAdd={addSingle}
          savedPath={s.savedPath}
          onSave={() => void s.save(s.savedPath!)}
          onSaveAs={saveAsDialog}
          onOpen={openDialog}
          onExportWorkspace={() => s.setDialog({ kind: 'workspace', initial: s.suggestion().replace(/\.pcapng$/, '-workspace.json') })}
          recent={s.recent}
          recovered={s.recovered}
          onOpenRecent={(path) => void s.openRecent(path)}
          inspectorOpen={inspectorOpen}
          onInspector={() => setInspectorOpen((o) => !o)}
        />
        {s.opening && s.dialog?.kind !== 'open' && <OpeningBar opening={s.opening} onStop={s.stopOpening} />}
        <div className="body">
          <main className="tabs-area" aria-label={t('workspace.label')}>
            {/* Always there, so opening a file never moves the live panes. */}
            <DocumentTabs
              shown={shownTab}
              onShow={setTab}
              livePanes={live.length}
              session={s.session && { name: fileName(s.session.path), path: s.session.path }}
              onCloseSession={closeSession}
            />
            <div className="tab-panels">
              <div
                id="panel-workspace"
                role="tabpanel"
                aria-labelledby="tab-workspace"
                className={`workspace${maximized ? ' has-max' : ''}${shownTab === 'workspace' ? '' : ' hidden'}`}
                inert={shownTab !== 'workspace'}
              >
                <WorkspaceGrid
                  panes={live}
                  layout={layout}
                  grid={grid}
                  onLayout={updateLayout}
                  maximized={maximized}
                  onMaximize={(id) => setMaxId((m) => (m === id ? undefined : id))}
                  onChange={patch}
                  onClose={closeOne}
                />
              </div>
              {s.session && (
                <section
                  id="panel-session"
                  role="tabpanel"
                  aria-labelledby="tab-session"
                  className={`session-tab${shownTab === 'session' ? '' : ' hidden'}`}
                  inert={shownTab !== 'session'}
                >
                  <SessionView
                    session={s.session}
                    otherFlows={s.otherFlows}
                    views={views}
                    replays={replays}
                    onClose={closeSession}
                    onReach={(flow) => void s.reach(flow)}
                    onSaveCopy={() => s.setDialog({ kind: 'saveCopy', initial: s.suggestion().replace(/\.pcapng$/, '-copy.pcapng') })}
                    onExport={(flow) => s.setDialog({ kind: 'export', initial: `${s.suggestion().replace(/\.pcapng$/, '')}-flow-${flow.id}`, flow })}
                    onResend={s.resend}
                    onStandIn={s.standIn}
                    onChange={patch}
                    onClosePane={closeOne}
                  />
                </section>
              )}
            </div>
          </main>
          <InspectorPanel
            open={inspectorOpen}
            title={focusedPane ? paneTitle(focusedPane, t) : undefined}
            reveal={reveal}
            onSlots={setSlots}
            onClose={() => setInspectorOpen(false)}
          />
        </div>
        {s.dialog && (
          <PathDialog
            title={t(`session.dialog.${s.dialog.kind}`)}
            confirm={t(`session.confirm.${s.dialog.kind}`)}
            initial={s.dialog.initial}
            status={s.dialog.kind === 'open' && s.opening ? <OpeningBar opening={s.opening} onStop={s.stopOpening} /> : undefined}
            onCancel={() => {
              // Cancel while a file is being opened stops the opening too.
              if (s.dialog?.kind === 'open') s.stopOpening()
              s.setDialog(undefined)
            }}
            onConfirm={(path) => {
              const d = s.dialog!
              if (d.kind === 'save') return s.save(path)
              if (d.kind === 'open') return s.open(path)
              if (d.kind === 'workspace') return s.exportWorkspace(path)
              if (d.kind === 'saveCopy') return s.saveCopy(path)
              return s.exportFlow(d.flow!, path)
            }}
          />
        )}
        {s.keysQuestion && <KeysDialog n={s.keysQuestion.n} onChoose={s.keysQuestion.answer} />}
        {s.pending && <ReplaceDialog stake={s.pending.stake} onChoose={(choice) => void s.choose(choice)} />}
        {/* Toasts: laid over the window's corner, they never move the layout. */}
        <div className="toasts">
          {s.recording.problem && (
            <div className="toast alert" role="alert">
              {err(s.recording.problem)}
            </div>
          )}
          {hostLost && (
            <div className="toast alert" role="alert">
              {t('host.lost')}
            </div>
          )}
          <Notice notice={s.message} onDone={s.dismissMessage} />
        </div>
      </div>
    </InspectorContext.Provider>
  )
}
