import { fail } from './errors'
import type { TcpConnection } from './connection'

/** Writes to one connection or to every open one; reports how many got the bytes. */
export function sendToTarget(
  conns: ReadonlyMap<number, TcpConnection>,
  target: number | 'all',
  data: Uint8Array
): { bytes: number; connections: number } {
  const targets = target === 'all' ? [...conns.values()].filter((c) => c.isWritable) : [conns.get(target)]
  if (targets.length === 0 || targets[0] === undefined) {
    fail('NO_CONNECTION', target === 'all' ? 'no connection open for sending' : `connection #${target}`)
  }
  for (const c of targets) c!.write(data)
  return { bytes: data.byteLength, connections: targets.length }
}
