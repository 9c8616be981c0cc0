// Asks for a file or folder path (the web host has no native file dialog, and the same
// dialog serves the Electron window). Enter confirms, Escape cancels.
import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useI18n } from '../i18n'

interface Props {
  title: string
  initial: string
  confirm: string
  /** Runs the action; a returned message is shown in the dialog and keeps it open. */
  onConfirm(path: string): Promise<string | undefined>
  onCancel(): void
  /** What the action is doing meanwhile (a file being opened), under the path. */
  status?: ReactNode
}

export function PathDialog({ title, initial, confirm, onConfirm, onCancel, status }: Props) {
  const { t } = useI18n()
  const [path, setPath] = useState(initial)
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.select(), [])

  const ok = async (): Promise<void> => {
    if (!path.trim()) return setError(t('session.pathEmpty'))
    setBusy(true)
    const problem = await onConfirm(path.trim())
    setBusy(false)
    if (problem) setError(problem)
  }

  return (
    <div className="backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
        <h3>{title}</h3>
        <label className="wide">
          {t('session.path')}
          <input
            ref={input}
            aria-label={t('session.path')}
            aria-invalid={error ? true : undefined}
            value={path}
            spellCheck={false}
            onChange={(e) => {
              setPath(e.target.value)
              setError(undefined)
            }}
            onKeyDown={(e) => e.key === 'Enter' && void ok()}
          />
        </label>
        {status}
        {error && (
          <div className="field-error" role="alert">
            {error}
          </div>
        )}
        <div className="row end">
          <button type="button" onClick={onCancel}>
            {t('session.cancel')}
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void ok()}>
            {confirm}
          </button>
        </div>
      </div>
    </div>
  )
}
