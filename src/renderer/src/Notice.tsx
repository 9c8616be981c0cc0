// A short message laid over the content it is about, out of the layout's flow: it shows and
// fades without moving anything (a notice that pushed the terminal down resized it, and xterm
// drops its selection on a resize). The place it covers is its container's, which must be
// positioned; the mouse reaches what lies under it.
import { useCallback, useState } from 'react'

export interface NoticeState {
  text: string
  /** A failure: announced at once (role alert) and shown longer, in red. */
  alert: boolean
  /** Each message shows (and fades) afresh, even with the same words. */
  id: number
}

/** The notice shown now, a function to show one, and one to take it away. */
export function useNotice(): [NoticeState | undefined, (text: string, alert?: boolean) => void, () => void] {
  const [notice, setNotice] = useState<NoticeState>()
  const show = useCallback((text: string, alert = false) => setNotice((n) => ({ text, alert, id: (n?.id ?? 0) + 1 })), [])
  const dismiss = useCallback(() => setNotice(undefined), [])
  return [notice, show, dismiss]
}

export function Notice({ notice, onDone }: { notice: NoticeState | undefined; onDone(): void }) {
  if (!notice) return null
  return (
    <div key={notice.id} className={notice.alert ? 'notice alert' : 'notice'} role={notice.alert ? 'alert' : 'status'} onAnimationEnd={onDone}>
      {notice.text}
    </div>
  )
}
