// The command line: `net-playground replay <file> --target host:port [--check]` against live
// python3 servers (exit 0 when every answer matches, 1 with a readable diff when one does not
// or when the server closes early, 2 for a missing file, a file that is no capture, a bad
// --target, 3 when the live peer cannot be reached or the stand-in's port is taken); `--speed X`
// alone replays at scaled timing; a UDP flow; and `--side server`, playing the recorded server
// to one python3 client and checking its requests.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Endpoint } from '../src/shared/contract'
import { SessionWriter } from '../src/main/session/writer'
import { bounded, closedPort, Peers, python3, waitForOutput } from './peers'
import { pythonLineServer } from './python-servers'

const cliJs = resolve(__dirname, '../out/main/cli.js')
const binJs = resolve(__dirname, '../bin/net-playground.js')
const dir = mkdtempSync(join(tmpdir(), 'np-cli-replay-'))
const peers = new Peers()
afterEach(() => peers.killAll())
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' })
const requests = ['one\n', 'two\n', 'three\n']
const answers = ['ok one\n', 'ok two\n', 'ok three\n']
const session = join(dir, 'conversation.pcapng')
const gapped = join(dir, 'gapped.pcapng')
const udpSession = join(dir, 'datagrams.pcapng')
const GAP_MS = 300

beforeAll(() => {
  if (!existsSync(cliJs)) throw new Error(`${cliJs} is missing: build first (npx electron-vite build, or npm test which builds before the unit tests)`)
  // A client pane's conversation: each request, then its answer.
  const w = SessionWriter.open(session)
  let t = 1_750_000_000_000_000_000n
  w.workspace({ panes: ['client'] }, t)
  w.connOpen({ paneId: 'client', connId: 1, local: v4('127.0.0.1', 40100), remote: v4('127.0.0.1', 7000), initiator: 'local', tNs: (t += 1000n) })
  requests.forEach((q, i) => {
    w.chunk({ paneId: 'client', connId: 1, dir: 'out', tNs: (t += 1_000_000n), bytes: Buffer.from(q) })
    w.chunk({ paneId: 'client', connId: 1, dir: 'in', tNs: (t += 1_000_000n), bytes: Buffer.from(answers[i]!) })
  })
  w.close({ paneId: 'client', connId: 1, how: 'close', tNs: (t += 1000n) })
  w.close()

  // The same requests with GAP_MS between the first and the second.
  const g = SessionWriter.open(gapped)
  t = 1_750_000_000_000_000_000n
  g.connOpen({ paneId: 'client', connId: 1, local: v4('127.0.0.1', 40100), remote: v4('127.0.0.1', 7000), initiator: 'local', tNs: t })
  requests.slice(0, 2).forEach((q, i) => {
    g.chunk({ paneId: 'client', connId: 1, dir: 'out', tNs: t + BigInt(i * GAP_MS + 1) * 1_000_000n, bytes: Buffer.from(q) })
    g.chunk({ paneId: 'client', connId: 1, dir: 'in', tNs: t + BigInt(i * GAP_MS + 2) * 1_000_000n, bytes: Buffer.from(answers[i]!) })
  })
  g.close()

  // A UDP pane's datagrams to a server: each request, then its answer.
  const u = SessionWriter.open(udpSession)
  t = 1_750_000_000_000_000_000n
  requests.forEach((q, i) => {
    u.chunk({ paneId: 'udp', connId: 0, dir: 'out', tNs: (t += 1_000_000n), bytes: Buffer.from(q), peer: v4('127.0.0.1', 7001) })
    u.chunk({ paneId: 'udp', connId: 0, dir: 'in', tNs: (t += 1_000_000n), bytes: Buffer.from(answers[i]!), peer: v4('127.0.0.1', 7001) })
  })
  u.close()
})

/** Sends each request, reads its answer line, prints them as JSON, then closes. */
const CLIENT = String.raw`
import json, socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)
f = s.makefile('rb')
got = []
for r in json.loads(sys.argv[2]):
    s.sendall(r.encode())
    got.append(f.readline().decode())
print(json.dumps(got), flush=True)
f.close()
s.close()
`

/** 'ok <datagram>' for every datagram. */
const UDP_SERVER = String.raw`
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1], flush=True)
while True:
    d, a = s.recvfrom(65535)
    s.sendto(b'ok ' + d, a)
`

const server = (mode: 'same' | 'odd' | 'close'): Promise<number> => pythonLineServer(peers, mode)

