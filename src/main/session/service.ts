// Sessions as the engine offers them: the running recording (always on, streamed to a file
// from the start), saving it, opening a saved session or a capture, exporting a flow's
// bytes, the list of recent sessions, playback on screen and replay against live peers.
// A recording that cannot start, or stops because a write failed, never stops the app: it
// is reported (session.recording, and on every live pane) and every command still answers.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import type { MessageRef, PaneError, ResultMap } from '../../shared/contract'
import { readWorkspace } from '../../shared/workspace'
import { withoutKeys } from '../../shared/workspace-keys'
import type { Engine, Handlers, SessionCommandType, SessionHandler } from '../engine/engine'
import { nowNs } from '../engine/clock'
import { EngineError, fail, failWith, toPaneError } from '../engine/errors'
import { exportFlow } from './flow-export'
import { makeFolder, makePrivateFolder } from './make-folder'
import { Playback } from './playback'
import { record, type Recording } from './recorder'
import { openSessionSliced, SessionFileError, type OpenSession } from './reader'
import { Replays } from './replay'
import { sessionSpan } from './playback-steps'
import { flowPage, summarize } from './summary'
import { saveCopy, SessionWriter } from './writer'

/** The engine option that plugs sessions in: `new Engine({ sessions: withSessions({ dir }) })`. */
export const withSessions =
  (options: SessionOptions = {}) =>
  (engine: Engine): SessionService =>
    new SessionService(engine, options)

export interface SessionOptions {
  /** Folder for the running recording and recent.json (default: the OS temp folder). */
  dir?: string
  /** false: no recording at all (the CLI's replay). */
  record?: boolean
}

const MAX_RECENT = 10
/** The running recording: recording-<start time>-<process id>-<n>.pcapng in the session folder. */
const RECORDING_NAME = /^recording-.*-(\d+)-\d+\.pcapng$/
/** A recording kept when its window or tab closed with traffic not saved: left-<…>.pcapng. */
const LEFT_NAME = /^left-.*\.pcapng$/

/**
 * A session or capture file that cannot be opened or read, as the engine reports it: ENOENT
 * (not found) or BAD_SESSION, the path as the detail (language-neutral), why as a catalog message.
 */
/** The size of the file a session was opened from; one moved or deleted since is said in words. */
function openedSize(path: string): number {
  try {
    return statSync(path).size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') failWith('ENOENT', { key: 'why.openedFileGone', params: { path } })
    throw err
  }
}

/** Whether `to` is the file at `from` under another name (a symlink either way, a hard link). */
function sameFile(from: string, to: string): boolean {
  if (from === to) return true
  let target: Stats
  try {
    target = statSync(to)
  } catch {
    return false // nothing there yet (or unreadable: writing it says why)
  }
  const source = statSync(from)
  return source.dev === target.dev && source.ino === target.ino
}

