import { it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { Probe } from './probe'
import { withSessions } from '../src/main/session/service'
it('reset dir', async () => {
  const p = new Probe({ sessions: withSessions({ dir: '/tmp/scratch' }) })
  const l = await p.ok<{ local: { port: number } }>({ type: 'tcpServer.listen', paneId: 's', host: '127.0.0.1', port: 0 })
  await p.ok({ type: 'tcpClient.connect', paneId: 'c', host: '127.0.0.1', port: l.local.port })
  await p.waitFor('conn.open', 's')
  await p.ok({ type: 'send', paneId: 'c', target: 'all', data: Buffer.from('x') })
  await p.until(() => p.tapped('s') >= 1)
  await p.ok({ type: 'conn.reset', paneId: 'c', connId: 1 })
  await p.waitFor('conn.closed', 's')
  await p.waitFor('conn.closed', 'c')
  console.log(JSON.stringify(p.events.filter((e) => e.type === 'error' || e.type === 'conn.closed')))
  await p.ok({ type: 'session.save', path: '/tmp/scratch/reset.pcapng' })
  console.log(spawnSync('tshark', ['-r', '/tmp/scratch/reset.pcapng'], { encoding: 'utf8' }).stdout)
  await p.dispose()
})
