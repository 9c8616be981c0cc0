// The security settings both shells share: the Content-Security-Policy, the window's
// webPreferences, and which page is the app's own. Kept free of 'electron' so tests and the
// web host can read them.
import { pathToFileURL } from 'node:url'

/** xterm.js needs inline styles ('unsafe-inline' for style-src), or the terminal is invisible. */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${connectSrc.length ? ' ' + connectSrc.join(' ') : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
}

export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    spellcheck: false
  } as const
}

/**
 * Whether a URL is the app's own page: the built renderer file itself (its file: URL's path,
 * exactly; a query or fragment may follow), or the dev server's origin in development. URLs
 * are parsed and compared by their parts: a prefix test let `http://localhost:51730` pass for
 * `http://localhost:5173`, and `…/index.html.evil` for `…/index.html`.
 */
export function isOwnPage(url: string, own: { rendererFile: string; devUrl?: string | undefined }): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (own.devUrl) {
    try {
      if (u.origin === new URL(own.devUrl).origin) return true
    } catch {
      /* a dev URL that does not parse trusts nothing */
    }
  }
  const file = pathToFileURL(own.rendererFile)
  return u.protocol === 'file:' && u.host === file.host && u.pathname === file.pathname
}
