// TCP server and client panes over real loopback sockets: listen, accept, send to one or
// all, byte counters, half-close, graceful close, reset, stop, pane close.
import { describe, expect, it } from 'vitest'
import type { Endpoint } from '../src/shared/contract'
import { bounded } from './peers'
import { Probe, useProbe } from './probe'
import { TcpConnection } from '../src/main/engine/connection'

const u8 = (s: string): Uint8Array => new TextEncoder().encode(s)

interface Connected {
  connId: number
  local: Endpoint
  remote: Endpoint
}

let probe!: Probe
useProbe((p) => (probe = p), { statsIntervalMs: 20 })

async function listen(paneId: string, host = '127.0.0.1'): Promise<Endpoint> {
  const { local } = await probe.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId, host, port: 0 })
  return local
}

function connect(paneId: string, port: number, host = '127.0.0.1'): Promise<Connected> {
  return probe.ok<Connected>({ type: 'tcpClient.connect', paneId, host, port, timeoutMs: 3000 })
}

/** The server-side connection id of the connection a client pane made. */
async function serverConnFor(serverPane: string, client: Connected): Promise<number> {
  const open = await probe.waitFor('conn.open', serverPane, (e) => e.remote.port === client.local.port)
  return open.connId
}

describe('listen', () => {
  it('listens on port 0 and shows the real port it got (IPv4)', async () => {
    const local = await listen('srv')
    expect(local.address).toBe('127.0.0.1')
    expect(local.family).toBe('IPv4')
    expect(local.port).toBeGreaterThan(0)
    const state = await probe.waitFor('pane.state', 'srv', (e) => e.state === 'listening')
    expect(state.local).toEqual(local)
  })

  it('listens on ::1 and accepts an IPv6 client', async () => {
    const local = await listen('srv6', '::1')
    expect(local).toMatchObject({ address: '::1', family: 'IPv6' })
    expect(local.port).toBeGreaterThan(0)
    const cli = await connect('cli6', local.port, '::1')
    expect(cli.remote).toEqual({ address: '::1', port: local.port, family: 'IPv6' })
    const open = await probe.waitFor('conn.open', 'srv6')
    expect(open.remote).toEqual({ address: '::1', port: cli.local.port, family: 'IPv6' })
    await probe.ok({ type: 'send', paneId: 'cli6', target: cli.connId, payload: u8('over v6') })
    expect((await probe.untilBytes('srv6', 7)).toString()).toBe('over v6')
  })

  it('a second listen on the same pane is refused with ALREADY_RUNNING, and the server keeps working', async () => {
    const local = await listen('srv')
    const err = await probe.fails({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 }, 'ALREADY_RUNNING')
    expect(err.code).toBe('ALREADY_RUNNING')
    const cli = await connect('cli', local.port)
    expect(cli.remote.port).toBe(local.port)
  })

  it('stop shows the pane as idle, closes its connections, and a stopped server refuses clients; it can listen again', async () => {
    const local = await listen('srv')
    const cli = await connect('cli', local.port)
    const sid = await serverConnFor('srv', cli)
    await probe.ok({ type: 'pane.stop', paneId: 'srv' })
    await probe.waitFor('pane.state', 'srv', (e) => e.state === 'idle')
    await probe.waitFor('conn.closed', 'srv', (e) => e.connId === sid)
    // The client sees the server's FIN.
    await probe.waitFor('conn.halfClosed', 'cli', (e) => e.by === 'peer')
    const refused = await probe.fails({ type: 'tcpClient.connect', paneId: 'late', host: '127.0.0.1', port: local.port }, 'ECONNREFUSED')
    expect(refused.port).toBe(local.port)
    const again = await listen('srv')
    expect(again.port).toBeGreaterThan(0)
  })
})

describe('many clients', () => {
  it('accepts three clients, lists each with its peer address, sends to one and to all', async () => {
    const { port } = await listen('srv')
    const clients: Connected[] = []
    for (const id of ['c1', 'c2', 'c3']) clients.push(await connect(id, port))
    await probe.until(() => probe.of('conn.open', 'srv').length === 3, 'three accepted connections')
    const opens = probe.of('conn.open', 'srv')
    expect(new Set(opens.map((o) => o.connId)).size).toBe(3)
    for (const c of clients) {
      const open = opens.find((o) => o.remote.port === c.local.port)
      expect(open, `conn.open for client port ${c.local.port}`).toBeDefined()
      expect(open!.remote).toEqual({ address: '127.0.0.1', port: c.local.port, family: 'IPv4' })
      expect(open!.local.port).toBe(port)
    }

    // To one connection: only that client gets it.
    const to2 = await serverConnFor('srv', clients[1]!)
    expect(await probe.ok({ type: 'send', paneId: 'srv', target: to2, payload: u8('just you|') })).toEqual({ bytes: 9, connections: 1 })
    expect((await probe.untilBytes('c2', 9)).toString()).toBe('just you|')

    // To all: every client gets it.
    expect(await probe.ok({ type: 'send', paneId: 'srv', target: 'all', payload: u8('everyone') })).toEqual({ bytes: 8, connections: 3 })
    expect((await probe.untilBytes('c1', 8)).toString()).toBe('everyone')
    expect((await probe.untilBytes('c2', 17)).toString()).toBe('just you|everyone')
    expect((await probe.untilBytes('c3', 8)).toString()).toBe('everyone')
    // The server pane shows what it sent, per connection.
    expect(probe.text('srv', 'out', to2)).toBe('just you|everyone')
  })
})

