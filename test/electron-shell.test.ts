// The Electron glue, checked without an Electron binary: the built main and preload bundles
// are loaded with a stand-in for the 'electron' module, and we look at what they did with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Module, { createRequire } from 'node:module'
import net from 'node:net'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { commandTypes, resultSchemas, type CommandInput, type CommandType, type EngineEvent, type Response, type ResultMap } from '../src/shared/contract'

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
  ipcListeners: new Map<string, Handler>(),
  rendererSent: [] as { channel: string; args: unknown[] }[],
  quits: 0,
  windows: [] as { options: { webPreferences: Record<string, unknown> }; contents: FakeContents; loaded?: string }[],
  appHandlers: new Map<string, (...a: unknown[]) => void>(),
  permissionRequest: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  permissionCheck: undefined as undefined | (() => boolean),
  headers: undefined as
    undefined | ((d: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
  exposed: new Map<string, unknown>(),
  invoked: [] as { channel: string; args: unknown[] }[],
  rendererListeners: new Map<(...a: unknown[]) => void, string>()
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
    quit: () => void seen.quits++,
    getPath: () => sessionsDir
  },
  BrowserWindow: class {
    static getAllWindows = () => seen.windows
    webContents = fakeContents()
    constructor(public options: { webPreferences: Record<string, unknown> }) {
      seen.windows.push(this as never)
      ;(this as unknown as { contents: FakeContents }).contents = this.webContents
    }
    handlers = new Map<string, (...a: unknown[]) => void>()
    on(name: string, fn: (...a: unknown[]) => void) {
      this.handlers.set(name, fn)
    }
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
  ipcMain: {
    handle: (channel: string, fn: Handler) => seen.ipcHandlers.set(channel, fn),
    on: (channel: string, fn: Handler) => seen.ipcListeners.set(channel, fn)
  },
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
    send: (channel: string, ...args: unknown[]) => seen.rendererSent.push({ channel, args }),
    on: (channel: string, fn: (...a: unknown[]) => void) => seen.rendererListeners.set(fn, channel),
    removeListener: (_channel: string, fn: (...a: unknown[]) => void) => seen.rendererListeners.delete(fn)
  }
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

/** Whether something listens on 127.0.0.1:port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port })
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

async function waitUntil(what: string, ok: () => Promise<boolean>): Promise<void> {
  const start = Date.now()
  while (!(await ok())) {
    if (Date.now() - start > 5000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

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

  it('handles every contract command from the window, each doing its job', async () => {
    const handler = seen.ipcHandlers.get('np:command')
    expect(handler, 'np:command is registered').toBeDefined()
    expect([...seen.ipcHandlers.keys()]).toEqual(['np:command'])
    const covered = new Set<CommandType>()
    // Sends one command through IPC as the window would; it must succeed (or fail with the one
    // expected code): an unimplemented command would answer differently and fail here.
    async function run<T extends CommandType>(cmd: Extract<CommandInput, { type: T }>, expectCode?: string): Promise<ResultMap[T]> {
      covered.add(cmd.type as T)
      const res = (await handler!(trustedEvent(), cmd)) as Response<T>
      if (expectCode) {
        expect(res.ok ? 'ok' : res.error.code, cmd.type).toBe(expectCode)
        return undefined as never
      }
      expect(res.ok ? 'ok' : `${res.error.code}: ${res.error.detail ?? ''}`, cmd.type).toBe('ok')
      const result = (res as { ok: true; result: ResultMap[T] }).result
      expect(resultSchemas[cmd.type].safeParse(result).error, `${cmd.type}: the result matches the contract`).toBeUndefined()
      return result
    }
    const contents = seen.windows[0]!.contents
    const waitFor = async (what: string, ok: () => boolean): Promise<void> => {
      const start = Date.now()
      while (!ok() && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 10))
      expect(ok(), what).toBe(true)
    }
    const bytesTo = (paneId: string): number =>
      contents.sent.filter((e) => e.type === 'data' && e.paneId === paneId).reduce((n, e) => n + (e as { data: Uint8Array }).data.byteLength, 0)

    const { local } = await run({ type: 'tcpServer.listen', paneId: 'all-s', host: '127.0.0.1', port: 0 })
    const client = await run({ type: 'tcpClient.connect', paneId: 'all-c', host: '127.0.0.1', port: local.port })
    expect(client.remote.port).toBe(local.port)
    await run({ type: 'pane.configure', paneId: 'all-c', config: { framing: { kind: 'raw' } } })
    expect(await run({ type: 'send', paneId: 'all-c', target: 'all', payload: new TextEncoder().encode('hello') })).toMatchObject({ bytes: 5, connections: 1 })
    await waitFor('the server pane shows the bytes', () => bytesTo('all-s') >= 5)
    const udp = await run({ type: 'udp.bind', paneId: 'all-u', host: '127.0.0.1', port: 0 })
    expect(await run({ type: 'send', paneId: 'all-u', target: { host: '127.0.0.1', port: udp.local.port }, payload: new Uint8Array([1, 2]) })).toMatchObject({
      bytes: 2
    })
    const file = join(sessionsDir, 'payload.bin')
    writeFileSync(file, Buffer.alloc(1000, 7))
    expect(await run({ type: 'send.file', paneId: 'all-c', target: 'all', path: file })).toMatchObject({ total: 1000 })
    await run({ type: 'send.file', paneId: 'all-c', target: 'all', path: join(sessionsDir, 'missing.bin') }, 'ENOENT')
    await run({ type: 'send.stop', paneId: 'all-c' })
    await waitFor('the file arrives', () => bytesTo('all-s') >= 1005)
    expect(
      await run({
        type: 'send.sequence',
        paneId: 'all-c',
        target: 'all',
        steps: [
          { template: { text: 'a', mode: 'text' }, delayMs: 0 },
          { template: { text: 'b', mode: 'text' }, delayMs: 1 }
        ]
      })
    ).toMatchObject({ steps: 2 })
    await waitFor('the sequence arrives', () => bytesTo('all-s') >= 1007)
    expect(await run({ type: 'send.file', paneId: 'all-u', target: { host: '127.0.0.1', port: udp.local.port }, path: file, datagramSize: 500 })).toMatchObject(
      {
        total: 1000
      }
    )
    await waitFor('the datagrams arrive', () => bytesTo('all-u') >= 2 * (2 + 1000))

    expect((await run({ type: 'session.info' })).bytes).toBeGreaterThan(0)
    await run({ type: 'session.workspace', workspace: { version: 1, panes: [] } })
    const saved = join(sessionsDir, 'saved.pcapng')
    expect((await run({ type: 'session.save', path: saved })).path).toBe(saved)
    expect((await run({ type: 'session.recent' })).paths).toContain(saved)
    const summary = await run({ type: 'session.open', path: saved })
    const flow = summary.flows.find((f) => f.proto === 'tcp' && f.paneId === 'all-c')!
    expect(flow, 'the saved session holds the client connection').toBeDefined()
    expect((await run({ type: 'session.export', sessionId: summary.sessionId, flowId: flow.id, dir: sessionsDir })).files.length).toBeGreaterThan(0)
    const page = await run({ type: 'session.flows', sessionId: summary.sessionId, offset: 0, limit: 1 })
    expect([page.total, page.flows.length]).toEqual([summary.flowCount, 1])
    const copy = join(sessionsDir, 'copy.pcapng')
    expect(await run({ type: 'session.saveOpened', sessionId: summary.sessionId, path: copy })).toMatchObject({ path: copy, dropped: 0 })
    const ws = join(sessionsDir, 'ws.json')
    await run({ type: 'session.exportWorkspace', path: ws })
    expect(existsSync(ws)).toBe(true)
    await run({ type: 'playback.start', sessionId: summary.sessionId, panes: [{ paneId: 'all-p', flowIds: [flow.id] }] })
    await run({ type: 'playback.control', sessionId: summary.sessionId, action: 'pause' })
    await run({ type: 'replay.resend', sessionId: summary.sessionId, flowId: flow.id, paneId: 'all-r', host: '127.0.0.1', port: local.port })
    expect(
      (await run({ type: 'replay.standin', sessionId: summary.sessionId, flowId: flow.id, paneId: 'all-i', host: '127.0.0.1', port: 0 })).local.port
    ).toBeGreaterThan(0)
    await run({ type: 'session.close', sessionId: summary.sessionId })

    await run({ type: 'conn.end', paneId: 'all-c', connId: client.connId })
    await run({ type: 'conn.close', paneId: 'all-c', connId: client.connId })
    const second = await run({ type: 'tcpClient.connect', paneId: 'all-c2', host: '127.0.0.1', port: local.port })
    await run({ type: 'conn.reset', paneId: 'all-c2', connId: second.connId })
    await waitFor('the reset connection is gone', () => contents.sent.some((e) => e.type === 'conn.closed' && e.paneId === 'all-c2'))
    await run({ type: 'conn.reset', paneId: 'all-c2', connId: second.connId }, 'NO_CONNECTION')
    for (const id of ['all-c', 'all-c2', 'all-u', 'all-p', 'all-r', 'all-i']) await run({ type: 'pane.close', paneId: id })
    await run({ type: 'pane.stop', paneId: 'all-s' })
    await run({ type: 'send', paneId: 'all-s', target: 'all', payload: new Uint8Array([1]) }, 'NO_CONNECTION')
    await run({ type: 'pane.close', paneId: 'all-s' })
    expect([...covered].sort(), 'every contract command was exercised').toEqual([...commandTypes].sort())
  })

  it('refuses commands from other senders and malformed commands', async () => {
    const handler = seen.ipcHandlers.get('np:command')!
    const bind = { type: 'udp.bind', paneId: 'x', host: '127.0.0.1', port: 0 }
    const foreign = (await handler({ sender: { id: seen.windows[0]!.contents.id }, senderFrame: { url: 'https://evil.example/' } }, bind)) as Response
    expect(foreign).toMatchObject({ ok: false, error: { code: 'BAD_COMMAND', detail: 'command from an untrusted sender' } })
    const otherWindow = (await handler({ sender: { id: 999 }, senderFrame: { url: rendererUrl } }, bind)) as Response
    expect(otherWindow).toMatchObject({ ok: false, error: { code: 'BAD_COMMAND' } })
    const bad = (await handler(trustedEvent(), { type: 'tcpServer.listen', paneId: 'x', host: '', port: 70000 })) as Response
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_COMMAND' } })
    const unknown = (await handler(trustedEvent(), { type: 'shell.exec', cmd: 'rm -rf /' })) as Response
    expect(unknown).toMatchObject({ ok: false, error: { code: 'BAD_COMMAND' } })
  })

  it('carries a real TCP exchange through IPC and sends the events to the window', async () => {
    const handler = seen.ipcHandlers.get('np:command')!
    const contents = seen.windows[0]!.contents
    const listen = (await handler(trustedEvent(), { type: 'tcpServer.listen', paneId: 'ipc-s', host: '127.0.0.1', port: 0 })) as Response<'tcpServer.listen'>
    expect(listen.ok).toBe(true)
    const port = listen.ok ? listen.result.local.port : 0
    const conn = (await handler(trustedEvent(), { type: 'tcpClient.connect', paneId: 'ipc-c', host: '127.0.0.1', port })) as Response
    expect(conn.ok).toBe(true)
    await handler(trustedEvent(), { type: 'send', paneId: 'ipc-c', target: 'all', payload: new TextEncoder().encode('hello') })
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

  it("a reload ends the old document's engine: its sockets close, its events stop, and the new document gets a fresh engine", async () => {
    const handler = seen.ipcHandlers.get('np:command')!
    const contents = seen.windows[0]!.contents
    const listen = async (): Promise<Response<'tcpServer.listen'>> =>
      (await handler(trustedEvent(), { type: 'tcpServer.listen', paneId: 'rl-s', host: '127.0.0.1', port: 0 })) as Response<'tcpServer.listen'>
    const first = await listen()
    if (!first.ok) throw new Error('listen failed')
    const port = first.result.local.port
    // The first document's load, then View → Reload (or Ctrl+R): a new document.
    contents.handlers.get('did-navigate')!()
    expect(await portOpen(port), 'the first load keeps the engine').toBe(true)
    const mark = contents.sent.length
    contents.handlers.get('did-navigate')!()
    await waitUntil('the old server to stop listening', async () => !(await portOpen(port)))
    // The new document starts its restored pane as new: no ALREADY_RUNNING, and on the same port.
    const again = (await handler(trustedEvent(), { type: 'tcpServer.listen', paneId: 'rl-s', host: '127.0.0.1', port })) as Response<'tcpServer.listen'>
    expect(again).toMatchObject({ ok: true, result: { local: { port } } })
    // Nothing of the old engine reached the new document (its pane would have shown "stopped").
    expect(contents.sent.slice(mark).filter((e) => e.type === 'pane.state' && e.state === 'idle')).toEqual([])
    await handler(trustedEvent(), { type: 'pane.close', paneId: 'rl-s' })
  })

  it('a crashed renderer (render-process-gone) ends its engine too; the next document gets a fresh one', async () => {
    const handler = seen.ipcHandlers.get('np:command')!
    const contents = seen.windows[0]!.contents
    const r = (await handler(trustedEvent(), { type: 'udp.bind', paneId: 'crash-u', host: '127.0.0.1', port: 0 })) as Response<'udp.bind'>
    if (!r.ok) throw new Error('bind failed')
    contents.handlers.get('render-process-gone')!()
    const again = (await handler(trustedEvent(), { type: 'udp.bind', paneId: 'crash-u', host: '127.0.0.1', port: r.result.local.port })) as Response<'udp.bind'>
    expect(again).toMatchObject({ ok: true, result: { local: { port: r.result.local.port } } })
    await handler(trustedEvent(), { type: 'pane.close', paneId: 'crash-u' })
  })

  it('takes display acknowledgements one-way on their own channel, from the window only', () => {
    const ack = seen.ipcListeners.get('np:ack')!
    expect(ack).toBeTypeOf('function')
    expect(ack(trustedEvent(), { paneId: 'p1', bytes: 10 })).toBeUndefined()
    // Malformed or foreign acknowledgements are ignored, never thrown.
    expect(() => ack(trustedEvent(), { paneId: 'p1', bytes: -1 })).not.toThrow()
    expect(() => ack({ sender: { id: 999 }, senderFrame: { url: 'https://evil.example/' } }, { paneId: 'p1', bytes: 1 })).not.toThrow()
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

describe('Electron main bundle: quitting', () => {
  it("waits for a closed window's engine (its sockets closed, its recording kept or removed) before the app quits", async () => {
    const win = seen.windows[0] as unknown as { handlers: Map<string, () => void> }
    const handler = seen.ipcHandlers.get('np:command')!
    const r = (await handler(trustedEvent(), { type: 'tcpServer.listen', paneId: 'q-s', host: '127.0.0.1', port: 0 })) as Response<'tcpServer.listen'>
    if (!r.ok) throw new Error('listen failed')
    win.handlers.get('closed')!()
    let prevented = 0
    seen.appHandlers.get('will-quit')!({ preventDefault: () => prevented++ })
    expect(prevented, 'the quit waits').toBe(1)
    const quitsBefore = seen.quits
    await waitUntil('the app to quit once the engine is gone', async () => seen.quits > quitsBefore)
    expect(await portOpen(r.result.local.port)).toBe(false)
    // Nothing left to wait for: the next quit goes through.
    seen.appHandlers.get('will-quit')!({ preventDefault: () => prevented++ })
    expect(prevented).toBe(1)
  })
})

describe('Electron preload bundle', () => {
  it('exposes exactly window.api, made of functions only, that speak the contract channel', async () => {
    expect([...seen.exposed.keys()]).toEqual(['api'])
    const api = seen.exposed.get('api') as Record<string, unknown>
    expect(Object.keys(api).sort()).toEqual(['ack', 'command', 'onEvent'])
    for (const v of Object.values(api)) expect(typeof v).toBe('function')
    await (api['command'] as (c: unknown) => Promise<unknown>)({ type: 'pane.close', paneId: 'x' })
    expect(seen.invoked).toEqual([{ channel: 'np:command', args: [{ type: 'pane.close', paneId: 'x' }] }])
    // Display acknowledgements are one-way: sent, never invoked (nobody waits for an answer).
    ;(api['ack'] as (a: unknown) => void)({ paneId: 'x', bytes: 42 })
    expect(seen.rendererSent).toEqual([{ channel: 'np:ack', args: [{ paneId: 'x', bytes: 42 }] }])
    expect(seen.invoked).toHaveLength(1)
    const got: unknown[][] = []
    const off = (api['onEvent'] as (l: (...a: unknown[]) => void) => () => void)((...args) => got.push(args))
    expect([...seen.rendererListeners.values()]).toEqual(['np:event'])
    const ipcEvent = { sender: 'the IPC event, which must not reach the page', ports: [] }
    const payload = { type: 'pane.state', paneId: 'x', state: 'idle' }
    for (const fn of seen.rendererListeners.keys()) fn(ipcEvent, payload)
    expect(got, 'the listener gets the payload alone, never the IPC event').toEqual([[payload]])
    off()
    expect(seen.rendererListeners.size, 'unsubscribing removes the IPC listener').toBe(0)
  })
})
