// How a pane shows its traffic: text / hex / split, encoding, control characters, time,
// message steps, filter by connection and direction, search, pause, clear, copy. The
// controls wrap as one line of text does, so a narrow pane spends as few lines on them as it can.
import { useState } from 'react'
import { copyFormats, type CopyFormat } from '../../../shared/copy-formats'
import { EncodingSelect } from './EncodingSelect'
import { useI18n } from '../i18n'
import type { ConnView } from './pane-store'
import type { TimeMode, ViewMode, ViewSettings } from '../../../shared/workspace'
import type { FindResult } from './TrafficView'

interface Props {
  settings: ViewSettings
  onChange(s: ViewSettings): void
  conns: ConnView[]
  showConnFilter: boolean
  paused: boolean
  onPause(paused: boolean): void
  onClear(): void
  onFind(query: string, hex: boolean, backwards: boolean): Promise<FindResult>
  onCopy(format: CopyFormat): void
}

export function ViewBar({ settings, onChange, conns, showConnFilter, paused, onPause, onClear, onFind, onCopy }: Props) {
  const { t } = useI18n()
  const [query, setQuery] = useState('')
  const [hexQuery, setHexQuery] = useState(false)
  // undefined: no search yet; null: the last search found nothing.
  const [result, setResult] = useState<FindResult | null>(undefined)
  const [copyFormat, setCopyFormat] = useState<CopyFormat>('hex')
  const set = (patch: Partial<ViewSettings>): void => onChange({ ...settings, ...patch })
  const find = (backwards: boolean): void => void onFind(query, hexQuery, backwards).then((r) => setResult(r ?? null))
  const notFound = result === null

  return (
    <div className="view-bar" role="toolbar" aria-label={t('view.label')}>
      <div className="segmented" role="radiogroup" aria-label={t('view.label')}>
        {(['text', 'hex', 'split'] as ViewMode[]).map((v) => (
          <button
            key={v}
            type="button"
            role="radio"
            aria-checked={settings.view === v}
            className={settings.view === v ? 'on' : ''}
            onClick={() => set({ view: v })}
          >
            {t(`view.${v}`)}
          </button>
        ))}
      </div>
      <EncodingSelect label={t('view.encoding')} value={settings.encoding} onChange={(encoding) => set({ encoding })} />
      <select aria-label={t('view.controls')} value={settings.controls} onChange={(e) => set({ controls: e.target.value as ViewSettings['controls'] })}>
        <option value="escapes">\r\n</option>
        <option value="pictures">␍␊</option>
      </select>
      <select aria-label={t('view.time')} value={settings.time} onChange={(e) => set({ time: e.target.value as TimeMode })}>
        {(['absolute', 'delta', 'off'] as TimeMode[]).map((m) => (
          <option key={m} value={m}>
            {t(`view.time.${m}`)}
          </option>
        ))}
      </select>
      <label className="check">
        <input type="checkbox" checked={settings.steps} onChange={(e) => set({ steps: e.target.checked })} />
        {t('view.steps')}
      </label>
      {showConnFilter && (
        <select
          aria-label={t('view.filterConn')}
          value={String(settings.filter.connId)}
          onChange={(e) => set({ filter: { ...settings.filter, connId: e.target.value === 'all' ? 'all' : Number(e.target.value) } })}
        >
          <option value="all">{t('view.allConns')}</option>
          {conns.slice(0, 200).map((c) => (
            <option key={c.id} value={String(c.id)}>
              #{c.id}
            </option>
          ))}
          {settings.filter.connId !== 'all' && !conns.some((c) => c.id === settings.filter.connId) && (
            <option value={String(settings.filter.connId)}>#{settings.filter.connId}</option>
          )}
        </select>
      )}
      <select
        aria-label={t('view.filterDir')}
        value={settings.filter.dir}
        onChange={(e) => set({ filter: { ...settings.filter, dir: e.target.value as ViewSettings['filter']['dir'] } })}
      >
        <option value="both">{t('view.dir.both')}</option>
        <option value="in">{t('view.dir.in')}</option>
        <option value="out">{t('view.dir.out')}</option>
      </select>
      <input
        className={`search${notFound ? ' invalid' : ''}`}
        aria-label={t('view.search')}
        placeholder={hexQuery ? t('view.searchHexHint') : t('view.searchHint')}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value)
          setResult(undefined)
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault()
            find(e.shiftKey)
          }
        }}
      />
      <label className="check">
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
      <span className="pair">
        <button type="button" aria-label={t('view.findPrev')} title={t('view.findPrev')} onClick={() => find(true)}>
          ↑
        </button>
        <button type="button" aria-label={t('view.findNext')} title={t('view.findNext')} onClick={() => find(false)}>
          ↓
        </button>
      </span>
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
      <span className="spacer" />
      <button type="button" aria-pressed={paused} className={paused ? 'on' : ''} onClick={() => onPause(!paused)}>
        {paused ? t('view.resume') : t('view.pause')}
      </button>
      <button type="button" onClick={onClear}>
        {t('view.clear')}
      </button>
      <select aria-label={t('view.copyFormat')} value={copyFormat} onChange={(e) => setCopyFormat(e.target.value as CopyFormat)}>
        {copyFormats.map((f) => (
          <option key={f} value={f}>
            {t(`copy.${f}`)}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => onCopy(copyFormat)} title={t('view.copyHint')}>
        {t('view.copy')}
      </button>
    </div>
  )
}
