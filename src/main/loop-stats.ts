// For measuring only (npm run bench, NP_LOOP_STATS=1): how long the event loop stalled while
// each command ran. A 1 ms timer notes the longest gap between its runs; when a command
// answers, one JSON line goes to stdout: {"loop":{"id":7,"type":"session.open","ms":812.4,"stallMs":11.2}}.
export class LoopStats {
  private last = performance.now()
  private readonly running = new Map<number, { worst: number }>()
  private readonly timer: NodeJS.Timeout

  constructor() {
    this.timer = setInterval(() => this.tick(), 1)
    this.timer.unref()
  }

  /** The gap since the timer last ran counts for every command under way. */
  private tick(): void {
    const now = performance.now()
    const gap = now - this.last
    this.last = now
    for (const r of this.running.values()) r.worst = Math.max(r.worst, gap)
  }

  /** A command starts (`id`: its id on the wire); call the result when it has answered. */
  begin(id: number, type: string): () => void {
    const t0 = performance.now()
    const r = { worst: 0 }
    this.running.set(id, r)
    return () => {
      // A stall that ends with the command counts too.
      this.tick()
      this.running.delete(id)
      const round = (ms: number): number => Math.round(ms * 10) / 10
      console.log(JSON.stringify({ loop: { id, type, ms: round(performance.now() - t0), stallMs: round(r.worst) } }))
    }
  }
}
