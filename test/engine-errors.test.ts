// What a person sees when things go wrong: each failure comes back as { ok: false } with a
// code, arrives as an `error` event on the pane that caused it, and has a plain-language
// message in English and Chinese. Real loopback sockets where the kernel lets us provoke
// the failure; synthetic Node-style errors through toPaneError where it does not.
import net from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EngineError, toPaneError } from '../src/main/engine/errors'
import { errorCodes, type ErrorCode, type PaneError } from '../src/shared/contract'
import { en } from '../src/shared/i18n/en'
import { zh } from '../src/shared/i18n/zh'
import { errorMessage } from '../src/shared/i18n'
import { bounded, closedPort, Peers, waitForOutput } from './peers'
import { Probe } from './probe'

const u8 = (s: string): Uint8Array => new TextEncoder().encode(s)

let probe: Probe
let peers: Peers
const rawSockets: net.Socket[] = []
const rawServers: net.Server[] = []

beforeEach(() => {
  probe = new Probe()
  peers = new Peers()
})

afterEach(async () => {
  await bounded(probe.dispose(), 'engine dispose')
  for (const s of rawSockets.splice(0)) s.destroy()
  await Promise.all(rawServers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  await peers.killAll()
  expect(probe.schemaErrors).toEqual([])
})

/** A plain Node server (not the engine) that does `onConn` with each accepted socket. */
async function rawServer(onConn: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer((s) => {
    rawSockets.push(s)
    s.on('error', () => {})
    onConn(s)
  })
  rawServers.push(server)
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()))
  return (server.address() as net.AddressInfo).port
}