describe('one connection', () => {
  it('client and server exchange bytes both ways, and both sides count them', async () => {
    const { port } = await listen('srv')
    const cli = await connect('cli', port)
    expect(cli.remote).toEqual({ address: '127.0.0.1', port, family: 'IPv4' })
    expect(await probe.waitFor('pane.state', 'cli', (e) => e.state === 'connected')).toMatchObject({ local: cli.local, remote: cli.remote })
    const sid = await serverConnFor('srv', cli)

    const binary = Uint8Array.from({ length: 256 }, (_, i) => i)
    await probe.ok({ type: 'send', paneId: 'cli', target: cli.connId, payload: u8('hello') })
    await probe.ok({ type: 'send', paneId: 'cli', target: 'all', payload: binary })
    await probe.ok({ type: 'send', paneId: 'srv', target: sid, payload: u8('world!') })
    const atServer = await probe.untilBytes('srv', 261)
    expect(atServer.subarray(0, 5).toString()).toBe('hello')
    expect(Buffer.compare(atServer.subarray(5), Buffer.from(binary))).toBe(0)
    expect((await probe.untilBytes('cli', 6)).toString()).toBe('world!')
    expect(probe.text('cli', 'out').slice(0, 5)).toBe('hello')

    await probe.waitFor('conn.stats', 'srv', (e) => e.stats.some((s) => s.connId === sid && s.bytesIn === 261 && s.bytesOut === 6))
    await probe.waitFor('conn.stats', 'cli', (e) => e.stats.some((s) => s.connId === cli.connId && s.bytesIn === 6 && s.bytesOut === 261))

    await probe.ok({ type: 'conn.close', paneId: 'cli', connId: cli.connId })
    await probe.waitFor('conn.halfClosed', 'srv', (e) => e.connId === sid && e.by === 'peer')
    await probe.ok({ type: 'conn.close', paneId: 'srv', connId: sid })
    const cliClosed = await probe.waitFor('conn.closed', 'cli')
    const srvClosed = await probe.waitFor('conn.closed', 'srv')
    expect(cliClosed).toMatchObject({ connId: cli.connId, how: 'close', bytesIn: 6, bytesOut: 261 })
    expect(srvClosed).toMatchObject({ connId: sid, how: 'close', bytesIn: 261, bytesOut: 6 })
    await probe.waitFor('pane.state', 'cli', (e) => e.state === 'idle')
  })

  it('half-close from the client: the server sees FIN from the peer and can still answer', async () => {
    const { port } = await listen('srv')
    const cli = await connect('cli', port)
    const sid = await serverConnFor('srv', cli)
    await probe.ok({ type: 'send', paneId: 'cli', target: cli.connId, payload: u8('request') })
    await probe.ok({ type: 'conn.end', paneId: 'cli', connId: cli.connId })
    await probe.waitFor('conn.halfClosed', 'cli', (e) => e.connId === cli.connId && e.by === 'local')
    await probe.waitFor('conn.halfClosed', 'srv', (e) => e.connId === sid && e.by === 'peer')
    expect((await probe.untilBytes('srv', 7)).toString()).toBe('request')

    await probe.ok({ type: 'send', paneId: 'srv', target: sid, payload: u8('response after FIN') })
    expect((await probe.untilBytes('cli', 18)).toString()).toBe('response after FIN')
    expect(probe.of('conn.closed')).toEqual([])

    // The server finishes too: both directions are done, both sides close cleanly.
    await probe.ok({ type: 'conn.end', paneId: 'srv', connId: sid })
    expect(await probe.waitFor('conn.closed', 'srv')).toMatchObject({ how: 'close', bytesIn: 7, bytesOut: 18 })
    expect(await probe.waitFor('conn.closed', 'cli')).toMatchObject({ how: 'close', bytesIn: 18, bytesOut: 7 })
    expect(probe.of('error')).toEqual([])
  })

  it('graceful close: closed "close" on both sides, no error', async () => {
    const { port } = await listen('srv')
    const cli = await connect('cli', port)
    const sid = await serverConnFor('srv', cli)
    await probe.ok({ type: 'send', paneId: 'cli', target: cli.connId, payload: u8('bye') })
    await probe.ok({ type: 'conn.close', paneId: 'cli', connId: cli.connId })
    expect(await probe.waitFor('conn.closed', 'cli')).toMatchObject({ connId: cli.connId, how: 'close', bytesOut: 3 })
    // Everything written before the close arrives, then the FIN.
    await probe.waitFor('conn.halfClosed', 'srv', (e) => e.by === 'peer')
    expect(probe.text('srv')).toBe('bye')
    await probe.ok({ type: 'conn.close', paneId: 'srv', connId: sid })
    expect(await probe.waitFor('conn.closed', 'srv')).toMatchObject({ connId: sid, how: 'close', bytesIn: 3 })
    expect(probe.of('error')).toEqual([])
  })

  it('reset: "reset" on our side; the peer gets an ECONNRESET error and closed "reset"', async () => {
    const { port } = await listen('srv')
    const cli = await connect('cli', port)
    const sid = await serverConnFor('srv', cli)
    await probe.ok({ type: 'conn.reset', paneId: 'cli', connId: cli.connId })
    expect(await probe.waitFor('conn.closed', 'cli')).toMatchObject({ connId: cli.connId, how: 'reset' })
    const err = await probe.waitFor('error', 'srv')
    expect(err.error).toMatchObject({ code: 'ECONNRESET', connId: sid })
    expect(await probe.waitFor('conn.closed', 'srv')).toMatchObject({ connId: sid, how: 'reset' })
    expect(probe.of('error', 'cli')).toEqual([])
  })

  it('pane.close closes the connection and the peer sees the FIN', async () => {
    const { port } = await listen('srv')
    const cli = await connect('cli', port)
    await probe.ok({ type: 'pane.close', paneId: 'cli' })
    expect(await probe.waitFor('conn.closed', 'cli')).toMatchObject({ connId: cli.connId, how: 'close' })
    await probe.waitFor('pane.state', 'cli', (e) => e.state === 'idle')
    await probe.waitFor('conn.halfClosed', 'srv', (e) => e.by === 'peer')
    expect(probe.engine.paneCount).toBe(1)
    // Closing the server pane too leaves nothing behind.
    await probe.ok({ type: 'pane.close', paneId: 'srv' })
    await probe.waitFor('pane.state', 'srv', (e) => e.state === 'idle')
    expect(probe.engine.paneCount).toBe(0)
  })

  it('send after close is answered with EPIPE / NO_CONNECTION / NOT_RUNNING, never a throw', async () => {
    const { port } = await listen('srv')
    const cli = await connect('cli', port)
    const sid = await serverConnFor('srv', cli)

    // After our own half-close the connection is closed for sending.
    await probe.ok({ type: 'conn.end', paneId: 'cli', connId: cli.connId })
    const epipe = await probe.fails({ type: 'send', paneId: 'cli', target: cli.connId, payload: u8('late') }, 'EPIPE')
    expect(epipe.connId).toBe(cli.connId)

    // After a close the connection is gone.
    await probe.ok({ type: 'conn.close', paneId: 'srv', connId: sid })
    await probe.waitFor('conn.closed', 'srv')
    await probe.fails({ type: 'send', paneId: 'srv', target: sid, payload: u8('late') }, ['NO_CONNECTION', 'EPIPE'])
    await probe.fails({ type: 'send', paneId: 'srv', target: 'all', payload: u8('late') }, 'NO_CONNECTION')
    await probe.waitFor('conn.closed', 'cli')
    await probe.fails({ type: 'send', paneId: 'cli', target: cli.connId, payload: u8('late') }, ['NO_CONNECTION', 'EPIPE'])
    await probe.fails({ type: 'conn.close', paneId: 'cli', connId: cli.connId }, 'NO_CONNECTION')

    // After the pane is closed there is nothing to send from.
    await probe.ok({ type: 'pane.close', paneId: 'cli' })
    await probe.fails({ type: 'send', paneId: 'cli', target: 'all', payload: u8('late') }, 'NOT_RUNNING')
  })
})

