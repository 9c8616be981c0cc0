// Waiting on what happens instead of polling: whoever waits is woken when something changes
// (bytes arrived, a peer ended, a replay stopped) or when its own deadline passes, one timer
// per wait.
export class Wake {
  private readonly waiters = new Set<() => void>()

  /** Wakes everyone waiting now. */
  notify(): void {
    const waiting = [...this.waiters]
    this.waiters.clear()
    for (const w of waiting) w()
  }

  /** Resolves at the next notify(), or after `ms` (Infinity: only at a notify). */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const done = (): void => {
        if (timer) clearTimeout(timer)
        this.waiters.delete(done)
        resolve()
      }
      this.waiters.add(done)
      if (Number.isFinite(ms)) timer = setTimeout(done, Math.max(0, ms))
    })
  }

  /**
   * Waits until `enough()` holds or the time `until()` (a performance.now() time, asked again
   * at every wake: new bytes move a quiet deadline) has passed.
   */
  async until(enough: () => boolean, until: () => number): Promise<void> {
    for (;;) {
      if (enough()) return
      const left = until() - performance.now()
      if (left <= 0) return
      await this.wait(left)
    }
  }
}
