// The Electron shell: window, menu, security settings and the IPC adapter. Thin on
// purpose: everything it does with sockets happens in the engine.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron'
import { join } from 'node:path'
import { IpcAdapter } from './ipc'
import { contentSecurityPolicy, isOwnPage, secureWebPreferences } from './security'

const rendererFile = join(__dirname, '../renderer/index.html')
const devUrl = process.env['ELECTRON_RENDERER_URL']

const isTrustedUrl = (url: string): boolean => isOwnPage(url, { rendererFile, devUrl })

// A socket error must never take main down; the engine reports errors as events, and
// this is the last guard should anything slip through.
process.on('uncaughtException', (err) => console.error('net-playground: uncaught', err))

function createWindow(adapter: IpcAdapter): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Net Playground',
    backgroundColor: '#14171c',
    show: false,
    webPreferences: secureWebPreferences(join(__dirname, '../preload/index.js'))
  })
  const detach = adapter.attach(win.webContents)
  win.on('closed', () => {
    const ended = detach()
    ending.add(ended)
    void ended.finally(() => ending.delete(ended))
  })
  win.once('ready-to-show', () => win.show())
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(rendererFile)
  return win
}

export function harden(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] }
    })
  })
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url)
      return { action: 'deny' }
    })
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedUrl(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

void app.whenReady().then(() => {
  harden()
  const adapter = new IpcAdapter(ipcMain, isTrustedUrl, join(app.getPath('userData'), 'sessions'))
  createWindow(adapter)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(adapter)
  })
})

// Each closed window's engine closes its sockets and keeps (or removes) its recording before
// the app quits: an unsaved recording is closed properly and offered at the next start.
const ending = new Set<Promise<void>>()
app.on('will-quit', (event) => {
  if (ending.size === 0) return
  event.preventDefault()
  void Promise.allSettled([...ending]).then(() => app.quit())
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
