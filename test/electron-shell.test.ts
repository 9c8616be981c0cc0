// The Electron glue, checked without an Electron binary: the built main and preload bundles
// are loaded with a stand-in for the 'electron' module, and we look at what they did with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Module, { createRequire } from 'node:module'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { commandTypes, type CommandInput, type CommandType, type EngineEvent, type Response } from '../src/shared/contract'

const root = join(__dirname, '..')
const sessionsDir = mkdtempSync(join(tmpdir(), 'np-electron-'))
const mainBundle = join(root, 'out/main/index.js')
const preloadBundle = join(root, 'out/preload/index.js')
const rendererUrl = pathToFileURL(join(root, 'out/renderer/index.html')).href

type Handler = (event: unknown, ...args: unknown[]) => unknown
interface FakeContents {
  id: number
  sent: EngineEvent[]
  handlers: Map<string, (...a: unknown[]) => void>
  openHandler?: (d: { url: string }) => { action: string }
}

const seen = {
  ipcHandlers: new Map<string, Handler>(),
  windows: [] as { options: { webPreferences: Record<string, unknown> }; contents: FakeContents; loaded?: string }[],
  appHandlers: new Map<string, (...a: unknown[]) => void>(),
  permissionRequest: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  permissionCheck: undefined as undefined | (() => boolean),
  headers: undefined as undefined | ((d: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
  exposed: new Map<string, unknown>(),
  invoked: [] as { channel: string; args: unknown[] }[]
}

let nextId = 1
function fakeContents(): FakeContents & Record<string, unknown> {
  const c: FakeContents & Record<string, unknown> = {
    id: nextId++,
    sent: [],
    handlers: new Map(),
    send(channel: string, payload: EngineEvent) {
      if (channel === 'np:event') c.sent.push(payload)
    },
    isDestroyed: () => false,
    on(name: string, fn: (...a: unknown[]) => void) {
      c.handlers.set(name, fn)
    },
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
      c.openHandler = fn
    }
  }
  return c
}

const electronStub = {
  app: {
    whenReady: () => Promise.resolve(),
    on: (name: string, fn: (...a: unknown[]) => void) => seen.appHandlers.set(name, fn),
    quit: () => {},
    getPath: () => sessionsDir
  },
  BrowserWindow: class {
    static getAllWindows = () => seen.windows
    webContents = fakeContents()
    constructor(public options: { webPreferences: Record<string, unknown> }) {
      seen.windows.push(this as never)
      ;(this as unknown as { contents: FakeContents }).contents = this.webContents
    }
    on() {}
    once() {}
    show() {}
    loadFile(f: string) {
      ;(this as unknown as { loaded: string }).loaded = f
      return Promise.resolve()
    }
    loadURL(u: string) {
      ;(this as unknown as { loaded: string }).loaded = u
      return Promise.resolve()
    }
  },
  ipcMain: { handle: (channel: string, fn: Handler) => seen.ipcHandlers.set(channel, fn) },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (fn: typeof seen.permissionRequest) => (seen.permissionRequest = fn),
      setPermissionCheckHandler: (fn: typeof seen.permissionCheck) => (seen.permissionCheck = fn),
      webRequest: { onHeadersReceived: (fn: typeof seen.headers) => (seen.headers = fn) }
    }
  },
  shell: { openExternal: () => Promise.resolve() },
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => seen.exposed.set(key, value) },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => {
      seen.invoked.push({ channel, args })
      return Promise.resolve({ ok: true, result: {} })
    },
    on: () => {},
    removeListener: () => {}
  }
}

