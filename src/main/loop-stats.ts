// For measuring only (npm run bench, NP_LOOP_STATS=1): how long the event loop stalled while
// each command ran. A 1 ms timer notes the longest gap between its runs and, on Linux, how
// much of that gap the main thread spent running (from /proc/self/task/<pid>/schedstat: the
// rest it waited for a CPU or in the kernel), so a stall of our code is told from a busy
// machine; the longest garbage collection pause is noted too. When a command answers, one
// JSON line goes to stdout:
// {"loop":{"id":7,"type":"session.open","ms":812.4,"stallMs":11.2,"stallRanMs":10.9,"gcMs":3.1}}
import { readFileSync } from 'node:fs'
import { PerformanceObserver } from 'node:perf_hooks'

interface Running {
  worst: number
  /** Of the worst gap: how long the main thread ran (undefined where schedstat cannot be read). */
  ran: number | undefined
  gc: number
}

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`

/** ns the main thread has run so far, or undefined. */
function ranNs(): number | undefined {
  try {
    return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0])
  } catch {
    return undefined
  }
}

export class LoopStats {
  private last = performance.now()
  private lastRan = ranNs()
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
    const ran = ranNs()
    const ranMs = ran === undefined || this.lastRan === undefined ? undefined : (ran - this.lastRan) / 1e6
    this.lastRan = ran
    for (const r of this.running.values()) {
      if (gap <= r.worst) continue
      r.worst = gap
      r.ran = ranMs
    }
  }

  /** A command starts (`id`: its id on the wire); call the result when it has answered. */
  begin(id: number, type: string): () => void {
    const t0 = performance.now()
    const r: Running = { worst: 0, ran: undefined, gc: 0 }
    this.running.set(id, r)
    return () => {
      // A stall that ends with the command counts too.
      this.tick()
      this.running.delete(id)
      const round = (ms: number): number => Math.round(ms * 10) / 10
      const ran = r.ran === undefined ? {} : { stallRanMs: round(r.ran) }
      console.log(JSON.stringify({ loop: { id, type, ms: round(performance.now() - t0), stallMs: round(r.worst), ...ran, gcMs: round(r.gc) } }))
    }
  }
}
