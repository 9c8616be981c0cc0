// The inspector: a side panel with the settings of the focused pane (address, messages,
// snippets and sequences, view). Each pane keeps its own settings components, always mounted
// (their drafts, open sections and focus survive a visit to another pane), drawn through
// portals into detached boxes of their own; the box of the pane inspected is put into the
// panel's section. The panel holds places, not copies of each pane's state.
import { createContext, useContext, useLayoutEffect, useState, type ReactNode } from 'react'
import { createPortal } from 'react-dom'

export type InspectorSection = 'address' | 'messages' | 'snippets' | 'view'

export interface InspectorState {
  /** The pane whose settings the panel shows. */
  focused: string | undefined
  /** The panel's sections (the panel is always laid out, hidden while closed). */
  slots: Partial<Record<InspectorSection, HTMLElement>>
  /**
   * Shows the panel for a pane (and, with `section`, brings that section into view). With
   * `ifFree`, not when it shows a pane whose key was left out; says whether it took the panel.
   */
  inspect(paneId: string, section?: InspectorSection, ifFree?: boolean): boolean
  focus(paneId: string): void
}

export const InspectorContext = createContext<InspectorState>({ focused: undefined, slots: {}, inspect: () => false, focus: () => {} })

export const useInspector = (): InspectorState => useContext(InspectorContext)

/** Draws `children` (always mounted) into the inspector's section while `paneId` is the pane inspected. */
export function InspectorPart({ paneId, section, children }: { paneId: string; section: InspectorSection; children: ReactNode }) {
  const { focused, slots } = useInspector()
  const [box] = useState(() => Object.assign(document.createElement('div'), { className: 'inspector-part' }))
  const slot = focused === paneId ? slots[section] : undefined
  // Before effects run, so a part's own effects (a key field taking the focus) find it in place.
  useLayoutEffect(() => {
    if (!slot) return
    slot.append(box)
    return () => box.remove()
  }, [slot, box])
  return createPortal(children, box)
}