// One valid example of every command: if the contract gains a command, this must too.
const examples: { [T in CommandType]: Extract<CommandInput, { type: T }> } = {
  'tcpServer.listen': { type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 },
  'tcpServer.stop': { type: 'tcpServer.stop', paneId: 'srv' },
  'tcpClient.connect': { type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port: 1 },
  'udp.bind': { type: 'udp.bind', paneId: 'udp', host: '127.0.0.1', port: 0 },
  send: { type: 'send', paneId: 'cli', target: 'all', data: new Uint8Array([1]) },
  'udp.send': { type: 'udp.send', paneId: 'udp', host: '127.0.0.1', port: 9, data: new Uint8Array([1]) },
  'conn.end': { type: 'conn.end', paneId: 'cli', connId: 1 },
  'conn.close': { type: 'conn.close', paneId: 'cli', connId: 1 },
  'conn.reset': { type: 'conn.reset', paneId: 'cli', connId: 1 },
  'send.file': { type: 'send.file', paneId: 'cli', target: 'all', path: '/nonexistent' },
  'udp.sendFile': { type: 'udp.sendFile', paneId: 'udp', host: '127.0.0.1', port: 9, path: '/nonexistent' },
  'send.sequence': { type: 'send.sequence', paneId: 'cli', target: 'all', steps: [{ template: { text: 'a', mode: 'text' }, delayMs: 0 }] },
  'send.stop': { type: 'send.stop', paneId: 'cli' },
  'pane.configure': { type: 'pane.configure', paneId: 'cli', config: { framing: { kind: 'raw' } } },
  'session.info': { type: 'session.info' },
  'session.workspace': { type: 'session.workspace', workspace: { panes: [] } },
  'session.save': { type: 'session.save', path: join(sessionsDir, 'saved.pcapng') },
  'session.open': { type: 'session.open', path: '/nonexistent.pcapng' },
  'session.recent': { type: 'session.recent' },
  'session.close': { type: 'session.close', sessionId: 1 },
  'session.export': { type: 'session.export', sessionId: 1, flowId: 1, dir: sessionsDir },
  'session.exportWorkspace': { type: 'session.exportWorkspace', path: join(sessionsDir, 'ws.json') },
  'playback.start': { type: 'playback.start', sessionId: 1, panes: [] },
  'playback.control': { type: 'playback.control', sessionId: 1, action: 'pause' },
  'replay.resend': { type: 'replay.resend', sessionId: 1, flowId: 1, paneId: 'rp', host: '127.0.0.1', port: 1 },
  'replay.standin': { type: 'replay.standin', sessionId: 1, flowId: 1, paneId: 'si', host: '127.0.0.1', port: 0 },
  'pane.close': { type: 'pane.close', paneId: 'udp' },
  'display.ack': { type: 'display.ack', paneId: 'srv', bytes: 0 }
}

const originalLoad = (Module as unknown as { _load: (...a: unknown[]) => unknown })._load

