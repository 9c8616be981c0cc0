// The page of a flow list on screen: the flows that came with the opened file (the first
// FLOW_PAGE) are shown from memory; a page past them is asked of the engine (session.flows)
// when it is turned to, so a file of a million flows is listed without holding them all.
import { useEffect, useState } from 'react'
import type { FlowSummary } from '../../../shared/contract'

export const FLOWS_PER_PAGE = 50

export interface FlowPage {
  /** The flows of the page shown (empty while a fetched page is on its way). */
  flows: FlowSummary[]
  /** The first flow's position on the page (0-based) and how many there are in all. */
  at: number
  total: number
  setPage(page: number): void
}

/** `loaded`: the first flows, in order (flow k at position k); `load` fetches [offset, offset + limit). */
export function useFlowPage(loaded: FlowSummary[], total: number, load: ((offset: number, limit: number) => Promise<FlowSummary[]>) | undefined): FlowPage {
  const [page, setPage] = useState(0)
  const [fetched, setFetched] = useState<{ at: number; flows: FlowSummary[] } | undefined>()
  const pages = Math.max(1, Math.ceil(total / FLOWS_PER_PAGE))
  const at = Math.min(Math.max(0, page), pages - 1) * FLOWS_PER_PAGE
  const inMemory = !load || at + Math.min(FLOWS_PER_PAGE, total - at) <= loaded.length
  useEffect(() => {
    if (inMemory || fetched?.at === at) return
    let gone = false
    void load!(at, FLOWS_PER_PAGE).then((flows) => {
      if (!gone) setFetched({ at, flows })
    })
    return () => {
      gone = true
    }
  }, [at, inMemory, fetched, load])
  const flows = inMemory ? loaded.slice(at, at + FLOWS_PER_PAGE) : fetched?.at === at ? fetched.flows : []
  return { flows, at, total, setPage: (p) => setPage(Math.min(Math.max(0, p), pages - 1)) }
}
