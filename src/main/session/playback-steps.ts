// What a playback plays: an opened session's chunks and lifecycle records as steps in time
// order, each on the view pane that shows it (built in slices), and what a seek needs to know
// without reading the chunks: how many steps lie before a moment, where the newest bytes a
// pane's screen can hold begin (from the chunks' lengths in the index), and when each
// connection ends.
import { endpointSchema, paneErrorSchema, paneStateSchema, type EngineEvent } from '../../shared/contract'
import type { ChunkRef, Flow, SessionIndex } from './reader'
import { Slicer } from './slices'

/** A lifecycle step, ready to be shown on its view pane. */
export type Lifecycle =
  | { t: 'open'; flow: Flow }
  | { t: 'half'; flow: Flow; by: 'local' | 'peer' }
  | { t: 'closed'; flow: Flow; how: 'close' | 'reset' | 'error' }
  | { t: 'state'; state: EngineEvent & { type: 'pane.state' } }
  | { t: 'error'; error: (EngineEvent & { type: 'error' })['error'] }

export interface Step {
  offsetNs: bigint
  paneId: string
  /** A chunk (with its flow), or a lifecycle step. */
  flow?: Flow
  ref?: ChunkRef
  life?: Lifecycle
}

/** The view panes of a playback: each shows some flows and, for our sessions, a recorded pane's own events. */
export interface ViewSpec {
  paneId: string
  flowIds: number[]
  recordedPane?: string
}

/** The time a session spans: its first and last packet or lifecycle record. */
export function sessionSpan(ix: SessionIndex): { startNs: bigint; endNs: bigint } {
  let start = ix.firstNs
  let end = ix.lastNs
  for (const e of ix.events) {
    if (start === undefined || e.tNs < start) start = e.tNs
    if (end === undefined || e.tNs > end) end = e.tNs
  }
  return { startNs: start ?? 0n, endNs: end ?? start ?? 0n }
}

const OPENING = new Set(['listening', 'connecting', 'connected', 'bound'])

