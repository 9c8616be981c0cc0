// For measuring only (npm run bench, NP_LOOP_STATS=1): how long the event loop stalled while
// each command ran. A 1 ms timer notes the longest gap between its runs and, on Linux, how
// much of that gap the main thread spent running and how much waiting for a CPU (from
// /proc/self/task/<pid>/schedstat; the rest it slept in the kernel), so a stall of our code
// is told from a busy machine; the longest garbage collection pause is noted too. When a
// command answers, one JSON line goes to stdout:
// {"loop":{"id":7,"type":"session.open","ms":812.4,"stallMs":11.2,"stallRanMs":10.9,"stallQueuedMs":0.2,"gcMs":3.1}}
import { readFileSync } from 'node:fs'
import { PerformanceObserver } from 'node:perf_hooks'

interface Running {
  worst: number
  /** Of the worst gap: how long the main thread ran, and waited for a CPU (undefined where schedstat cannot be read). */
  sched: { ran: number; queued: number } | undefined
  gc: number
}

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`

/** ns the main thread has run, and waited to run, so far; or undefined. */
function schedNs(): { ran: number; queued: number } | undefined {
  try {
    const [ran, queued] = readFileSync(SCHEDSTAT, 'utf8').split(' ').map(Number)
    return ran === undefined || queued === undefined ? undefined : { ran, queued }
  } catch {
    return undefined
  }
}

export class LoopStats {
  private last = performance.now()
  private lastSched = schedNs()
  private readonly running = new Map<number, Running>()
  private readonly timer: NodeJS.Timeout

  constructor() {
    this.timer = setInterval(() => this.tick(), 1)
    this.timer.unref()
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) for (const r of this.running.values()) r.gc = Math.max(r.gc, e.duration)
    }).observe({ entryTypes: ['gc'] })
  }

  /** The gap since the timer last ran counts for every command under way. */
  private tick(): void {
    const now = performance.now()
    const gap = now - this.last
    this.last = now
    const at = schedNs()
    const before = this.lastSched
    const sched = at && before ? { ran: (at.ran - before.ran) / 1e6, queued: (at.queued - before.queued) / 1e6 } : undefined
    this.lastSched = at
    for (const r of this.running.values()) {
      if (gap <= r.worst) continue
      r.worst = gap
      r.sched = sched
    }
  }

  /** A command starts (`id`: its id on the wire); call the result when it has answered. */
  begin(id: number, type: string): () => void {
    const t0 = performance.now()
    const r: Running = { worst: 0, sched: undefined, gc: 0 }
    this.running.set(id, r)
    return () => {
      // A stall that ends with the command counts too.
      this.tick()
      this.running.delete(id)
      const round = (ms: number): number => Math.round(ms * 10) / 10
      const sched = r.sched ? { stallRanMs: round(r.sched.ran), stallQueuedMs: round(r.sched.queued) } : {}
      console.log(JSON.stringify({ loop: { id, type, ms: round(performance.now() - t0), stallMs: round(r.worst), ...sched, gcMs: round(r.gc) } }))
    }
  }
}
