// A file being opened: how far its index has been read (session.opening), and a way to stop
// it. A big session takes a while; the app stays usable meanwhile.
import type { EngineEvent } from '../../../shared/contract'
import { useI18n } from '../i18n'
import { fileName } from './file-name'

export type Opening = Omit<Extract<EngineEvent, { type: 'session.opening' }>, 'type'>

export function OpeningBar({ opening, onStop }: { opening: Opening; onStop(): void }) {
  const { t } = useI18n()
  const name = fileName(opening.path)
  const percent = opening.total > 0 ? Math.floor((opening.bytes / opening.total) * 100) : 0
  return (
    <div className="session-bar" role="status">
      <span>{t('session.opening', { name, percent })}</span>
      <progress max={100} value={percent} aria-label={t('session.opening', { name, percent })} />
      <button type="button" onClick={onStop}>
        {t('session.openingStop')}
      </button>
    </div>
  )
}
