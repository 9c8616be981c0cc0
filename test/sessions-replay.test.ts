// Replay against live peers. A client pane's conversation with a python3 server (each line
// answered with 'ok <line>') is recorded through the engine, saved and opened; re-sent
// against a fresh server it matches exchange by exchange, against a server that answers one
// request differently it shows where; standing in for the server, it answers a raw client
// with the recorded answers. A real loopback capture (dumpcap, where it can capture) and the
// same exchange written as tcpdump writes it (classic pcap) replay the same way.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Endpoint, EngineEvent, SessionSummary } from '../src/shared/contract'
import { withSessions } from '../src/main/session/service'
import { openSession } from '../src/main/session/reader'
import { bounded, lineServer as nodeLineServer, Peers } from './peers'
import { pythonLineServer } from './python-servers'
import { startCapture, type Capture } from './dumpcap'
import { Probe, RawClient } from './probe'
import { epochNs, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, writeTcpdumpPcap, type Seen } from './tcpdump-pcap'

const dir = mkdtempSync(join(tmpdir(), 'np-sessions-replay-'))
const peers = new Peers()
const probes: Probe[] = []
let capture: Capture | null = null

afterEach(async () => {
  await peers.killAll()
  await Promise.all(probes.splice(0).map((p) => p.dispose()))
  await capture?.stop()
  capture = null
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The python3 line server: 'ok <line>' for every line ('odd': 'two' gets 'ok TWO'). */
const lineServer = (mode: 'same' | 'odd'): Promise<number> => pythonLineServer(peers, mode)

function probe(): Probe {
  const p = new Probe({ sessions: withSessions({ dir: join(dir, 'sessions') }) })
  probes.push(p)
  return p
}

const requests = ['one\n', 'two\n', 'three\n'].map((s) => Buffer.from(s))
const answers = ['ok one\n', 'ok two\n', 'ok three\n'].map((s) => Buffer.from(s))
const saved = join(dir, 'conversation.pcapng')

type Diff = Extract<EngineEvent, { type: 'replay.diff' }>
type Done = Extract<EngineEvent, { type: 'replay.done' }>

/** Opens the file in a fresh engine and re-sends the client side of `flow` to 127.0.0.1:port. */
async function resend(path: string, pick: (f: SessionSummary['flows'][number]) => boolean, port: number): Promise<{ diffs: Diff[]; done: Done; p: Probe }> {
  const p = probe()
  const s = await p.ok<SessionSummary>({ type: 'session.open', path })
  const flow = s.flows.find(pick)
  expect(flow, `a flow to replay in ${path}`).toBeDefined()
  const r = await p.ok<{ connId: number }>({ type: 'replay.resend', sessionId: s.sessionId, flowId: flow!.id, paneId: 'replay', host: '127.0.0.1', port })
  expect(r.connId).toBe(1)
  const done = await p.waitFor('replay.done', 'replay', () => true, 15_000)
  expect(p.schemaErrors).toEqual([])
  return { diffs: p.of('replay.diff', 'replay'), done, p }
}

describe('replay of a recorded conversation', () => {
  beforeAll(async () => {
    const rec = new Probe({ sessions: withSessions({ dir: join(dir, 'sessions') }) })
    try {
      const port = await lineServer('same')
      await rec.ok({ type: 'tcpClient.connect', paneId: 'client', host: '127.0.0.1', port })
      let want = 0
      for (const [i, req] of requests.entries()) {
        await rec.ok({ type: 'send', paneId: 'client', target: 1, payload: req })
        want += answers[i]!.length
        await rec.until(() => rec.tapped('client') >= want, `answer ${i + 1} from the python3 server`)
      }
      expect(Buffer.concat(rec.taps.filter((t) => t.paneId === 'client' && t.dir === 'in').map((t) => t.bytes)).equals(Buffer.concat(answers))).toBe(true)
      await rec.ok({ type: 'conn.close', paneId: 'client', connId: 1 })
      await rec.waitFor('conn.closed', 'client')
      await rec.ok({ type: 'session.save', path: saved })
    } finally {
      await rec.dispose()
      await peers.killAll()
    }
  })

  it('re-sent against a server that answers the same: every exchange matches', async () => {
    const port = await lineServer('same')
    const { diffs, done } = await resend(saved, (f) => f.paneId === 'client', port)
    expect(done).toMatchObject({ exchanges: 3, differing: 0 })
    expect(done.error).toBeUndefined()
    expect(diffs.map((d) => [d.exchange, d.same, d.firstDiff])).toEqual([
      [1, true, -1],
      [2, true, -1],
      [3, true, -1]
    ])
    diffs.forEach((d, i) => {
      expect(Buffer.from(d.expected).equals(answers[i]!)).toBe(true)
      expect(Buffer.from(d.actual!).equals(answers[i]!)).toBe(true)
      expect([d.expectedLen, d.actualLen]).toEqual([answers[i]!.length, answers[i]!.length])
    })
  })

  it('re-sent against a server that answers one request differently: that exchange differs, at the right byte', async () => {
    const port = await lineServer('odd')
    const { diffs, done } = await resend(saved, (f) => f.paneId === 'client', port)
    expect(done).toMatchObject({ exchanges: 3, differing: 1 })
    expect(diffs.map((d) => d.same)).toEqual([true, false, true])
    const d = diffs[1]!
    expect(d).toMatchObject({ exchange: 2, same: false, firstDiff: 3, expectedLen: 7, actualLen: 7 })
    expect(Buffer.from(d.expected).toString()).toBe('ok two\n')
    expect(Buffer.from(d.actual!).toString()).toBe('ok TWO\n')
  })

  it("the live answers are recorded too: saved after a re-send, the replay pane's flow holds the live bytes", async () => {
    const port = await lineServer('odd')
    const { done, p } = await resend(saved, (f) => f.paneId === 'client', port)
    expect(done).toMatchObject({ exchanges: 3, differing: 1 })
    const again = join(dir, 'after-replay.pcapng')
    await p.ok({ type: 'session.save', path: again })
    const file = openSession(again)
    try {
      const flow = file.index.flows.find((f) => f.paneId === 'replay')
      expect(flow, "the replay pane's flow in the saved file").toBeDefined()
      const bytes = (dir: 'in' | 'out'): string => Buffer.concat(flow!.chunks.filter((c) => c.dir === dir).map((c) => file.readSync(c))).toString()
      expect(bytes('in')).toBe('ok one\nok TWO\nok three\n')
      expect(bytes('out')).toBe(Buffer.concat(requests).toString())
    } finally {
      file.close()
    }
  })

  it('stands in for the recorded server: a raw client gets exactly the recorded answers, each after its request', async () => {
    const p = probe()
    const s = await p.ok<SessionSummary>({ type: 'session.open', path: saved })
    const flow = s.flows.find((f) => f.paneId === 'client')!
    const r = await p.ok<{ local: Endpoint }>({
      type: 'replay.standin',
      sessionId: s.sessionId,
      flowId: flow.id,
      paneId: 'standin',
      host: '127.0.0.1',
      port: 0
    })
    expect(r.local.port).toBeGreaterThan(0)
    const c = await RawClient.connect(r.local.port)
    try {
      let want = 0
      for (const [i, req] of requests.entries()) {
        // Nothing comes before its request.
        expect(c.received().equals(Buffer.concat(answers.slice(0, i)))).toBe(true)
        await c.write(req)
        want += answers[i]!.length
        await c.untilReceived(want, `recorded answer ${i + 1}`)
      }
      expect(c.received().equals(Buffer.concat(answers))).toBe(true)
      // The stand-in pane saw the requests as they were recorded.
      await p.until(() => p.tapped('standin') >= Buffer.concat(requests).length, 'the requests at the stand-in')
      expect(Buffer.concat(p.taps.filter((t) => t.paneId === 'standin' && t.dir === 'in').map((t) => t.bytes)).equals(Buffer.concat(requests))).toBe(true)
    } finally {
      c.close()
    }
  })

  it('refuses a flow that is not there, and a session that is not open', async () => {
    const p = probe()
    const s = await p.ok<SessionSummary>({ type: 'session.open', path: saved })
    expect(await p.cmd({ type: 'replay.resend', sessionId: s.sessionId, flowId: 99, paneId: 'x', host: '127.0.0.1', port: 9 })).toMatchObject({
      ok: false,
      error: { code: 'NO_CONNECTION' }
    })
    expect(await p.cmd({ type: 'replay.standin', sessionId: 777, flowId: 0, paneId: 'y', host: '127.0.0.1', port: 0 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_RUNNING' }
    })
  })
})

describe('replay of a foreign capture', () => {
  it('a capture of a request/response exchange (dumpcap where it can capture, and as tcpdump writes it) replays against a live server with no difference', async () => {
    // A node:net line server, the same protocol.
    const server = await nodeLineServer()
    try {
      const port = server.port
      const file = join(dir, 'lo.pcapng')
      const dumpcap = (capture = await startCapture(port, file))
      if (!dumpcap)
        console.warn(
          'sessions-replay: dumpcap cannot capture on lo here (not installed, or no permission to capture); only the tcpdump-format pcaps built from the same traffic are replayed.'
        )
      // What the client saw, with when: the same exchange as tcpdump would have written it.
      const seen: Seen[] = []
      const openNs = epochNs()
      const c = await RawClient.connect(port)
      let want = 0
      for (const [i, req] of requests.entries()) {
        seen.push({ from: 'client', tNs: epochNs(), bytes: req })
        await c.write(req)
        want += answers[i]!.length
        await c.untilReceived(want, `answer ${i + 1} from the node server`)
        seen.push({ from: 'server', tNs: epochNs(), bytes: c.received().subarray(want - answers[i]!.length, want) })
      }
      expect(c.received().equals(Buffer.concat(answers))).toBe(true)
      const conversation = {
        proto: 'tcp' as const,
        client: { address: '127.0.0.1', port: c.socket.localPort! },
        server: { address: '127.0.0.1', port },
        seen,
        openNs
      }
      c.socket.end()
      await bounded(new Promise<void>((r) => c.socket.once('close', () => r())), 'the client to close')
      const files = [join(dir, 'tcpdump-eth.pcap'), join(dir, 'tcpdump-sll.pcap')]
      writeTcpdumpPcap(files[0]!, LINKTYPE_ETHERNET, [{ ...conversation, closeNs: epochNs() }])
      writeTcpdumpPcap(files[1]!, LINKTYPE_LINUX_SLL, [{ ...conversation, closeNs: epochNs() }])
      if (dumpcap) {
        await dumpcap.stop()
        capture = null
        expect(statSync(file).size).toBeGreaterThan(0)
        files.unshift(file)
      }

      console.info(`sessions-replay: replaying ${files.map((f) => f.split('/').pop()).join(', ')}`)
      for (const f of files) {
        const live = await lineServer('same')
        // The exchange's flow (a dumpcap capture also holds the probe connections).
        const clientPort = conversation.client.port
        const { diffs, done } = await resend(f, (x) => x.proto === 'tcp' && (x.local.port === clientPort || x.remote.port === clientPort), live)
        expect(diffs.length, f).toBe(3)
        expect(done, f).toMatchObject({ exchanges: 3, differing: 0 })
        expect(
          diffs.map((d) => Buffer.from(d.actual!).toString()),
          f
        ).toEqual(answers.map((a) => a.toString()))
        expect(
          diffs.map((d) => Buffer.from(d.expected).toString()),
          f
        ).toEqual(answers.map((a) => a.toString()))
      }
    } finally {
      await server.close()
    }
  })
})
