// Makes a folder and its parents, one level at a time. Node's own mkdirSync(…, { recursive })
// never returns for a path under /proc (each retry gets ENOENT again): a session folder or an
// export folder typed as /proc/x froze the whole process at 100% CPU, deaf to SIGTERM.
import { chmodSync, lstatSync, mkdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export function makeFolder(path: string, mode = 0o777): void {
  const target = resolve(path)
  const missing: string[] = []
  for (let p = target; ; p = dirname(p)) {
    try {
      if (statSync(p).isDirectory()) break
      throw Object.assign(new Error(`${p} is not a folder`), { code: 'ENOTDIR', path: p })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    missing.push(p)
    if (dirname(p) === p) break
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p, { mode })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
}

/**
 * A folder for the user alone: made 0700 where missing; one that exists must be a real folder
 * (not a link) owned by the user, and is narrowed to 0700 if others could read it. Recordings
 * live there: every byte the panes saw, the workspace and its passphrases.
 */
export function makePrivateFolder(path: string): void {
  makeFolder(path, 0o700)
  const st = lstatSync(path)
  if (!st.isDirectory()) throw Object.assign(new Error(`${path} is not a folder (a link?)`), { code: 'ENOTDIR', path })
  const uid = process.getuid?.()
  if (uid !== undefined && st.uid !== uid) throw Object.assign(new Error(`${path} belongs to another user`), { code: 'EACCES', path })
  if ((st.mode & 0o077) !== 0) chmodSync(path, 0o700)
}
