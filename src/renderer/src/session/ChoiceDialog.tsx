// A question with a few answers (an alertdialog): the safe answer has the focus, so Enter
// takes it; Escape cancels. One shape for every such question the window asks.
import { useEffect, useRef, type ReactNode } from 'react'
import { useI18n } from '../i18n'

export interface Choice<C extends string> {
  value: C
  label: string
  /** Drawn as the main action. */
  primary?: boolean
  /** The safe answer: it has the focus. */
  safe?: boolean
}

interface Props<C extends string> {
  /** Ids of the title and text (for aria-labelledby and aria-describedby). */
  id: string
  title: string
  text: ReactNode
  choices: Choice<C>[]
  onChoose(choice: C | 'cancel'): void
}

export function ChoiceDialog<C extends string>({ id, title, text, choices, onChoose }: Props<C>) {
  const { t } = useI18n()
  const safe = useRef<HTMLButtonElement>(null)
  useEffect(() => safe.current?.focus(), [])
  return (
    <div className="backdrop">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        onKeyDown={(e) => e.key === 'Escape' && onChoose('cancel')}
      >
        <h3 id={`${id}-title`}>{title}</h3>
        <p id={`${id}-text`}>{text}</p>
        <div className="row end">
          <button type="button" onClick={() => onChoose('cancel')}>
            {t('session.cancel')}
          </button>
          {choices.map((c) => (
            <button key={c.value} ref={c.safe ? safe : undefined} type="button" className={c.primary ? 'primary' : undefined} onClick={() => onChoose(c.value)}>
              {c.label}
            </button>
          ))}
        </div>
      </div>
    </div>
  )
}