/** The first index in the sorted list `xs` whose value is at least `v` (xs.length if none). */
function lowerBound(xs: readonly number[], v: number, lo = 0, hi = xs.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (xs[mid]! < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A step before it has its place: µs (a number: exact below 2^53 µs, the year 2255), cls (0 opening, 1 chunk, 2 ending), seq (file order). */
type Raw = { tNs: bigint; us: number; cls: number; seq: number; paneId: string; flow?: Flow; ref?: ChunkRef; life?: Lifecycle }

/**
 * `a` plays before `b`: in time order (lifecycle records have µs precision), within one µs
 * openings before the chunks and endings after them, otherwise in file order.
 */
const before = (a: Raw, b: Raw): boolean => a.us < b.us || (a.us === b.us && (a.cls < b.cls || (a.cls === b.cls && a.seq < b.seq)))

/** Items handled between two looks at the clock while the steps are built. */
const PER_LOOK = 256

export class Steps {
  /** Per view pane: the indices of its chunk steps, and their lengths summed (sums[k]: the first k chunks). */
  private readonly chunksOf = new Map<string, { at: number[]; sums: number[] }>()
  /** Per flow: the index of the step that closes it. */
  private readonly closeAt = new Map<number, number>()

  private constructor(
    readonly list: Step[],
    readonly startNs: bigint,
    readonly endNs: bigint,
    /** Per view pane: the recorded pane it stands for, when exactly one (its framing and transforms decode what it shows). */
    readonly recordedOf: Map<string, string | undefined>
  ) {}

  /** The steps of these view panes, built in slices (a session of a million chunks has a million steps). */
  static async build(ix: SessionIndex, views: ViewSpec[]): Promise<Steps> {
    const slicer = new Slicer()
    let n = 0
    /** Time to look at the clock (an await for every item would cost more than the item). */
    const look = (): boolean => ++n % PER_LOOK === 0
    const byId = new Map(ix.flows.map((f) => [f.id, f]))
    /** Which view pane shows a flow; which one shows a recorded pane's own events. */
    const viewOfFlow = new Map<number, string>()
    const viewOfPane = new Map<string, string>()
    const recordedOf = new Map<string, string | undefined>()
    // Each flow's chunks, each capture flow's lifecycle, our lifecycle records: runs, each in
    // time order as the file has them (or sorted alone), merged below.
    const runs: Raw[][] = []
    let seq = 0
    const raw = (tNs: bigint, cls: number, paneId: string, what: Pick<Raw, 'flow' | 'ref' | 'life'>): Raw => ({
      tNs,
      us: Number(tNs / 1000n),
      cls,
      seq: seq++,
      paneId,
      ...what
    })
    for (const p of views) {
      const recorded = new Set<string>()
      // The recorded pane it stands for: its listening, errors... even without a connection.
      if (p.recordedPane !== undefined && ix.kind === 'session') {
        recorded.add(p.recordedPane)
        viewOfPane.set(p.recordedPane, p.paneId)
      }
      for (const id of p.flowIds) {
        const flow = byId.get(id)
        if (!flow) continue
        viewOfFlow.set(id, p.paneId)
        if (flow.paneId !== undefined) {
          recorded.add(flow.paneId)
          if (!viewOfPane.has(flow.paneId)) viewOfPane.set(flow.paneId, p.paneId)
        }
        const chunks: Raw[] = []
        for (const ref of flow.chunks) {
          chunks.push(raw(ref.tNs, 1, p.paneId, { flow, ref }))
          if (look()) await slicer.maybeYield()
        }
        runs.push(chunks)
        // A capture has no lifecycle records: its TCP flows' SYN, FIN and RST stand for them.
        if (ix.kind !== 'session' && flow.proto === 'tcp') {
          const life: Raw[] = []
          if (flow.opened !== undefined) life.push(raw(flow.opened, 0, p.paneId, { life: { t: 'open', flow } }))
          for (const h of flow.halfClosed ?? []) life.push(raw(h.tNs, 2, p.paneId, { life: { t: 'half', flow, by: h.by } }))
          if (flow.closed) life.push(raw(flow.closed.tNs, 2, p.paneId, { life: { t: 'closed', flow, how: flow.closed.how === 'reset' ? 'reset' : 'close' } }))
          runs.push(life)
        }
      }
      recordedOf.set(p.paneId, recorded.size === 1 ? [...recorded][0] : undefined)
    }
    if (ix.kind === 'session') {
      const records: Raw[] = []
      for (const e of ix.events) {
        const view = e.flowId !== undefined ? viewOfFlow.get(e.flowId) : e.paneId !== undefined ? viewOfPane.get(e.paneId) : undefined
        const life = view === undefined ? undefined : lifecycle(e, e.flowId === undefined ? undefined : byId.get(e.flowId))
        if (view !== undefined && life)
          records.push(raw(e.tNs, life.t === 'open' || (life.t === 'state' && OPENING.has(life.state.state)) ? 0 : 2, view, { life }))
        if (look()) await slicer.maybeYield()
      }
      runs.push(records)
    }
    // A run out of order (a capture's clock went back) is sorted alone, in one call.
    for (const run of runs) {
      let ordered = true
      for (let i = 1; i < run.length && ordered; i++) {
        ordered = before(run[i - 1]!, run[i]!)
        if (look()) await slicer.maybeYield()
      }
      if (!ordered) {
        run.sort((x, y) => (before(x, y) ? -1 : 1))
        await slicer.maybeYield()
      }
    }
    // The runs merged (a heap of their next items): the same order as one stable sort of all.
    const span = sessionSpan(ix)
    const list: Step[] = []
    let last = 0n
    for (const r of await merged(runs, slicer)) {
      // Offsets never go back (a µs-precise ending sorted after a chunk of the same µs).
      const off = r.tNs - span.startNs
      last = off > last ? off : last
      list.push({
        offsetNs: last,
        paneId: r.paneId,
        ...(r.flow ? { flow: r.flow } : {}),
        ...(r.ref ? { ref: r.ref } : {}),
        ...(r.life ? { life: r.life } : {})
      })
      if (look()) await slicer.maybeYield()
    }
    const steps = new Steps(list, span.startNs, span.endNs, recordedOf)
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!
      if (s.ref) {
        let c = steps.chunksOf.get(s.paneId)
        if (!c) steps.chunksOf.set(s.paneId, (c = { at: [], sums: [0] }))
        c.sums.push(c.sums[c.at.length]! + s.ref.len)
        c.at.push(i)
      } else if (s.life?.t === 'closed') steps.closeAt.set(s.life.flow.id, i)
      if (look()) await slicer.maybeYield()
    }
    return steps
  }

  /** How many steps lie at or before `offsetNs` (the steps' offsets never go back). */
  upTo(offsetNs: bigint): number {
    let lo = 0
    let hi = this.list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.list[mid]!.offsetNs <= offsetNs) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /**
   * Of a pane's chunks among steps [from, end): the step where the newest ones holding at most
   * `room` bytes begin (always at least its newest chunk), or `end` when it has none there.
   * The chunks before it are only counted; nothing is read to find it.
   */
  tailStart(paneId: string, from: number, end: number, room: number): number {
    const c = this.chunksOf.get(paneId)
    if (!c) return end
    const lo = lowerBound(c.at, from)
    const hi = lowerBound(c.at, end)
    if (hi <= lo) return end
    // The first k whose chunks k..hi-1 fit the room (sums never go down).
    const k = Math.min(lowerBound(c.sums, c.sums[hi]! - room, lo, hi), hi - 1)
    return c.at[k]!
  }

  /** The index of the step that closes a flow (Infinity: it never closes in this session). */
  closesAt(flowId: number): number {
    return this.closeAt.get(flowId) ?? Infinity
  }
}

/** Runs, each in order, merged into one list in order (in slices: a heap of each run's next item). */
async function merged(runs: Raw[][], slicer: Slicer): Promise<Raw[]> {
  const heads = runs.filter((r) => r.length > 0).map((run) => ({ run, at: 0 }))
  const next = (i: number): Raw => heads[i]!.run[heads[i]!.at]!
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1
      let m = i
      if (l < heads.length && before(next(l), next(m))) m = l
      if (l + 1 < heads.length && before(next(l + 1), next(m))) m = l + 1
      if (m === i) return
      ;[heads[i], heads[m]] = [heads[m]!, heads[i]!]
      i = m
    }
  }
  for (let i = (heads.length >> 1) - 1; i >= 0; i--) down(i)
  const out: Raw[] = []
  while (heads.length > 0) {
    const h = heads[0]!
    out.push(h.run[h.at++]!)
    if (h.at === h.run.length) {
      heads[0] = heads[heads.length - 1]!
      heads.pop()
    }
    if (heads.length > 0) down(0)
    if (out.length % PER_LOOK === 0) await slicer.maybeYield()
  }
  return out
}

