// The inspector's panel: the focused pane's name and the places its settings are drawn in
// (see inspector.tsx). It sits beside the workspace and takes width from it, never rows. It is
// always laid out (hidden while closed), so its places exist before a pane is inspected.
import { useEffect, useRef } from 'react'
import { X } from 'lucide-react'
import { useI18n } from '../i18n'
import type { InspectorSection } from './inspector'

interface Props {
  open: boolean
  /** The inspected pane's title (undefined: no pane in the tab shown). */
  title: string | undefined
  /** Asked to show a section (counts up each time); `focus`: the person asked, so the focus moves here. */
  reveal: { section?: InspectorSection; focus: boolean; n: number } | undefined
  onSlots(slots: Partial<Record<InspectorSection, HTMLElement>>): void
  onClose(): void
}

const sections: InspectorSection[] = ['address', 'messages', 'snippets', 'view']

export function InspectorPanel({ open, title, reveal, onSlots, onClose }: Props) {
  const { t } = useI18n()
  const refs = useRef<Partial<Record<InspectorSection, HTMLElement>>>({})
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    onSlots({ ...refs.current })
    return () => onSlots({})
  }, [onSlots])
  useEffect(() => {
    if (!reveal) return
    const el = reveal.section && refs.current[reveal.section]
    el?.querySelector('details')?.setAttribute('open', '')
    el?.scrollIntoView({ block: 'nearest' })
    if (reveal.focus) heading.current?.focus()
  }, [reveal])
  return (
    <aside className="inspector" aria-label={t('inspector.label')} hidden={!open}>
      <header className="inspector-head">
        <h2 ref={heading} tabIndex={-1} title={title}>
          {title ? t('inspector.of', { pane: title }) : t('inspector.label')}
        </h2>
        <button type="button" className="icon" aria-label={t('inspector.close')} title={t('inspector.close')} onClick={onClose}>
          <X size={15} aria-hidden />
        </button>
      </header>
      {!title && <p className="muted inspector-empty">{t('inspector.empty')}</p>}
      {sections.map((s) => (
        <div
          key={s}
          className={`inspector-section section-${s}`}
          ref={(el) => {
            if (el) refs.current[s] = el
          }}
        />
      ))}
    </aside>
  )
}
