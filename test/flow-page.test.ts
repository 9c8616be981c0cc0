// A page of the flow list that could not be fetched (issue 10 review): the request the list
// makes, against a real engine, fails for a session that is no longer open; the list's words
// for it (which flows, and why) exist in en and zh with every parameter filled in; a request
// that throws is a failure too, never an empty page that says nothing.
import { describe, expect, it } from 'vitest'
import type { PaneError, Response } from '../src/shared/contract'
import { errorMessage, translate } from '../src/shared/i18n'
import { withSessions } from '../src/main/session/service'
import { fetchPage, FLOWS_PER_PAGE, type PageResult } from '../src/renderer/src/pane/useFlowPage'
import { Probe, useProbe } from './probe'

let probe!: Probe
useProbe((p) => (probe = p), { sessions: withSessions({ record: false }) })

describe('a page of flows that cannot be fetched', () => {
  it('is a failure with its reason, said in en and zh with the flows it was for', async () => {
    const load = async (offset: number, limit: number): Promise<PageResult> => {
      const r = (await probe.cmd({ type: 'session.flows', sessionId: 12345, offset, limit })) as Response<'session.flows'>
      return r.ok ? { ok: true, flows: r.result.flows } : { ok: false, error: r.error }
    }
    const r = await fetchPage(load, 4500)
    expect(r.ok).toBe(false)
    const error = (r as { error: PaneError }).error
    const params = { from: 4501, to: 4500 + FLOWS_PER_PAGE }
    expect(translate('en', 'flows.loadFailed', { ...params, why: errorMessage('en', error) })).toBe(
      'Flows 4501–4550 could not be fetched: This pane is not running: start it first. session 12345 is not open.'
    )
    const zh = translate('zh', 'flows.loadFailed', { ...params, why: errorMessage('zh', error) })
    expect(zh).toMatch(/^无法获取第 4501–4550 个流：/)
    expect(zh).toContain('会话 12345 没有打开')
    expect(translate('en', 'flows.retry')).toBe('Retry')
    expect(translate('zh', 'flows.retry')).toBe('重试')
  })

  it('a request that throws is a failure with its words, not an empty page', async () => {
    const r = await fetchPage(() => Promise.reject(new Error('IPC channel closed')), 0)
    expect(r).toEqual({ ok: false, error: { code: 'UNKNOWN', detail: 'IPC channel closed' } })
  })
})
