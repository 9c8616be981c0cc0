// The window: a toolbar to open panes and pairs, the language switch, and the workspace of
// panes side by side with resizable splits.
import { Fragment, useCallback, useEffect, useState } from 'react'
import { Group, Panel, Separator } from 'react-resizable-panels'
import { languages, type Lang } from '../../shared/i18n'
import { webApi } from './api'
import { useI18n } from './i18n'
import { Pane } from './pane/Pane'
import type { PaneKind } from './pane/pane-store'
import { closePane, loadWorkspace, makePane, saveWorkspace, startPane, type PaneModel } from './workspace'

export function App() {
  const { t, lang, setLang } = useI18n()
  const [panes, setPanes] = useState<PaneModel[]>(loadWorkspace)
  const [hostLost, setHostLost] = useState(false)

  useEffect(() => saveWorkspace(panes), [panes])
  useEffect(() => webApi?.onConnectionChange((open) => setHostLost(!open)), [])
  useEffect(() => {
    document.title = t('app.title')
  }, [t])

  const add = useCallback((...models: PaneModel[]) => setPanes((ps) => [...ps, ...models]), [])
  const patch = useCallback((id: string, p: Partial<PaneModel>) => setPanes((ps) => ps.map((m) => (m.id === id ? { ...m, ...p } : m))), [])

  const newPair = useCallback(
    async (kind: 'tcp' | 'udp') => {
      if (kind === 'tcp') {
        const server = makePane('tcp-server', '127.0.0.1', '0')
        add(server)
        const local = await startPane(server, 0)
        if (!local) return
        const client = makePane('tcp-client', '127.0.0.1', String(local.port))
        add(client)
        await startPane(client, local.port)
      } else {
        const a = makePane('udp', '127.0.0.1', '0')
        const b = makePane('udp', '127.0.0.1', '0')
        add(a, b)
        const la = await startPane(a, 0)
        const lb = await startPane(b, 0)
        if (la && lb) {
          patch(a.id, { peerPort: String(lb.port) })
          patch(b.id, { peerPort: String(la.port) })
        }
      }
    },
    [add, patch]
  )

  const addSingle = (kind: PaneKind): void => add(makePane(kind, '127.0.0.1', kind === 'tcp-client' ? '' : '0'))

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey && e.altKey)) return
      if (e.key.toLowerCase() === 't') void newPair('tcp')
      else if (e.key.toLowerCase() === 'u') void newPair('udp')
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [newPair])

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
        <span className="spacer" />
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
      {hostLost && (
        <div className="banner" role="alert">
          {t('host.lost')}
        </div>
      )}
      <main className="workspace" aria-label={t('workspace.label')}>
        {panes.length === 0 ? (
          <p className="empty">{t('workspace.empty')}</p>
        ) : (
          <Group orientation="horizontal">
            {panes.map((p, i) => (
              <Fragment key={p.id}>
                {i > 0 && <Separator className="splitter" aria-label={t('split.resize')} />}
                <Panel id={p.id} minSize="240px">
                  <Pane
                    model={p}
                    onChange={(change) => patch(p.id, change)}
                    onClose={() => {
                      void closePane(p.id)
                      setPanes((ps) => ps.filter((m) => m.id !== p.id))
                    }}
                  />
                </Panel>
              </Fragment>
            ))}
          </Group>
        )}
      </main>
    </div>
  )
}
