// Sessions as the engine offers them: the running recording (always on, streamed to a file
// from the start), saving it, opening a saved session or a capture, exporting a flow's
// bytes, the list of recent sessions, playback on screen and replay against live peers.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { SessionSummary } from '../../shared/contract'
import { formatTarget } from '../../shared/i18n'
import type { Engine, SessionCommand, SessionHandler } from '../engine/engine'
import { nowNs } from '../engine/clock'
import { EngineError, fail, toPaneError } from '../engine/errors'
import { Playback, sessionSpan } from './playback'
import { record } from './recorder'
import { openSession, SessionFileError, type OpenSession } from './reader'
import { Replays } from './replay'
import { sealCopy, SessionWriter } from './writer'

/** The engine option that plugs sessions in: `new Engine({ sessions: withSessions({ dir }) })`. */
export const withSessions =
  (options: SessionOptions & { record?: boolean } = {}) =>
  (engine: Engine): SessionService =>
    new SessionService(engine, options)

export interface SessionOptions {
  /** Folder for the running recording and recent.json (default: the OS temp folder). */
  dir?: string
}

const MAX_RECENT = 10
/** The running recording: recording-<start time>-<process id>-<n>.pcapng in the session folder. */
const RECORDING_PREFIX = 'recording-'
const RECORDING_NAME = /^recording-.*-(\d+)-\d+\.pcapng$/

/** Our session's recorded panes, by their lifecycle records (a capture has none). */
function recordedPanes(ix: OpenSession['index']): SessionSummary['panes'] {
  if (ix.kind !== 'session') return []
  const counts = new Map<string, number>()
  for (const e of ix.events) if (e.paneId !== undefined) counts.set(e.paneId, (counts.get(e.paneId) ?? 0) + 1)
  return [...counts].map(([paneId, events]) => ({ paneId, events }))
}

