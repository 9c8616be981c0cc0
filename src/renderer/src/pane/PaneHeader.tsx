// A pane's one header line (as tmux's status line): kind, title, address and state, the main
// action, its connections, and what is used every minute — text / hex / split, search, pause,
// clear, settings, maximize, close; everything, these too, in its menu (⋯). A narrow pane hides
// the less used of these from the line (container queries in styles/pane.css); the menu keeps them,
// and one button steps through text / hex / split.
import type { ReactNode } from 'react'
import { Binary, CaseSensitive, Columns2, Eraser, Maximize2, Minimize2, MoreHorizontal, Pause, Play, Search, SlidersHorizontal, X } from 'lucide-react'
import type { ViewMode } from '../../../shared/workspace'
import type { PaneKind } from '../../../shared/pane-kinds'
import { useI18n } from '../i18n'
import { Menu, type MenuEntry } from '../ui/Menu'
import { KindIcon } from '../ui/KindIcon'

interface Props {
  kind: PaneKind
  title: string
  /** What a narrow header shows of the title (the pane's number). */
  shortTitle?: string
  /** Address fields or status, and the main action (live panes). */
  address?: ReactNode
  /** Connections (TCP) or counters (UDP). */
  conns?: ReactNode
  view: ViewMode
  onView(v: ViewMode): void
  searching: boolean
  onSearch(): void
  paused: boolean
  onPause(): void
  onClear(): void
  onSettings(): void
  maximized: boolean
  onMaximize?(): void
  onClose?(): void
  /** Every action of the pane, for its menu. */
  menu: MenuEntry[]
}

const viewIcon: Record<ViewMode, ReactNode> = {
  text: <CaseSensitive size={15} aria-hidden />,
  hex: <Binary size={15} aria-hidden />,
  split: <Columns2 size={15} aria-hidden />
}

const views: ViewMode[] = ['text', 'hex', 'split']
const nextView: Record<ViewMode, ViewMode> = { text: 'hex', hex: 'split', split: 'text' }

export function PaneHeader(p: Props) {
  const { t } = useI18n()
  const on = (action: string): string => t('pane.actionOf', { action, pane: p.title })
  return (
    <header className="pane-head">
      <KindIcon kind={p.kind} />
      <h2 title={p.title}>{p.title}</h2>
      {p.shortTitle && (
        <span className="short-title" title={p.title} aria-hidden="true">
          {p.shortTitle}
        </span>
      )}
      {p.address}
      {p.conns}
      <span className="head-tools">
        <span
          className="segmented"
          role="radiogroup"
          aria-label={t('view.label')}
          onKeyDown={(e) => {
            // Arrow keys move the choice, as in any radio group (one Tab stop for the three).
            const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0
            if (!step) return
            e.preventDefault()
            const next = views[(views.indexOf(p.view) + step + views.length) % views.length]!
            p.onView(next)
            e.currentTarget.querySelector<HTMLElement>(`[data-view="${next}"]`)?.focus()
          }}
        >
          {views.map((v) => (
            <button
              key={v}
              type="button"
              role="radio"
              data-view={v}
              tabIndex={p.view === v ? 0 : -1}
              aria-checked={p.view === v}
              aria-label={t(`view.${v}`)}
              title={t(`view.${v}`)}
              className={p.view === v ? 'on' : ''}
              onClick={() => p.onView(v)}
            >
              {viewIcon[v]}
            </button>
          ))}
        </span>
        {/* A narrow pane has one button that steps through the three views. */}
        <button
          type="button"
          className="icon opt-cycle"
          aria-label={t('view.cycle', { view: t(`view.${p.view}`), next: t(`view.${nextView[p.view]}`) })}
          title={t('view.cycle', { view: t(`view.${p.view}`), next: t(`view.${nextView[p.view]}`) })}
          onClick={() => p.onView(nextView[p.view])}
        >
          {viewIcon[p.view]}
        </button>
        <button
          type="button"
          className="icon opt-search"
          aria-label={t('view.search')}
          title={`${t('view.search')} (Ctrl+F)`}
          aria-pressed={p.searching}
          onClick={p.onSearch}
        >
          <Search size={15} aria-hidden />
        </button>
        <button
          type="button"
          className="icon opt-pause"
          aria-label={p.paused ? t('view.resume') : t('view.pause')}
          title={p.paused ? t('view.resume') : t('view.pause')}
          aria-pressed={p.paused}
          onClick={p.onPause}
        >
          {p.paused ? <Play size={15} aria-hidden /> : <Pause size={15} aria-hidden />}
        </button>
        <button type="button" className="icon opt-clear" aria-label={t('view.clear')} title={`${t('view.clear')} (Ctrl+L)`} onClick={p.onClear}>
          <Eraser size={15} aria-hidden />
        </button>
        <button type="button" className="icon opt-settings" aria-label={on(t('pane.settings'))} title={t('pane.settings')} onClick={p.onSettings}>
          <SlidersHorizontal size={15} aria-hidden />
        </button>
      </span>
      {p.onMaximize && (
        <button
          type="button"
          className="icon opt-max"
          aria-label={on(t(p.maximized ? 'pane.restore' : 'pane.maximize'))}
          title={`${t(p.maximized ? 'pane.restore' : 'pane.maximize')} (Ctrl+Alt+M)`}
          onClick={p.onMaximize}
        >
          {p.maximized ? <Minimize2 size={15} aria-hidden /> : <Maximize2 size={15} aria-hidden />}
        </button>
      )}
      <Menu label={on(t('pane.menu'))} trigger={<MoreHorizontal size={16} aria-hidden />} entries={p.menu} />
      {p.onClose && (
        <button type="button" className="icon opt-close" aria-label={on(t('pane.close'))} title={t('pane.close')} onClick={p.onClose}>
          <X size={15} aria-hidden />
        </button>
      )}
    </header>
  )
}
