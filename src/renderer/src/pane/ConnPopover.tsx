// The connections of a TCP pane behind one compact header button ("3 ▾"): the list opens over
// the terminal, as wide and as tall as it needs (scrolling past the window's height), so its
// End / Close / Reset are never cut off by a narrow pane.
import * as Popover from '@radix-ui/react-popover'
import { Cable } from 'lucide-react'
import { useI18n } from '../i18n'
import { ConnList } from './ConnList'
import type { PaneSnapshot } from './pane-store'

interface Props {
  snap: PaneSnapshot
  onAction?(action: 'conn.end' | 'conn.close' | 'conn.reset', connId: number): void
  /** Controlled from the pane's menu too. */
  open: boolean
  onOpenChange(open: boolean): void
}

export function ConnPopover({ snap, onAction, open, onOpenChange }: Props) {
  const { t } = useI18n()
  const n = snap.conns.length
  const halfClosed = snap.conns.some((c) => c.halfClosedByPeer || c.halfClosedByUs)
  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Trigger asChild>
        <button
          type="button"
          className={`chip conns-button${halfClosed ? ' warn' : ''}`}
          aria-label={t('conns.button', { n })}
          title={t('conns.button', { n })}
        >
          <Cable size={14} aria-hidden />
          <span className="count">{n}</span>
        </button>
      </Popover.Trigger>
      {/* In the pane's own tree (not a portal), so the pane's name still finds its list. */}
      <Popover.Content className="popover conns-popover" align="start" sideOffset={4} collisionPadding={8} aria-label={t('conns.title')}>
        <ConnList conns={snap.conns} closed={snap.closed} onAction={onAction ?? (() => {})} readOnly={!onAction} />
      </Popover.Content>
    </Popover.Root>
  )
}
