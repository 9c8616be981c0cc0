// What the runner prints about a pane: its name, how it started, and each thing that happens to
// it (a connection opened, half-closed or closed, an error, a note), one plain line each, in the
// words the pane's log uses (the English catalog).
import type { Endpoint, PaneEvent } from '../../shared/contract'
import { formatBytes } from '../../shared/bytes'
import { errorMessage, formatTarget, translate, translateRef, type MessageKey, type Params } from '../../shared/i18n'
import type { LiveKind } from '../../shared/pane-kinds'
import type { Started } from '../../shared/pane-actions'
import type { TrafficTap } from '../engine/engine'

const en = (key: MessageKey, params?: Params): string => translate('en', key, params)
export const address = (e: Endpoint): string => formatTarget(e.address, e.port)

/** "TCP server pane 1", as the pane's header says it. */
export function paneLabel(kind: LiveKind, n: number): string {
  return en('pane.label', { kind: en(`kind.${kind}`), n })
}

/** listening on …, connected … → …, bound on …, or why it did not start. */
export function startLine(kind: LiveKind, r: Started): string {
  if (!r.ok) return `not started: ${errorMessage('en', r.error)}`
  if (kind === 'tcp-server') return en('state.listeningOn', { addr: address(r.local) })
  if (kind === 'udp') return en('state.boundOn', { addr: address(r.local) })
  return en('state.connectedTo', { local: address(r.local), remote: r.remote ? address(r.remote) : '?' })
}

/**
 * The line for a pane's event, or undefined for those the runner does not print: traffic
 * (see trafficLine), its own connect (the start line says it), states, jobs (the runner
 * follows its sequences itself).
 */
export function eventLine(e: PaneEvent): string | undefined {
  switch (e.type) {
    case 'conn.open':
      return e.initiator === 'remote' ? en('term.open', { id: e.connId, remote: address(e.remote), local: address(e.local) }) : undefined
    case 'conn.halfClosed':
      return en(e.by === 'peer' ? 'term.halfClosedPeer' : 'term.halfClosedLocal', { id: e.connId })
    case 'conn.closed': {
      const how = en(`term.how.${e.how}`) + (e.how !== 'close' && e.by ? (e.by === 'peer' ? ' by the peer' : ' by us') : '')
      return en('term.closed', { id: e.connId, how, in: formatBytes(e.bytesIn), out: formatBytes(e.bytesOut) })
    }
    case 'error':
      return `error: ${errorMessage('en', e.error)}`
    case 'pane.note':
      return `${e.level === 'warn' ? 'warning' : 'note'}: ${translateRef('en', e.message)}`
    default:
      return undefined
  }
}

/** --verbose: one line per read or write, its size (and a datagram's peer). */
export function trafficLine(t: TrafficTap): string {
  const peer = t.peer ? ` ${en(t.dir === 'in' ? 'term.from' : 'term.to', { peer: address(t.peer) })}` : ''
  const conn = t.connId > 0 ? `#${t.connId} ` : ''
  return `${conn}${en(t.dir === 'in' ? 'term.in' : 'term.out')} ${formatBytes(t.bytes.byteLength)}${peer}`
}
