// Long-running sends of a pane (a repeat, a file, a sequence): numbered, reported as job.progress a
// few times a second and when they end, stoppable one by one or all at once.
import type { PaneError, PaneEvent } from '../../shared/contract'
import { toPaneError } from './errors'

export type JobKind = 'repeat' | 'file' | 'sequence'

export interface Job {
  readonly id: number
  readonly signal: AbortSignal
  progress(done: number): void
}

const REPORT_MS = 100

export class Jobs {
  private nextId = 1
  private readonly running = new Map<number, AbortController>()

  constructor(
    private readonly paneId: string,
    private readonly emit: (event: PaneEvent) => void
  ) {}

  /** Starts `run`; the job ends when it returns (or throws: its error is reported on the job). */
  start(kind: JobKind, total: number, run: (job: Job) => Promise<void>): number {
    const id = this.nextId++
    const controller = new AbortController()
    this.running.set(id, controller)
    let done = 0
    let lastReport = 0
    /** A progress held back by the rate is reported when the rate allows: a step that came
     *  right after the last report shows, not only the one after it (seen: "step 1 of 3" for
     *  the whole 1.5 s wait before step 3). */
    let trailing: ReturnType<typeof setTimeout> | undefined
    let ended = false
    const report = (finished: boolean, error?: PaneError): void => {
      clearTimeout(trailing)
      trailing = undefined
      lastReport = performance.now()
      this.emit({ type: 'job.progress', paneId: this.paneId, jobId: id, kind, done, total, finished, ...(error ? { error } : {}) })
    }
    const job: Job = {
      id,
      signal: controller.signal,
      progress: (n) => {
        done = n
        if (ended) return
        const wait = REPORT_MS - (performance.now() - lastReport)
        if (wait <= 0) report(false)
        else trailing ??= setTimeout(() => !ended && report(false), wait)
      }
    }
    report(false)
    const end = (error?: PaneError): void => {
      ended = true
      report(true, error)
    }
    void run(job)
      .then(
        () => end(),
        (err: unknown) => end(toPaneError(err))
      )
      .finally(() => this.running.delete(id))
    return id
  }

  /** Stops one job, or all of them; returns how many were running. */
  stop(jobId?: number): number {
    const ids = jobId === undefined ? [...this.running.keys()] : this.running.has(jobId) ? [jobId] : []
    for (const id of ids) this.running.get(id)!.abort()
    return ids.length
  }
}

/** Waits `ms`, or less if the job is stopped; leaves no listener on the signal behind. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = (): void => {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const t = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
