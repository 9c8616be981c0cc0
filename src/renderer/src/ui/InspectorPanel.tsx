// The inspector's panel: the focused pane's name and the places its settings are drawn in
// (see inspector.tsx). It sits beside the workspace; the grid gives up width to it, never rows.
import { useEffect, useRef } from 'react'
import { X } from 'lucide-react'
import { useI18n } from '../i18n'
import type { InspectorSection } from './inspector'

interface Props {
  /** The inspected pane's title (undefined: no pane yet). */
  title: string | undefined
  /** The section to bring into view (counts up each time it is asked). */
  reveal: { section: InspectorSection; n: number } | undefined
  onSlots(slots: Partial<Record<InspectorSection, HTMLElement>>): void
  onClose(): void
}

const sections: InspectorSection[] = ['address', 'messages', 'snippets', 'view']

export function InspectorPanel({ title, reveal, onSlots, onClose }: Props) {
  const { t } = useI18n()
  const refs = useRef<Partial<Record<InspectorSection, HTMLElement>>>({})
  useEffect(() => {
    onSlots({ ...refs.current })
    return () => onSlots({})
  }, [onSlots])
  useEffect(() => {
    if (!reveal) return
    const el = refs.current[reveal.section]
    el?.querySelector('details')?.setAttribute('open', '')
    el?.scrollIntoView({ block: 'nearest' })
  }, [reveal])
  return (
    <aside className="inspector" aria-label={t('inspector.label')}>
      <header className="inspector-head">
        <h2 title={title}>{title ? t('inspector.of', { pane: title }) : t('inspector.label')}</h2>
        <button type="button" className="icon" aria-label={t('inspector.close')} title={t('inspector.close')} onClick={onClose}>
          <X size={15} aria-hidden />
        </button>
      </header>
      {!title && <p className="muted inspector-empty">{t('inspector.empty')}</p>}
      {sections.map((s) => (
        <section
          key={s}
          className={`inspector-section section-${s}`}
          aria-label={t(`inspector.${s}`)}
          ref={(el) => {
            if (el) refs.current[s] = el
          }}
        />
      ))}
    </aside>
  )
}
