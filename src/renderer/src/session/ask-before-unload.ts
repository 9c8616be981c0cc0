// In a browser, closing or reloading the tab ends its sockets and its recording: while there is
// traffic not saved, the browser asks first. In Electron (no web host: webApi is undefined) the
// window closes its own way and this does nothing.
import { useEffect } from 'react'
import { webApi } from '../api'

/** Asks before the page unloads whenever `unsaved()` says there is something to lose. */
export function useAskBeforeUnload(unsaved: () => boolean): void {
  useEffect(() => {
    if (!webApi) return
    const ask = (e: BeforeUnloadEvent): void => {
      if (unsaved()) e.preventDefault()
    }
    window.addEventListener('beforeunload', ask)
    return () => window.removeEventListener('beforeunload', ask)
  }, [unsaved])
}