describe('provoked on loopback', () => {
  it('ECONNREFUSED: nothing listens on the port; the message names the target in both languages', async () => {
    const port = await closedPort()
    const err = await probe.fails({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port }, 'ECONNREFUSED')
    expect(err).toMatchObject({ code: 'ECONNREFUSED', op: 'connect', host: '127.0.0.1', port })
    expect(errorMessage('en', err)).toContain(`nothing is listening on 127.0.0.1:${port}`)
    expect(errorMessage('zh', err)).toContain(`127.0.0.1:${port}`)
    expect(errorMessage('zh', err)).toContain('连接被拒绝')
    // The pane went connecting -> idle, and can try again.
    expect(probe.of('pane.state', 'cli').map((e) => e.state)).toEqual(['connecting', 'idle'])
  })

  it('ECONNREFUSED on ::1 shows the address in brackets', async () => {
    const port = await closedPort('::1')
    const err = await probe.fails({ type: 'tcpClient.connect', paneId: 'cli', host: '::1', port }, 'ECONNREFUSED')
    expect(errorMessage('en', err)).toContain(`nothing is listening on [::1]:${port}`)
  })

  it('EADDRINUSE: a second pane listening on the same port gets the error, the first keeps listening', async () => {
    const { local } = await probe.ok<{ local: { port: number } }>({ type: 'tcpServer.listen', paneId: 'a', host: '127.0.0.1', port: 0 })
    const err = await probe.fails({ type: 'tcpServer.listen', paneId: 'b', host: '127.0.0.1', port: local.port }, 'EADDRINUSE')
    expect(err).toMatchObject({ op: 'listen', host: '127.0.0.1', port: local.port })
    expect(errorMessage('en', err)).toContain(`127.0.0.1:${local.port}`)
    expect(errorMessage('zh', err)).toContain(`127.0.0.1:${local.port}`)
    expect(probe.of('error', 'a')).toEqual([])
    expect(probe.of('pane.state', 'b')).toEqual([])
    // Pane a still accepts.
    await probe.ok({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port: local.port })
    await probe.waitFor('conn.open', 'a')
  })

  it('ENOTFOUND (or EAI_AGAIN without a resolver): the host does not resolve', async () => {
    // `.invalid` never resolves (RFC 6761). On this machine getaddrinfo answers ENOTFOUND at
    // once; a machine whose resolver is unreachable may answer EAI_AGAIN instead.
    const err = await probe.fails({ type: 'tcpClient.connect', paneId: 'cli', host: 'nonexistent.invalid', port: 80 }, ['ENOTFOUND', 'EAI_AGAIN'])
    expect(err.host).toBe('nonexistent.invalid')
    expect(errorMessage('en', err)).toContain('"nonexistent.invalid"')
    expect(errorMessage('zh', err)).toContain('nonexistent.invalid')
  })

  /** A port where a connect neither succeeds nor is refused: it just waits. */
  async function unansweringPort(): Promise<number> {
    // A listener with backlog 0 that never accepts: once its accept queue holds one
    // connection, Linux drops further SYNs, so a connect neither succeeds nor is refused.
    const py = peers.python(
      [
        'import socket, time',
        's = socket.socket(socket.AF_INET, socket.SOCK_STREAM)',
        "s.bind(('127.0.0.1', 0))",
        's.listen(0)',
        'print(s.getsockname()[1], flush=True)',
        'time.sleep(30)'
      ].join('\n')
    )
    const port = Number((await waitForOutput(py.stdout, /^(\d+)\n/, 'python port'))[1])
    // Fill the queue: connect until one connection stays pending.
    let pending = false
    for (let i = 0; i < 8 && !pending; i++) {
      const s = net.connect({ host: '127.0.0.1', port })
      rawSockets.push(s)
      s.on('error', () => {})
      pending = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(true), 300)
        s.once('connect', () => {
          clearTimeout(t)
          resolve(false)
        })
      })
    }
    expect(pending, 'the accept queue filled up').toBe(true)
    return port
  }

  it('ETIMEDOUT: a peer whose accept queue is full never completes the handshake', async () => {
    const port = await unansweringPort()

    const err = await probe.fails({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port, timeoutMs: 300 }, 'ETIMEDOUT')
    expect(err).toMatchObject({ op: 'connect', host: '127.0.0.1', port })
    expect(errorMessage('en', err)).toContain(`127.0.0.1:${port} did not answer in time`)
    expect(errorMessage('zh', err)).toContain(`127.0.0.1:${port}`)
    expect(probe.of('pane.state', 'cli').map((e) => e.state)).toEqual(['connecting', 'idle'])
  })

  it('closing a pane while it connects ends the connect at once, not at its timeout', async () => {
    const port = await unansweringPort()
    const pending = probe.cmd({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port, timeoutMs: 60_000 })
    await probe.until(() => probe.of('pane.state', 'cli').some((e) => e.state === 'connecting'), 'connecting')
    await probe.ok({ type: 'pane.close', paneId: 'cli' })
    const res = await bounded(pending, 'connect answered after pane.close', 3000)
    expect(res).toMatchObject({ ok: false, error: { code: 'NOT_RUNNING' } })
  })

  it('ECONNRESET: the peer aborts the connection', async () => {
    const port = await rawServer((s) => s.once('data', () => s.resetAndDestroy()))
    const cli = await probe.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port })
    await probe.ok({ type: 'send', paneId: 'cli', target: cli.connId, payload: u8('provoke') })
    const e = await probe.waitFor('error', 'cli')
    expect(e.error).toMatchObject({ code: 'ECONNRESET', op: 'read', connId: cli.connId, host: '127.0.0.1', port })
    expect(errorMessage('en', e.error)).toMatch(/reset by the peer/)
    expect(errorMessage('zh', e.error)).toMatch(/重置/)
    expect(await probe.waitFor('conn.closed', 'cli')).toMatchObject({ how: 'reset', bytesOut: 7 })
    await probe.waitFor('pane.state', 'cli', (s) => s.state === 'idle')
  })

  it('a peer that closed for good answers a write with RST: the pane shows the reset by the peer when it comes; only accepted bytes count', async () => {
    // The peer closes (FIN) with nothing unread, as the textbook's echo server does after its
    // answer. The next write is accepted by our kernel and answered with RST by the peer's.
    const port = await rawServer((s) => s.destroy())
    const cli = await probe.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port })
    await probe.waitFor('conn.halfClosed', 'cli', (e) => e.by === 'peer')
    await probe.ok({ type: 'send', paneId: 'cli', target: cli.connId, payload: u8('anyone there?') })
    // Without a second write: the reset is seen when it comes, not when the next write fails.
    expect(await probe.waitFor('conn.closed', 'cli')).toMatchObject({ how: 'reset', by: 'peer', bytesOut: 13 })
    const errors = probe.of('error', 'cli').map((e) => e.error)
    expect(errors).toEqual([expect.objectContaining({ code: 'ECONNRESET', op: 'read', connId: cli.connId })])
    expect(errorMessage('en', errors[0]!)).toMatch(/reset by the peer/)
    await probe.waitFor('pane.state', 'cli', (s) => s.state === 'idle')
    // The next send has no connection to go to; nothing of it is counted or recorded.
    const refused = await probe.fails({ type: 'send', paneId: 'cli', target: cli.connId, payload: u8('second!') }, 'NO_CONNECTION')
    expect(refused.connId).toBe(cli.connId)
    expect(probe.tapped('cli', 'out')).toBe(13)
  })

  it('two quick writes to a peer that closed for good: what the kernel refused is neither counted nor recorded, and one error says why', async () => {
    // Whether the RST is back before the second write decides if that write is refused (EPIPE) or
    // goes out too; either way the counts, the recording and the pane agree.
    const port = await rawServer((s) => s.destroy())
    const cli = await probe.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port })
    await probe.waitFor('conn.halfClosed', 'cli', (e) => e.by === 'peer')
    const r1 = await probe.cmd({ type: 'send', paneId: 'cli', target: cli.connId, payload: u8('one') })
    const r2 = await probe.cmd({ type: 'send', paneId: 'cli', target: cli.connId, payload: u8('two!') })
    expect(r1.ok).toBe(true)
    expect(r2.ok).toBe(true)
    const closed = await probe.waitFor('conn.closed', 'cli')
    expect(closed).toMatchObject({ how: 'reset', by: 'peer' })
    // 'one' went out; 'two!' went out only if the RST had not come back yet: never counted without being accepted.
    expect(probe.tapped('cli', 'out')).toBe(closed.bytesOut)
    expect([3, 7]).toContain(closed.bytesOut)
    const codes = probe.of('error', 'cli').map((e) => e.error.code)
    expect(codes.length).toBe(1)
    expect(['ECONNRESET', 'EPIPE']).toContain(codes[0])
    const epipe = probe.of('error', 'cli').find((e) => e.error.code === 'EPIPE')
    if (epipe) expect(errorMessage('en', epipe.error)).toMatch(/^Broken pipe/)
  })

  it('EACCES: a UDP datagram to the broadcast address without SO_BROADCAST is refused by the kernel', async () => {
    await probe.ok({ type: 'udp.bind', paneId: 'udp', host: '127.0.0.1', port: 0 })
    const r = await probe.cmd({ type: 'send', paneId: 'udp', target: { host: '255.255.255.255', port: 9 }, payload: u8('x') })
    // The send is queued before the kernel answers: the failure is the pane's error event.
    if (!r.ok) expect(r.error.code).toBe('EACCES')
    const e = await probe.waitFor('error', 'udp')
    expect(e.error).toMatchObject({ code: 'EACCES', op: 'send', host: '255.255.255.255', port: 9 })
    expect(errorMessage('en', e.error)).toBe(
      'Permission denied sending to 255.255.255.255:9: a broadcast address needs the broadcast option, and a firewall may also refuse.'
    )
    expect(errorMessage('zh', e.error)).toContain('255.255.255.255:9')
    // The socket stays bound and usable.
    expect(probe.of('pane.state', 'udp').at(-1)?.state).toBe('bound')
  })

  it('state errors: NOT_RUNNING, NO_CONNECTION, WRONG_PANE_KIND each land on their pane', async () => {
    await probe.fails({ type: 'send', paneId: 'ghost', target: 'all', payload: u8('x') }, 'NOT_RUNNING')
    await probe.fails({ type: 'pane.stop', paneId: 'ghost' }, 'NOT_RUNNING')
    await probe.ok({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
    await probe.fails({ type: 'send', paneId: 'srv', target: 'all', payload: u8('x') }, 'NO_CONNECTION')
    await probe.fails({ type: 'conn.reset', paneId: 'srv', connId: 7 }, 'NO_CONNECTION')
    const wrong = await probe.fails({ type: 'udp.bind', paneId: 'srv', host: '127.0.0.1', port: 0 }, 'WRONG_PANE_KIND')
    expect(wrong.reason).toEqual({ key: 'why.paneKind.tcp-server' })
    expect(errorMessage('en', wrong)).toBe('This pane cannot do that: it is a TCP server pane.')
    expect(errorMessage('zh', wrong)).toContain('TCP 服务器面板')
    await probe.fails({ type: 'send', paneId: 'srv', target: { host: '127.0.0.1', port: 9 }, payload: u8('x') }, 'WRONG_PANE_KIND')
    expect(new Set(probe.of('error').map((e) => e.paneId))).toEqual(new Set(['ghost', 'srv']))
  })
})

