// Search in a pane's traffic, laid over the top of its terminal (as an editor's find widget):
// text or hex bytes, next / previous, how many matches. It moves nothing while it shows;
// emptying the box or closing it takes the highlights away.
import { useEffect, useRef, useState } from 'react'
import { ChevronDown, ChevronUp, X } from 'lucide-react'
import { useI18n } from '../i18n'
import type { FindResult } from './TrafficView'

interface Props {
  /** Changes when the search is asked for again while it shows. */
  focusSignal: number
  onFind(query: string, hex: boolean, backwards: boolean): Promise<FindResult>
  onClearHighlights(): void
  onClose(): void
}

export function FindBar({ focusSignal, onFind, onClearHighlights, onClose }: Props) {
  const { t } = useI18n()
  const [query, setQuery] = useState('')
  const [hexQuery, setHexQuery] = useState(false)
  // undefined: no search yet; null: the last search found nothing.
  const [result, setResult] = useState<FindResult | null>(undefined)
  const input = useRef<HTMLInputElement>(null)
  const find = (backwards: boolean): void => void onFind(query, hexQuery, backwards).then((r) => setResult(r ?? null))
  const notFound = result === null
  // Each Ctrl+F (or Search) brings the focus back to the box.
  useEffect(() => input.current?.focus(), [focusSignal])
  // However the search goes away (Escape, its close button, the header's Search), its highlights go too.
  const clearHighlights = useRef(onClearHighlights)
  clearHighlights.current = onClearHighlights
  useEffect(() => () => clearHighlights.current(), [])
  const close = (): void => onClose()

  return (
    <div className="find-bar" role="search" aria-label={t('view.search')}>
      <input
        ref={input}
        className={`search${notFound ? ' invalid' : ''}`}
        aria-label={t('view.search')}
        placeholder={hexQuery ? t('view.searchHexHint') : t('view.searchHint')}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value)
          setResult(undefined)
          if (e.target.value === '') onClearHighlights()
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault()
            find(e.shiftKey)
          } else if (e.key === 'Escape') {
            e.preventDefault()
            close()
          }
        }}
      />
      <label className="check chip">
        <input
          type="checkbox"
          checked={hexQuery}
          onChange={(e) => {
            setHexQuery(e.target.checked)
            setResult(undefined)
          }}
        />
        {t('view.searchHex')}
      </label>
      {notFound && query && (
        <span className="field-error" role="status">
          {t('view.notFound')}
        </span>
      )}
      {result && query && (
        <span className="match-count" role="status" aria-label={t('view.matches')}>
          {result.index < 0 ? t('view.matchMany', { count: result.count }) : t('view.matchOf', { index: result.index + 1, count: result.count })}
        </span>
      )}
      <button type="button" className="icon" aria-label={t('view.findPrev')} title={`${t('view.findPrev')} (Shift+Enter)`} onClick={() => find(true)}>
        <ChevronUp size={14} aria-hidden />
      </button>
      <button type="button" className="icon" aria-label={t('view.findNext')} title={`${t('view.findNext')} (Enter)`} onClick={() => find(false)}>
        <ChevronDown size={14} aria-hidden />
      </button>
      <button type="button" className="icon" aria-label={t('view.closeSearch')} title={t('view.closeSearch')} onClick={close}>
        <X size={14} aria-hidden />
      </button>
    </div>
  )
}
