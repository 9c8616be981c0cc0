// Our panes against peers nobody here wrote: textbook python3 socket programs, socat and
// ncat. What the peer prints or writes to a file is what we assert on.
import { randomBytes } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Endpoint } from '../src/shared/contract'
import { bounded, closedPort, Peers, waitForOutput } from './peers'
import { Probe } from './probe'

const u8 = (s: string): Uint8Array => new TextEncoder().encode(s)

let probe: Probe
let peers: Peers
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'np-interop-'))
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  probe = new Probe()
  peers = new Peers()
})

afterEach(async () => {
  await peers.killAll()
  await bounded(probe.dispose(), 'engine dispose')
  expect(probe.schemaErrors).toEqual([])
})

const pyEchoServer = `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
conn, addr = s.accept()
while True:
    data = conn.recv(1024)
    if not data:
        break
    conn.sendall(data)
conn.close()
print('bye', flush=True)
`

const pyClient = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', int(sys.argv[1])))
print('local port', s.getsockname()[1], flush=True)
s.sendall(b'ping')
data = s.recv(1024)
print('received', data.decode(), flush=True)
s.close()
`

const pyUdpEcho = `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1], flush=True)
data, addr = s.recvfrom(2048)
print('from', addr[0], addr[1], data.decode(), flush=True)
s.sendto(b'ack ' + data, addr)
`

it('our client against a python echo server: hello comes back', async () => {
  const py = peers.python(pyEchoServer)
  const port = Number((await waitForOutput(py.stdout, /^(\d+)\n/, 'python port'))[1])
  const { connId } = await probe.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port })
  await probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: u8('hello') })
  expect((await probe.untilBytes('cli', 5)).toString()).toBe('hello')

  // Our FIN ends python's recv loop; it closes, and we see that as a clean close.
  await probe.ok({ type: 'conn.end', paneId: 'cli', connId })
  expect(await bounded(py.exited, 'python exit')).toBe(0)
  expect(py.stdout()).toMatch(/bye\n$/)
  expect(await probe.waitFor('conn.closed', 'cli')).toMatchObject({ how: 'close', bytesIn: 5, bytesOut: 5 })
})

it('a python client against our server: it sends ping, our pong is what it prints', async () => {
  const { local } = await probe.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
  const py = peers.python(pyClient, String(local.port))
  const pyPort = Number((await waitForOutput(py.stdout, /local port (\d+)\n/, 'python local port'))[1])
  const open = await probe.waitFor('conn.open', 'srv')
  expect(open.remote).toEqual({ address: '127.0.0.1', port: pyPort, family: 'IPv4' })
  expect((await probe.untilBytes('srv', 4)).toString()).toBe('ping')
  await probe.ok({ type: 'send', paneId: 'srv', target: open.connId, payload: u8('pong') })
  expect(await bounded(py.exited, 'python exit')).toBe(0)
  expect(py.stdout()).toBe(`local port ${pyPort}\nreceived pong\n`)
  await probe.waitFor('conn.halfClosed', 'srv', (e) => e.by === 'peer')
})

it('UDP with python sendto/recvfrom, both ways', async () => {
  const py = peers.python(pyUdpEcho)
  const pyPort = Number((await waitForOutput(py.stdout, /^(\d+)\n/, 'python port'))[1])
  const { local } = await probe.ok<{ local: Endpoint }>({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })
  await probe.ok({ type: 'send', paneId: 'u', target: { host: '127.0.0.1', port: pyPort }, payload: u8('datagram 1') })
  await waitForOutput(py.stdout, /from .*\n/, 'python recvfrom')
  expect(py.stdout()).toBe(`${pyPort}\nfrom 127.0.0.1 ${local.port} datagram 1\n`)
  await probe.until(() => probe.bytes('u').byteLength > 0, 'the answer')
  const rec = probe
    .of('data', 'u')
    .flatMap((e) => e.records)
    .find((r) => r.dir === 'in')
  expect(rec?.peer).toEqual({ address: '127.0.0.1', port: pyPort, family: 'IPv4' })
  expect(probe.text('u')).toBe('ack datagram 1')
  expect(await bounded(py.exited, 'python exit')).toBe(0)
})

it('socat streams 100 KiB of random bytes into our server pane: every byte, in order', async () => {
  const payload = randomBytes(100 * 1024)
  const file = join(dir, 'random.bin')
  writeFileSync(file, payload)
  const { local } = await probe.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
  const socat = peers.spawn('socat', ['-u', `OPEN:${file},rdonly`, `TCP:127.0.0.1:${local.port}`])
  const got = await probe.untilBytes('srv', payload.byteLength)
  expect(got.byteLength).toBe(payload.byteLength)
  expect(Buffer.compare(got, payload)).toBe(0)
  await probe.waitFor('conn.halfClosed', 'srv', (e) => e.by === 'peer')
  expect(await bounded(socat.exited, 'socat exit')).toBe(0)
})

it('our client pane sends 100 KiB to ncat -l, which writes every byte to a file', async () => {
  const payload = randomBytes(100 * 1024)
  const out = join(dir, 'ncat.out')
  const port = await closedPort()
  const fd = openSync(out, 'w')
  const ncat = peers.spawn('ncat', ['-v', '-l', '--recv-only', '127.0.0.1', String(port)], ['ignore', fd, 'pipe'])
  closeSync(fd)
  await waitForOutput(ncat.stderr, /Listening on 127\.0\.0\.1:\d+/, 'ncat listening')

  const { connId } = await probe.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port })
  for (let off = 0; off < payload.byteLength; off += 16 * 1024) {
    await probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: payload.subarray(off, off + 16 * 1024) })
  }
  await probe.ok({ type: 'conn.end', paneId: 'cli', connId })
  expect(await bounded(ncat.exited, 'ncat exit')).toBe(0)
  const written = readFileSync(out)
  expect(written.byteLength).toBe(payload.byteLength)
  expect(Buffer.compare(written, payload)).toBe(0)
  expect(await probe.waitFor('conn.closed', 'cli')).toMatchObject({ how: 'close', bytesOut: payload.byteLength })
})
