// A TCP server pane's connection settings, part of the pane's settings draft (applied with
// the others): the connection limit, closing a connection when its peer half-closes, and
// the idle timeout. The engine checks them again (contract.ts, connSettingsSchema).
import type { ConnSettings } from '../../../shared/contract'
import { CONN_LIMIT_MAX, IDLE_TIMEOUT_S_MAX } from '../../../shared/limits'
import { useI18n } from '../i18n'

interface Props {
  value: ConnSettings
  onChange(value: ConnSettings): void
}

export function ConnSettingsFields({ value, onChange }: Props) {
  const { t } = useI18n()
  return (
    <fieldset>
      <legend>{t('conns.title')}</legend>
      <div className="row">
        <label>
          {t('conns.limit')}
          <input
            type="number"
            className="port"
            aria-label={t('conns.limit')}
            min={1}
            max={CONN_LIMIT_MAX}
            value={String(value.limit)}
            onChange={(e) => onChange({ ...value, limit: Number(e.target.value) })}
          />
        </label>
        <label>
          {t('conns.idleTimeout')}
          <input
            type="number"
            className="port"
            aria-label={t('conns.idleTimeout')}
            min={0}
            max={IDLE_TIMEOUT_S_MAX}
            value={String(value.idleTimeoutS)}
            onChange={(e) => onChange({ ...value, idleTimeoutS: Number(e.target.value) })}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={value.closeOnHalfClose} onChange={(e) => onChange({ ...value, closeOnHalfClose: e.target.checked })} />
          {t('conns.closeOnHalfClose')}
        </label>
      </div>
      <p className="hint">{t('conns.hint')}</p>
    </fieldset>
  )
}
