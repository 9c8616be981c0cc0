// The web host: serves the built renderer and the same contract over one WebSocket, so the
// whole UI runs in a browser where no Electron binary can be had. It binds 127.0.0.1 by
// default and refuses a WebSocket without the token or with a foreign Origin: an open
// socket-control port would be an open proxy.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { Engine } from './engine/engine'
import { LoopStats } from './loop-stats'
import { withSessions } from './session/service'
import { decodeFrame, encodeFrame } from '../shared/wire'
import { contentSecurityPolicy } from './security'
import { WEB_IDLE_MS } from '../shared/limits'

export interface WebHostOptions {
  rootDir: string
  /** Where recordings and the recent-sessions list live (default: the OS temp folder). */
  sessionDir?: string
  host?: string
  port?: number
  token?: string
  /** Pages (browser tabs) served at once, each with its own engine (default {@link MAX_CLIENTS}); one more is refused 503. */
  maxClients?: number
  /** A connection that is not a WebSocket and moves no byte this long is closed (default WEB_IDLE_MS). */
  idleMs?: number
}

/** Tabs one host serves at once by default: each is an engine with its sockets and recording. */
export const MAX_CLIENTS = 32

export interface WebHost {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

/**
 * A request's target as a path (percent-decoded) and its query; undefined when it does not
 * parse (`/%`, `/%E0%A4%A`, `http://[`): such a request is answered 400 and closed, never left
 * hanging with a stack trace (issue 10).
 */
function parseTarget(target: string | undefined): { path: string; query: URLSearchParams } | undefined {
  try {
    const url = new URL(target ?? '/', 'http://x')
    return { path: decodeURIComponent(url.pathname), query: url.searchParams }
  } catch {
    return undefined
  }
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(24).toString('hex')
  const root = resolve(options.rootDir)
  let port = 0
  const originHost = (): string[] => {
    const names = host === '127.0.0.1' || host === 'localhost' ? ['127.0.0.1', 'localhost'] : [host.includes(':') ? `[${host}]` : host]
    return names.map((n) => `http://${n}:${port}`)
  }
  /** Whether a request names this host as it is bound (a page of another name reached through DNS rebinding does not). */
  const ownHost = (req: IncomingMessage): boolean => originHost().includes(`http://${req.headers.host ?? ''}`)

  const serveStatic = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const file = normalize(join(root, path === '/' ? 'index.html' : path))
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end()
      return
    }
    try {
      const body = await readFile(file)
      res.writeHead(200, {
        'Content-Type': mime[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': contentSecurityPolicy(originHost().map((o) => o.replace('http', 'ws'))),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer'
      })
      res.end(body)
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found')
    }
  }

  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end()
      return
    }
    const url = parseTarget(req.url)
    if (!url) {
      res.writeHead(400, { Connection: 'close', 'Content-Type': 'text/plain' }).end('bad request')
      return
    }
    if (!ownHost(req)) {
      res.writeHead(403, { Connection: 'close', 'Content-Type': 'text/plain' }).end('unknown host name')
      return
    }
    void serveStatic(req, res, url.path)
  })

  /** Each tab's engine, until it has closed its sockets and kept or removed its recording. */
  const ending = new Set<Promise<void>>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: 128 * 1024 * 1024 })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = parseTarget(req.url)
    if (!url) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const okPath = url.path === '/api'
    const okToken = sameToken(url.query.get('token'), token)
    const okOrigin = originHost().includes(req.headers.origin ?? '')
    if (!okPath || !okToken || !okOrigin || !ownHost(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    if (wss.clients.size >= (options.maxClients ?? MAX_CLIENTS)) {
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 44\r\n\r\ntoo many tabs open on this host: close one\r\n'
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const ended = serveClient(ws, options.sessionDir)
      ending.add(ended)
      void ended.then(() => ending.delete(ended))
    })
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    // A connection that sends nothing would be held forever (Node times out only a request it
    // has begun): idle ones are closed, so a local process cannot use up the descriptors. A
    // page's WebSocket is not touched (an upgraded socket leaves the server's timeout).
    server.setTimeout(options.idleMs ?? WEB_IDLE_MS)
    server.listen({ host, port: options.port ?? 0 }, () => resolveListen())
  })
  port = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      // Every tab's recording is kept or removed before the host is done.
      await Promise.all([...ending])
    }
  }
}

let loopStats: LoopStats | undefined

/** One browser tab = one engine: its sockets live and die with its WebSocket. Resolves once the engine is gone. */
function serveClient(ws: WebSocket, sessionDir: string | undefined): Promise<void> {
  // For measuring only (npm run bench): NP_RECORD=0 turns the recording off, NP_STATS_MS sets
  // how often connection byte counts are reported (250 ms otherwise), NP_LOOP_STATS=1 prints
  // how long the event loop stalled during each command (LoopStats).
  const statsMs = Number(process.env['NP_STATS_MS'])
  if (process.env['NP_LOOP_STATS'] === '1') loopStats ??= new LoopStats()
  const engine = new Engine({
    sessions: withSessions({ dir: sessionDir, record: process.env['NP_RECORD'] !== '0' }),
    ...(Number.isInteger(statsMs) && statsMs >= 1 ? { statsIntervalMs: statsMs } : {})
  })
  engine.onEvent((event) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ kind: 'event', body: event }))
  })
  const dropped = quietWarning('net-playground web host: dropped a malformed frame', MALFORMED_QUIET_MS)
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    let msg
    try {
      if (!isBinary) throw new Error('text frames are not part of the protocol')
      msg = decodeFrame(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength))
    } catch (err) {
      dropped.warn((err as Error).message)
      return
    }
    if (msg.kind === 'ack') return engine.ack(msg.body)
    if (msg.kind !== 'command') return
    const id = msg.id
    const measured = loopStats?.begin(id, String((msg.body as { type?: unknown } | null)?.type))
    void engine.handle(msg.body).then((response) => {
      measured?.()
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ kind: 'response', id, body: response }))
    })
  })
  ws.on('error', () => ws.terminate())
  return new Promise((resolve) => ws.on('close', () => void engine.dispose().then(resolve)))
}

/** At most one line about malformed frames per page in this many ms: a page cannot fill the log. */
const MALFORMED_QUIET_MS = 10_000

/** A warning said once per `quietMs`, the next line counting those left unsaid in between. */
function quietWarning(what: string, quietMs: number): { warn(detail: string): void } {
  let unsaid = 0
  let quietUntil = 0
  return {
    warn(detail) {
      const now = Date.now()
      if (now < quietUntil) {
        unsaid++
        return
      }
      console.warn(`${what}: ${detail}${unsaid > 0 ? ` (and ${unsaid} more before it, not each said)` : ''}`)
      unsaid = 0
      quietUntil = now + quietMs
    }
  }
}
