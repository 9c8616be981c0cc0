// One icon per pane kind, in the kind's colour, beside its title, its tab, its menu entry.
import { ArrowDownToLine, ArrowUpFromLine, History, Radio } from 'lucide-react'
import type { PaneKind } from '../../../shared/pane-kinds'

const icons = { 'tcp-server': ArrowDownToLine, 'tcp-client': ArrowUpFromLine, udp: Radio, playback: History } as const

export function KindIcon({ kind, size = 15 }: { kind: PaneKind; size?: number }) {
  const Icon = icons[kind]
  return <Icon className={`kind-icon kind-${kind}`} size={size} aria-hidden />
}
