// Opening a session or capture file for a command: its summary, or the reader's reason and exit 2.
import type { Engine } from '../engine/engine'
import { errorMessage, translateRef } from '../../shared/i18n'
import type { SessionSummary } from '../../shared/contract'
import { fail } from './args'

/** The file's summary (flows, workspace...); a file that cannot be read ends the command (exit 2). A cut file is noted on stderr. */
export async function openSessionFile(engine: Engine, path: string): Promise<SessionSummary> {
  const opened = await engine.command({ type: 'session.open', path })
  if (!opened.ok) fail(errorMessage('en', opened.error))
  if (opened.result.truncated) console.error(`note: ${translateRef('en', opened.result.truncated)}`)
  return opened.result
}
