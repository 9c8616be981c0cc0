// The real app killed mid-stream: the web host (node out/main/web.js) records a TCP server
// pane that a raw client feeds; SIGKILL leaves recording-*.pcapng behind, which must open
// with an exact, non-empty prefix of what was sent, and say that the recording was
// interrupted. A file cut in the middle of a block must open too, and say where it was cut.
// The next run of the host offers the left-behind recording (session.recent's recovered).
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { openSession, type OpenSession } from '../src/main/session/reader'
import { withSessions } from '../src/main/session/service'
import type { SessionSummary } from '../src/shared/contract'
import { english } from './message-refs'
import { bounded } from './peers'
import { startHostProcess, webJs, WireClient } from './web-host-client'
import { Probe, until } from './probe'

beforeAll(() => {
  if (!existsSync(webJs)) throw new Error(`${webJs} is missing: build first (npx electron-vite build, or npm test which builds before the unit tests)`)
})

const WRITES = 5000
const SIZE = 1024
/** Write k: a 4-byte counter, then bytes that depend on k and their position. */
function block(k: number): Buffer {
  const b = Buffer.alloc(SIZE)
  b.writeUInt32BE(k, 0)
  for (let i = 4; i < SIZE; i++) b[i] = (k * 31 + i) & 0xff
  return b
}

/** The chunks of the server pane's connection, read back in order (bytes the pane received). */
function received(s: OpenSession): Buffer {
  const f = s.index.flows.find((x) => x.paneId === 'srv' && x.connId === 1)
  if (!f) return Buffer.alloc(0)
  expect(f.chunks.every((c) => c.dir === 'in')).toBe(true)
  return Buffer.concat(f.chunks.map((c) => s.readSync(c)))
}

/** Block starts of a pcapng file (little-endian, as we write it), walked without the reader. */
function blockStarts(file: Buffer): { start: number; type: number; len: number }[] {
  const out: { start: number; type: number; len: number }[] = []
  for (let off = 0; off + 8 <= file.length;) {
    const len = file.readUInt32LE(off + 4)
    if (len < 12 || off + len > file.length) break
    out.push({ start: off, type: file.readUInt32LE(off), len })
    off += len
  }
  return out
}

let child: ChildProcess | undefined
let client: net.Socket | undefined
let ws: WebSocket | undefined
let dir = ''

