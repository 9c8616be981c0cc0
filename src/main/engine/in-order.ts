// A pane's screen work in the order it happened, when some of it waits for the thread pool (a
// message being decompressed off the main thread): a job runs once every job before it is done.
// When nothing waits, a job runs at once, on the caller's stack: a pane that never decompresses
// pays one function call. `full` says when a connection should stop reading (backpressure).

type Job = () => void | Promise<void>

export class InOrder {
  private tail: Promise<void> = Promise.resolve()
  /** Jobs started or waiting, not done. */
  private held = 0
  private roomWaiters: (() => void)[] = []

  constructor(
    private readonly bound: number,
    private readonly failed: (err: unknown) => void
  ) {}

  /** More jobs wait than the bound: whoever feeds the queue should stop until `room()`. */
  get full(): boolean {
    return this.held >= this.bound
  }

  /** Runs `job` now when nothing waits, else once the jobs before it are done. */
  run(job: Job): void {
    if (this.held === 0) {
      const started = this.guard(job)
      if (started) this.hold(started)
      return
    }
    this.hold(this.tail.then(() => this.guard(job)))
  }

  /** Resolves once the queue is below its bound. */
  room(): Promise<void> {
    if (!this.full) return Promise.resolve()
    return new Promise((resolve) => this.roomWaiters.push(resolve))
  }

  private hold(job: Promise<void>): void {
    this.held++
    this.tail = job.then(() => {
      this.held--
      if (this.full) return
      const waiters = this.roomWaiters
      this.roomWaiters = []
      for (const wake of waiters) wake()
    })
  }

  /** Runs a job; what it throws (now or later) is reported, never left to break the queue. */
  private guard(job: Job): Promise<void> | undefined {
    try {
      return job()?.catch(this.failed)
    } catch (err) {
      this.failed(err)
      return undefined
    }
  }
}
