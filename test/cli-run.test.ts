// The headless runner: `net-playground run ws.json --record out.pcapng` starts an exported
// workspace (a TCP server with a regex auto-reply, a UDP socket that echoes, a client that
// connects to a server of the test's and runs a sequence); python3, ncat and socat talk to it;
// SIGTERM stops it (exit 0) and out.pcapng holds every exchanged byte, sealed, and tshark reads
// it. Then the saved session starts again; and the mistakes: a file that is not JSON, a capture
// without a workspace, no panes, a port in use (said on its pane; exit 1, or at once with --strict).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../src/main/engine/engine'
import { withSessions } from '../src/main/session/service'
import { openSession, type Flow, type OpenSession } from '../src/main/session/reader'
import { readWorkspace, type SavedPane } from '../src/shared/workspace'
import type { PaneConfigInput } from '../src/shared/contract'
import { bounded, Peers, waitForOutput, type Peer } from './peers'
import { RawServer, RawUdp } from './probe'
import { LINKTYPE_ETHERNET, writeTcpdumpPcap } from './tcpdump-pcap'
import { requireTshark } from './tshark'

const binJs = resolve(__dirname, '../bin/net-playground.js')
const dir = mkdtempSync(join(tmpdir(), 'np-cli-run-'))
const peers = new Peers()
afterEach(() => peers.killAll())
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let target: RawServer
beforeAll(async () => {
  requireTshark()
  target = await RawServer.listen()
})
afterAll(() => target.close())

/** A pane as the app keeps it (the rest takes its defaults when the workspace is read). */
/** A saved pane as a file may hold it: its config as written (a file from before the connection settings has none). */
const pane = (p: Partial<Omit<SavedPane, 'config'>> & { config?: PaneConfigInput } & Pick<SavedPane, 'kind' | 'port'>): unknown => ({
  n: 1,
  host: '127.0.0.1',
  ...p
})

/** Writes the workspace the way the app's Export workspace… does: the engine's session.exportWorkspace. */
async function exportWorkspace(path: string, panes: unknown[]): Promise<void> {
  const engine = new Engine({ display: 'headless', sessions: withSessions({ record: false }) })
  try {
    await engine.call({ type: 'session.workspace', workspace: { version: 1, panes } })
    await engine.call({ type: 'session.exportWorkspace', path })
  } finally {
    await engine.dispose()
  }
}

const server = pane({
  kind: 'tcp-server',
  port: '0',
  config: {
    framing: { kind: 'raw' },
    transforms: [],
    autoReplies: [
      {
        enabled: true,
        match: { kind: 'regex', pattern: 'ping (\\w+)', flags: '' },
        reply: { kind: 'template', template: { text: 'pong $1\\n', mode: 'text', encoding: 'utf-8' } },
        delayMs: 0,
        once: false
      }
    ],
    maxInflateMiB: 4
  }
})
const udp = pane({
  kind: 'udp',
  port: '0',
  config: {
    framing: { kind: 'raw' },
    transforms: [],
    autoReplies: [{ enabled: true, match: { kind: 'any' }, reply: { kind: 'echo' }, delayMs: 0, once: false }],
    maxInflateMiB: 4
  }
})
const client = (port: number): unknown =>
  pane({
    kind: 'tcp-client',
    port: String(port),
    snippets: [
      { name: 'hello', text: 'hello\\n', mode: 'text', encoding: 'utf-8' },
      { name: 'bye', text: '62 79 65 0a', mode: 'hex', encoding: 'utf-8' }
    ],
    sequences: [
      {
        name: 'greet',
        steps: [
          { snippet: 'hello', delayMs: 0 },
          { snippet: 'bye', delayMs: 50 }
        ]
      }
    ]
  })

/** Starts the runner; resolves once it says it runs. */
async function startRunner(args: string[]): Promise<Peer> {
  const runner = peers.spawn(process.execPath, [binJs, 'run', ...args])
  await waitForOutput(runner.stdout, /^running \d+ pane\(s\)/m, 'the runner to say it runs', 10_000)
  return runner
}

const portIn = async (runner: Peer, re: RegExp, what: string): Promise<number> => Number((await waitForOutput(runner.stdout, re, what))[1])

/** A python3 client: sends its argument, prints the first line it gets back. */
const PY_CLIENT = String.raw`
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode())
print(s.makefile('rb').readline().decode(), end='', flush=True)
s.close()
`

