// An opened session or capture, in its own tab: the timeline on top, the flows on the left
// (each row shows its conversation), one conversation on the right (as Wireshark's Follow
// Stream), and the panes its replays opened under it. The read-only panes of the other
// conversations stay mounted, hidden, so each keeps its place in the playback.
import { useCallback, useEffect, useState } from 'react'
import type { SessionSummary } from '../../../shared/contract'
import { api } from '../api'
import { useI18n } from '../i18n'
import { FlowList, type Flow, type ResendChoice } from '../pane/FlowList'
import type { PageResult } from '../pane/useFlowPage'
import { Pane } from '../pane/Pane'
import type { PaneModel } from '../workspace'
import { SessionBar } from './SessionBar'
import { paneTitle } from '../saved-workspace'
import { playbackConnId } from '../../../shared/flows'
import { defaultViewSettings } from '../../../shared/workspace'

interface Props {
  session: SessionSummary
  otherFlows: number
  /** The read-only panes, one per recorded pane (or per flow of a capture). */
  views: PaneModel[]
  /** Live panes the replays of this session opened. */
  replays: PaneModel[]
  onClose(): void
  onSaveCopy(): void
  /** Shows a flow past the first page (it has no pane yet). */
  onReach(flow: Flow): void
  onExport(flow: Flow): void
  onResend(flow: Flow, choice: ResendChoice): void
  onStandIn(flow: Flow, port: number): void
  onChange(id: string, patch: Partial<PaneModel>): void
  onClosePane(id: string): void
}

export function SessionView(p: Props) {
  const { t } = useI18n()
  // One conversation at a time: the flow chosen (the first at the start), shown alone in the
  // read-only pane that holds it (a pane with several is filtered to it); or a pane that has none.
  const [shownFlowId, setShownFlowId] = useState<number | undefined>(p.session.flows[0]?.id)
  const [emptyShown, setEmptyShown] = useState<string | undefined>()
  const [maxId, setMaxId] = useState<string | undefined>()
  const viewOf = (flow: Flow): PaneModel | undefined => p.views.find((v) => v.flows?.some((f) => f.id === flow.id))
  const shownView = shownFlowId === undefined ? undefined : p.views.find((v) => v.flows?.some((f) => f.id === shownFlowId))
  const shown = (emptyShown && p.views.find((v) => v.id === emptyShown)) || shownView || p.views[0]
  const show = (flow: Flow): void => {
    setEmptyShown(undefined)
    setShownFlowId(flow.id)
    const v = viewOf(flow)
    if (!v) return p.onReach(flow)
    if ((v.flows?.length ?? 0) < 2) return
    const view = v.view ?? defaultViewSettings
    p.onChange(v.id, { view: { ...view, filter: { ...view.filter, connId: playbackConnId(flow) } } })
  }
  // The first flow is shown alone from the start, as any flow chosen later.
  useEffect(() => {
    const first = p.session.flows[0]
    if (first) show(first)
    // Once per opened file.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.session.sessionId])
  // The flows past the first page, a page at a time.
  const sessionId = p.session.sessionId
  const loadFlows = useCallback(
    async (offset: number, limit: number): Promise<PageResult> => {
      const r = await api.command({ type: 'session.flows', sessionId, offset, limit })
      return r.ok ? { ok: true, flows: r.result.flows } : { ok: false, error: r.error }
    },
    [sessionId]
  )
  // A recorded pane without a connection has no flow: it is listed by its name.
  const empty = p.views.filter((v) => !v.flows?.length)

  return (
    <div className="session-view">
      <SessionBar session={p.session} otherFlows={p.otherFlows} onClose={p.onClose} onSaveCopy={p.onSaveCopy} />
      <div className="session-body">
        <div className="session-side">
          <FlowList
            flows={p.session.flows}
            total={p.session.flowCount}
            load={loadFlows}
            shownId={(f) => !emptyShown && f.id === shownFlowId}
            onShow={show}
            onExport={p.onExport}
            onResend={p.onResend}
            onStandIn={p.onStandIn}
          />
          {empty.length > 0 && (
            <ul className="plain-list" aria-label={t('session.emptyPanes')}>
              {empty.map((v) => (
                <li key={v.id}>
                  <button type="button" aria-pressed={v.id === shown?.id} onClick={() => setEmptyShown(v.id)}>
                    {paneTitle(v, t)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="session-main">
          <div className="conversation">
            {p.views.map((v) => (
              <div key={v.id} className={v.id === shown?.id ? 'conversation-pane' : 'conversation-pane hidden'} inert={v.id !== shown?.id}>
                <Pane model={v} maximized={false} onChange={(c) => p.onChange(v.id, c)} />
              </div>
            ))}
          </div>
          {p.replays.length > 0 && (
            <div className="replays" aria-label={t('session.replays')} role="group">
              {p.replays.map((r) => (
                <div key={r.id} className={maxId === r.id ? 'replay maximized' : 'replay'}>
                  <Pane
                    model={r}
                    maximized={maxId === r.id}
                    onMaximize={() => setMaxId((m) => (m === r.id ? undefined : r.id))}
                    onChange={(c) => p.onChange(r.id, c)}
                    onClose={() => p.onClosePane(r.id)}
                  />
                </div>
              ))}
            </div>
          )}
        </div>
      </div>
    </div>
  )
}
