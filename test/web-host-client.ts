// Talking to the web host as its page does: the built host as a process (node out/main/web.js)
// and a WebSocket client speaking the binary wire format. One copy for every test that needs them.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import WebSocket from 'ws'
import { decodeFrame, encodeFrame } from '../src/shared/wire'
import type { EngineEvent } from '../src/shared/contract'
import { bounded, waitForOutput } from './peers'

export const webJs = join(__dirname, '..', 'out', 'main', 'web.js')

/** A WebSocket client of the web host speaking the binary wire format. */
export class WireClient {
  private nextId = 1
  readonly events: EngineEvent[] = []
  private readonly waiting = new Map<number, (b: Record<string, unknown>) => void>()
  /** The largest frame the host sent, in bytes as they came over the WebSocket. */
  largestFrame = 0
  /** Acknowledge display data as it comes, like a screen that keeps up (else nothing is acked). */
  autoAck = false
  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw: Buffer) => {
      this.largestFrame = Math.max(this.largestFrame, raw.byteLength)
      const msg = decodeFrame(new Uint8Array(raw))
      if (this.autoAck && msg.kind === 'event' && msg.body['type'] === 'data') this.ack(String(msg.body['paneId']), (msg.body['data'] as Uint8Array).byteLength)
      if (msg.kind === 'event') this.events.push(msg.body as EngineEvent)
      if (msg.kind === 'response') this.waiting.get(msg.id)?.(msg.body)
    })
    ws.on('error', () => {})
  }

  static open(port: number, token: string): Promise<WireClient> {
    return bounded(
      new Promise<WireClient>((ok, fail) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { headers: { Origin: `http://127.0.0.1:${port}` } })
        ws.once('open', () => ok(new WireClient(ws)))
        ws.once('unexpected-response', (_q, res) => fail(new Error(`web host refused the WebSocket: ${res.statusCode}`)))
        ws.once('error', fail)
      }),
      'the WebSocket to open'
    )
  }

  command(body: Record<string, unknown>, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const id = this.nextId++
    return bounded(
      new Promise((ok) => {
        this.waiting.set(id, ok)
        this.ws.send(encodeFrame({ kind: 'command', id, body }))
      }),
      `${String(body['type'])} over the WebSocket`,
      timeoutMs
    )
  }

  /** Tells the host the screen drew `bytes` of a pane's display data (one-way, as the page does). */
  ack(paneId: string, bytes: number): void {
    this.ws.send(encodeFrame({ kind: 'ack', body: { paneId, bytes } }))
  }

  /** Closes the WebSocket (the tab goes away) and resolves once it is closed. */
  close(): Promise<void> {
    return new Promise((r) => {
      this.ws.once('close', () => r())
      this.ws.close()
    })
  }
}

export interface HostProcess {
  child: ChildProcess
  port: number
  /** Everything it printed. */
  output: () => string
  /** Resolves with the signal's name or the exit code once it has exited. */
  exited: Promise<string>
}

/**
 * Starts the built web host on a free port with its recordings in `sessionDir`; with `nofile`,
 * under that many file descriptors (prlimit execs node, so the child's pid is the host's).
 */
export async function startHostProcess(sessionDir: string, token: string, opts: { nofile?: number } = {}): Promise<HostProcess> {
  const node = [process.execPath, webJs, '--port', '0', '--session-dir', sessionDir]
  const [cmd, ...args] = opts.nofile === undefined ? node : ['prlimit', `--nofile=${opts.nofile}:${opts.nofile}`, ...node]
  const child = spawn(cmd!, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NP_WEB_TOKEN: token }
  })
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s))
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s))
  const exited = new Promise<string>((r) => child.once('exit', (code, signal) => r(signal ?? String(code))))
  const port = Number((await waitForOutput(() => out, /web host: http:\/\/127\.0\.0\.1:(\d+)\/\?token=/, 'the web host URL'))[1])
  return { child, port, output: () => out, exited }
}
