// The headless runner: the panes of a saved workspace started without a window, through the
// same pane actions the renderer uses. Servers and UDP sockets start first, then clients (a
// client saved with its pair's server port finds that server); each started client and UDP
// pane then runs its sequences; everything that happens to a pane is said in one line.
import type { Endpoint, PaneEvent, SendTarget } from '../../shared/contract'
import { errorMessage, formatTarget, translate, translateRef } from '../../shared/i18n'
import type { LiveKind } from '../../shared/pane-kinds'
import { startPane, stopPane, type Started } from '../../shared/pane-actions'
import { sequenceSteps } from '../../shared/sequences'
import { udpDestination, type SavedPane, type Sequence, type Workspace } from '../../shared/workspace'
import type { Engine } from '../engine/engine'
import { eventLine, paneLabel, startLine, trafficLine } from './lines'

export interface RunnerOptions {
  /** Where each line goes. */
  say(line: string): void
  /** Also a line for each read and write, with its size. */
  verbose?: boolean
}

interface RunPane {
  /** The engine's pane id (p1, p2… in the workspace's order), also its id in the recorded workspace. */
  id: string
  label: string
  saved: SavedPane
  /** Where it listens, is bound, or is connected from, once started. */
  local?: Endpoint
}

type JobEnd = Extract<PaneEvent, { type: 'job.progress' }>

/** A saved port: a whole number from `min` (0: any free port) to 65535. */
function portOf(text: string, min: 0 | 1): number | undefined {
  const t = text.trim()
  const n = /^\d{1,5}$/.test(t) ? Number(t) : NaN
  return n >= min && n <= 65535 ? n : undefined
}

/** Each pane's number in "TCP server pane 2": the saved one while it is free for its kind, else the next. */
function numbers(panes: readonly SavedPane[]): number[] {
  const used = new Map<LiveKind, Set<number>>()
  const taken = (k: LiveKind): Set<number> => used.get(k) ?? used.set(k, new Set()).get(k)!
  const ns = panes.map((p) => (p.n > 0 && !taken(p.kind).has(p.n) ? (taken(p.kind).add(p.n), p.n) : 0))
  return ns.map((n, i) => {
    if (n) return n
    const mine = taken(panes[i]!.kind)
    let next = 1
    while (mine.has(next)) next++
    mine.add(next)
    return next
  })
}

export class Runner {
  private readonly panes: RunPane[]
  /** Panes that did not start and sequences that did not run (or broke off). */
  failures = 0
  private stopping = false
  private starting: Promise<void> | undefined
  /** Panes whose command is under way: its failure is said with the command, not again as the pane's error event. */
  private readonly quiet = new Set<string>()
  private readonly jobEnds = new Map<string, JobEnd>()
  private readonly jobWaiters = new Map<string, (e: JobEnd) => void>()
  private readonly offs: (() => void)[] = []

  constructor(
    private readonly engine: Engine,
    private readonly workspace: Workspace,
    private readonly opts: RunnerOptions
  ) {
    const ns = numbers(workspace.panes)
    this.panes = workspace.panes.map((saved, i) => ({ id: `p${i + 1}`, label: paneLabel(saved.kind, ns[i]!), saved }))
    // As things happen (not as a screen would draw them): the order is the sockets' own.
    this.offs.push(engine.onPaneEvent((e) => this.event(e)))
    if (opts.verbose) this.offs.push(engine.onTraffic((t) => this.say(t.paneId, trafficLine(t))))
  }

  get started(): number {
    return this.panes.filter((p) => p.local).length
  }

  get count(): number {
    return this.panes.length
  }

  /** Starts every pane: servers and UDP sockets first, then clients; one line each, how it started or why not. */
  start(): Promise<void> {
    return (this.starting ??= this.startAll())
  }

  private async startAll(): Promise<void> {
    const clientsLast = [...this.panes.filter((p) => p.saved.kind !== 'tcp-client'), ...this.panes.filter((p) => p.saved.kind === 'tcp-client')]
    for (const p of clientsLast) {
      if (this.stopping) return
      const { kind, host, config } = p.saved
      const port = portOf(p.saved.port, kind === 'tcp-client' ? 1 : 0)
      let r: Started | undefined
      if (port === undefined) {
        this.say(p.id, `not started: ${translate('en', 'input.badPort', { min: kind === 'tcp-client' ? 1 : 0 })} (saved: "${p.saved.port}")`)
      } else {
        r = await this.quietly(p.id, () => startPane(this.engine, { id: p.id, kind, host, port, config }))
        this.say(p.id, startLine(kind, r))
      }
      if (r?.ok) p.local = r.local
      else this.failures++
    }
  }

  /**
   * The workspace as it runs, for the recording: each pane under its engine id, and a port
   * saved as 0 written down as the one it got (as the app does), so the session starts again
   * the same way.
   */
  running(): Workspace {
    const panes = this.panes.map((p) => ({
      ...p.saved,
      id: p.id,
      ...(p.local && p.saved.kind !== 'tcp-client' && portOf(p.saved.port, 0) === 0 ? { port: String(p.local.port) } : {})
    }))
    return { ...this.workspace, panes }
  }

