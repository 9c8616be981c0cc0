// A real capture of loopback traffic with dumpcap (the truth a session is checked against).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import net from 'node:net'
import { openSession } from '../src/main/session/reader'
import { bounded } from './peers'

export interface Capture {
  /** Lets the last packets reach the file, then stops dumpcap. */
  stop(): Promise<void>
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Starts dumpcap on lo for one TCP port, writing `file`, and waits until its filter really
 * is in place (dumpcap says it captures a little before): probe connections are made to the
 * port — something must listen there — until one shows up in the file; they are in the
 * capture too, so compare flows by their ports. Resolves
 * null when it cannot capture here (no dumpcap, no permission) or nothing shows within 10 s.
 */
export async function startCapture(port: number, file: string): Promise<Capture | null> {
  const p = spawn('dumpcap', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file, '-a', 'duration:60', '-q'], { stdio: ['ignore', 'ignore', 'pipe'] })
  const exited = new Promise<void>((r) => p.once('exit', () => r()))
  const stop = async (): Promise<void> => {
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGINT')
    await bounded(exited, 'dumpcap to stop')
  }
  const started = await new Promise<boolean>((resolve) => {
    let err = ''
    const timer = setTimeout(() => resolve(existsSync(file)), 4000)
    p.on('error', () => resolve(false))
    p.on('exit', () => resolve(false))
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
      if (/File:|Capturing on/.test(err)) {
        clearTimeout(timer)
        resolve(true)
      }
    })
  })
  if (!started || !(await filterInPlace(port, file))) {
    await stop()
    return null
  }
  return { stop: async () => (await sleep(300), stop()) }
}

async function filterInPlace(port: number, file: string): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < 10_000;) {
    const probe = net.connect(port, '127.0.0.1')
    probe.on('error', () => {})
    await new Promise<void>((r) => probe.once('connect', () => r()).once('error', () => r()))
    probe.end()
    await sleep(300)
    try {
      const s = openSession(file)
      const seen = s.index.flows.some((f) => f.proto === 'tcp')
      s.close()
      if (seen) return true
    } catch {
      /* not written yet */
    }
  }
  return false
}
