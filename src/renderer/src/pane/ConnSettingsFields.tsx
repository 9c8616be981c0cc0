// A TCP server pane's connection settings, part of the pane's settings draft (applied with
// the others): the connection limit, closing a connection when its peer half-closes, and
// the idle timeout. The engine checks them again (contract.ts, connSettingsSchema).
import type { ConnSettings } from '../../../shared/contract'
import { CONN_LIMIT_MAX, IDLE_TIMEOUT_S_MAX } from '../../../shared/limits'
import { useI18n } from '../i18n'

/** The number fields, each with its label and range (the contract refuses the same). */
const numbers = [
  { field: 'limit', label: 'conns.limit', min: 1, max: CONN_LIMIT_MAX },
  { field: 'idleTimeoutS', label: 'conns.idleTimeout', min: 0, max: IDLE_TIMEOUT_S_MAX }
] as const

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
        {numbers.map(({ field, label, min, max }) => (
          <label key={field}>
            {t(label)}
            <input
              type="number"
              className="port"
              aria-label={t(label)}
              min={min}
              max={max}
              value={String(value[field])}
              onChange={(e) => onChange({ ...value, [field]: Number(e.target.value) })}
            />
          </label>
        ))}
        <label className="check">
          <input type="checkbox" checked={value.closeOnHalfClose} onChange={(e) => onChange({ ...value, closeOnHalfClose: e.target.checked })} />
          {t('conns.closeOnHalfClose')}
        </label>
      </div>
      <p className="hint">{t('conns.hint')}</p>
    </fieldset>
  )
}
