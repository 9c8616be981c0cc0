// The live panes side by side, up to three in a row, with resizable splits; one pane can be
// maximized over the others. A row never gets less height than a pane needs to show its
// minimum of terminal rows: when more rows are open than fit, the workspace scrolls.
import { Fragment } from 'react'
import { Group, Panel, Separator } from 'react-resizable-panels'
import type { SplitLayout } from '../../shared/workspace'
import { useI18n } from './i18n'
import { Pane } from './pane/Pane'
import { sizesFor } from './saved-workspace'
import type { PaneModel } from './workspace'

/** A row's least height: the header line, the input (two lines in a narrow pane) and ten terminal rows. */
const MIN_ROW_PX = 276
const MIN_COL_PX = 240
const PER_ROW = 3

interface Props {
  panes: PaneModel[]
  layout: SplitLayout | undefined
  /** Changes when a restored layout replaces the splits (they are built again with it). */
  grid: number
  onLayout(next: (l: SplitLayout | undefined) => SplitLayout): void
  maximized: string | undefined
  onMaximize(id: string): void
  onChange(id: string, patch: Partial<PaneModel>): void
  onClose(id: string): void
}

export function WorkspaceGrid({ panes, layout, grid, onLayout, maximized, onMaximize, onChange, onClose }: Props) {
  const { t } = useI18n()
  const rows = rowsOf(panes, PER_ROW)
  const rowIds = rows.map((row) => `row-${row[0]!.id}`)
  const percent = (x: number | undefined): number => Math.round((x ?? 0) * 100) / 100
  const onRowsChanged = (sizes: Record<string, number>): void =>
    onLayout((l) => ({ rows: rowIds.map((id) => percent(sizes[id])), cols: (l?.cols ?? []).slice(0, rows.length) }))
  const onColsChanged = (r: number, sizes: Record<string, number>): void =>
    onLayout((l) => {
      const cols = (l?.cols ?? []).slice(0, rows.length)
      while (cols.length < rows.length) cols.push([])
      cols[r] = rows[r]!.map((p) => percent(sizes[p.id]))
      return { rows: l?.rows ?? [], cols }
    })

  if (panes.length === 0) return <p className="empty">{t('workspace.empty')}</p>
  return (
    <div className="grid-scroll" style={{ ['--rows' as string]: rows.length, ['--min-row' as string]: `${MIN_ROW_PX}px` }}>
      <Group
        key={grid}
        className="grid"
        orientation="vertical"
        defaultLayout={sizesFor(layout?.rows, rowIds)}
        onLayoutChanged={(sizes, meta) => onRowsChanged(meta.requestedLayout ?? sizes)}
      >
        {rows.map((row, r) => (
          <Fragment key={row[0]!.id}>
            {r > 0 && <Separator className="splitter horizontal" aria-label={t('split.resize')} />}
            <Panel id={rowIds[r]} minSize={`${MIN_ROW_PX}px`}>
              <Group
                orientation="horizontal"
                defaultLayout={sizesFor(
                  layout?.cols[r],
                  row.map((p) => p.id)
                )}
                onLayoutChanged={(sizes, meta) => onColsChanged(r, meta.requestedLayout ?? sizes)}
              >
                {row.map((p, i) => (
                  <Fragment key={p.id}>
                    {i > 0 && <Separator className="splitter" aria-label={t('split.resize')} />}
                    <Panel id={p.id} minSize={`${MIN_COL_PX}px`}>
                      <Pane
                        model={p}
                        maximized={p.id === maximized}
                        onMaximize={() => onMaximize(p.id)}
                        onChange={(change) => onChange(p.id, change)}
                        onClose={() => onClose(p.id)}
                      />
                    </Panel>
                  </Fragment>
                ))}
              </Group>
            </Panel>
          </Fragment>
        ))}
      </Group>
    </div>
  )
}

function rowsOf<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
