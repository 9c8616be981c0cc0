// A replay lives as long as its pane. Standing in for a recorded server listens on a port;
// closing the stand-in pane (pane.close, what the pane's close button sends) stops the
// listening and closes its live connections, so the port is free again, and nothing of the
// stand-in answers on that pane id afterwards: a new pane listening on the same port with the
// same id is a plain server, not a second copy of the recorded one.
import net from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Endpoint, SessionSummary } from '../src/shared/contract'
import { sessionProbes } from './session-probes'
import { RawClient, RawServer, sleep, until } from './probe'

const { dir, probe, closers } = sessionProbes('replay-lifetime')

/** A client pane's 'ping' answered 'pong' by a raw server, recorded and saved. */
async function recordPingPong(path: string): Promise<void> {
  const srv = await RawServer.listen((s) => s.on('data', () => s.write('pong\n')))
  closers.push(() => srv.close())
  const rec = probe()
  await rec.ok({ type: 'tcpClient.connect', paneId: 'client', host: '127.0.0.1', port: srv.port })
  await rec.ok({ type: 'send', paneId: 'client', target: 1, payload: Buffer.from('ping\n') })
  await rec.untilBytes('client', 5)
  await rec.ok({ type: 'session.save', path })
}

/** Connects to 127.0.0.1:port: 'connected', or the error code. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port })
    s.once('connect', () => {
      s.destroy()
      resolve('connected')
    })
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)))
  })
}

/** Opens `saved` in `p` and stands in for its recorded server on a free port of pane 'standin'. */
async function standIn(p: ReturnType<typeof probe>, saved: string): Promise<number> {
  const s = await p.ok<SessionSummary>({ type: 'session.open', path: saved })
  const flow = s.flows.find((f) => f.paneId === 'client')!
  const { local } = await p.ok<{ local: Endpoint }>({
    type: 'replay.standin',
    sessionId: s.sessionId,
    flowId: flow.id,
    paneId: 'standin',
    host: '127.0.0.1',
    port: 0
  })
  return local.port
}

describe('a stand-in lives as long as its pane', () => {
  it('pane.close stops listening and closes its connections; the port takes a new listener, and the stand-in no longer answers there', async () => {
    const saved = join(dir, 'ping-pong.pcapng')
    await recordPingPong(saved)

    const p = probe()
    const port = await standIn(p, saved)

    // The stand-in answers a live client with the recorded answer.
    const c = await RawClient.connect(port)
    closers.push(() => c.close())
    let closedAt = false
    c.socket.once('close', () => (closedAt = true))
    await c.write('ping\n')
    expect((await c.untilReceived(5, 'the recorded answer')).toString()).toBe('pong\n')

    await p.ok({ type: 'pane.close', paneId: 'standin' })
    // Its live connection is closed, and nothing listens on the port any more.
    await until(() => closedAt, "the stand-in's connection to close")
    expect(await tryConnect(port)).toBe('ECONNREFUSED')

    // The same port takes a new listener: a plain server pane, with the same id.
    const again = await p.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'standin', host: '127.0.0.1', port })
    expect(again.local.port).toBe(port)
    const opensBefore = p.of('conn.open', 'standin').length
    const d = await RawClient.connect(port)
    closers.push(() => d.close())
    const open = await p.waitFor('conn.open', 'standin', (e) => p.of('conn.open', 'standin').indexOf(e) >= opensBefore)
    const tappedBefore = p.tapped('standin')
    await d.write('ping\n')
    await p.until(() => p.tapped('standin') >= tappedBefore + 5, 'the request at the new pane')
    // The new pane answers only what it is told to send: no recorded 'pong' from the closed stand-in.
    await p.ok({ type: 'send', paneId: 'standin', target: open.connId, payload: Buffer.from('live\n') })
    await d.untilReceived(5, "the new pane's answer")
    await sleep(400)
    expect(d.received().toString()).toBe('live\n')
  })
})

describe('a stand-in follows what happens, not what the screen has drawn', () => {
  it("answers a new client at once while the pane's screen is stalled behind an earlier client's traffic", async () => {
    const saved = join(dir, 'ping-pong-stalled.pcapng')
    await recordPingPong(saved)
    const p = probe({ display: { highWater: 1024, flushBytes: 1024 } })
    // A screen that draws nothing: whatever the pane shows waits.
    p.autoAck = false
    const port = await standIn(p, saved)
    // A first client fills the screen's queue (its bytes are not drawn, nor is what follows them).
    const first = await RawClient.connect(port)
    closers.push(() => first.close())
    await first.write(Buffer.alloc(2048, 0x2e))
    await p.waitFor('data', 'standin')
    await first.write(Buffer.alloc(8192, 0x2e))
    await p.until(() => p.tapped('standin') >= 10_240, "the first client's bytes")
    // A second client: its opening waits behind them on the screen, but the stand-in answers it.
    const second = await RawClient.connect(port)
    closers.push(() => second.close())
    await second.write('ping\n')
    expect((await second.untilReceived(5, 'the recorded answer')).toString()).toBe('pong\n')
    expect(p.of('conn.open', 'standin')).toHaveLength(1)
  })
})
