// Makes a folder and its parents, one level at a time. Node's own mkdirSync(…, { recursive })
// never returns for a path under /proc (each retry gets ENOENT again): a session folder or an
// export folder typed as /proc/x froze the whole process at 100% CPU, deaf to SIGTERM.
import { mkdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export function makeFolder(path: string): void {
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
      mkdirSync(p)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
}
