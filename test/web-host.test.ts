// The web host: serves the renderer, and lets only its own page (token + Origin) drive the
// engine over a binary WebSocket.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { connect } from 'node:net'
import { startWebHost, type WebHost } from '../src/main/web-host'
import { decodeFrame, encodeFrame, type WireMessage } from '../src/shared/wire'
import type { EngineEvent } from '../src/shared/contract'

let host: WebHost
const root = mkdtempSync(join(tmpdir(), 'np-web-'))

beforeAll(async () => {
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>np</title>')
  host = await startWebHost({ rootDir: root, port: 0 })
})
afterAll(() => host.close())

const origin = (): string => `http://127.0.0.1:${host.port}`

function open(query: string, headers: Record<string, string>): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api${query}`, { headers })
    ws.on('open', () => resolve({ ws }))
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }))
    ws.on('error', () => resolve({ status: -1 }))
  })
}

class Client {
  private nextId = 1
  readonly events: EngineEvent[] = []
  private waiting = new Map<number, (b: Record<string, unknown>) => void>()
  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw: Buffer, isBinary) => {
      expect(isBinary).toBe(true)
      const msg = decodeFrame(new Uint8Array(raw))
      if (msg.kind === 'event') this.events.push(msg.body as EngineEvent)
      if (msg.kind === 'response') this.waiting.get(msg.id)?.(msg.body)
    })
  }
  command(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      this.ws.send(encodeFrame({ kind: 'command', id, body } as WireMessage))
    })
  }
}

describe('web host', () => {
  it('prints a 127.0.0.1 URL with a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/)
  })

  it('serves the renderer with a CSP, and nothing outside its folder', async () => {
    const res = await fetch(`${origin()}/`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<title>np</title>')
    expect(res.headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'")
    const escape = await fetch(`${origin()}/..%2f..%2fetc%2fpasswd`)
    expect([403, 404]).toContain(escape.status)
    expect((await fetch(`${origin()}/nope.js`)).status).toBe(404)
    expect((await fetch(`${origin()}/`, { method: 'POST' })).status).toBe(405)
  })

  it('refuses a WebSocket without the token, with a wrong token, or from a foreign Origin', async () => {
    expect((await open('', { Origin: origin() })).status).toBe(403)
    expect((await open('?token=wrong', { Origin: origin() })).status).toBe(403)
    expect((await open(`?token=${host.token}`, { Origin: 'http://evil.example' })).status).toBe(403)
    expect((await open(`?token=${host.token}`, {})).status).toBe(403)
  })

  it('runs commands from its own page and streams binary events; junk frames do not hurt it', async () => {
    const { ws } = await open(`?token=${host.token}`, { Origin: origin() })
    expect(ws).toBeDefined()
    const c = new Client(ws!)
    ws!.send('not a frame') // text frames are ignored
    ws!.send(Buffer.from([1, 2])) // too short
    ws!.send(Buffer.from([255, 255, 0, 0, 1])) // header length beyond the frame
    const listen = await c.command({ type: 'tcpServer.listen', paneId: 's', host: '127.0.0.1', port: 0 })
    expect(listen).toMatchObject({ ok: true })
    const port = (listen as { result: { local: { port: number } } }).result.local.port
    expect(await c.command({ type: 'tcpClient.connect', paneId: 'c', host: '127.0.0.1', port })).toMatchObject({ ok: true })
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i % 256)
    expect(await c.command({ type: 'send', paneId: 'c', target: 'all', payload: payload })).toMatchObject({ ok: true, result: { bytes: 300 } })
    const start = Date.now()
    const got = (): Uint8Array | undefined =>
      (c.events.find((e) => e.type === 'data' && e.paneId === 's') as Extract<EngineEvent, { type: 'data' }> | undefined)?.data
    while (!got() && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 10))
    expect(got()).toBeInstanceOf(Uint8Array)
    expect(Buffer.from(got()!).equals(Buffer.from(payload))).toBe(true)
    const bad = await c.command({ type: 'tcpServer.listen', paneId: 's2', host: '127.0.0.1', port: 'eighty' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_COMMAND' } })
    ws!.close()
  })

  it('a page sending a flood of malformed frames gets one log line, not one per frame, and its commands still run (issue 10, item 8)', async () => {
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const { ws } = await open(`?token=${host.token}`, { Origin: origin() })
      const c = new Client(ws!)
      for (let i = 0; i < 1000; i++) ws!.send(Buffer.from([1, 2]))
      // A command after them is answered, so every junk frame before it was read.
      expect(await c.command({ type: 'session.info' })).toMatchObject({ ok: true })
      const lines = warned.mock.calls.filter((args) => String(args[0]).includes('dropped a malformed frame'))
      expect(lines.length).toBeGreaterThanOrEqual(1)
      expect(lines.length).toBeLessThanOrEqual(2)
      ws!.close()
    } finally {
      warned.mockRestore()
    }
  })

  it('serves at most its number of tabs at once: one more is refused 503, and a tab closed makes room (issue 10, item 8)', async () => {
    const small = await startWebHost({ rootDir: root, port: 0, maxClients: 2 })
    try {
      const at = (q: string) =>
        new Promise<{ ws?: WebSocket; status?: number }>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${small.port}/api${q}`, { headers: { Origin: `http://127.0.0.1:${small.port}` } })
          ws.on('open', () => resolve({ ws }))
          ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }))
          ws.on('error', () => resolve({ status: -1 }))
        })
      const q = `?token=${small.token}`
      const a = await at(q)
      const b = await at(q)
      expect(a.ws && b.ws).toBeTruthy()
      expect((await at(q)).status).toBe(503)
      const closed = new Promise((r) => a.ws!.once('close', r))
      a.ws!.close()
      await closed
      // The host sees the close soon after the page does: the next tab gets in.
      let again = await at(q)
      for (let i = 0; again.status === 503 && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 20))
        again = await at(q)
      }
      expect(again.ws).toBeDefined()
      b.ws!.close()
      again.ws!.close()
    } finally {
      await small.close()
    }
  })

  it('answers a malformed request 400 and closes it, on GET and on upgrade, and keeps serving (issue 10, item 6)', async () => {
    /** Sends raw request bytes; resolves to all the host answered once it closed the socket (or '' after 5 s, the bug). */
    const raw = (request: string): Promise<string> =>
      new Promise((resolve) => {
        const s = connect(host.port, '127.0.0.1', () => s.write(request))
        let got = ''
        const timer = setTimeout(() => {
          s.destroy()
          resolve(got || '(held open, no answer)')
        }, 5000)
        s.on('data', (b) => (got += b.toString('latin1')))
        s.on('close', () => {
          clearTimeout(timer)
          resolve(got)
        })
        s.on('error', () => {})
      })
    const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
    for (const target of ['/%', '/%E0%A4%A', 'http://[']) {
      for (const extra of ['', upgrade]) {
        const answer = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`)
        expect(answer, `${target}${extra ? ' (upgrade)' : ''}`).toMatch(/^HTTP\/1\.1 400 /)
      }
    }
    // Still serving, at once.
    const res = await fetch(`${origin()}/`)
    expect(res.status).toBe(200)
  })

  it('answers only requests that name it as bound (no DNS rebinding), and sends no referrer (issue 10, item 8)', async () => {
    const get = (hostHeader: string): Promise<number> =>
      new Promise((resolve) => {
        const s = connect(host.port, '127.0.0.1', () => s.write(`GET / HTTP/1.1\r\nHost: ${hostHeader}\r\nConnection: close\r\n\r\n`))
        let got = ''
        s.on('data', (b) => (got += b.toString('latin1')))
        s.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(got)?.[1] ?? -1)))
        s.on('error', () => resolve(-1))
      })
    expect(await get(`127.0.0.1:${host.port}`)).toBe(200)
    expect(await get(`localhost:${host.port}`)).toBe(200)
    expect(await get(`attacker.example:${host.port}`)).toBe(403)
    expect(await get('127.0.0.1')).toBe(403)
    // The WebSocket too, with the right token and Origin but a foreign Host.
    const foreign = await open(`?token=${host.token}`, { Origin: origin(), Host: `rebound.example:${host.port}` })
    expect(foreign.status).toBe(403)
    const res = await fetch(`${origin()}/`)
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('closes a connection that sends nothing, never a page whose WebSocket is only quiet (issue 10, item 6)', async () => {
    const quick = await startWebHost({ rootDir: root, port: 0, idleMs: 300 })
    try {
      const page = await new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${quick.port}/api?token=${quick.token}`, { headers: { Origin: `http://127.0.0.1:${quick.port}` } })
        ws.once('open', () => resolve(ws))
        ws.once('error', reject)
      })
      // Opened with the page, silent since: the host closes it once it has been idle 300 ms.
      const silent = connect(quick.port, '127.0.0.1')
      silent.on('error', () => {})
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the silent connection was held open')), 10_000)
        silent.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      // The page was as quiet at least as long, and is still served.
      const c = new Client(page)
      expect(await c.command({ type: 'session.info' })).toMatchObject({ ok: true })
      page.close()
    } finally {
      await quick.close()
    }
  })

  it('closes the sockets of a page when its WebSocket goes away', async () => {
    const { ws } = await open(`?token=${host.token}`, { Origin: origin() })
    const c = new Client(ws!)
    const listen = (await c.command({ type: 'tcpServer.listen', paneId: 's', host: '127.0.0.1', port: 0 })) as { result: { local: { port: number } } }
    const port = listen.result.local.port
    ws!.close()
    const net = await import('node:net')
    const start = Date.now()
    let refused = false
    while (!refused && Date.now() - start < 5000) {
      refused = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1')
        s.on('connect', () => {
          s.destroy()
          resolve(false)
        })
        s.on('error', () => resolve(true))
      })
      if (!refused) await new Promise((r) => setTimeout(r, 20))
    }
    expect(refused).toBe(true)
  })
})