  /**
   * Runs the sequences of every started client and UDP pane, each pane's one after another in
   * the order saved, each once; resolves when all are done. A server's sequences do not run:
   * it has no connection to send to when it starts.
   */
  async runSequences(): Promise<void> {
    const senders = this.panes.filter((p) => p.local && p.saved.kind !== 'tcp-server' && p.saved.sequences.length > 0)
    await Promise.all(
      senders.map(async (p) => {
        for (const seq of p.saved.sequences) {
          if (this.stopping) return
          const problem = await this.sequence(p, seq)
          if (problem === undefined) continue
          this.failures++
          this.say(p.id, `sequence "${seq.name}" ${problem}`)
        }
      })
    )
  }

  /** Runs one sequence to its end; undefined when it did, else what went wrong. */
  private async sequence(p: RunPane, seq: Sequence): Promise<string | undefined> {
    const made = sequenceSteps(seq, p.saved.snippets)
    if (!made.ok) return `not run: ${made.snippet === undefined ? '' : `${made.snippet}: `}${translateRef('en', made.problem)}`
    const to = this.targetOf(p)
    if (typeof to === 'string') return `not run: ${to}`
    const sent = await this.quietly(p.id, () => this.engine.command({ type: 'send.sequence', paneId: p.id, target: to.target, steps: made.steps }))
    if (!sent.ok) return `not run: ${errorMessage('en', sent.error)}`
    const n = made.steps.length
    this.say(p.id, `sequence "${seq.name}" started: ${n} step(s) to ${to.text}`)
    const end = await this.jobEnd(p.id, sent.result.jobId)
    if (end.error) return `broke off at step ${end.done + 1} of ${n}: ${errorMessage('en', end.error)}`
    if (end.done < n) {
      const stopped = `stopped after ${end.done} of ${n} step(s)`
      // Stopped with the runner: said, not a failure.
      if (!this.stopping) return stopped
      this.say(p.id, `sequence "${seq.name}" ${stopped}`)
    } else this.say(p.id, `sequence "${seq.name}" done: ${n} step(s) sent`)
    return undefined
  }

  /** A client sends on its connection; a UDP pane to its saved destination (or its pair's other socket). */
  private targetOf(p: RunPane): { target: SendTarget; text: string } | string {
    if (p.saved.kind !== 'udp') return { target: 'all', text: 'its connection' }
    const dest = udpDestination(p.saved)
    const port = portOf(dest.port, 1)
    const host = dest.host.trim()
    if (port === undefined) return `the destination port: ${translate('en', 'input.badPort', { min: 1 })} (saved: "${dest.port}")`
    if (!host) return 'the destination host is empty'
    return { target: { host, port }, text: formatTarget(host, port) }
  }

  /** Stops every started pane (clients first, so servers see them leave) and its sequences; one line each. */
  async stop(): Promise<void> {
    this.stopping = true
    // A pane starting now is stopped too: the starts end with it.
    await this.starting
    const started = this.panes.filter((p) => p.local)
    for (const p of [...started.filter((s) => s.saved.kind === 'tcp-client'), ...started.filter((s) => s.saved.kind !== 'tcp-client')]) {
      await this.engine.command({ type: 'send.stop', paneId: p.id })
      await this.quietly(p.id, () => stopPane(this.engine, p.id))
      this.say(p.id, 'stopped')
    }
  }

  /** Stops listening to the engine. */
  close(): void {
    for (const off of this.offs) off()
  }

  private async quietly<T>(paneId: string, run: () => Promise<T>): Promise<T> {
    this.quiet.add(paneId)
    try {
      return await run()
    } finally {
      this.quiet.delete(paneId)
    }
  }

  private jobEnd(paneId: string, jobId: number): Promise<JobEnd> {
    const key = `${paneId}/${jobId}`
    const ended = this.jobEnds.get(key)
    this.jobEnds.delete(key)
    if (ended) return Promise.resolve(ended)
    return new Promise((resolve) => this.jobWaiters.set(key, resolve))
  }

  private event(e: PaneEvent): void {
    if (e.type === 'job.progress') {
      if (!e.finished) return
      const key = `${e.paneId}/${e.jobId}`
      const waiter = this.jobWaiters.get(key)
      this.jobWaiters.delete(key)
      if (waiter) waiter(e)
      else this.jobEnds.set(key, e)
      return
    }
    if (e.type === 'error' && this.quiet.has(e.paneId)) return
    const line = eventLine(e)
    if (line) this.say(e.paneId, line)
  }

  private say(paneId: string, line: string): void {
    const p = this.panes.find((x) => x.id === paneId)
    if (p) this.opts.say(`${p.label}: ${line}`)
  }
}
