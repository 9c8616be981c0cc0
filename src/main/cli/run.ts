// net-playground run: starts the panes of an exported workspace (or of a saved session's
// workspace) without a window and keeps them running until SIGINT or SIGTERM; with --record,
// everything is recorded and the session written to FILE when it stops.
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { Engine } from '../engine/engine'
import { withSessions } from '../session/service'
import { formatBytes } from '../../shared/bytes'
import { errorMessage } from '../../shared/i18n'
import { Runner } from '../runner/runner'
import { loadWorkspace } from '../runner/workspace-file'
import { EXIT, fail, type Args } from './args'

export const runUsage = 'net-playground run <workspace.json|session.pcapng> [--record FILE] [--strict] [--verbose]'
export const runFlags = ['strict', 'verbose']

/** Where --record will write must be writable before anything starts (exit 2 if not). */
function checkRecordPath(path: string): void {
  try {
    if (statSync(path).isDirectory()) fail(`--record ${path}: that is a folder; give a file name`)
  } catch {
    /* not there yet: fine */
  }
  try {
    accessSync(dirname(path), constants.W_OK)
  } catch (err) {
    fail(`--record ${path}: cannot write in ${dirname(path)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
}

export async function run(a: Args, usage: string): Promise<void> {
  const file = a._[1]
  if (!file || a._.length > 2) fail(usage)
  if (a['record'] === true) fail(`--record needs a file name\n${usage}`)
  const record = typeof a['record'] === 'string' ? resolve(a['record']) : undefined
  if (record) checkRecordPath(record)

  // The running recording goes to a folder of its own, removed at the end: only FILE stays.
  const dir = record ? mkdtempSync(join(tmpdir(), 'net-playground-run-')) : undefined
  const cleanUp = (): void => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
  const engine = new Engine({ display: 'headless', sessions: withSessions(dir ? { dir, record: true } : { record: false }) })
  const loaded = await loadWorkspace(engine, file)
  if (!loaded.ok) {
    await engine.dispose()
    cleanUp()
    fail(loaded.message)
  }
  if (record) {
    const info = await engine.call({ type: 'session.info' })
    if (info.recording !== 'on') {
      await engine.dispose()
      cleanUp()
      fail(`cannot record: ${info.problem ? errorMessage('en', info.problem) : info.recording}`, EXIT.failed)
    }
  }

  const runner = new Runner(engine, loaded.workspace, { say: (line) => console.log(line), verbose: a['verbose'] === true })
  const keepAlive = setInterval(() => {}, 1 << 30)
  let stopping: Promise<void> | undefined
  const stop = (why: string): Promise<void> =>
    (stopping ??= (async () => {
      console.log(`stopping (${why})`)
      await runner.stop()
      let code: number = runner.failures ? EXIT.failed : EXIT.ok
      if (record) {
        const saved = await engine.command({ type: 'session.save', path: record })
        if (!saved.ok) {
          console.error(`could not write the session to ${record}: ${errorMessage('en', saved.error)}`)
          code = EXIT.failed
        } else if (saved.result.incomplete) {
          console.error(`wrote ${saved.result.path}, but incomplete: ${errorMessage('en', saved.result.incomplete)}`)
          code = EXIT.failed
        } else console.log(`saved the session to ${saved.result.path} (${formatBytes(saved.result.bytes)})`)
      }
      runner.close()
      await engine.dispose()
      cleanUp()
      clearInterval(keepAlive)
      process.exit(code)
    })())
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      // A second signal does not wait for the panes to close or the session to be written.
      if (stopping) {
        cleanUp()
        process.exit(signal === 'SIGINT' ? 130 : 143)
      }
      void stop(signal)
    })

  console.log(`starting ${runner.count} pane(s) of ${loaded.path}`)
  await runner.start()
  if (stopping) return
  if (runner.started === 0) return stop('no pane started')
  if (a['strict'] === true && runner.failures) return stop('--strict: a pane did not start')
  // The recording's workspace: the panes as they run, under the ids their traffic is recorded with.
  await engine.command({ type: 'session.workspace', workspace: runner.running() })
  const failed = runner.count - runner.started
  console.log(
    `running ${runner.started} pane(s)${failed ? ` (${failed} did not start)` : ''}${record ? `; recording, written to ${record} when stopped` : ''}; stop with Ctrl+C or SIGTERM`
  )
  await runner.runSequences()
}
