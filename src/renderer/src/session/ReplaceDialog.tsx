// Asked before an opened session's workspace replaces open panes that are running or hold
// traffic not saved since: replace them, keep them and add the restored panes, or cancel.
import { useEffect, useRef } from 'react'
import { useI18n } from '../i18n'

export interface AtStake {
  /** Live panes open now. */
  open: number
  running: number
  unsaved: number
  /** Panes the file's workspace brings back. */
  restorable: number
  name: string
}

interface Props {
  stake: AtStake
  onChoose(choice: 'replace' | 'keep' | 'cancel'): void
}

export function ReplaceDialog({ stake, onChoose }: Props) {
  const { t } = useI18n()
  const first = useRef<HTMLButtonElement>(null)
  // The safe choice has the focus: Enter keeps what is open.
  useEffect(() => first.current?.focus(), [])
  return (
    <div className="backdrop">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="replace-title"
        aria-describedby="replace-text"
        onKeyDown={(e) => e.key === 'Escape' && onChoose('cancel')}
      >
        <h3 id="replace-title">{t('session.replace.title', { name: stake.name })}</h3>
        <p id="replace-text">
          {t('session.replace.text', { restorable: stake.restorable, open: stake.open })}
          {stake.running > 0 && <> {t('session.replace.running', { n: stake.running })}</>}
          {stake.unsaved > 0 && <> {t('session.replace.unsaved', { n: stake.unsaved })}</>}
        </p>
        <div className="row end">
          <button type="button" onClick={() => onChoose('cancel')}>
            {t('session.cancel')}
          </button>
          <button ref={first} type="button" onClick={() => onChoose('keep')}>
            {t('session.replace.keep')}
          </button>
          <button type="button" className="primary" onClick={() => onChoose('replace')}>
            {t('session.replace.replace')}
          </button>
        </div>
      </div>
    </div>
  )
}
