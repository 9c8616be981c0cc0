// How a pane shows its traffic, beyond text / hex / split (which the header has): encoding,
// control characters, time, message steps, filter by connection and direction, the format
// Copy writes. Drawn in the inspector's View section.
import { copyFormats, type CopyFormat } from '../../../shared/copy-formats'
import { EncodingSelect } from './EncodingSelect'
import { useI18n } from '../i18n'
import type { ConnView } from './pane-store'
import type { TimeMode, ViewSettings } from '../../../shared/workspace'

interface Props {
  settings: ViewSettings
  onChange(s: ViewSettings): void
  conns: ConnView[]
  showConnFilter: boolean
  copyFormat: CopyFormat
  onCopyFormat(f: CopyFormat): void
}

export function ViewOptions({ settings, onChange, conns, showConnFilter, copyFormat, onCopyFormat }: Props) {
  const { t } = useI18n()
  const set = (patch: Partial<ViewSettings>): void => onChange({ ...settings, ...patch })
  return (
    <div className="form-grid">
      <label>
        {t('view.encoding')}
        <EncodingSelect label={t('view.encoding')} value={settings.encoding} onChange={(encoding) => set({ encoding })} />
      </label>
      <label>
        {t('view.controls')}
        <select aria-label={t('view.controls')} value={settings.controls} onChange={(e) => set({ controls: e.target.value as ViewSettings['controls'] })}>
          <option value="escapes">\r\n</option>
          <option value="pictures">␍␊</option>
        </select>
      </label>
      <label>
        {t('view.time')}
        <select aria-label={t('view.time')} value={settings.time} onChange={(e) => set({ time: e.target.value as TimeMode })}>
          {(['absolute', 'delta', 'off'] as TimeMode[]).map((m) => (
            <option key={m} value={m}>
              {t(`view.time.${m}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={settings.steps} onChange={(e) => set({ steps: e.target.checked })} />
        {t('view.steps')}
      </label>
      {showConnFilter && (
        <label>
          {t('view.filterConn')}
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
        </label>
      )}
      <label>
        {t('view.filterDir')}
        <select
          aria-label={t('view.filterDir')}
          value={settings.filter.dir}
          onChange={(e) => set({ filter: { ...settings.filter, dir: e.target.value as ViewSettings['filter']['dir'] } })}
        >
          <option value="both">{t('view.dir.both')}</option>
          <option value="in">{t('view.dir.in')}</option>
          <option value="out">{t('view.dir.out')}</option>
        </select>
      </label>
      <label>
        {t('view.copyFormat')}
        <select aria-label={t('view.copyFormat')} value={copyFormat} onChange={(e) => onCopyFormat(e.target.value as CopyFormat)}>
          {copyFormats.map((f) => (
            <option key={f} value={f}>
              {t(`copy.${f}`)}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}
