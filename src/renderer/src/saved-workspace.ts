// The window's panes written down as a workspace (the one schema is src/shared/workspace.ts),
// and saved split sizes put back in place. Pure functions, no DOM.
import { WORKSPACE_VERSION, type SavedPane, type SplitLayout, type Workspace } from '../../shared/workspace'
import { isLiveKind, type PaneKind } from '../../shared/pane-kinds'
import type { MessageKey, Params } from '../../shared/i18n'

/** A pane as the window holds it: what is saved of it, and what only the window knows. */
export interface WindowPane extends Omit<SavedPane, 'kind' | 'id'> {
  id: string
  kind: PaneKind
  /** Playback panes: the opened session. */
  sessionId?: number
  /** Playback panes: the recorded flows they show. */
  flows?: unknown
  /** A title other than "<kind> pane <n>" (playback, replay): words, or how to say them in the language chosen now. */
  title?: string | ((t: (key: MessageKey, params?: Params) => string) => string)
  /** A replay's pane: shown in the tab of the session it replays while that is open. */
  replayOf?: number
}

/** What is written down: the live panes (not playback panes), each as saved, and the split sizes. */
export function workspaceDocument(panes: readonly WindowPane[], layout: SplitLayout | undefined): Workspace {
  const saved: SavedPane[] = []
  for (const p of panes) {
    const { sessionId: _s, flows: _f, title: _t, replayOf: _r, kind, ...rest } = p
    if (isLiveKind(kind)) saved.push({ ...rest, kind })
  }
  return { version: WORKSPACE_VERSION, panes: saved, ...(layout ? { layout } : {}) }
}

/** Sizes for `count` items from saved percentages, when the count matches; else none. */
export function sizesFor(saved: readonly number[] | undefined, ids: readonly string[]): Record<string, number> | undefined {
  if (!saved || saved.length !== ids.length || ids.length === 0) return undefined
  return Object.fromEntries(ids.map((id, i) => [id, saved[i]!]))
}

/** A pane's title in the language chosen now. */
export function paneTitle(p: WindowPane, t: (key: MessageKey, params?: Params) => string): string {
  if (typeof p.title === 'function') return p.title(t)
  return p.title ?? t('pane.label', { kind: t(`kind.${p.kind}`), n: p.n })
}