/** A process with this id runs now (ours, or another instance of the app still recording). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
let instances = 0

export class SessionService implements SessionHandler {
  private readonly dir: string | undefined
  private writer: SessionWriter | undefined
  private stopRecording: (() => void) | undefined
  readonly recordingPath: string | undefined
  private workspace: unknown
  private readonly opened = new Map<number, { file: OpenSession; path: string }>()
  private readonly playbacks = new Map<number, Playback>()
  private readonly replays: Replays
  private nextId = 1

  constructor(
    private readonly engine: Engine,
    options: SessionOptions & { record?: boolean } = {}
  ) {
    this.replays = new Replays(engine)
    if (options.record === false) return
    this.dir = options.dir ?? join(tmpdir(), 'net-playground')
    mkdirSync(this.dir, { recursive: true })
    this.recordingPath = join(this.dir, `${RECORDING_PREFIX}${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++instances}.pcapng`)
    this.writer = SessionWriter.open(this.recordingPath, { application: 'Net Playground' })
    this.stopRecording = record(engine, this.writer)
  }

  async handle(cmd: SessionCommand): Promise<Record<string, unknown>> {
    switch (cmd.type) {
      case 'session.info':
        return { path: this.recording().path, bytes: this.recording().writer.bytesWritten }
      case 'session.workspace':
        this.workspace = cmd.workspace
        this.writer?.workspace(cmd.workspace, nowNs())
        return {}
      case 'session.save':
        return this.save(cmd.path)
      case 'session.open':
        return this.open(cmd.path)
      case 'session.recent':
        return { paths: this.recent(), recovered: this.recovered() }
      case 'session.close':
        this.closeSession(cmd.sessionId)
        return {}
      case 'session.export':
        return this.exportFlow(cmd.sessionId, cmd.flowId, cmd.dir)
      case 'session.exportWorkspace': {
        const to = resolve(cmd.path)
        try {
          writeFileSync(to, JSON.stringify(this.workspace ?? { version: 1, panes: [] }, null, 2) + '\n')
        } catch (err) {
          throw new EngineError(toPaneError(err, { op: 'export' }))
        }
        return { path: to }
      }
      case 'playback.start': {
        const s = this.session(cmd.sessionId)
        this.playbacks.get(cmd.sessionId)?.dispose()
        const p = new Playback(this.engine, cmd.sessionId, s.file, cmd.panes)
        this.playbacks.set(cmd.sessionId, p)
        return { startNs: String(p.startNs), endNs: String(p.endNs) }
      }
      case 'playback.control': {
        const p = this.playbacks.get(cmd.sessionId) ?? fail('NOT_RUNNING', 'start the playback first')
        p.control(cmd.action, cmd.offsetNs === undefined ? undefined : BigInt(cmd.offsetNs), cmd.speed)
        return {}
      }
      case 'replay.resend':
        return this.replays.resend(this.session(cmd.sessionId).file, cmd)
      case 'replay.standin':
        return this.replays.standIn(this.session(cmd.sessionId).file, cmd)
    }
  }

  private recording(): { path: string; writer: SessionWriter } {
    if (!this.writer || !this.recordingPath) fail('NOT_RUNNING', 'recording is off')
    return { path: this.recordingPath, writer: this.writer }
  }

  private session(id: number): { file: OpenSession; path: string } {
    return this.opened.get(id) ?? fail('NOT_RUNNING', `session ${id} is not open`)
  }

  /** A copy of the recording so far (with the latest workspace) at `path`. */
  private save(path: string): Record<string, unknown> {
    const { path: from, writer } = this.recording()
    if (this.workspace !== undefined) writer.workspace(this.workspace, nowNs())
    writer.flush()
    const to = resolve(path)
    try {
      copyFileSync(from, to)
      // The copy ends with the end-of-session block and is on the disk when Save returns.
      sealCopy(to, nowNs())
    } catch (err) {
      throw new EngineError(toPaneError(err, { op: 'save' }))
    }
    this.remember(to)
    return { path: to, bytes: writer.bytesWritten }
  }

  private open(path: string): SessionSummary & Record<string, unknown> {
    const full = resolve(path)
    let file: OpenSession
    try {
      file = openSession(full)
    } catch (err) {
      if (err instanceof SessionFileError) fail(err.code === 'NOT_FOUND' ? 'ENOENT' : 'BAD_SESSION', err.message)
      throw err
    }
    const sessionId = this.nextId++
    this.opened.set(sessionId, { file, path: full })
    this.remember(full)
    const ix = file.index
    const span = sessionSpan(ix)
    return {
      sessionId,
      kind: ix.kind,
      path: full,
      workspace: ix.workspace,
      flows: ix.flows.map((f) => ({
        id: f.id,
        proto: f.proto,
        ...(f.paneId !== undefined ? { paneId: f.paneId } : {}),
        ...(f.connId !== undefined ? { connId: f.connId } : {}),
        local: f.local,
        remote: f.remote,
        chunks: f.chunks.length,
        bytesIn: f.chunks.reduce((n, c) => n + (c.dir === 'in' ? c.len : 0), 0),
        bytesOut: f.chunks.reduce((n, c) => n + (c.dir === 'out' ? c.len : 0), 0)
      })),
      panes: recordedPanes(ix),
      startNs: String(span.startNs),
      endNs: String(span.endNs),
      ...(ix.truncated ? { truncated: ix.truncated.reason } : {}),
      ...(ix.interrupted ? { interrupted: ix.interrupted } : {}),
      ...(ix.notes?.length ? { notes: ix.notes } : {})
    }
  }

  /** A flow's bytes, one file per direction, named by its endpoints. */
  private exportFlow(sessionId: number, flowId: number, dir: string): Record<string, unknown> {
    const { file } = this.session(sessionId)
    const flow = file.index.flows.find((f) => f.id === flowId) ?? fail('NO_CONNECTION', `flow ${flowId}`)
    const name = (e: { address: string; port: number }): string => formatTarget(e.address, e.port).replace(/[^\w.-]+/g, '_')
    const out = resolve(dir)
    try {
      mkdirSync(out, { recursive: true })
      const files: string[] = []
      for (const d of ['out', 'in'] as const) {
        const parts = flow.chunks.filter((c) => c.dir === d).map((c) => file.readSync(c))
        const path = join(out, `flow-${flow.id}-${name(flow.local)}-${d === 'out' ? 'to' : 'from'}-${name(flow.remote)}.bin`)
        writeFileSync(path, Buffer.concat(parts))
        files.push(path)
      }
      return { files }
    } catch (err) {
      throw new EngineError(toPaneError(err, { op: 'export' }))
    }
  }

  private recentFile(): string | undefined {
    return this.dir ? join(this.dir, 'recent.json') : undefined
  }

  private recent(): string[] {
    const f = this.recentFile()
    if (!f) return []
    try {
      const list = JSON.parse(readFileSync(f, 'utf8')) as unknown
      // A file deleted or moved since is not offered.
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string' && existsSync(p)).slice(0, MAX_RECENT) : []
    } catch {
      return []
    }
  }

  /**
   * Recordings an earlier run left behind (it crashed or was killed before it could remove
   * its recording): not this one, and not one a running process is still writing. Newest first.
   */
  private recovered(): { path: string; lastWriteMs: number; bytes: number }[] {
    if (!this.dir) return []
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return []
    }
    const out: { path: string; lastWriteMs: number; bytes: number }[] = []
    for (const name of names) {
      const m = RECORDING_NAME.exec(name)
      const path = join(this.dir, name)
      if (!m || path === this.recordingPath || alive(Number(m[1]))) continue
      try {
        const st = statSync(path)
        if (st.isFile()) out.push({ path, lastWriteMs: st.mtimeMs, bytes: st.size })
      } catch {
        /* gone meanwhile */
      }
    }
    return out.sort((a, b) => b.lastWriteMs - a.lastWriteMs).slice(0, MAX_RECENT)
  }

  private remember(path: string): void {
    const f = this.recentFile()
    if (!f) return
    try {
      writeFileSync(f, JSON.stringify([path, ...this.recent().filter((p) => p !== path)].slice(0, MAX_RECENT)))
    } catch {
      /* the list is a convenience: failing to write it loses nothing */
    }
  }

  private closeSession(id: number): void {
    this.playbacks.get(id)?.dispose()
    this.playbacks.delete(id)
    this.opened.get(id)?.file.close()
    this.opened.delete(id)
  }

  /** Stops recording; a recording nobody saved is removed (a crash leaves it behind). */
  dispose(): void {
    this.replays.dispose()
    for (const id of [...this.opened.keys()]) this.closeSession(id)
    this.stopRecording?.()
    // Removed at once: no end block, no fsync.
    this.writer?.discard()
    if (this.recordingPath) rmSync(this.recordingPath, { force: true })
  }
}
