// The workspace as it is written down (the browser's storage, a session file's custom block,
// an exported JSON): live panes with their settings, snippets and display settings, and the
// split sizes. Reading is forgiving: unknown fields are ignored, a damaged field falls back to
// its default, a damaged pane is dropped. Pure functions, no DOM.
import type { PaneConfigInput } from '../../shared/contract'
import type { TemplateMode } from '../../shared/compose'
import { textEncodings, type TextEncoding } from '../../shared/encodings'
import { defaultRenderOptions, type RenderOptions, type TimeMode, type ViewMode } from './pane/render'
import type { PaneKind } from './pane/pane-store'

export interface Snippet {
  name: string
  text: string
  mode: TemplateMode
  encoding: TextEncoding
}

/** One step of a sequence: wait delayMs, then send the snippet of that name. */
export interface SequenceStep {
  snippet: string
  delayMs: number
}

/** Named, ordered sends with delays, run by the engine as one job. */
export interface Sequence {
  name: string
  steps: SequenceStep[]
}

/** How many sent inputs a pane remembers (up/down in the input). */
export const HISTORY_MAX = 50

/** How a pane shows its traffic (text/hex/split, encoding, control characters, time, filters). */
export type ViewSettings = Omit<RenderOptions, 'lang'>

/**
 * Split sizes by position, in percent: `rows[r]` is row r's height, `cols[r][i]` the width of
 * the i-th pane in row r. Positions (not pane ids) so a restored workspace, whose panes get new
 * ids, keeps its layout.
 */
export interface SplitLayout {
  rows: number[]
  cols: number[][]
}

export const WORKSPACE_VERSION = 1

export interface WorkspaceDocument<P> {
  version: number
  panes: P[]
  layout?: SplitLayout
}

/** A saved pane, read back: what a live pane is made from. */
export interface SavedPane {
  kind: PaneKind
  n: number
  host: string
  port: string
  peerPort?: string
  config: PaneConfigInput
  snippets: Snippet[]
  /** Sent inputs, newest first. */
  history: string[]
  sequences: Sequence[]
  view: ViewSettings
}

const liveKinds: readonly PaneKind[] = ['tcp-server', 'tcp-client', 'udp']
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const oneOf = <T extends string>(v: unknown, allowed: readonly T[], fallback: T): T => (allowed.includes(v as T) ? (v as T) : fallback)

/** Display settings from anything: each field that is not valid takes its default. */
export function viewSettingsOf(v: unknown): ViewSettings {
  const d = defaultRenderOptions
  if (!isObject(v)) return d
  const f = isObject(v['filter']) ? v['filter'] : {}
  const connId = f['connId']
  return {
    view: oneOf<ViewMode>(v['view'], ['text', 'hex', 'split'], d.view),
    time: oneOf<TimeMode>(v['time'], ['absolute', 'delta', 'off'], d.time),
    encoding: oneOf<TextEncoding>(v['encoding'], textEncodings, d.encoding),
    controls: oneOf(v['controls'], ['escapes', 'pictures'] as const, d.controls),
    steps: typeof v['steps'] === 'boolean' ? v['steps'] : d.steps,
    filter: {
      connId: typeof connId === 'number' && Number.isInteger(connId) && connId > 0 ? connId : 'all',
      dir: oneOf(f['dir'], ['both', 'in', 'out'] as const, d.filter.dir)
    }
  }
}

function snippetsOf(v: unknown): Snippet[] {
  if (!Array.isArray(v)) return []
  return v
    .filter((s): s is Record<string, unknown> => isObject(s) && typeof s['name'] === 'string' && typeof s['text'] === 'string')
    .map((s) => ({
      name: s['name'] as string,
      text: s['text'] as string,
      mode: oneOf<TemplateMode>(s['mode'], ['text', 'hex', 'base64'], 'text'),
      encoding: oneOf<TextEncoding>(s['encoding'], textEncodings, 'utf-8')
    }))
}

function historyOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((h): h is string => typeof h === 'string').slice(0, HISTORY_MAX) : []
}

