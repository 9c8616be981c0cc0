// Engine probes with the session layer, in a temporary folder of the test file's own; the
// probes and whatever the test registers in `closers` are disposed after each test.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach } from 'vitest'
import { withSessions } from '../src/main/session/service'
import type { EngineOptions } from '../src/main/engine/engine'
import { Probe } from './probe'

export function sessionProbes(name: string): { dir: string; probe: (options?: EngineOptions) => Probe; closers: (() => Promise<void> | void)[] } {
  const dir = mkdtempSync(join(tmpdir(), `np-${name}-`))
  const probes: Probe[] = []
  const closers: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    await Promise.all(probes.splice(0).map((p) => p.dispose()))
    await Promise.all(closers.splice(0).map((c) => c()))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const probe = (options: EngineOptions = {}): Probe => {
    const p = new Probe({ ...options, sessions: withSessions({ dir: join(dir, 'sessions') }) })
    probes.push(p)
    return p
  }
  return { dir, probe, closers }
}
