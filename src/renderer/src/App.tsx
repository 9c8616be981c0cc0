// The window: a toolbar to open panes and pairs, the language switch, and the workspace of
// panes side by side with resizable splits; one pane can be maximized over the others.
import { Fragment, useCallback, useEffect, useState } from 'react'
import { Group, Panel, Separator } from 'react-resizable-panels'
import { languages, type Lang } from '../../shared/i18n'
import { formatBytes } from '../../shared/bytes'
import { webApi } from './api'
import { useI18n } from './i18n'
import { Notice } from './Notice'
import { shortcutOf } from './shortcuts'
import { Pane } from './pane/Pane'
import type { LiveKind } from '../../shared/pane-kinds'
import type { SplitLayout } from '../../shared/workspace'
import { startTcpPair, startUdpPair } from '../../shared/pane-actions'
import { api } from './api'
import { closePane, loadWorkspace, makePane, saveWorkspace, type PaneModel } from './workspace'
import { sizesFor } from './saved-workspace'
import { useSession } from './session/useSession'
import { OpeningBar } from './session/OpeningBar'
import { SessionBar } from './session/SessionBar'
import { PathDialog } from './session/PathDialog'
import { ReplaceDialog } from './session/ReplaceDialog'
import { KeysDialog } from './session/KeysDialog'