function sequencesOf(v: unknown): Sequence[] {
  if (!Array.isArray(v)) return []
  return v
    .filter((q): q is Record<string, unknown> => isObject(q) && typeof q['name'] === 'string' && Array.isArray(q['steps']))
    .map((q) => ({
      name: q['name'] as string,
      steps: (q['steps'] as unknown[])
        .filter(
          (st): st is Record<string, unknown> =>
            isObject(st) && typeof st['snippet'] === 'string' && Number.isInteger(st['delayMs']) && (st['delayMs'] as number) >= 0
        )
        .map((st) => ({ snippet: st['snippet'] as string, delayMs: st['delayMs'] as number }))
    }))
}

/** One saved pane, or undefined when it is not a live pane we can make again. */
export function savedPaneOf(v: unknown): SavedPane | undefined {
  if (!isObject(v) || !liveKinds.includes(v['kind'] as PaneKind)) return undefined
  const n = Number(v['n'])
  return {
    kind: v['kind'] as PaneKind,
    n: Number.isInteger(n) && n > 0 ? n : 0,
    host: typeof v['host'] === 'string' ? v['host'] : '127.0.0.1',
    port: typeof v['port'] === 'string' || typeof v['port'] === 'number' ? String(v['port']) : '0',
    ...(typeof v['peerPort'] === 'string' ? { peerPort: v['peerPort'] } : {}),
    config: isObject(v['config']) ? (v['config'] as PaneConfigInput) : {},
    snippets: snippetsOf(v['snippets']),
    history: historyOf(v['history']),
    sequences: sequencesOf(v['sequences']),
    view: viewSettingsOf(v['view'])
  }
}

/** Fields of a pane this file does not read and that describe no running state: carried over
 *  as they are (a newer version's fields survive a round trip through an older one). */
const notCarried = new Set(['id', 'kind', 'n', 'host', 'port', 'peerPort', 'config', 'snippets', 'history', 'sequences', 'view', 'sessionId', 'flows', 'title'])

/** Each usable live pane of a saved workspace, with the other fields it carried. */
export function savedPaneEntries(workspace: unknown): { pane: SavedPane; id?: string; other: Record<string, unknown> }[] {
  const list = Array.isArray(workspace) ? workspace : isObject(workspace) ? workspace['panes'] : undefined
  if (!Array.isArray(list)) return []
  return list.flatMap((raw: unknown) => {
    const pane = savedPaneOf(raw)
    if (!pane) return []
    const r = raw as Record<string, unknown>
    const other = Object.fromEntries(Object.entries(r).filter(([k]) => !notCarried.has(k)))
    return [{ pane, ...(typeof r['id'] === 'string' ? { id: r['id'] } : {}), other }]
  })
}

/** The live panes of a saved workspace: `{ panes: [...] }`, or a bare list (older storage). */
export function savedPanesOf(workspace: unknown): SavedPane[] {
  return savedPaneEntries(workspace).map((e) => e.pane)
}

const isPercent = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0 && x <= 100

/** The split sizes of a saved workspace, or undefined when it has none (or they are damaged). */
export function layoutOf(workspace: unknown): SplitLayout | undefined {
  const l = isObject(workspace) ? workspace['layout'] : undefined
  if (!isObject(l) || !Array.isArray(l['rows']) || !Array.isArray(l['cols'])) return undefined
  const rows = l['rows'] as unknown[]
  const cols = l['cols'] as unknown[]
  if (!rows.every(isPercent)) return undefined
  return { rows, cols: cols.map((c) => (Array.isArray(c) && c.every(isPercent) ? c : [])) }
}

/** Sizes for `count` items from saved percentages, when the count matches; else none. */
export function sizesFor(saved: readonly number[] | undefined, ids: readonly string[]): Record<string, number> | undefined {
  if (!saved || saved.length !== ids.length || ids.length === 0) return undefined
  return Object.fromEntries(ids.map((id, i) => [id, saved[i]!]))
}

/** What is written down: the live panes (not read-only playback panes) and the split sizes. */
export function workspaceDocument<P extends { kind: PaneKind }>(panes: readonly P[], layout: SplitLayout | undefined): WorkspaceDocument<P> {
  return { version: WORKSPACE_VERSION, panes: panes.filter((p) => p.kind !== 'view'), ...(layout ? { layout } : {}) }
}
