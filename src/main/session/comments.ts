// The packet comments (opt_comment) of a session: what happened to a connection, in words for a
// person reading the capture in Wireshark (frame.comment). English, like the rest of a
// capture's metadata; what the app reads back is the record block written before the packet.
import type { Endpoint } from '../../shared/contract'
import { formatTarget } from '../../shared/i18n'

const PREFIX = 'Net Playground: '
/** The longest comment written, in UTF-8 bytes (an option holds at most 65535). */
const MAX_COMMENT = 1024

const utf8 = new TextEncoder()

function at(e: Endpoint): string {
  return formatTarget(String(e.address), Number(e.port))
}

function conn(paneId: string, connId: number): string {
  return `pane ${paneId} connection #${connId}`
}

/** The comment as the bytes of an opt_comment: UTF-8, cut at a character boundary if it is too long. */
export function commentBytes(text: string): Uint8Array {
  const buf = new Uint8Array(MAX_COMMENT)
  const { written } = utf8.encodeInto(PREFIX + text, buf)
  return buf.subarray(0, written)
}

/** On the SYN: a TCP connection the pane made (client) or accepted (server). */
export function openedComment(c: {
  paneId: string
  connId: number
  local: Endpoint
  remote: Endpoint
  initiator: 'local' | 'remote'
  implicit: boolean
}): string {
  if (c.implicit) return `${conn(c.paneId, c.connId)} carried data but was never announced (its addresses are unknown)`
  return c.initiator === 'local'
    ? `${conn(c.paneId, c.connId)} opened (client) ${at(c.local)} → ${at(c.remote)}`
    : `${conn(c.paneId, c.connId)} accepted (server) ${at(c.local)} ← ${at(c.remote)}`
}

/** On a UDP pane's first datagram with a peer. */
export function udpFirstComment(paneId: string, local: Endpoint, peer: Endpoint, out: boolean): string {
  return out
    ? `pane ${paneId} UDP ${at(local)} → ${at(peer)}: first datagram to this peer`
    : `pane ${paneId} UDP ${at(local)} ← ${at(peer)}: first datagram from this peer`
}

/** On the FIN of a half-close. */
export function halfClosedComment(paneId: string, connId: number, by: 'local' | 'peer'): string {
  return `${conn(paneId, connId)} half-closed by ${by === 'local' ? 'the pane (it sent FIN)' : 'the peer (FIN received)'}`
}

/** On the RST, or the last packet of a close (the ACK of the last FIN). */
export function closedComment(paneId: string, connId: number, how: 'close' | 'reset' | 'error', by?: 'local' | 'peer', code?: string): string {
  const who = by === 'peer' ? ' by the peer' : by === 'local' ? ' by the pane' : ''
  const why = code ? ` (${code})` : ''
  if (how === 'close') return `${conn(paneId, connId)} closed`
  if (how === 'reset') return `${conn(paneId, connId)} reset${who}${why}`
  return `${conn(paneId, connId)} ended by an error${who}${why}`
}
