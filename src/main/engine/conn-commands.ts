// The commands every TCP pane answers the same way, whether it accepted its connections
// (server) or made one (client): send, half-close, close, reset.
import type { Command } from '../../shared/contract'
import type { TcpConnection } from './connection'
import { fail } from './errors'

type Conns = ReadonlyMap<number, TcpConnection>

/** Answers a connection command, or returns undefined when `cmd` is not one. */
export function connCommand(conns: Conns, cmd: Command): Record<string, unknown> | undefined {
  switch (cmd.type) {
    case 'send':
      return sendToTarget(conns, cmd.target, cmd.data)
    case 'conn.end':
      connOf(conns, cmd.connId).end()
      return {}
    case 'conn.close':
      void connOf(conns, cmd.connId).close()
      return {}
    case 'conn.reset':
      connOf(conns, cmd.connId).reset()
      return {}
    default:
      return undefined
  }
}

function connOf(conns: Conns, id: number): TcpConnection {
  return conns.get(id) ?? fail('NO_CONNECTION', `connection #${id}`, { connId: id })
}

/** Writes to one connection or to every one open for sending; reports how many got the bytes. */
function sendToTarget(conns: Conns, target: number | 'all', data: Uint8Array): { bytes: number; connections: number } {
  const targets = target === 'all' ? [...conns.values()].filter((c) => c.isWritable) : [conns.get(target)]
  if (targets.length === 0 || targets[0] === undefined) {
    fail('NO_CONNECTION', target === 'all' ? 'no connection open for sending' : `connection #${target}`)
  }
  for (const c of targets) c!.write(data)
  return { bytes: data.byteLength, connections: targets.length }
}
