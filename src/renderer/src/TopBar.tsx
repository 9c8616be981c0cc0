// The window's one top line: new pairs and panes, the session's Open / Save / Save as and
// Recent, the inspector's switch and the language. It never wraps at 1024 px and wider: the
// less used actions are in menus, and notices are toasts (App.tsx), not words in it.
import { FolderOpen, Languages, Plus, Save, PanelRight, MoreHorizontal } from 'lucide-react'
import { languages, type Lang } from '../../shared/i18n'
import { formatBytes } from '../../shared/bytes'
import type { LiveKind } from '../../shared/pane-kinds'
import { useI18n } from './i18n'
import { Menu } from './ui/Menu'
import { KindIcon } from './ui/KindIcon'

interface Props {
  onPair(kind: 'tcp' | 'udp'): void
  onAdd(kind: LiveKind): void
  savedPath: string | undefined
  onSave(): void
  onSaveAs(): void
  onOpen(): void
  onExportWorkspace(): void
  recent: string[]
  recovered: { path: string; lastWriteMs: number; bytes: number }[]
  onOpenRecent(path: string): void
  inspectorOpen: boolean
  onInspector(): void
}

export function TopBar(p: Props) {
  const { t, lang, setLang } = useI18n()
  return (
    <header className="toolbar" role="toolbar" aria-label={t('toolbar.label')}>
      <h1>Net Playground</h1>
      <button type="button" className="primary" onClick={() => p.onPair('tcp')} title="Ctrl+Alt+T">
        <KindIcon kind="tcp-server" size={14} />
        {t('toolbar.newTcpPair')}
      </button>
      <button type="button" className="primary" onClick={() => p.onPair('udp')} title="Ctrl+Alt+U">
        <KindIcon kind="udp" size={14} />
        {t('toolbar.newUdpPair')}
      </button>
      <Menu
        label={t('toolbar.add')}
        className="with-label"
        align="start"
        trigger={
          <>
            <Plus size={14} aria-hidden />
            {t('toolbar.addShort')}
          </>
        }
        entries={(['tcp-server', 'tcp-client', 'udp'] as LiveKind[]).map((k) => ({
          kind: 'item',
          label: t(k === 'tcp-server' ? 'toolbar.newTcpServer' : k === 'tcp-client' ? 'toolbar.newTcpClient' : 'toolbar.newUdp'),
          icon: <KindIcon kind={k} size={14} />,
          onSelect: () => p.onAdd(k)
        }))}
      />
      <span className="sep" aria-hidden="true" />
      <button type="button" onClick={p.onOpen} title="Ctrl+O">
        <FolderOpen size={14} aria-hidden />
        {t('session.open')}
      </button>
      {p.savedPath && (
        <button type="button" onClick={p.onSave} title={`Ctrl+S · ${p.savedPath}`}>
          <Save size={14} aria-hidden />
          {t('session.save')}
        </button>
      )}
      <button type="button" onClick={p.onSaveAs} title="Ctrl+Shift+S">
        {!p.savedPath && <Save size={14} aria-hidden />}
        {t('session.saveAs')}
      </button>
      {(p.recent.length > 0 || p.recovered.length > 0) && (
        <select className="recent" aria-label={t('session.recent')} value="" onChange={(e) => e.target.value && p.onOpenRecent(e.target.value)}>
          <option value="">{t('session.recent')}</option>
          {p.recent.map((path) => (
            <option key={path} value={path}>
              {path}
            </option>
          ))}
          {p.recovered.length > 0 && (
            <optgroup label={t('session.recoveredGroup')}>
              {p.recovered.map((r) => (
                <option key={r.path} value={r.path} title={r.path}>
                  {t('session.recovered', { time: new Date(r.lastWriteMs).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en'), size: formatBytes(r.bytes) })}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      )}
      <Menu
        label={t('toolbar.more')}
        align="start"
        trigger={<MoreHorizontal size={16} aria-hidden />}
        entries={[{ kind: 'item', label: t('session.exportWorkspace'), onSelect: p.onExportWorkspace }]}
      />
      <span className="spacer" />
      <button
        type="button"
        className="icon"
        aria-pressed={p.inspectorOpen}
        aria-label={t('inspector.toggle')}
        title={t('inspector.toggle')}
        onClick={p.onInspector}
      >
        <PanelRight size={16} aria-hidden />
      </button>
      <label className="lang" title={t('toolbar.language')}>
        <Languages size={14} aria-hidden />
        <select aria-label={t('toolbar.language')} value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
          {languages.map((l) => (
            <option key={l} value={l}>
              {t(`lang.${l}`)}
            </option>
          ))}
        </select>
      </label>
    </header>
  )
}