afterEach(async () => {
  client?.destroy()
  ws?.terminate()
  if (child && child.exitCode === null && child.signalCode === null) {
    const gone = new Promise<void>((r) => child!.once('exit', () => r()))
    child.kill('SIGKILL')
    await bounded(gone, 'the web host to exit')
  }
  child = client = ws = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const token = 'crash-test-token'

/** Starts the web host (node out/main/web.js) on a free port with its recordings in `sessionDir`. */
async function startHost(sessionDir: string): Promise<{ port: number; exited: Promise<string> }> {
  const host = await startHostProcess(sessionDir, token)
  child = host.child
  return host
}

describe('a web host killed while it records', () => {
  it('leaves a recording that opens with an exact prefix of the stream; a cut file says it was cut', async () => {
    dir = mkdtempSync(join(tmpdir(), 'np-sessions-crash-'))
    const sessionDir = join(dir, 'sessions')
    const { port, exited } = await startHost(sessionDir)
    const c = await WireClient.open(port, token)
    ws = c.ws
    const listen = (await c.command({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })) as {
      ok: boolean
      result: { local: { port: number } }
    }
    expect(listen.ok).toBe(true)
    const recording = (): string | undefined => {
      const names = existsSync(sessionDir) ? readdirSync(sessionDir).filter((n) => /^recording-.*\.pcapng$/.test(n)) : []
      return names.length === 1 ? join(sessionDir, names[0]!) : undefined
    }
    expect(recording()).toBeDefined()

    // Feed the server pane from a raw client, and kill the host while the stream is flowing.
    const sock = net.connect({ host: '127.0.0.1', port: listen.result.local.port })
    client = sock
    sock.on('error', () => {})
    await bounded(new Promise<void>((r) => sock.once('connect', () => r())), 'the raw client to connect')
    const sent: Buffer[] = []
    let killedAt = -1
    for (let k = 0; k < WRITES; k++) {
      const b = block(k)
      const ok = await bounded(new Promise<boolean>((r) => sock.write(b, (err) => r(!err))), `write ${k}`)
      if (!ok) break
      sent.push(b)
      if (k === 1000) {
        // Some of the stream is on disk (the recorder flushes every 50 ms or at 256 KiB).
        await until(() => statSync(recording()!).size > 256 * 1024, 'the recording to grow on disk', 5000)
      }
      if (k === 2000) {
        killedAt = k
        child!.kill('SIGKILL')
      }
      if (sock.destroyed) break
    }
    expect(await bounded(exited, 'the web host to die')).toBe('SIGKILL')
    expect(killedAt).toBe(2000)
    expect(c.events.some((e) => e.type === 'conn.open' && e.paneId === 'srv')).toBe(true)

    // What the crash left: the recording was not removed (nobody disposed the engine).
    const file = recording()!
    const stream = Buffer.concat(sent)
    const s = openSession(file)
    const got = received(s)
    console.info(
      `sessions-crash: sent ${stream.length} bytes, the recording kept ${got.length}${s.index.truncated ? `; ${english(s.index.truncated.reason)}` : ''}`
    )
    expect(s.index.kind).toBe('session')
    // Always: the killed recording has no end-of-session block, so it says it was cut
    // (and, when its tail is a partial block, where).
    expect(english(s.index.interrupted)).toMatch(/ended without its closing block \(the app stopped before saving\)/)
    if (s.index.truncated) expect(english(s.index.truncated.reason)).toMatch(/stops early|middle of a chunk/)
    expect(got.length).toBeGreaterThan(256 * 1024 - 64 * 1024)
    expect(got.length).toBeLessThanOrEqual(stream.length)
    expect(got.equals(stream.subarray(0, got.length)), 'the recorded bytes are an exact prefix of the stream').toBe(true)
    s.close()

    // Cut a copy in the middle of a packet block past the first quarter of the data.
    const bytes = readFileSync(file)
    const blocks = blockStarts(bytes)
    const packets = blocks.filter((b) => b.type === 6 && b.start > bytes.length / 4)
    expect(packets.length).toBeGreaterThan(0)
    const victim = packets[Math.floor(Math.random() * packets.length)]!
    const at = victim.start + 1 + Math.floor(Math.random() * (victim.len - 2))
    const cut = join(dir, 'cut.pcapng')
    writeFileSync(cut, bytes.subarray(0, at))
    const t = openSession(cut)
    expect(t.index.truncated, `cut at ${at} inside the block at ${victim.start}`).toBeDefined()
    expect(t.index.truncated!.atOffset).toBeLessThanOrEqual(at)
    const tgot = received(t)
    expect(tgot.length).toBeGreaterThan(0)
    expect(tgot.length).toBeLessThanOrEqual(got.length)
    expect(tgot.equals(stream.subarray(0, tgot.length))).toBe(true)
    t.close()

    // Opened through an engine, the summary says so in plain words.
    const p = new Probe({ sessions: withSessions({ dir: join(dir, 'viewer') }) })
    try {
      const summary = await p.ok<SessionSummary>({ type: 'session.open', path: cut })
      expect(english(summary.truncated)).toMatch(new RegExp(`stops early at byte \\d+ of ${at}|ends in the middle of a chunk`))
      const srv = summary.flows.find((f) => f.paneId === 'srv')!
      expect(srv.bytesIn).toBe(tgot.length)
      // The uncut crash file: truncated or not, it opens.
      copyFileSync(file, join(dir, 'crash.pcapng'))
      const whole = await p.ok<SessionSummary>({ type: 'session.open', path: join(dir, 'crash.pcapng') })
      expect(english(whole.interrupted)).toMatch(/ended without its closing block/)
      expect(english(summary.interrupted)).toMatch(/ended without its closing block/)
      expect(whole.flows.find((f) => f.paneId === 'srv')!.bytesIn).toBe(got.length)
    } finally {
      await p.dispose()
    }

    // The next run offers what the crash left behind, and opens it like any file.
    const next = await startHost(sessionDir)
    const c2 = await WireClient.open(next.port, token)
    ws = c2.ws
    const info = (await c2.command({ type: 'session.info' })) as { ok: boolean; result: { path: string } }
    expect(info.ok).toBe(true)
    expect(info.result.path).not.toBe(file)
    const recent = (await c2.command({ type: 'session.recent' })) as {
      ok: boolean
      result: { paths: string[]; recovered: { path: string; lastWriteMs: number; bytes: number }[] }
    }
    expect(recent.ok).toBe(true)
    // Only the crashed run's recording: not the running host's own.
    expect(recent.result.recovered).toEqual([{ path: file, lastWriteMs: statSync(file).mtimeMs, bytes: statSync(file).size }])
    const opened = (await c2.command({ type: 'session.open', path: file })) as { ok: boolean; result: SessionSummary }
    expect(opened.ok).toBe(true)
    expect(english(opened.result.interrupted)).toMatch(/ended without its closing block/)
    expect(opened.result.flows.find((f) => f.paneId === 'srv')!.bytesIn).toBe(got.length)
  })
})