async function stopWith(runner: Peer, signal: NodeJS.Signals): Promise<number | string> {
  runner.child.kill(signal)
  return bounded(runner.exited, `the runner to stop on ${signal}`, 10_000)
}

const stream = (s: OpenSession, f: Flow, d: 'in' | 'out'): string => Buffer.concat(f.chunks.filter((c) => c.dir === d).map((c) => s.readSync(c))).toString()

describe('net-playground run', () => {
  const ws = join(dir, 'ws.json')
  const out = join(dir, 'out.pcapng')

  it('starts an exported workspace; python3, ncat and socat talk to it; SIGTERM exits 0 and out.pcapng has every byte, sealed', async () => {
    await exportWorkspace(ws, [server, udp, client(target.port)])
    const runner = await startRunner([ws, '--record', out])
    const serverPort = await portIn(runner, /^TCP server pane 1: listening on 127\.0\.0\.1:(\d+)$/m, 'the server address')
    const udpPort = await portIn(runner, /^UDP pane 1: bound on 127\.0\.0\.1:(\d+)$/m, 'the UDP address')
    expect(runner.stdout()).toMatch(new RegExp(`^TCP client pane 1: connected 127\\.0\\.0\\.1:\\d+ → 127\\.0\\.0\\.1:${target.port}$`, 'm'))
    expect(runner.stdout()).toContain(`running 3 pane(s); recording, written to ${out} when stopped`)

    // The client's sequence arrives at the test's server, in order.
    expect((await target.untilReceived(10, "the client pane's sequence")).toString()).toBe('hello\nbye\n')
    await waitForOutput(runner.stdout, /^TCP client pane 1: sequence "greet" done: 2 step\(s\) sent$/m, 'the sequence to end')

    // python3 and ncat get the auto-reply.
    const py = peers.python(PY_CLIENT, String(serverPort), 'ping you\n')
    expect(await bounded(py.exited, 'the python3 client'), py.stderr()).toBe(0)
    expect(py.stdout()).toBe('pong you\n')
    const nc = peers.spawn('ncat', ['127.0.0.1', String(serverPort)], ['pipe', 'pipe', 'pipe'])
    nc.child.stdin!.end('ping ncat\n')
    await waitForOutput(nc.stdout, /pong ncat\n/, "ncat's answer")
    await waitForOutput(runner.stdout, /^TCP server pane 1: connection #2 opened with 127\.0\.0\.1:\d+ \(local 127\.0\.0\.1:\d+\)$/m, 'the second connection')

    // socat gets its datagram back from the UDP pane.
    const sc = peers.spawn('socat', ['-t', '5', '-', `UDP:127.0.0.1:${udpPort}`], ['pipe', 'pipe', 'pipe'])
    sc.child.stdin!.end('hello udp\n')
    await waitForOutput(sc.stdout, /hello udp\n/, "socat's echo")

    expect(await stopWith(runner, 'SIGTERM'), runner.stderr()).toBe(0)
    const said = runner.stdout()
    expect(said).toContain('stopping (SIGTERM)')
    expect(said).toMatch(/^TCP server pane 1: connection #1 closed \(closed\): 9 B in, 9 B out$/m)
    for (const name of ['TCP client pane 1', 'TCP server pane 1', 'UDP pane 1']) expect(said).toContain(`${name}: stopped`)
    expect(said).toMatch(new RegExp(`^saved the session to ${out.replace(/[.]/g, '\\.')} \\(\\d`, 'm'))
    expect(runner.stderr()).toBe('')

    const s = openSession(out)
    try {
      expect(s.index.kind).toBe('session')
      expect(s.index.interrupted).toBeUndefined()
      expect(s.index.truncated).toBeUndefined()
      const panes = readWorkspace(s.index.workspace).panes
      expect(panes.map((p) => [p.id, p.kind])).toEqual([
        ['p1', 'tcp-server'],
        ['p2', 'udp'],
        ['p3', 'tcp-client']
      ])
      // A port saved as 0 is written down as the one it got, as the app does.
      expect(panes.map((p) => p.port)).toEqual([String(serverPort), String(udpPort), String(target.port)])
      expect(panes[0]!.config.autoReplies).toHaveLength(1)
      const flows = s.index.flows
      const ofPane = (id: string): Flow[] => flows.filter((f) => f.paneId === id)
      const [py1, nc2] = ofPane('p1')
      expect([stream(s, py1!, 'in'), stream(s, py1!, 'out')]).toEqual(['ping you\n', 'pong you\n'])
      expect([stream(s, nc2!, 'in'), stream(s, nc2!, 'out')]).toEqual(['ping ncat\n', 'pong ncat\n'])
      expect([stream(s, ofPane('p2')[0]!, 'in'), stream(s, ofPane('p2')[0]!, 'out')]).toEqual(['hello udp\n', 'hello udp\n'])
      expect(stream(s, ofPane('p3')[0]!, 'out')).toBe('hello\nbye\n')
    } finally {
      s.close()
    }
    const tshark = spawnSync('tshark', ['-r', out, '-Y', 'udp || tcp.len > 0', '-T', 'fields', '-e', 'frame.len'], { encoding: 'utf8' })
    expect(tshark.status, tshark.stderr).toBe(0)
    // 2 + 2 TCP messages at the server, 2 datagrams, 2 sequence steps.
    expect(tshark.stdout.trim().split('\n')).toHaveLength(8)
  })

  it("starts a saved session's workspace again: the server on its recorded port, the client's sequence once more", async () => {
    const recorded = readWorkspace(
      (() => {
        const s = openSession(out)
        const w = s.index.workspace
        s.close()
        return w
      })()
    )
    const before = target.received().byteLength
    const runner = await startRunner([out])
    expect(runner.stdout()).toContain(`TCP server pane 1: listening on 127.0.0.1:${recorded.panes[0]!.port}`)
    await waitForOutput(runner.stdout, /^TCP client pane 1: sequence "greet" done/m, 'the sequence to run again')
    expect(target.sockets).toHaveLength(2)
    expect(target.received(target.sockets[1]).toString()).toBe('hello\nbye\n')
    expect(target.received().byteLength).toBe(before)
    // Without --record, nothing is written, and a clean stop is 0 on SIGINT too.
    expect(await stopWith(runner, 'SIGINT')).toBe(0)
    expect(runner.stdout()).not.toContain('saved the session')
  })
})

describe('net-playground run: UDP sequences', () => {
  it("a UDP pane's sequence goes to its saved destination, or, with none, to its pair's other socket (peerPort); a sequence that cannot run is said and makes exit 1", async () => {
    const raw = await RawUdp.bind()
    try {
      const ws = join(dir, 'udp.json')
      const snippets: SavedPane['snippets'] = [{ name: 'one', text: 'one', mode: 'text', encoding: 'utf-8' }]
      const steps = [{ snippet: 'one', delayMs: 0 }]
      await exportWorkspace(ws, [
        pane({
          kind: 'udp',
          port: '0',
          composer: { udpHost: '127.0.0.1', udpPort: String(raw.port) } as SavedPane['composer'],
          snippets,
          sequences: [{ name: 'to-dest', steps }]
        }),
        pane({
          kind: 'udp',
          n: 2,
          port: '0',
          peerPort: String(raw.port),
          snippets,
          sequences: [
            { name: 'to-peer', steps },
            { name: 'gone', steps: [{ snippet: 'two', delayMs: 0 }] }
          ]
        })
      ])
      const runner = await startRunner([ws])
      const a = await portIn(runner, /^UDP pane 1: bound on 127\.0\.0\.1:(\d+)$/m, 'the first UDP pane')
      const b = await portIn(runner, /^UDP pane 2: bound on 127\.0\.0\.1:(\d+)$/m, 'the second UDP pane')
      await raw.untilDatagrams(2)
      expect(raw.datagrams.map((d) => [d.port, d.data.toString()]).sort()).toEqual(
        [
          [a, 'one'],
          [b, 'one']
        ].sort()
      )
      await waitForOutput(
        runner.stdout,
        /^UDP pane 2: sequence "gone" not run: Step 1: there is no snippet named two any more$/m,
        'the sequence that cannot run'
      )
      expect(runner.stdout()).toContain(`UDP pane 1: sequence "to-dest" started: 1 step(s) to 127.0.0.1:${raw.port}`)
      expect(runner.stdout()).toContain(`UDP pane 2: sequence "to-peer" done: 1 step(s) sent`)
      expect(await stopWith(runner, 'SIGTERM')).toBe(1)
    } finally {
      await raw.close()
    }
  })
})

describe('net-playground run: mistakes', () => {
  it('exits 2 with a clear message for a file that is not JSON, a missing file, no panes, a capture, a bad --record', async () => {
    const run = async (args: string[]): Promise<{ code: number | string; stderr: string; stdout: string }> => {
      const p = peers.spawn(process.execPath, [binJs, 'run', ...args])
      const code = await bounded(p.exited, `run ${args.join(' ')}`, 10_000)
      return { code, stderr: p.stderr(), stdout: p.stdout() }
    }
    const text = join(dir, 'notes.json')
    writeFileSync(text, 'panes: a TCP server\n')
    const notJson = await run([text])
    expect(notJson.code).toBe(2)
    expect(notJson.stderr).toContain(`${text} is not a workspace: it is not JSON (`)
    expect(notJson.stdout).toBe('')

    const missing = await run([join(dir, 'nope.json')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`No such file: ${join(dir, 'nope.json')}`)

    const empty = join(dir, 'empty.json')
    writeFileSync(empty, JSON.stringify({ version: 1, panes: [] }))
    expect(await run([empty])).toMatchObject({ code: 2, stderr: `${empty}: this workspace file has no panes to start\n` })
    const odd = join(dir, 'odd.json')
    writeFileSync(odd, JSON.stringify({ panes: [{ kind: 'tcp-serv', port: 0 }] }))
    expect((await run([odd])).stderr).toContain('none of its 1 pane(s) can be started (each needs a kind: tcp-server, tcp-client or udp)')

    const capture = join(dir, 'tcpdump.pcap')
    const t = 1_750_000_000_000_000_000n
    writeTcpdumpPcap(capture, LINKTYPE_ETHERNET, [
      {
        proto: 'udp',
        client: { address: '10.0.0.1', port: 5000 },
        server: { address: '10.0.0.2', port: 53 },
        seen: [{ from: 'client', tNs: t, bytes: Buffer.from('q') }]
      }
    ])
    const cap = await run([capture])
    expect(cap.code).toBe(2)
    expect(cap.stderr).toContain(`${capture} is a capture (pcap) with no workspace: there are no panes to start.`)

    const noFolder = await run([empty, '--record', join(dir, 'no-such-folder', 'out.pcapng')])
    expect(noFolder.code).toBe(2)
    expect(noFolder.stderr).toContain(`cannot write in ${join(dir, 'no-such-folder')}`)
    const usage = await run([])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('net-playground run <workspace.json|session.pcapng> [--record FILE]')
  })

  it('a port in use: that pane says why and the others run (exit 1 when stopped); --strict stops at once; --verbose counts bytes', async () => {
    const taken = net.createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()))
    try {
      const busy = (taken.address() as net.AddressInfo).port
      const ws = join(dir, 'busy.json')
      await exportWorkspace(ws, [pane({ kind: 'tcp-server', port: String(busy) }), { ...(server as object), n: 2 }])
      const runner = await startRunner([ws, '--verbose'])
      const said = runner.stdout()
      expect(said).toContain(`TCP server pane 1: not started: Address in use: another socket is already bound to 127.0.0.1:${busy}`)
      expect(said).toContain('running 1 pane(s) (1 did not start)')
      const port = await portIn(runner, /^TCP server pane 2: listening on 127\.0\.0\.1:(\d+)$/m, 'the second server')
      const py = peers.python(PY_CLIENT, String(port), 'ping verbose\n')
      expect(await bounded(py.exited, 'the python3 client'), py.stderr()).toBe(0)
      expect(py.stdout()).toBe('pong verbose\n')
      await waitForOutput(runner.stdout, /^TCP server pane 2: #1 out 13 B$/m, 'the verbose line of the answer')
      expect(runner.stdout()).toMatch(/^TCP server pane 2: #1 in 13 B$/m)
      expect(await stopWith(runner, 'SIGTERM')).toBe(1)

      const strict = peers.spawn(process.execPath, [binJs, 'run', ws, '--strict'])
      expect(await bounded(strict.exited, 'the runner to stop by itself with --strict', 10_000)).toBe(1)
      expect(strict.stdout()).toContain('stopping (--strict: a pane did not start)')
      expect(strict.stdout()).toContain('TCP server pane 2: stopped')
    } finally {
      await new Promise<void>((r) => taken.close(() => r()))
    }
  })
})