describe('mapped from Node errors (the forms the kernel gives elsewhere: privileged ports as non-root, no route)', () => {
  function nodeError(message: string, fields: Record<string, unknown>): Error {
    return Object.assign(new Error(message), fields)
  }

  it('EACCES from listen on a privileged port', () => {
    const err = toPaneError(
      nodeError('listen EACCES: permission denied 0.0.0.0:80', { code: 'EACCES', errno: -13, syscall: 'listen', address: '0.0.0.0', port: 80 }),
      { op: 'listen', host: '0.0.0.0', port: 80 }
    )
    expect(err).toEqual({ code: 'EACCES', op: 'listen', host: '0.0.0.0', port: 80, detail: 'listen EACCES: permission denied 0.0.0.0:80' })
    expect(errorMessage('en', err)).toBe('Permission denied for 0.0.0.0:80: ports below 1024 need administrator rights — use a port above 1024.')
    expect(errorMessage('zh', err)).toContain('0.0.0.0:80')
  })

  it('EHOSTUNREACH from connect, without context: taken from the error itself', () => {
    const err = toPaneError(nodeError('connect EHOSTUNREACH 10.9.8.7:22', { code: 'EHOSTUNREACH', syscall: 'connect', address: '10.9.8.7', port: 22 }))
    expect(err).toMatchObject({ code: 'EHOSTUNREACH', op: 'connect', host: '10.9.8.7', port: 22 })
    expect(errorMessage('en', err)).toBe('Host unreachable: there is no route to 10.9.8.7:22.')
    expect(errorMessage('zh', err)).toContain('10.9.8.7:22')
  })

  it('EPIPE from a write keeps the connection id', () => {
    const err = toPaneError(nodeError('write EPIPE', { code: 'EPIPE', syscall: 'write' }), { op: 'read', connId: 3, host: '::1', port: 9000 })
    expect(err).toEqual({ code: 'EPIPE', op: 'read', host: '::1', port: 9000, connId: 3, detail: 'write EPIPE' })
    expect(errorMessage('en', err)).toMatch(/^Broken pipe/)
  })

  it('other system codes of the catalog pass through; unknown ones become UNKNOWN with the raw message', () => {
    for (const code of ['ENETUNREACH', 'EADDRNOTAVAIL', 'EMSGSIZE', 'EINVAL', 'EAI_AGAIN'] as const) {
      expect(toPaneError(nodeError(`x ${code}`, { code })).code).toBe(code)
    }
    const odd = toPaneError(nodeError('something odd', { code: 'EWEIRD' }))
    expect(odd).toMatchObject({ code: 'UNKNOWN', detail: 'something odd' })
    expect(errorMessage('en', odd)).toBe('Unexpected error: something odd')
    expect(toPaneError(nodeError('Not running', { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' })).code).toBe('NOT_RUNNING')
    expect(toPaneError('a string was thrown')).toMatchObject({ code: 'UNKNOWN', detail: 'a string was thrown' })
    expect(toPaneError(null)).toMatchObject({ code: 'UNKNOWN', detail: 'null' })
  })

  it('an EngineError keeps its own code and detail over the context', () => {
    const err = toPaneError(new EngineError({ code: 'NO_CONNECTION', detail: 'connection #4', connId: 4 }), { op: 'send', connId: 9 })
    expect(err).toEqual({ op: 'send', code: 'NO_CONNECTION', detail: 'connection #4', connId: 4 })
  })
})

describe('message catalogs', () => {
  const sample = (code: ErrorCode): PaneError => ({ code, host: '127.0.0.1', port: 4242, detail: 'raw detail' })

  it.each(errorCodes)('%s has its own message in English and Chinese', (code) => {
    expect(en[`err.${code}`]).toBeTruthy()
    expect(zh[`err.${code}`]).toBeTruthy()
    expect(zh[`err.${code}`]).not.toBe(en[`err.${code}`])
    const enMsg = errorMessage('en', sample(code))
    const zhMsg = errorMessage('zh', sample(code))
    for (const m of [enMsg, zhMsg]) {
      expect(m).not.toMatch(/^err\./)
      expect(m, 'no placeholder left unfilled').not.toMatch(/\{\w+\}/)
    }
    expect(zhMsg).toMatch(/[\u4e00-\u9fff]/)
    // A message that names the target names the same one in both languages.
    if (en[`err.${code}`].includes('{target}')) {
      expect(enMsg).toContain('127.0.0.1:4242')
      expect(zhMsg).toContain('127.0.0.1:4242')
    }
  })

  it('every catalog key exists in both languages', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort())
  })
})