beforeAll(async () => {
  for (const f of [mainBundle, preloadBundle]) if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`)
  ;(Module as unknown as { _load: (...a: unknown[]) => unknown })._load = function (request: unknown, ...rest: unknown[]) {
    if (request === 'electron') return electronStub
    return originalLoad.call(this, request, ...rest)
  }
  const req = createRequire(__filename)
  req(mainBundle)
  req(preloadBundle)
  await new Promise((r) => setTimeout(r, 10)) // app.whenReady().then(...)
})

afterAll(() => {
  ;(Module as unknown as { _load: unknown })._load = originalLoad
})

function trustedEvent(): unknown {
  return { sender: { id: seen.windows[0]!.contents.id }, senderFrame: { url: rendererUrl } }
}

describe('Electron main bundle', () => {
  it('creates one window with the secure webPreferences and loads the built renderer', () => {
    expect(seen.windows).toHaveLength(1)
    const prefs = seen.windows[0]!.options.webPreferences
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false
    })
    expect(prefs['preload']).toBe(preloadBundle)
    expect(seen.windows[0]!.loaded).toBe(join(root, 'out/renderer/index.html'))
  })

  it('handles every contract command from the window, and refuses other senders', async () => {
    const handler = seen.ipcHandlers.get('np:command')
    expect(handler, 'np:command is registered').toBeDefined()
    expect([...seen.ipcHandlers.keys()]).toEqual(['np:command'])
    expect(Object.keys(examples).sort()).toEqual([...commandTypes].sort())
    for (const type of commandTypes) {
      const res = (await handler!(trustedEvent(), examples[type])) as Response
      // Handled by the engine: success, or a domain error such as NOT_RUNNING, never "bad command".
      if (!res.ok) expect(res.error.code, `${type}: ${res.error.detail}`).not.toBe('BAD_COMMAND')
    }
    const foreign = (await handler!({ sender: { id: seen.windows[0]!.contents.id }, senderFrame: { url: 'https://evil.example/' } }, examples['udp.bind'])) as Response
    expect(foreign).toMatchObject({ ok: false, error: { code: 'BAD_COMMAND', detail: 'command from an untrusted sender' } })
    const otherWindow = (await handler!({ sender: { id: 999 }, senderFrame: { url: rendererUrl } }, examples['udp.bind'])) as Response
    expect(otherWindow.ok).toBe(false)
    const bad = (await handler!(trustedEvent(), { type: 'tcpServer.listen', paneId: 'x', host: '', port: 70000 })) as Response
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_COMMAND' } })
  })

  it('carries a real TCP exchange through IPC and sends the events to the window', async () => {
    const handler = seen.ipcHandlers.get('np:command')!
    const contents = seen.windows[0]!.contents
    const listen = (await handler(trustedEvent(), { type: 'tcpServer.listen', paneId: 'ipc-s', host: '127.0.0.1', port: 0 })) as Response<'tcpServer.listen'>
    expect(listen.ok).toBe(true)
    const port = listen.ok ? listen.result.local.port : 0
    const conn = (await handler(trustedEvent(), { type: 'tcpClient.connect', paneId: 'ipc-c', host: '127.0.0.1', port })) as Response
    expect(conn.ok).toBe(true)
    await handler(trustedEvent(), { type: 'send', paneId: 'ipc-c', target: 'all', data: new TextEncoder().encode('hello') })
    const start = Date.now()
    const received = (): string =>
      contents.sent
        .filter((e): e is Extract<EngineEvent, { type: 'data' }> => e.type === 'data' && e.paneId === 'ipc-s')
        .map((e) => new TextDecoder().decode(e.data))
        .join('')
    while (received() !== 'hello' && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 10))
    expect(received()).toBe('hello')
    await handler(trustedEvent(), { type: 'pane.close', paneId: 'ipc-c' })
    await handler(trustedEvent(), { type: 'pane.close', paneId: 'ipc-s' })
  })

  it('denies permission requests, new windows, foreign navigation and webviews, and sets a CSP that lets xterm style itself', () => {
    let granted: boolean | undefined
    seen.permissionRequest!({}, 'media', (ok) => (granted = ok))
    expect(granted).toBe(false)
    expect(seen.permissionCheck!()).toBe(false)

    let headers: Record<string, string[]> = {}
    seen.headers!({ responseHeaders: {} }, (r) => (headers = r.responseHeaders))
    const csp = headers['Content-Security-Policy']![0]!
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self' 'unsafe-inline'")
    expect(csp).toContain("object-src 'none'")

    const contents = fakeContents()
    seen.appHandlers.get('web-contents-created')!({}, contents)
    expect(contents.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    let prevented = 0
    const ev = { preventDefault: () => prevented++ }
    contents.handlers.get('will-navigate')!(ev, 'https://evil.example/')
    expect(prevented).toBe(1)
    contents.handlers.get('will-navigate')!(ev, rendererUrl)
    expect(prevented).toBe(1)
    contents.handlers.get('will-attach-webview')!(ev)
    expect(prevented).toBe(2)
  })
})

describe('Electron preload bundle', () => {
  it('exposes exactly window.api, made of functions only, that speak the contract channel', async () => {
    expect([...seen.exposed.keys()]).toEqual(['api'])
    const api = seen.exposed.get('api') as Record<string, unknown>
    expect(Object.keys(api).sort()).toEqual(['command', 'onEvent'])
    for (const v of Object.values(api)) expect(typeof v).toBe('function')
    await (api['command'] as (c: unknown) => Promise<unknown>)({ type: 'pane.close', paneId: 'x' })
    expect(seen.invoked).toEqual([{ channel: 'np:command', args: [{ type: 'pane.close', paneId: 'x' }] }])
    const off = (api['onEvent'] as (l: () => void) => () => void)(() => {})
    expect(typeof off).toBe('function')
  })
})