describe('closing never hangs', () => {
  it('pane.close and tcpServer.stop finish even when a peer never reads what was sent', async () => {
    TcpConnection.closeGraceMs = 300
    try {
      const net = await import('node:net')
      const local = await listen('srv')
      // A raw peer that connects and never reads: its receive window fills up.
      const peer = net.connect(local.port, '127.0.0.1')
      peer.pause()
      peer.on('error', () => {})
      const open = await probe.waitFor('conn.open', 'srv')
      const big = new Uint8Array(16 * 1024 * 1024)
      await probe.ok({ type: 'send', paneId: 'srv', target: open.connId, payload: big })
      await bounded(probe.ok({ type: 'pane.stop', paneId: 'srv' }), 'stop with a peer that never reads', 4000)
      const closed = await probe.waitFor('conn.closed', 'srv')
      expect(closed.bytesOut).toBe(big.byteLength)
      // The pane says it is idle only after its last connection is gone.
      const order = probe.events
        .filter((e) => 'paneId' in e && e.paneId === 'srv' && (e.type === 'conn.closed' || e.type === 'pane.state'))
        .map((e) => (e.type === 'pane.state' ? e.state : e.type))
      expect(order.slice(-2)).toEqual(['conn.closed', 'idle'])
      peer.destroy()
    } finally {
      TcpConnection.closeGraceMs = 2000
    }
  })
})
