// The window's documents as tabs: the live panes, and the session or capture opened. Arrow
// keys move between tabs (one Tab stop for the strip); the opened file's close button sits
// beside the strip, not in it.
import type { KeyboardEvent } from 'react'
import { History, LayoutGrid, X } from 'lucide-react'
import { useI18n } from './i18n'

export type DocTab = 'workspace' | 'session'

interface Props {
  shown: DocTab
  onShow(tab: DocTab): void
  livePanes: number
  /** The opened file's name and path, if one is open. */
  session: { name: string; path: string } | undefined
  onCloseSession(): void
}

export function DocumentTabs({ shown, onShow, livePanes, session, onCloseSession }: Props) {
  const { t } = useI18n()
  const tabs: DocTab[] = session ? ['workspace', 'session'] : ['workspace']
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0
    if (!step) return
    e.preventDefault()
    const next = tabs[(tabs.indexOf(shown) + step + tabs.length) % tabs.length]!
    onShow(next)
    document.getElementById(`tab-${next}`)?.focus()
  }
  const tab = (id: DocTab, label: React.ReactNode, title?: string) => (
    <button
      type="button"
      role="tab"
      id={`tab-${id}`}
      aria-controls={`panel-${id}`}
      aria-selected={shown === id}
      tabIndex={shown === id ? 0 : -1}
      className="tab"
      title={title}
      onClick={() => onShow(id)}
    >
      {label}
    </button>
  )
  return (
    <div className="tabs">
      <div role="tablist" aria-label={t('tabs.label')} className="tablist" onKeyDown={onKey}>
        {tab(
          'workspace',
          <>
            <LayoutGrid size={14} aria-hidden />
            {t('tabs.workspace', { n: livePanes })}
          </>
        )}
        {session &&
          tab(
            'session',
            <>
              <History size={14} aria-hidden />
              {session.name}
            </>,
            session.path
          )}
      </div>
      {session && (
        <button
          type="button"
          className="icon tab-close"
          aria-label={t('session.closeNamed', { name: session.name })}
          title={t('session.close')}
          onClick={onCloseSession}
        >
          <X size={13} aria-hidden />
        </button>
      )}
    </div>
  )
}