export function App() {
  const { t, err, lang, setLang } = useI18n()
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
  // Live panes first, up to three side by side per row; read-only playback panes in rows below.
  const live = panes.filter((p) => p.kind !== 'playback')
  const liveRows = rowsOf(live, 3)
  const rows = [
    ...liveRows,
    ...rowsOf(
      panes.filter((p) => p.kind === 'playback'),
      3
    )
  ]
  const rowIds = rows.map((row) => `row-${row[0]!.id}`)
  const percent = (x: number | undefined): number => Math.round((x ?? 0) * 100) / 100
  // Layout callbacks also fire on mount and on reflow: a change that changes nothing keeps
  // the old value, so it does not re-render (and re-send the workspace) for nothing.
  const updateLayout = (next: (l: SplitLayout | undefined) => SplitLayout): void =>
    setLayout((l) => {
      const n = next(l)
      return JSON.stringify(n) === JSON.stringify(l) ? l : n
    })
  const onRowsChanged = (sizes: Record<string, number>): void =>
    updateLayout((l) => ({ rows: rowIds.slice(0, liveRows.length).map((id) => percent(sizes[id])), cols: (l?.cols ?? []).slice(0, liveRows.length) }))
  const onColsChanged = (r: number, sizes: Record<string, number>): void => {
    if (r >= liveRows.length) return
    updateLayout((l) => {
      const cols = (l?.cols ?? []).slice(0, liveRows.length)
      while (cols.length < liveRows.length) cols.push([])
      cols[r] = liveRows[r]!.map((p) => percent(sizes[p.id]))
      return { rows: l?.rows ?? [], cols }
    })
  }

  const newPair = useCallback(
    async (kind: 'tcp' | 'udp') => {
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

  const addSingle = (kind: LiveKind): void => add(makePane(kind, '127.0.0.1', kind === 'tcp-client' ? '' : '0'))

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const shortcut = shortcutOf(e)
      if (shortcut === 'save' && s.savedPath) void s.save(s.savedPath)
      else if (shortcut === 'save' || shortcut === 'saveAs') s.setDialog({ kind: 'save', initial: s.suggestion() })
      else if (shortcut === 'open') s.setDialog({ kind: 'open', initial: s.recent[0] ?? '' })
      else if (shortcut === 'tcpPair') void newPair('tcp')
      else if (shortcut === 'udpPair') void newPair('udp')
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [newPair, s])

  return (
    <div className="app">
      <header className="toolbar" role="toolbar" aria-label={t('toolbar.label')}>
        <h1>Net Playground</h1>
        <button type="button" className="primary" onClick={() => void newPair('tcp')} title="Ctrl+Alt+T">
          {t('toolbar.newTcpPair')}
        </button>
        <button type="button" className="primary" onClick={() => void newPair('udp')} title="Ctrl+Alt+U">
          {t('toolbar.newUdpPair')}
        </button>
        <span className="sep">{t('toolbar.add')}</span>
        <button type="button" onClick={() => addSingle('tcp-server')}>
          {t('toolbar.newTcpServer')}
        </button>
        <button type="button" onClick={() => addSingle('tcp-client')}>
          {t('toolbar.newTcpClient')}
        </button>
        <button type="button" onClick={() => addSingle('udp')}>
          {t('toolbar.newUdp')}
        </button>
        <span className="sep">{t('session.label')}</span>
        {s.savedPath && (
          <button type="button" onClick={() => void s.save(s.savedPath!)} title={`Ctrl+S · ${s.savedPath}`}>
            {t('session.save')}
          </button>
        )}
        <button type="button" onClick={() => s.setDialog({ kind: 'save', initial: s.suggestion() })} title="Ctrl+Shift+S">
          {t('session.saveAs')}
        </button>
        <button type="button" onClick={() => s.setDialog({ kind: 'open', initial: s.recent[0] ?? '' })} title="Ctrl+O">
          {t('session.open')}
        </button>
        <button type="button" onClick={() => s.setDialog({ kind: 'workspace', initial: s.suggestion().replace(/\.pcapng$/, '-workspace.json') })}>
          {t('session.exportWorkspace')}
        </button>
        {(s.recent.length > 0 || s.recovered.length > 0) && (
          <select aria-label={t('session.recent')} value="" onChange={(e) => e.target.value && void s.openRecent(e.target.value)}>
            <option value="">{t('session.recent')}</option>
            {s.recent.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
            {s.recovered.length > 0 && (
              <optgroup label={t('session.recoveredGroup')}>
                {s.recovered.map((r) => (
                  <option key={r.path} value={r.path} title={r.path}>
                    {t('session.recovered', { time: new Date(r.lastWriteMs).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en'), size: formatBytes(r.bytes) })}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        )}
        {/* The toolbar's free room is the window's notice place: a notice there moves nothing. */}
        <span className="spacer">
          <Notice notice={s.message} onDone={s.dismissMessage} />
        </span>
        <label className="lang">
          {t('toolbar.language')}
          <select aria-label={t('toolbar.language')} value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
            {languages.map((l) => (
              <option key={l} value={l}>
                {t(`lang.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </header>
      {s.session && (
        <SessionBar
          session={s.session}
          otherFlows={s.otherFlows}
          onClose={() => {
            void s.close()
            setPanes((ps) => ps.filter((m) => m.kind !== 'playback'))
          }}
        />
      )}
      {s.opening && s.dialog?.kind !== 'open' && <OpeningBar opening={s.opening} onStop={s.stopOpening} />}
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
            return s.exportFlow(d.flow!, path)
          }}
        />
      )}
      {s.keysQuestion && <KeysDialog n={s.keysQuestion.n} onChoose={s.keysQuestion.answer} />}
      {s.pending && <ReplaceDialog stake={s.pending.stake} onChoose={(choice) => void s.choose(choice)} />}
      {s.recording.problem && (
        <div className="banner" role="alert">
          {err(s.recording.problem)}
        </div>
      )}
      {hostLost && (
        <div className="banner" role="alert">
          {t('host.lost')}
        </div>
      )}
      <main className={maximized ? 'workspace has-max' : 'workspace'} aria-label={t('workspace.label')}>
        {panes.length === 0 ? (
          <p className="empty">{t('workspace.empty')}</p>
        ) : (
          <Group
            key={grid}
            orientation="vertical"
            defaultLayout={sizesFor(layout?.rows, rowIds)}
            onLayoutChanged={(sizes, meta) => onRowsChanged(meta.requestedLayout ?? sizes)}
          >
            {rows.map((row, r) => (
              <Fragment key={row[0]!.id}>
                {r > 0 && <Separator className="splitter horizontal" aria-label={t('split.resize')} />}
                <Panel id={rowIds[r]} minSize="200px">
                  <Group
                    orientation="horizontal"
                    defaultLayout={
                      r < liveRows.length
                        ? sizesFor(
                            layout?.cols[r],
                            row.map((p) => p.id)
                          )
                        : undefined
                    }
                    onLayoutChanged={(sizes, meta) => onColsChanged(r, meta.requestedLayout ?? sizes)}
                  >
                    {row.map((p, i) => (
                      <Fragment key={p.id}>
                        {i > 0 && <Separator className="splitter" aria-label={t('split.resize')} />}
                        <Panel id={p.id} minSize="240px">
                          <Pane
                            model={p}
                            maximized={p.id === maximized}
                            onMaximize={() => setMaxId((m) => (m === p.id ? undefined : p.id))}
                            onExport={(flow) => s.setDialog({ kind: 'export', initial: `${s.suggestion().replace(/\.pcapng$/, '')}-flow-${flow.id}`, flow })}
                            onResend={s.resend}
                            onStandIn={s.standIn}
                            onChange={(change) => patch(p.id, change)}
                            onClose={() => {
                              void closePane(p.id)
                              setMaxId((m) => (m === p.id ? undefined : m))
                              setPanes((ps) => ps.filter((m) => m.id !== p.id))
                            }}
                          />
                        </Panel>
                      </Fragment>
                    ))}
                  </Group>
                </Panel>
              </Fragment>
            ))}
          </Group>
        )}
      </main>
    </div>
  )
}

function rowsOf<T>(items: T[], size: number): T[][] {
  const rows: T[][] = []
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size))
  return rows
}
