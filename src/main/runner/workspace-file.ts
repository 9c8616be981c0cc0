// The workspace the runner starts: an exported workspace (JSON), or the workspace saved in a
// session file (read through the engine's session.open). Every way it can fail is a sentence.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Engine } from '../engine/engine'
import { errorMessage } from '../../shared/i18n'
import { readWorkspace, type Workspace } from '../../shared/workspace'

export type Loaded = { ok: true; workspace: Workspace; path: string } | { ok: false; message: string }

/** JSON by its name (.json) or by its first character; anything else is opened as a session or capture. */
function looksLikeJson(path: string): boolean {
  if (/\.json$/i.test(path)) return true
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const head = Buffer.alloc(64)
    const text = head
      .subarray(0, readSync(fd, head, 0, head.length, 0))
      .toString('latin1')
      .trimStart()
    return text.startsWith('{') || text.startsWith('[')
  } catch {
    return false // the session reader says what is wrong with the file
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function fromJson(path: string): Loaded {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EISDIR') return { ok: false, message: errorMessage('en', { code, detail: path }) }
    return { ok: false, message: `Cannot read ${path}: ${(err as Error).message}` }
  }
  try {
    return withPanes(JSON.parse(text), path, 'workspace file')
  } catch (err) {
    return { ok: false, message: `${path} is not a workspace: it is not JSON (${(err as Error).message.replace(/\s+/g, ' ')})` }
  }
}

/** The panes that can be started; none (or only damaged ones) is a mistake worth saying. */
function withPanes(raw: unknown, path: string, what: string): Loaded {
  const workspace = readWorkspace(raw)
  if (workspace.panes.length > 0) return { ok: true, workspace, path }
  const listed = Array.isArray(raw) ? raw : (raw as { panes?: unknown } | null)?.panes
  const damaged = Array.isArray(listed) && listed.length > 0
  return {
    ok: false,
    message: damaged
      ? `${path}: none of its ${listed.length} pane(s) can be started (each needs a kind: tcp-server, tcp-client or udp)`
      : `${path}: this ${what} has no panes to start`
  }
}

async function fromSession(engine: Engine, path: string): Promise<Loaded> {
  const opened = await engine.command({ type: 'session.open', path })
  if (!opened.ok) return { ok: false, message: errorMessage('en', opened.error) }
  const s = opened.result
  await engine.command({ type: 'session.close', sessionId: s.sessionId })
  if (s.kind !== 'session')
    return {
      ok: false,
      message: `${s.path} is a capture (${s.kind}) with no workspace: there are no panes to start. Its flows can be listed and replayed: net-playground flows <file>, net-playground replay <file> --target host:port`
    }
  return withPanes(s.workspace, s.path, 'session')
}

/** The workspace of `file`: exported JSON, or a saved session's. */
export function loadWorkspace(engine: Engine, file: string): Promise<Loaded> {
  const path = resolve(file)
  return looksLikeJson(path) ? Promise.resolve(fromJson(path)) : fromSession(engine, path)
}
