// Asked on Save, Save as and Export workspace when some encrypt step has a key or passphrase:
// leave the keys out of the file (the default: it can be mailed, the restored pane asks for
// them) or include them. Escape cancels.
import { useEffect, useRef } from 'react'
import { useI18n } from '../i18n'

export type KeysChoice = 'leaveOut' | 'include' | 'cancel'

interface Props {
  /** How many encrypt steps have a key. */
  n: number
  onChoose(choice: KeysChoice): void
}

export function KeysDialog({ n, onChoose }: Props) {
  const { t } = useI18n()
  const safe = useRef<HTMLButtonElement>(null)
  // The safe choice has the focus: Enter leaves the keys out.
  useEffect(() => safe.current?.focus(), [])
  return (
    <div className="backdrop">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="keys-title"
        aria-describedby="keys-text"
        onKeyDown={(e) => e.key === 'Escape' && onChoose('cancel')}
      >
        <h3 id="keys-title">{t('keys.ask.title')}</h3>
        <p id="keys-text">{t('keys.ask.text', { n })}</p>
        <div className="row end">
          <button type="button" onClick={() => onChoose('cancel')}>
            {t('session.cancel')}
          </button>
          <button type="button" onClick={() => onChoose('include')}>
            {t('keys.ask.include')}
          </button>
          <button ref={safe} type="button" className="primary" onClick={() => onChoose('leaveOut')}>
            {t('keys.ask.leaveOut')}
          </button>
        </div>
      </div>
    </div>
  )
}
