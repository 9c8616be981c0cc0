// Helpers for tests that talk to peers we did not write (python3, socat, ncat) and for
// finding loopback ports. Every child is tracked so a test can kill what it started.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { existsSync } from 'node:fs'
import net from 'node:net'

/** Debian's python3 (fast to start); falls back to whatever python3 is on PATH. */
export const python3 = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'

export interface Peer {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code (or the signal name) once the child has exited. */
  exited: Promise<number | string>
}

export class Peers {
  private readonly children: ChildProcess[] = []

  spawn(cmd: string, args: string[], stdio: StdioOptions = ['ignore', 'pipe', 'pipe']): Peer {
    const child = spawn(cmd, args, { stdio })
    this.children.push(child)
    let out = ''
    let err = ''
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s))
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s))
    const exited = new Promise<number | string>((resolve) => {
      child.once('error', (e) => resolve(`spawn error: ${e.message}`))
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
    })
    return { child, stdout: () => out, stderr: () => err, exited }
  }

  /** Starts `python3 -u -c script args...`. */
  python(script: string, ...args: string[]): Peer {
    return this.spawn(python3, ['-u', '-c', script, ...args])
  }

  /** Kills every child still running (SIGKILL) and waits for them to go. */
  async killAll(): Promise<void> {
    const running = this.children.filter((c) => c.exitCode === null && c.signalCode === null)
    await Promise.all(
      running.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.once('exit', () => resolve())
            if (!c.kill('SIGKILL')) resolve()
          })
      )
    )
    this.children.length = 0
  }
}

/** Waits (bounded) until `read()` matches `re`; returns the match. */
export async function waitForOutput(read: () => string, re: RegExp, what: string, timeoutMs = 5000): Promise<RegExpMatchArray> {
  const start = Date.now()
  for (;;) {
    const m = read().match(re)
    if (m) return m
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; output so far: ${JSON.stringify(read())}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Resolves with the value, or rejects after `timeoutMs`. */
export function bounded<T>(p: Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs)
  })
  return Promise.race([p, limit]).finally(() => clearTimeout(timer))
}

/** A loopback port that nobody listens on right now: bound on 0, read, closed. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port: 0 }, () => resolve())
  })
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * A Node line server (the textbook protocol of the replay tests): answers 'ok <line>' to each
 * line, noting when each line arrived (ms after the accept). `onLine` returning false stops
 * answering that connection's data event (the test took over). Close it with `close()`.
 */
export async function lineServer(
  onLine?: (line: string, sock: net.Socket) => boolean
): Promise<{ port: number; arrivals: { line: string; ms: number }[]; close: () => Promise<void> }> {
  const arrivals: { line: string; ms: number }[] = []
  const server = net.createServer((sock) => {
    const accepted = performance.now()
    sock.on('error', () => {})
    let buf = ''
    sock.setEncoding('utf8')
    sock.on('data', (d: string) => {
      buf += d
      let nl
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        arrivals.push({ line, ms: performance.now() - accepted })
        if (onLine && !onLine(line, sock)) return
        sock.write(`ok ${line}\n`)
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { port: (server.address() as net.AddressInfo).port, arrivals, close: () => new Promise<void>((r) => server.close(() => r())) }
}
