// The commands every TCP pane answers the same way, whether it accepted its connections
// (server) or made one (client): send, send a file, half-close, close, reset.
import type { Command } from '../../shared/contract'
import type { TcpConnection } from './connection'
import { fail } from './errors'
import { sendFileTcp } from './file-send'
import type { PaneContext } from './pane'

type Conns = ReadonlyMap<number, TcpConnection>

/** Answers a connection command, or returns undefined when `cmd` is not one. */
export async function connCommand(conns: Conns, cmd: Command, ctx: PaneContext): Promise<Record<string, unknown> | undefined> {
  switch (cmd.type) {
    case 'send': {
      const targets = targetsOf(conns, cmd.target)
      for (const c of targets) c.send(cmd.data!)
      return { bytes: cmd.data!.byteLength, connections: targets.length }
    }
    case 'send.file':
      return sendFileTcp(targetsOf(conns, cmd.target), cmd.path, ctx)
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

/** One connection, or every one open for sending. */
function targetsOf(conns: Conns, target: number | 'all'): TcpConnection[] {
  const targets = target === 'all' ? [...conns.values()].filter((c) => c.isWritable) : [conns.get(target)]
  if (targets.length === 0 || targets[0] === undefined) {
    fail('NO_CONNECTION', target === 'all' ? 'no connection open for sending' : `connection #${target}`)
  }
  return targets as TcpConnection[]
}