async function run(args: string[], script = cliJs): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const peer = peers.spawn(process.execPath, [script, ...args])
  const code = await bounded(peer.exited, `net-playground ${args.join(' ')}`, 15_000)
  return { code, stdout: peer.stdout(), stderr: peer.stderr() }
}

describe('net-playground replay (client side)', () => {
  it('exits 0 when a server answers as recorded', async () => {
    const port = await server('same')
    const r = await run(['replay', session, '--target', `127.0.0.1:${port}`, '--check'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`replaying flow 0 (TCP) of ${session} against 127.0.0.1:${port}`)
    expect(r.stdout).toMatch(/exchange 1: same \(7 bytes\)\n\s+exchange 2: same \(7 bytes\)\n\s+exchange 3: same \(9 bytes\)/)
    expect(r.stdout).toContain('all 3 answers match the recording')
    expect(r.stderr).toBe('')
  })

  it('works the same through bin/net-playground.js, with --check anywhere on the line', async () => {
    const port = await server('same')
    const r = await run(['replay', '--check', session, '--target', `127.0.0.1:${port}`], binJs)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('all 3 answers match the recording')
  })

  it('exits 1 with a readable diff (each differing range, hex and ASCII) when an answer differs', async () => {
    const port = await server('odd')
    const r = await run(['replay', session, '--target', `127.0.0.1:${port}`, '--check'])
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toContain('exchange 1: same')
    expect(r.stdout).toContain('exchange 2: answer differs at byte 3 (recorded 7 bytes, live 7 bytes)')
    expect(r.stdout).toContain(['    at byte 3 (0x3), 3 B differ:', '      recorded: 74 77 6f  |two|', '      live:     54 57 4f  |TWO|'].join('\n'))
    expect(r.stdout).toContain('exchange 3: same')
    expect(r.stdout).toContain('1 of 3 answers differ from the recording')
    // Without --check, a completed replay exits 0 (the diff is still shown).
    const plain = await run(['replay', session, '--target', `127.0.0.1:${port}`])
    expect(plain.code).toBe(0)
    expect(plain.stdout).toContain('answer differs at byte 3')
  })

  it('exits 2 with a clear message for a missing file, a file that is not a capture, a bad --target', async () => {
    const missing = await run(['replay', join(dir, 'nope.pcapng'), '--target', '127.0.0.1:9', '--check'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`No such file: ${join(dir, 'nope.pcapng')} Check the folder and the file name.`)

    const text = join(dir, 'notes.txt')
    writeFileSync(text, 'hello, this is text\n')
    const notCapture = await run(['replay', text, '--target', '127.0.0.1:9', '--check'])
    expect(notCapture.code).toBe(2)
    expect(notCapture.stderr).toContain(`Cannot open this session: ${text} This is not a session or capture file: it begins with the bytes 68 65 6c 6c`)

    mkdirSync(join(dir, 'folder.pcapng'), { recursive: true })
    const folder = await run(['replay', join(dir, 'folder.pcapng'), '--target', '127.0.0.1:9'])
    expect(folder.code).toBe(2)
    expect(folder.stderr).toMatch(/is a folder, not a session or capture file/)

    for (const target of ['nonsense', '127.0.0.1:99999', '127.0.0.1:']) {
      const bad = await run(['replay', session, '--target', target, '--check'])
      expect(bad.code, target).toBe(2)
      expect(bad.stderr, target).toContain('--target must be host:port')
    }
    const none = await run(['replay', session, '--check'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('--target must be host:port')
    const usage = await run(['play', session])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('usage: net-playground replay <file>')
  })

  it('exits 3 (the live peer could not be reached, not bad usage) and says so when nothing listens at the target', async () => {
    const port = await closedPort()
    const r = await run(['replay', session, '--target', `127.0.0.1:${port}`, '--check'])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`Connection refused: nothing is listening on 127.0.0.1:${port}`)
    // Said once.
    expect(r.stderr.split('Connection refused').length).toBe(2)
    // Without --check too: the replay did not happen.
    expect((await run(['replay', session, '--target', `127.0.0.1:${port}`])).code).toBe(3)
  })
})

describe('net-playground replay: timing, early close, UDP', () => {
  it('--speed alone means scaled timing: at 0.5× the second request comes no earlier than twice the recorded gap', async () => {
    const arrivals: number[] = []
    const srv = net.createServer((sock) => {
      const accepted = performance.now()
      sock.on('error', () => {})
      sock.setEncoding('utf8')
      sock.on('data', (d: string) => {
        for (const line of d.split('\n').filter(Boolean)) {
          arrivals.push(performance.now() - accepted)
          sock.write(`ok ${line}\n`)
        }
      })
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
    try {
      const port = (srv.address() as net.AddressInfo).port
      const r = await run(['replay', gapped, '--target', `127.0.0.1:${port}`, '--speed', '0.5', '--check'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('all 2 answers match the recording')
      expect(arrivals.length).toBe(2)
      expect(arrivals[1]!).toBeGreaterThanOrEqual(2 * (GAP_MS + 1) - 20)
    } finally {
      await new Promise<void>((r) => srv.close(() => r()))
    }
  })

  it('a server that closes after the first answer: exit 1, and it says the peer closed early', async () => {
    const port = await server('close')
    const r = await run(['replay', session, '--target', `127.0.0.1:${port}`, '--check'])
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toContain('exchange 1: same')
    expect(r.stdout).toContain('the peer closed the connection early, after exchange 1 of 3')
    expect(r.stdout).toContain('2 of 3 answers differ from the recording')
  })

  it('a UDP flow replays against a python3 UDP server, datagram by datagram', async () => {
    const peer = peers.python(UDP_SERVER)
    const udpPort = Number((await waitForOutput(peer.stdout, /^(\d+)\n/, 'the python3 UDP server port'))[1])
    const r = await run(['replay', udpSession, '--target', `127.0.0.1:${udpPort}`, '--check'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`replaying flow 0 (UDP) of ${udpSession} against 127.0.0.1:${udpPort}`)
    expect(r.stdout).toMatch(
      /exchange 1, datagram 1: same \(7 bytes\)\n\s+exchange 2, datagram 1: same \(7 bytes\)\n\s+exchange 3, datagram 1: same \(9 bytes\)/
    )
    expect(r.stdout).toContain('all 3 answers match the recording')
  })
})

describe('net-playground replay --side server', () => {
  it('exits 3 and says why when the --target port is taken', async () => {
    const taken = net.createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()))
    try {
      const port = (taken.address() as net.AddressInfo).port
      const r = await run(['replay', session, '--side', 'server', '--target', `127.0.0.1:${port}`, '--check'])
      expect(r.code).toBe(3)
      expect(r.stderr).toContain(`Address in use: another socket is already bound to 127.0.0.1:${port}`)
    } finally {
      await new Promise<void>((r) => taken.close(() => r()))
    }
  })

  it('exits 1 with --check and a readable diff when the live client sends a different request', async () => {
    const cli = peers.spawn(process.execPath, [cliJs, 'replay', session, '--side', 'server', '--target', '127.0.0.1:0', '--check'])
    const port = Number((await waitForOutput(cli.stdout, /standing in for the recorded server on 127\.0\.0\.1:(\d+)/, 'the stand-in port'))[1])
    const client = peers.spawn(python3, ['-u', '-c', CLIENT, String(port), JSON.stringify(['one\n', 'TWO\n', 'three\n'])])
    expect(await bounded(client.exited, 'the python3 client', 10_000), client.stderr()).toBe(0)
    expect(JSON.parse(client.stdout()) as string[]).toEqual(answers)
    expect(await bounded(cli.exited, 'the CLI to exit after the client closed', 10_000), cli.stderr()).toBe(1)
    const out = cli.stdout()
    expect(out).toContain('exchange 1: same (4 bytes)')
    expect(out).toContain('exchange 2: request differs at byte 0 (recorded 4 bytes, live 4 bytes)')
    expect(out).toContain(['    at byte 0 (0x0), 3 B differ:', '      recorded: 74 77 6f  |two|', '      live:     54 57 4f  |TWO|'].join('\n'))
    expect(out).toContain('1 of 3 requests differ from the recording')
  })

  it('prints the port it stands in on, gives a python3 client the recorded answers, exits 0 with --check when its requests match', async () => {
    const cli = peers.spawn(process.execPath, [cliJs, 'replay', session, '--side', 'server', '--target', '127.0.0.1:0', '--check'])
    const port = Number((await waitForOutput(cli.stdout, /standing in for the recorded server on 127\.0\.0\.1:(\d+)/, 'the stand-in port'))[1])
    expect(port).toBeGreaterThan(0)
    const client = peers.spawn(python3, ['-u', '-c', CLIENT, String(port), JSON.stringify(requests)])
    expect(await bounded(client.exited, 'the python3 client', 10_000), client.stderr()).toBe(0)
    expect(JSON.parse(client.stdout()) as string[]).toEqual(answers)
    expect(await bounded(cli.exited, 'the CLI to exit after the client closed', 10_000), cli.stderr()).toBe(0)
    expect(cli.stdout()).toContain('all 3 requests match the recording')
  })
})
