// The recorded flows a read-only pane plays back, and what can be done with each (TCP or
// UDP): export its bytes, re-send one side against a live peer (the client side to a live
// server, or the server side to a live client, with a timing), stand in for its server.
import { useState } from 'react'
import { Download, Repeat2, Server } from 'lucide-react'
import type { SessionSummary } from '../../../shared/contract'
import { formatBytes } from '../../../shared/bytes'
import { useI18n } from '../i18n'
import { showEndpoint } from './render'
import { checkHost, parsePort, type FieldError } from './validate'
import { FLOWS_PER_PAGE, useFlowPage, type PageResult } from './useFlowPage'

export type Flow = SessionSummary['flows'][number]

export interface ResendChoice {
  side: 'client' | 'server'
  host: string
  port: number
  timing: 'answer' | 'original' | 'scaled'
  speed: number
}

interface Props {
  /** The flows at hand (the first ones, in order: flow k at position k). */
  flows: Flow[]
  /** How many flows there are in all (default: those at hand). */
  total?: number
  /** Fetches flows [offset, offset + limit) past those at hand. */
  load?(offset: number, limit: number): Promise<PageResult>
  /** Whether the flow's conversation is the one shown. */
  shownId(flow: Flow): boolean
  onShow(flow: Flow): void
  onExport(flow: Flow): void
  onResend(flow: Flow, choice: ResendChoice): void
  onStandIn(flow: Flow, port: number): void
}

export function FlowList({ flows: loaded, total, load, shownId, onShow, onExport, onResend, onStandIn }: Props) {
  const { t, err } = useI18n()
  const [host, setHost] = useState('127.0.0.1')
  const [port, setPort] = useState('')
  const [side, setSide] = useState<ResendChoice['side']>('client')
  const [timing, setTiming] = useState<ResendChoice['timing']>('answer')
  const [speed, setSpeed] = useState('1')
  const [error, setError] = useState<FieldError | undefined>()
  // A capture can hold a million flows: the list shows them a page at a time, fetched as needed.
  const page = useFlowPage(loaded, total ?? loaded.length, load)
  const { at, flows } = page
  const n = page.total
  const [goTo, setGoTo] = useState('')

  const target = (min: 0 | 1): number | undefined => {
    const p = parsePort(port, min)
    const h = checkHost(host)
    if (h || 'error' in p) {
      setError(h ?? (p as { error: FieldError }).error)
      return undefined
    }
    setError(undefined)
    return p.port
  }

  return (
    <div className="flows">
      <table className="conns" aria-label={t('flows.title')}>
        <thead>
          <tr>
            <th>#</th>
            <th>{t('flows.endpoints')}</th>
            <th>{t('conns.in')}</th>
            <th>{t('conns.out')}</th>
            <th>{t('conns.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {flows.map((f) => (
            <tr key={f.id} className={shownId(f) ? 'shown' : undefined}>
              <td>
                <button type="button" className="flow-show" aria-pressed={shownId(f)} aria-label={t('flows.showOf', { id: f.id })} onClick={() => onShow(f)}>
                  {f.id}
                </button>
              </td>
              <td className="endpoints">
                {f.proto.toUpperCase()} {showEndpoint(f.local)} ⇄ {showEndpoint(f.remote)}
              </td>
              <td>{formatBytes(f.bytesIn)}</td>
              <td>{formatBytes(f.bytesOut)}</td>
              <td className="actions">
                <button type="button" className="icon" aria-label={t('flows.exportOf', { id: f.id })} title={t('flows.export')} onClick={() => onExport(f)}>
                  <Download size={14} aria-hidden />
                </button>
                {(f.proto === 'tcp' || f.proto === 'udp') && (
                  <>
                    <button
                      type="button"
                      className="icon"
                      aria-label={t('flows.resendOf', { id: f.id })}
                      title={t('flows.resend')}
                      onClick={() => {
                        // The server side listens: port 0 takes a free one.
                        const p = target(side === 'server' ? 0 : 1)
                        const s = speed.trim() === '' ? NaN : Number(speed)
                        if (p === undefined) return
                        if (timing === 'scaled' && !(s >= 0.01 && s <= 100)) return setError({ key: 'flows.badSpeed', params: {} })
                        onResend(f, { side, host: host.trim(), port: p, timing, speed: timing === 'scaled' ? s : 1 })
                      }}
                    >
                      <Repeat2 size={14} aria-hidden />
                    </button>
                    <button
                      type="button"
                      className="icon"
                      aria-label={t('flows.standInOf', { id: f.id })}
                      title={t('flows.standIn')}
                      onClick={() => {
                        const p = target(0)
                        if (p !== undefined) onStandIn(f, p)
                      }}
                    >
                      <Server size={14} aria-hidden />
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.failed && (
        <div className="field-error flows-failed" role="alert">
          {t('flows.loadFailed', { from: at + 1, to: Math.min(n, at + FLOWS_PER_PAGE), why: err(page.failed) })}{' '}
          <button type="button" onClick={page.retry}>
            {t('flows.retry')}
          </button>
        </div>
      )}
      {n > FLOWS_PER_PAGE && (
        <div className="row pager" role="group" aria-label={t('flows.pages')}>
          <button type="button" disabled={at === 0} onClick={() => page.setPage(at / FLOWS_PER_PAGE - 1)}>
            {t('flows.prevPage')}
          </button>
          <span role="status">{t('flows.range', { from: at + 1, to: Math.min(n, at + FLOWS_PER_PAGE), n })}</span>
          <button type="button" disabled={at + FLOWS_PER_PAGE >= n} onClick={() => page.setPage(at / FLOWS_PER_PAGE + 1)}>
            {t('flows.nextPage')}
          </button>
          <form
            onSubmit={(e) => {
              e.preventDefault()
              const id = Number(goTo.trim())
              if (goTo.trim() !== '' && Number.isInteger(id)) page.setPage(Math.floor(id / FLOWS_PER_PAGE))
            }}
          >
            <label>
              {t('flows.goToShort')}
              <input className="port" aria-label={t('flows.goTo')} inputMode="numeric" value={goTo} onChange={(e) => setGoTo(e.target.value)} />
            </label>
          </form>
        </div>
      )}
      <div className="row options">
        <select aria-label={t('flows.side')} value={side} onChange={(e) => setSide(e.target.value as typeof side)}>
          <option value="client">{t('flows.side.client')}</option>
          <option value="server">{t('flows.side.server')}</option>
        </select>
        <label>
          {t('pane.host')}
          <input className="host" aria-label={t('flows.host')} value={host} onChange={(e) => setHost(e.target.value)} />
        </label>
        <label>
          {t('pane.port')}
          <input className="port" aria-label={t('flows.port')} inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} />
        </label>
        <select aria-label={t('flows.timing')} value={timing} onChange={(e) => setTiming(e.target.value as typeof timing)}>
          <option value="answer">{t('flows.timing.answer')}</option>
          <option value="original">{t('flows.timing.original')}</option>
          <option value="scaled">{t('flows.timing.scaled')}</option>
        </select>
        {timing === 'scaled' && <input className="port" aria-label={t('flows.speed')} value={speed} onChange={(e) => setSpeed(e.target.value)} />}
      </div>
      {error && (
        <div className="field-error" role="alert">
          {t(error.key, error.params)}
        </div>
      )}
    </div>
  )
}
