// The connections of a TCP pane (a client has at most one): peer, bytes, age, and the
// three ways to end one: half-close, close, reset.
import { formatBytes } from '../../../shared/bytes'
import { useI18n } from '../i18n'
import type { ClosedConns, ConnView } from './pane-store'
import { formatTime, showEndpoint } from './render'

interface Props {
  conns: ConnView[]
  /** Connections that have ended: the list says so rather than "no connections yet". */
  closed: ClosedConns
  onAction(action: 'conn.end' | 'conn.close' | 'conn.reset', connId: number): void
  /** A playback pane: the list as it was, without the actions. */
  readOnly?: boolean
}

/** Rows drawn at most; a server with thousands of clients lists the oldest and counts the rest. */
const MAX_ROWS = 200

export function ConnList({ conns, closed, onAction, readOnly = false }: Props) {
  const { t } = useI18n()
  if (conns.length === 0) {
    const last = closed.last
    const text = !last
      ? t('conns.none')
      : closed.count === 1
        ? t(`conns.closedOne.${last.how === 'reset' ? (last.by === 'peer' ? 'peerReset' : 'localReset') : last.how}`, { id: last.id })
        : t('conns.closedMany', { n: closed.count })
    return <p className="conns-empty">{text}</p>
  }
  return (
    <table className="conns" aria-label={t('conns.title')}>
      <thead>
        <tr>
          <th>#</th>
          <th>{t('conns.peer')}</th>
          <th>{t('conns.in')}</th>
          <th>{t('conns.out')}</th>
          <th>{t('conns.since')}</th>
          {!readOnly && <th>{t('conns.actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {conns.slice(0, MAX_ROWS).map((c) => (
          <tr key={c.id}>
            <td>{c.id}</td>
            <td>
              {showEndpoint(c.remote)}
              {c.halfClosedByPeer && <span className="badge">{t('conns.halfClosedPeer')}</span>}
              {c.halfClosedByUs && <span className="badge">{t('conns.halfClosedLocal')}</span>}
            </td>
            <td title={t('conns.bytesExact', { n: c.bytesIn })}>{formatBytes(c.bytesIn)}</td>
            <td title={t('conns.bytesExact', { n: c.bytesOut })}>{formatBytes(c.bytesOut)}</td>
            <td>{formatTime(c.sinceUs).slice(0, 8)}</td>
            {!readOnly && (
              <td className="actions">
                <button
                  type="button"
                  aria-label={t('conns.endOf', { id: c.id })}
                  title={t('conns.endHint')}
                  disabled={c.halfClosedByUs}
                  onClick={() => onAction('conn.end', c.id)}
                >
                  {t('conns.end')}
                </button>
                <button type="button" aria-label={t('conns.closeOf', { id: c.id })} onClick={() => onAction('conn.close', c.id)}>
                  {t('conns.close')}
                </button>
                <button type="button" className="danger" aria-label={t('conns.resetOf', { id: c.id })} onClick={() => onAction('conn.reset', c.id)}>
                  {t('conns.reset')}
                </button>
              </td>
            )}
          </tr>
        ))}
        {conns.length > MAX_ROWS && (
          <tr>
            <td colSpan={readOnly ? 5 : 6} className="more">
              {t('conns.more', { n: conns.length - MAX_ROWS })}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  )
}