/** A recorded lifecycle block as a step, or undefined for what the pane did not show. */
function lifecycle(e: SessionIndex['events'][number], flow: Flow | undefined): Lifecycle | undefined {
  const j = e.json
  switch (j['t']) {
    case 'conn.open':
      return flow?.proto === 'tcp' ? { t: 'open', flow } : undefined
    case 'conn.halfClosed':
      return flow?.proto === 'tcp' && (j['by'] === 'local' || j['by'] === 'peer') ? { t: 'half', flow, by: j['by'] } : undefined
    case 'conn.closed': {
      const how = j['how'] === 'reset' || j['how'] === 'error' ? j['how'] : 'close'
      return flow?.proto === 'tcp' ? { t: 'closed', flow, how } : undefined
    }
    case 'bind': {
      const local = endpointSchema.safeParse(j['local'])
      return { t: 'state', state: { type: 'pane.state', paneId: '', state: 'bound', ...(local.success ? { local: local.data } : {}) } }
    }
    case 'event': {
      if (j['kind'] === 'error') {
        const error = paneErrorSchema.safeParse(j['error'])
        return error.success ? { t: 'error', error: error.data } : undefined
      }
      const state = paneStateSchema.safeParse(j['kind'])
      if (!state.success) return undefined
      const local = endpointSchema.safeParse(j['local'])
      const remote = endpointSchema.safeParse(j['remote'])
      return {
        t: 'state',
        state: {
          type: 'pane.state',
          paneId: '',
          state: state.data,
          ...(local.success ? { local: local.data } : {}),
          ...(remote.success ? { remote: remote.data } : {})
        }
      }
    }
    default:
      return undefined
  }
}
