// The shared pane actions (src/shared/pane-actions.ts) the renderer and the headless runner
// use, driven here against an Engine (which answers `command` as window.api does).
import { expect, it } from 'vitest'
import { startPane, startTcpPair, startUdpPair, stopPane } from '../src/shared/pane-actions'
import { Probe, RawClient, useProbe } from './probe'

let probe!: Probe
useProbe((p) => (probe = p), { statsIntervalMs: 20 })

const raw = { framing: { kind: 'raw' as const } }

it('a TCP pair: the server on a free port, the client connected to it, each with its framing', async () => {
  const r = await startTcpPair(
    probe.engine,
    { id: 's', host: '127.0.0.1', config: { framing: { kind: 'delimiter', delimiterHex: '0a' } } },
    { id: 'c', config: raw }
  )
  expect(r.server).toMatchObject({ ok: true, local: { address: '127.0.0.1' } })
  const port = r.server.ok ? r.server.local.port : 0
  expect(r.client).toMatchObject({ ok: true, remote: { port } })
  await probe.ok({ type: 'send', paneId: 'c', target: 'all', payload: new TextEncoder().encode('a\nb\n') })
  // The server deframes at '\n': two messages.
  await probe.untilRecords('s', 2)
  await stopPane(probe.engine, 's')
  await probe.waitFor('pane.state', 's', (e) => e.state === 'idle')
  // The client sees the server's FIN (and, half-open, may still answer).
  await probe.waitFor('conn.halfClosed', 'c', (e) => e.by === 'peer')
})

it('a UDP pair, and a start that fails says why without throwing', async () => {
  const r = await startUdpPair(probe.engine, { id: 'a', host: '127.0.0.1', config: raw }, { id: 'b', host: '127.0.0.1', config: raw })
  expect(r.a.ok && r.b.ok).toBe(true)
  const taken = r.a.ok ? r.a.local.port : 0
  const again = await startPane(probe.engine, { id: 'x', kind: 'udp', host: '127.0.0.1', port: taken, config: raw })
  expect(again).toMatchObject({ ok: false, error: { code: 'EADDRINUSE', port: taken } })
  const bad = await startPane(probe.engine, { id: 'y', kind: 'tcp-server', host: '127.0.0.1', port: 0, config: { framing: { kind: 'fixed', length: 0 } } })
  expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_COMMAND' } })
})

it('stopping a server while it is starting closes what the start opened: no socket is left listening', async () => {
  const starting = probe.cmd({ type: 'tcpServer.listen', paneId: 's', host: '127.0.0.1', port: 0 })
  await stopPane(probe.engine, 's')
  const r = await starting
  const port = r.ok && 'local' in r.result ? (r.result as { local: { port: number } }).local.port : 0
  expect(port).toBeGreaterThan(0)
  await expect(RawClient.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  // And a second start while one is under way is refused.
  const first = probe.cmd({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })
  await probe.fails({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 }, 'ALREADY_RUNNING')
  expect((await first).ok).toBe(true)
})
