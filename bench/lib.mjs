// Helpers for bench/run.mjs: child processes (tracked by PID, always killed), the web
// host as a child, a WebSocket client that plays the renderer, /proc memory figures,
// and small statistics. Plain Node ESM.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import net from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'

export const benchDir = dirname(fileURLToPath(import.meta.url))
export const rootDir = join(benchDir, '..')

/** Hi-res wall clock in ms since the epoch; comparable across processes of this machine. */
export const nowMs = () => performance.timeOrigin + performance.now()

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Rejects after `ms` with a message naming what was awaited. */
export function withTimeout(promise, ms, what) {
  let timer
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, t]).finally(() => clearTimeout(timer))
}

// ---------------------------------------------------------------- child processes

const children = new Map() // pid -> ChildProcess

/**
 * Spawns a child and tracks it by PID. Returns { child, pid, out(), err(), exited, lines }.
 * `exited` resolves with { code, signal, tMs } (tMs = when the exit was seen).
 */
export function startChild(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts })
  if (child.pid === undefined) {
    child.on('error', () => {}) // reported by the throw below
    throw new Error(`could not start ${cmd} (is it installed?)`)
  }
  children.set(child.pid, child)
  let out = ''
  let err = ''
  const lineWaiters = []
  child.stdout.setEncoding('utf8').on('data', (s) => {
    out += s
    for (const w of [...lineWaiters]) w()
  })
  child.stderr.setEncoding('utf8').on('data', (s) => (err += s))
  const exited = new Promise((resolve) => {
    child.once('error', (e) => resolve({ code: null, signal: `spawn error: ${e.message}`, tMs: nowMs() }))
    child.once('exit', (code, signal) => {
      const tMs = nowMs()
      children.delete(child.pid)
      resolve({ code, signal, tMs })
    })
  })
  /** Waits (bounded) for a stdout line matching `re`. */
  const waitLine = (re, ms, what) =>
    withTimeout(
      new Promise((resolve) => {
        const check = () => {
          const m = out.match(re)
          if (m) {
            lineWaiters.splice(lineWaiters.indexOf(check), 1)
            resolve(m)
          }
        }
        lineWaiters.push(check)
        check()
      }),
      ms,
      `${what} (stdout: ${JSON.stringify(out.slice(-300))}, stderr: ${JSON.stringify(err.slice(-300))})`
    )
  return { child, pid: child.pid, out: () => out, err: () => err, exited, waitLine }
}

/** Kills one child by PID (SIGKILL) and waits (bounded) until it has gone. */
export async function killChild(c) {
  if (!c || !children.has(c.pid)) return
  try {
    process.kill(c.pid, 'SIGKILL')
  } catch {
    /* already gone */
  }
  await withTimeout(c.exited, 5000, `pid ${c.pid} to exit`).catch(() => {})
}

/** Kills every child still tracked, by its PID. */
export async function killAllChildren() {
  const running = [...children.values()]
  for (const child of running) {
    try {
      process.kill(child.pid, 'SIGKILL')
    } catch {
      /* gone */
    }
  }
  await Promise.all(
    running.map((child) =>
      withTimeout(new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r))), 5000, 'exit').catch(() => {})
    )
  )
}

/** Synchronous last resort on process exit: SIGKILL whatever is left. */
export function killAllChildrenSync() {
  for (const pid of children.keys()) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      /* gone */
    }
  }
}

/** A raw peer from bench/peer.mjs, as its own process. */
export function startPeer(mode, params) {
  return startChild(process.execPath, [join(benchDir, 'peer.mjs'), mode, JSON.stringify(params)])
}

/** Reads the one JSON line a peer prints with `key`. */
export async function peerJson(p, key, ms, what) {
  const m = await p.waitLine(new RegExp(`^\\{"${key}".*\\}$`, 'm'), ms, what)
  return JSON.parse(m[0])
}

// ---------------------------------------------------------------- /proc figures

/** { rssKiB, hwmKiB } of a live process, or undefined once it is gone. */
export function memOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = (name) => Number(s.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN)
    return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') }
  } catch {
    return undefined
  }
}

/** Samples a process's VmHWM every `everyMs` until stopped; returns the last peak seen. */
export function watchPeak(pid, everyMs = 10) {
  let peak = 0
  const take = () => {
    const m = memOf(pid)
    if (m && m.hwmKiB > peak) peak = m.hwmKiB
  }
  take()
  const timer = setInterval(take, everyMs)
  return () => {
    take()
    clearInterval(timer)
    return peak
  }
}

/** True when something LISTENs on 127.0.0.1:port (TCP), from /proc/net/tcp. */
export function tcpListening(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0')
  const lines = readFileSync('/proc/net/tcp', 'utf8').split('\n')
  return lines.some((l) => {
    const f = l.trim().split(/\s+/)
    return f[1]?.endsWith(`:${hex}`) && f[3] === '0A'
  })
}

