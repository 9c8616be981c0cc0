// Counts what happens many times in a burst (connections refused, connections closed by a
// limit) and says it once: when the burst has been quiet for a moment, or, while it goes on,
// once in a while, each time with how many since it was last said. One pane note per burst,
// never one per connection.
import { BURST_NOTE_MAX_WAIT_MS, BURST_NOTE_QUIET_MS } from '../../shared/limits'

export class BurstCount {
  private count = 0
  private quiet: NodeJS.Timeout | undefined
  private longest: NodeJS.Timeout | undefined

  /** `say` gets how many happened since it was last called. */
  constructor(
    private readonly say: (count: number) => void,
    private readonly quietMs = BURST_NOTE_QUIET_MS,
    private readonly maxWaitMs = BURST_NOTE_MAX_WAIT_MS
  ) {}

  add(): void {
    this.count++
    if (this.quiet) clearTimeout(this.quiet)
    this.quiet = setTimeout(() => this.flush(), this.quietMs)
    this.quiet.unref()
    if (!this.longest) {
      this.longest = setTimeout(() => this.flush(), this.maxWaitMs)
      this.longest.unref()
    }
  }

  /** Says what was counted and not said yet (at once: the pane stops). */
  flush(): void {
    if (this.quiet) clearTimeout(this.quiet)
    if (this.longest) clearTimeout(this.longest)
    this.quiet = this.longest = undefined
    const n = this.count
    this.count = 0
    if (n > 0) this.say(n)
  }
}