function fileFailure(err: SessionFileError, path: string, op: string): never {
  fail(err.code === 'NOT_FOUND' ? 'ENOENT' : 'BAD_SESSION', path, { op, reason: err.reason })
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

/** A failed file operation of the recording, as the pane log and the session bar say it. */
function recordingProblem(err: unknown, reason: MessageRef): PaneError {
  return { ...toPaneError(err, { op: 'record' }), reason }
}

export class SessionService implements SessionHandler {
  readonly handlers: Pick<Handlers, SessionCommandType>
  private readonly dir: string | undefined
  private writer: SessionWriter | undefined
  private recording: Recording | undefined
  readonly recordingPath: string | undefined
  /** Why there is no recording (it could not start), or why it stopped (a write failed). */
  private problem: { state: 'off' | 'failed'; error: PaneError } | undefined
  /** The panes whose log already says that the recording is off or stopped. */
  private readonly told = new Set<string>()
  /** The recording's activity count when it was last saved: more since means unsaved traffic. */
  private savedActivity = 0
  private workspace: unknown
  private readonly opened = new Map<number, { file: OpenSession; path: string }>()
  /** Files still being indexed (session.open under way), each stopped by session.close of its id. */
  private readonly opening = new Map<number, AbortController>()
  private readonly playbacks = new Map<number, Playback>()
  /** The latest playback.start of a session whose steps are still being built. */
  private readonly starting = new Map<number, object>()
  private readonly replays: Replays
  private nextId = 1
  /** The last write of the recent list (see remember). */
  private recentWritten: Promise<void> = Promise.resolve()

  constructor(
    private readonly engine: Engine,
    options: SessionOptions = {}
  ) {
    this.replays = new Replays(engine)
    this.handlers = this.table()
    if (options.record === false) return
    // A pane that starts while there is no recording says so in its log, once.
    engine.onPaneEvent((e) => {
      if (e.type === 'pane.state' && e.state !== 'idle' && e.state !== 'connecting') this.tell(e.paneId)
    })
    // One folder per user (the system's temporary folder is shared), readable by that user alone.
    this.dir = options.dir ?? join(tmpdir(), `net-playground-${process.getuid?.() ?? userInfo().username}`)
    const path = join(this.dir, `recording-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++instances}.pcapng`)
    try {
      makePrivateFolder(this.dir)
      this.writer = SessionWriter.open(path, { application: 'Net Playground', private: true, onError: (err) => this.writeFailed(err) })
      this.recordingPath = path
      this.recording = record(engine, this.writer)
    } catch (err) {
      // The app starts anyway, without a recording, and says why.
      this.problem = { state: 'off', error: recordingProblem(err, { key: 'why.recordingOff', params: { dir: this.dir } }) }
    }
  }

  private table(): Pick<Handlers, SessionCommandType> {
    return {
      'session.info': async () => this.info(),
      'session.workspace': async (cmd) => {
        // The recording never holds keys, whatever a client sends (a saved copy may: save).
        this.workspace = withoutKeys(cmd.workspace)
        this.writer?.workspace(this.workspace, nowNs())
        return {}
      },
      'session.save': async (cmd) => this.save(cmd.path, cmd.workspace),
      'session.open': async (cmd) => this.open(cmd.path),
      'session.recent': async () => {
        await this.recentWritten
        return { paths: this.recent(), recovered: this.recovered() }
      },
      'session.close': async (cmd) => {
        this.closeSession(cmd.sessionId)
        return {}
      },
      'session.export': async (cmd) => this.exportFlow(cmd.sessionId, cmd.flowId, cmd.dir),
      'session.flows': async (cmd) => {
        const ix = this.session(cmd.sessionId).file.index
        return { flows: flowPage(ix, cmd.offset, cmd.limit), total: ix.flows.length }
      },
      'session.saveOpened': async (cmd) => this.saveOpened(cmd.sessionId, cmd.path),
      'session.exportWorkspace': async (cmd) => {
        const to = resolve(cmd.path)
        try {
          // Every documented field, from the one schema, defaults included.
          writeFileSync(to, JSON.stringify(readWorkspace(cmd.workspace ?? this.workspace), null, 2) + '\n')
        } catch (err) {
          throw new EngineError(toPaneError(err, { op: 'export' }))
        }
        return { path: to }
      },
      'playback.start': async (cmd) => {
        const s = this.session(cmd.sessionId)
        const mine = {}
        this.starting.set(cmd.sessionId, mine)
        const p = await Playback.start(this.engine, cmd.sessionId, s.file, cmd.panes)
        // Closed, or started again, while its steps were built: this one is not the session's.
        if (this.opened.get(cmd.sessionId) !== s || this.starting.get(cmd.sessionId) !== mine) {
          p.dispose()
          return failWith('NOT_RUNNING', { key: 'why.sessionNotOpen', params: { id: cmd.sessionId } })
        }
        this.starting.delete(cmd.sessionId)
        this.playbacks.get(cmd.sessionId)?.dispose()
        this.playbacks.set(cmd.sessionId, p)
        return { startNs: String(p.startNs), endNs: String(p.endNs) }
      },
      'playback.control': async (cmd) => {
        const p = this.playbacks.get(cmd.sessionId) ?? failWith('NOT_RUNNING', { key: 'why.playbackNotStarted' })
        await p.control(cmd.action, cmd.offsetNs === undefined ? undefined : BigInt(cmd.offsetNs), cmd.speed)
        return {}
      },
      'replay.resend': (cmd) => this.replays.resend(this.session(cmd.sessionId).file, cmd),
      'replay.standin': (cmd) => this.replays.standIn(this.session(cmd.sessionId).file, cmd)
    }
  }

  private info(): ResultMap['session.info'] {
    return {
      recording: this.problem?.state ?? 'on',
      ...(this.recordingPath ? { path: this.recordingPath } : {}),
      ...(this.dir ? { dir: this.dir } : {}),
      bytes: this.writer?.bytesWritten ?? 0,
      ...(this.problem ? { problem: this.problem.error } : {})
    }
  }

  /** A write of the recording failed (disk full, file gone): the session bar and every live pane's log say so, once. */
  private writeFailed(err: Error): void {
    // The writer also reports a call it could not make sense of (and dropped); only a failed
    // write to the disk (an errno: ENOSPC, EIO, ...) stops the recording.
    if (typeof (err as NodeJS.ErrnoException).code !== 'string') return console.warn('net-playground: a record was dropped:', err.message)
    if (this.problem) return
    const error = recordingProblem(err, { key: 'why.recordingStopped', params: { path: this.recordingPath ?? '' } })
    this.problem = { state: 'failed', error }
    this.engine.emit({ type: 'session.recording', recording: 'failed', problem: error })
    for (const paneId of this.engine.livePanes()) this.tell(paneId)
  }

  /** Says in a live pane's log, once, that the recording is off or stopped, and why. */
  private tell(paneId: string): void {
    if (!this.problem || this.told.has(paneId) || this.engine.kindOf(paneId) === 'playback') return
    this.told.add(paneId)
    // After the pane's own event (its state), not inside it.
    queueMicrotask(() => this.engine.emitOnPane({ type: 'error', paneId, error: this.problem!.error }))
  }

  private session(id: number): { file: OpenSession; path: string } {
    return this.opened.get(id) ?? failWith('NOT_RUNNING', { key: 'why.sessionNotOpen', params: { id } })
  }

  /**
   * A copy of the recording so far (with the latest workspace; `workspace`, the one with keys
   * the person chose to include, goes into the copy only) at `path`. When the recording
   * had stopped, the copy holds what came before, without the closing block (it opens as
   * interrupted), and the answer says so: a cut copy is never presented as whole. The copy
   * runs in the thread pool; the recording goes on meanwhile and the copy ends where it stood
   * at the moment of Save.
   */
  private async save(path: string, workspace?: unknown): Promise<ResultMap['session.save']> {
    const writer = this.writer
    if (!writer || !this.recordingPath) return failWith('NOT_RUNNING', { key: 'why.recordingOffNoSave' })
    if (this.workspace !== undefined) writer.workspace(this.workspace, nowNs())
    writer.flush()
    // What the file holds now; a failed recording holds what it wrote, whatever it counted.
    const bytes = writer.bytesWritten
    const whole = !this.problem
    const activity = this.recording?.activity ?? 0
    const to = resolve(path)
    try {
      // The copy ends with the end-of-session block and is on the disk when Save returns.
      await saveCopy(this.recordingPath, to, whole ? { bytes, endNs: nowNs(), workspace } : undefined)
    } catch (err) {
      throw new EngineError(toPaneError(err, { op: 'save' }))
    }
    this.savedActivity = Math.max(this.savedActivity, activity)
    this.remember(to)
    return { path: to, bytes, ...(this.problem ? { incomplete: this.problem.error } : {}) }
  }

  /**
   * Opens a session or capture. Its index is built in slices (the engine's sockets and timers
   * keep running), reported by session.opening every ~200 ms while it lasts; session.close
   * with its id stops it. Several files may be opening at once.
   */
  private async open(path: string): Promise<ResultMap['session.open']> {
    const full = resolve(path)
    const sessionId = this.nextId++
    const stop = new AbortController()
    this.opening.set(sessionId, stop)
    const stopped = (): never => fail('NOT_RUNNING', full, { op: 'open', reason: { key: 'why.openStopped' } })
    try {
      let file: OpenSession
      try {
        file = await openSessionSliced(full, {
          signal: stop.signal,
          onProgress: (bytes, total) => this.engine.emit({ type: 'session.opening', sessionId, path: full, bytes, total })
        })
      } catch (err) {
        if (stop.signal.aborted) stopped()
        if (err instanceof SessionFileError) fileFailure(err, full, 'open')
        throw err
      }
      const summary = summarize(sessionId, full, file)
      if (stop.signal.aborted) {
        file.close()
        stopped()
      }
      this.opened.set(sessionId, { file, path: full })
      this.remember(full)
      return summary
    } finally {
      this.opening.delete(sessionId)
    }
  }

  /**
   * An opened file saved as a clean copy: its whole blocks (what the reader read before a cut),
   * and, for a session of ours that has no closing block (a recording left by a crash), the
   * closing block, so the copy opens in Wireshark and tshark as a whole file.
   */
  private async saveOpened(sessionId: number, path: string): Promise<ResultMap['session.saveOpened']> {
    const { file, path: from } = this.session(sessionId)
    const to = resolve(path)
    const ix = file.index
    try {
      const size = openedSize(from)
      if (sameFile(from, to)) return failWith('BAD_COMMAND', { key: 'why.saveOverOpened' })
      const whole = ix.truncated ? ix.truncated.atOffset : size
      const closing = ix.kind === 'session' && ix.interrupted ? { endNs: sessionSpan(ix).endNs } : {}
      const bytes = await saveCopy(from, to, { bytes: whole, ...closing })
      this.remember(to)
      return { path: to, bytes, dropped: size - whole }
    } catch (err) {
      throw new EngineError(toPaneError(err, { op: 'save' }))
    }
  }

  /** A flow's bytes, one file per direction, named by its endpoints (streamed: any size). */
  private async exportFlow(sessionId: number, flowId: number, dir: string): Promise<ResultMap['session.export']> {
    const { file, path: from } = this.session(sessionId)
    const flow = file.index.flows.find((f) => f.id === flowId) ?? fail('NO_CONNECTION', `flow ${flowId}`)
    const out = resolve(dir)
    try {
      makeFolder(out)
      return { files: await exportFlow(file, flow, out) }
    } catch (err) {
      if (err instanceof SessionFileError) fileFailure(err, from, 'export')
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
   * its recording), and those kept when a window or tab closed with traffic not saved: not
   * this one, and not one a running process is still writing. Newest first.
   */
  private recovered(): ResultMap['session.recent']['recovered'] {
    if (!this.dir) return []
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return []
    }
    const out: ResultMap['session.recent']['recovered'] = []
    for (const name of names) {
      const m = RECORDING_NAME.exec(name)
      const path = join(this.dir, name)
      if (!LEFT_NAME.test(name) && (!m || path === this.recordingPath || alive(Number(m[1])))) continue
      try {
        const st = statSync(path)
        if (st.isFile()) out.push({ path, lastWriteMs: st.mtimeMs, bytes: st.size })
      } catch {
        /* gone meanwhile */
      }
    }
    return out.sort((a, b) => b.lastWriteMs - a.lastWriteMs).slice(0, MAX_RECENT)
  }

  /**
   * Puts a path first in the recent list. Written in the thread pool (a write can wait on a
   * disk busy with a big Save), one after the other; session.recent reads it after the last.
   */
  private remember(path: string): void {
    const f = this.recentFile()
    if (!f) return
    this.recentWritten = this.recentWritten
      .then(() => writeFile(f, JSON.stringify([path, ...this.recent().filter((p) => p !== path)].slice(0, MAX_RECENT))))
      .catch(() => {
        /* the list is a convenience: failing to write it loses nothing */
      })
  }

  private closeSession(id: number): void {
    this.opening.get(id)?.abort()
    this.playbacks.get(id)?.dispose()
    this.playbacks.delete(id)
    this.starting.delete(id)
    this.opened.get(id)?.file.close()
    this.opened.delete(id)
  }

  /**
   * Stops recording. A recording with nothing unsaved is removed; one with traffic not saved
   * since the last Save is closed properly and kept as left-….pcapng, offered under Recent
   * sessions (a crash leaves its recording behind too).
   */
  async dispose(): Promise<void> {
    this.replays.dispose()
    for (const id of [...this.opened.keys(), ...this.opening.keys()]) this.closeSession(id)
    await this.recentWritten
    this.recording?.stop()
    const path = this.recordingPath
    if (!this.writer || !path) return
    const unsaved = (this.recording?.activity ?? 0) > this.savedActivity
    if (!unsaved) {
      this.writer.discard()
      rmSync(path, { force: true })
      return
    }
    this.writer.close()
    try {
      renameSync(path, join(this.dir!, `left-${path.slice(path.lastIndexOf('recording-') + 'recording-'.length)}`))
    } catch {
      /* it stays as recording-…, which a later start offers all the same */
    }
  }
}
