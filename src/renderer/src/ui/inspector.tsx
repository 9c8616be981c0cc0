// The inspector: a side panel with the settings of the focused pane (address, messages,
// snippets and sequences, view). Each pane keeps its own settings components (their drafts,
// their callbacks) and, while it is the one inspected, draws them into the panel's sections
// through portals: the panel holds places, not copies of each pane's state.
import { createContext, useContext, type ReactNode } from 'react'
import { createPortal } from 'react-dom'

export type InspectorSection = 'address' | 'messages' | 'snippets' | 'view'

export interface InspectorState {
  /** The pane whose settings the panel shows. */
  focused: string | undefined
  open: boolean
  /** The section elements, once the panel is drawn. */
  slots: Partial<Record<InspectorSection, HTMLElement>>
  /** Shows the panel for a pane (and, with `section`, scrolls to that section); `ifFree`: unless it shows a pane whose key was left out. */
  inspect(paneId: string, section?: InspectorSection, ifFree?: boolean): void
  focus(paneId: string): void
}

export const InspectorContext = createContext<InspectorState>({ focused: undefined, open: false, slots: {}, inspect: () => {}, focus: () => {} })

export const useInspector = (): InspectorState => useContext(InspectorContext)

/** Draws `children` into the inspector's section while `paneId` is the pane inspected. */
export function InspectorPart({ paneId, section, children }: { paneId: string; section: InspectorSection; children: ReactNode }) {
  const { focused, open, slots } = useInspector()
  const el = slots[section]
  if (!open || focused !== paneId || !el) return null
  return createPortal(children, el)
}
