// The page of a flow list on screen: the flows that came with the opened file (the first
// FLOW_PAGE) are shown from memory; a page past them is asked of the engine (session.flows)
// when it is turned to, so a file of a million flows is listed without holding them all. A
// page that could not be fetched says why, and is asked for again on Retry.
import { useEffect, useState } from 'react'
import type { FlowSummary, PaneError } from '../../../shared/contract'

export const FLOWS_PER_PAGE = 50

/** A fetched page, or why it could not be fetched. */
export type PageResult = { ok: true; flows: FlowSummary[] } | { ok: false; error: PaneError }

export interface FlowPage {
  /** The flows of the page shown (empty while a fetched page is on its way, or if it failed). */
  flows: FlowSummary[]
  /** Why the page shown could not be fetched; `retry` asks for it again. */
  failed?: PaneError
  /** The first flow's position on the page (0-based) and how many there are in all. */
  at: number
  total: number
  setPage(page: number): void
  retry(): void
}

/** Fetches a page; a request that throws (a lost IPC channel) is a failure like any other. */
export async function fetchPage(load: (offset: number, limit: number) => Promise<PageResult>, at: number): Promise<PageResult> {
  try {
    return await load(at, FLOWS_PER_PAGE)
  } catch (err) {
    return { ok: false, error: { code: 'UNKNOWN', detail: err instanceof Error ? err.message : String(err) } }
  }
}

/** `loaded`: the first flows, in order (flow k at position k); `load` fetches [offset, offset + limit). */
export function useFlowPage(loaded: FlowSummary[], total: number, load: ((offset: number, limit: number) => Promise<PageResult>) | undefined): FlowPage {
  const [page, setPage] = useState(0)
  const [fetched, setFetched] = useState<({ at: number } & PageResult) | undefined>()
  const pages = Math.max(1, Math.ceil(total / FLOWS_PER_PAGE))
  const at = Math.min(Math.max(0, page), pages - 1) * FLOWS_PER_PAGE
  const inMemory = !load || at + Math.min(FLOWS_PER_PAGE, total - at) <= loaded.length
  useEffect(() => {
    if (inMemory || fetched?.at === at) return
    let gone = false
    void fetchPage(load!, at).then((r) => {
      if (!gone) setFetched({ at, ...r })
    })
    return () => {
      gone = true
    }
  }, [at, inMemory, fetched, load])
  const here = !inMemory && fetched?.at === at ? fetched : undefined
  return {
    flows: inMemory ? loaded.slice(at, at + FLOWS_PER_PAGE) : here?.ok ? here.flows : [],
    ...(here && !here.ok ? { failed: here.error } : {}),
    at,
    total,
    setPage: (p) => setPage(Math.min(Math.max(0, p), pages - 1)),
    // Forgetting the failure makes the page one to fetch again.
    retry: () => setFetched(undefined)
  }
}
