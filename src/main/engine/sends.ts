// What a pane sends, whatever its kind: a payload (bytes, or a template expanded at each
// send), repeated as a job when asked; a sequence of templates with delays, as one job; a
// file. Each goes to the kind's own typed send; nothing is re-entered as a command.
import type { CommandMap, ResultMap, SendTarget } from '../../shared/contract'
import { failWith } from './errors'
import { pause } from './jobs'
import type { PaneRuntime, Sent } from './pane-kind'
import type { Templates } from './templates'
import type { Jobs } from './jobs'

/** What a send needs of its pane. */
export interface Sender {
  readonly runtime: PaneRuntime
  readonly templates: Templates
  readonly jobs: Jobs
}

/** The kind's send, once the target is of the form the kind sends to (checked before any job starts). */
function sendOf(pane: Sender, target: SendTarget): (payload: Uint8Array) => Promise<Sent> {
  const runtime = pane.runtime
  checkTarget(runtime, target)
  if (!runtime.send) return failWith('WRONG_PANE_KIND', { key: `why.paneKind.${runtime.kind}` })
  return (payload) => runtime.send!(target, payload)
}

function checkTarget(runtime: PaneRuntime, target: SendTarget): void {
  const address = typeof target === 'object'
  if (runtime.sendsTo === 'connections' && address) failWith('WRONG_PANE_KIND', { key: 'why.sendTarget.stream' })
  if (runtime.sendsTo === 'addresses' && !address) failWith('WRONG_PANE_KIND', { key: 'why.sendTarget.datagram' })
}

export async function send(pane: Sender, cmd: CommandMap['send']): Promise<ResultMap['send']> {
  const { payload, target, repeat } = cmd
  const sendTo = sendOf(pane, target)
  const once = (): Promise<Sent> => sendTo(payload instanceof Uint8Array ? payload : pane.templates.expand(payload))
  const first = await once()
  if (!repeat || repeat.times === 1) return first
  const jobId = pane.jobs.start('repeat', repeat.times, async (job) => {
    job.progress(1)
    for (let n = 2; repeat.times === 0 || n <= repeat.times; n++) {
      await pause(repeat.everyMs, job.signal)
      if (job.signal.aborted) return
      await once()
      job.progress(n)
    }
  })
  return { ...first, jobId }
}

/** A sequence of sends as one job: wait each step's delay, send it, count it. */
export function sequence(pane: Sender, cmd: CommandMap['send.sequence']): ResultMap['send.sequence'] {
  const { steps, target } = cmd
  const sendTo = sendOf(pane, target)
  const jobId = pane.jobs.start('sequence', steps.length, async (job) => {
    for (const [i, step] of steps.entries()) {
      await pause(step.delayMs, job.signal)
      if (job.signal.aborted) return
      await sendTo(pane.templates.expand(step.template))
      job.progress(i + 1)
    }
  })
  return { jobId, steps: steps.length }
}

export function sendFile(pane: Sender, cmd: CommandMap['send.file']): Promise<ResultMap['send.file']> {
  const runtime = pane.runtime
  checkTarget(runtime, cmd.target)
  if (!runtime.sendFile) return failWith('WRONG_PANE_KIND', { key: `why.paneKind.${runtime.kind}` })
  return runtime.sendFile(cmd.target, cmd.path, cmd.datagramSize)
}