export async function waitListening(port, ms = 5000) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (tcpListening(port)) return
    await sleep(5)
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${ms} ms`)
}

/** A TCP port that was free a moment ago (bind to 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

// ---------------------------------------------------------------- wire: the app's own codec (built by `npm run bench`)

import { encodeFrame, decodeFrame } from '../out/main/wire.js'

export { encodeFrame, decodeFrame }

// ---------------------------------------------------------------- the app

/**
 * Starts the built web host (out/main/web.js) as a child and connects a renderer-like
 * WebSocket client to it. Returns { pid, host, client, stop() }.
 */
/** Starts the web host; `env` adds variables (NP_STATS_MS for finer byte counts). */
export async function startApp(env = {}) {
  const token = randomBytes(16).toString('hex')
  // The app records everything it sees (as it does for a user); a bench run keeps those
  // recordings in a folder of its own and removes it, even after a SIGKILL.
  const sessions = mkdtempSync(join(tmpdir(), 'np-bench-sessions-'))
  const host = startChild(process.execPath, [join(rootDir, 'out/main/web.js'), '--port', '0', '--session-dir', sessions], {
    cwd: rootDir,
    env: { ...process.env, ...env, NP_WEB_TOKEN: token }
  })
  void host.exited.then(() => rmSync(sessions, { recursive: true, force: true }))
  const m = await host.waitLine(/web host: http:\/\/127\.0\.0\.1:(\d+)\/\?token=/, 10_000, 'the web host to print its URL')
  const port = Number(m[1])
  const client = await AppClient.connect(port, token)
  return {
    pid: host.pid,
    host,
    client,
    async stop() {
      client.close()
      await killChild(host)
    }
  }
}

/** Plays the renderer: sends commands, receives events, optionally acks data events. */
export class AppClient {
  static connect(port, token) {
    return withTimeout(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, {
          headers: { Origin: `http://127.0.0.1:${port}` },
          perMessageDeflate: false
        })
        ws.once('open', () => resolve(new AppClient(ws)))
        ws.once('error', reject)
        ws.once('unexpected-response', (_req, res) => reject(new Error(`web host answered ${res.statusCode}`)))
      }),
      10_000,
      'the WebSocket to open'
    )
  }

  constructor(ws) {
    this.ws = ws
    this.nextId = 1
    this.pending = new Map()
    this.listeners = new Set()
    this.cancels = new Set()
    /** Ack every data event as soon as it arrives (a renderer that keeps up). */
    this.autoAck = true
    /** The largest frame the host sent, in bytes on the WebSocket. */
    this.largestFrame = 0
    ws.on('message', (raw) => {
      if (raw.byteLength > this.largestFrame) this.largestFrame = raw.byteLength
      const msg = decodeFrame(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength))
      if (msg.kind === 'response') {
        const p = this.pending.get(msg.id)
        this.pending.delete(msg.id)
        p?.(msg.body)
      } else if (msg.kind === 'event') {
        const ev = msg.body
        if (ev.type === 'data' && this.autoAck) this.ack(ev.paneId, ev.data.byteLength)
        for (const l of [...this.listeners]) l(ev)
      }
    })
    ws.on('error', () => {})
  }

  /** A display acknowledgement (one-way, as the renderer sends it). */
  ack(paneId, bytes) {
    this.ws.send(encodeFrame({ kind: 'ack', body: { paneId, bytes } }))
  }

  /** Sends a command without waiting for its response. */
  send(body) {
    const id = this.nextId++
    this.ws.send(encodeFrame({ kind: 'command', id, body }))
    return id
  }

  /** Sends a command and resolves with its response body ({ ok, result | error }). */
  command(body, ms = 10_000) {
    const id = this.nextId++
    const p = new Promise((resolve) => this.pending.set(id, resolve))
    this.ws.send(encodeFrame({ kind: 'command', id, body }))
    return withTimeout(p, ms, `the response to ${body.type}`)
  }

  /** Like command() but throws when the engine says no. */
  async must(body, ms) {
    const r = await this.command(body, ms)
    if (!r.ok) throw new Error(`${body.type} failed: ${JSON.stringify(r.error)}`)
    return r.result
  }

  on(listener) {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Resolves with the first event for which `pred` is true; rejects after `ms` or when the
   * client closes. Never an unhandled rejection, even if nobody awaits it.
   */
  waitEvent(pred, ms, what) {
    let off
    let timer
    let cancel
    const p = new Promise((resolve, reject) => {
      cancel = () => reject(new Error(`client closed while waiting for ${what}`))
      this.cancels.add(cancel)
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
      off = this.on((ev) => {
        if (pred(ev)) resolve(ev)
      })
    }).finally(() => {
      clearTimeout(timer)
      off()
      this.cancels.delete(cancel)
    })
    p.catch(() => {})
    return p
  }

  close() {
    for (const cancel of [...this.cancels]) cancel()
    try {
      this.ws.terminate()
    } catch {
      /* closed */
    }
  }
}

// ---------------------------------------------------------------- sections of their own

/** The markers around scenario `n`'s own section of docs/benchmarks.md (one a run of it rewrites alone). */
export const sectionMarks = (n) => ({
  begin: `<!-- scenario ${n}: npm run bench writes this section; BENCH_ONLY=${n} rewrites it alone -->`,
  end: `<!-- /scenario ${n} -->`
})

/** Scenario `n`'s own section of `md` (markers included), or undefined. */
export function ownSection(md, n) {
  const { begin, end } = sectionMarks(n)
  const a = md.indexOf(begin)
  const b = md.indexOf(end)
  return a >= 0 && b > a ? md.slice(a, b + end.length) : undefined
}

/** `md` with scenario `n`'s own section replaced by `section` (put before "## Peers" if it had none). */
export function spliceOwnSection(md, n, section) {
  const old = ownSection(md, n)
  if (old) return md.replace(old, section)
  const at = md.indexOf('## Peers')
  return at >= 0 ? `${md.slice(0, at)}${section}\n\n${md.slice(at)}` : `${md.trimEnd()}\n\n${section}\n`
}

// ---------------------------------------------------------------- statistics

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]
}

/** { min, med, max } of a list of numbers. */
export function spread(xs) {
  const ok = xs.filter((x) => Number.isFinite(x))
  if (ok.length === 0) return { min: NaN, med: NaN, max: NaN, n: 0 }
  return { min: Math.min(...ok), med: median(ok), max: Math.max(...ok), n: ok.length }
}
