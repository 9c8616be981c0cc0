// Long-running sends as jobs, on real loopback sockets: repeats (counted, endless until
// stopped, ended by a closed connection or a closed pane) and files streamed to a plain
// node:net peer that reads slowly, each reported as job.progress.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../src/shared/contract'
import { bounded } from './peers'
import { Probe, RawServer, RawUdp, sleep } from './probe'

type Progress = Extract<EngineEvent, { type: 'job.progress' }>

let probe: Probe
let dir: string
const cleanups: (() => unknown)[] = []

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'np-jobs-'))
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  probe = new Probe({ statsIntervalMs: 20 })
})

afterEach(async () => {
  await bounded(probe.dispose(), 'engine dispose')
  for (const c of cleanups.splice(0)) await c()
  expect(probe.schemaErrors).toEqual([])
})

async function rawServer(onSocket?: Parameters<typeof RawServer.listen>[0]): Promise<RawServer> {
  const s = await RawServer.listen(onSocket)
  cleanups.push(() => s.close())
  return s
}

async function connect(paneId: string, port: number): Promise<number> {
  const { connId } = await probe.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId, host: '127.0.0.1', port })
  return connId
}

const progressOf = (paneId: string, jobId: number): Progress[] => probe.of('job.progress', paneId).filter((e) => e.jobId === jobId)

/** Waits for the job to finish; returns its progress events, checked for order. */
async function finished(paneId: string, jobId: number, timeoutMs = 5000): Promise<Progress[]> {
  await probe.waitFor('job.progress', paneId, (e) => e.jobId === jobId && e.finished, timeoutMs)
  const events = progressOf(paneId, jobId)
  expect(events.filter((e) => e.finished)).toHaveLength(1)
  expect(events.at(-1)!.finished).toBe(true)
  for (let i = 1; i < events.length; i++) expect(events[i]!.done).toBeGreaterThanOrEqual(events[i - 1]!.done)
  return events
}

const ticks = (wire: Buffer): string[] => wire.toString().split(';').filter(Boolean)

describe('repeat', () => {
  it('everyMs 20, times 5: five sends on the wire; progress ends with done 5 of 5, finished', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    const r = await probe.ok<{ bytes: number; jobId: number }>({
      type: 'send',
      paneId: 'cli',
      target: connId,
      template: { text: 'tick{{seq}};', mode: 'text' },
      repeat: { everyMs: 20, times: 5 }
    })
    expect(r.jobId).toEqual(expect.any(Number))
    const events = await finished('cli', r.jobId)
    expect(events.at(-1)).toMatchObject({ kind: 'repeat', done: 5, total: 5, finished: true })
    expect(events.at(-1)!.error).toBeUndefined()
    expect(ticks(await raw.untilReceived(30))).toEqual(['tick1', 'tick2', 'tick3', 'tick4', 'tick5'])
    await sleep(60) // bounded quiet wait: no sixth send
    expect(ticks(raw.received())).toHaveLength(5)
  })

  it('times 0 runs until send.stop; then it is finished and sends no more', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    const { jobId } = await probe.ok<{ jobId: number }>({
      type: 'send',
      paneId: 'cli',
      target: connId,
      template: { text: 'x{{seq}};', mode: 'text' },
      repeat: { everyMs: 10, times: 0 }
    })
    await raw.untilReceived(12, 'at least three sends') // x1;x2;x3; is 9 bytes; x4; makes 12
    expect(await probe.ok({ type: 'send.stop', paneId: 'cli', jobId })).toEqual({ stopped: 1 })
    const last = (await finished('cli', jobId)).at(-1)!
    expect(last).toMatchObject({ kind: 'repeat', total: 0, finished: true })
    expect(last.error).toBeUndefined()
    expect(last.done).toBeGreaterThanOrEqual(4)
    await sleep(60)
    expect(ticks(raw.received())).toHaveLength(last.done)
    // Stopping it again stops nothing.
    expect(await probe.ok({ type: 'send.stop', paneId: 'cli', jobId })).toEqual({ stopped: 0 })
  })

  it('send.stop without a job id stops every job of the pane', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    const start = (text: string): Promise<{ jobId: number }> =>
      probe.ok({ type: 'send', paneId: 'cli', target: connId, template: { text, mode: 'text' }, repeat: { everyMs: 10, times: 0 } })
    const a = await start('a;')
    const b = await start('b;')
    await raw.untilReceived(12)
    expect(await probe.ok({ type: 'send.stop', paneId: 'cli' })).toEqual({ stopped: 2 })
    await finished('cli', a.jobId)
    await finished('cli', b.jobId)
    const sent = raw.received().byteLength
    await sleep(60)
    expect(raw.received().byteLength).toBe(sent)
  })

  it('a repeat whose connection closes ends with an error in job.progress', async () => {
    const raw = await rawServer((s) => s.once('data', () => s.resetAndDestroy()))
    const connId = await connect('cli', raw.port)
    const { jobId } = await probe.ok<{ jobId: number }>({
      type: 'send',
      paneId: 'cli',
      target: connId,
      template: { text: 'again', mode: 'text' },
      repeat: { everyMs: 20, times: 1000 }
    })
    const last = (await finished('cli', jobId)).at(-1)!
    expect(last.finished).toBe(true)
    expect(last.done).toBeLessThan(1000)
    expect(['NO_CONNECTION', 'EPIPE', 'ECONNRESET']).toContain(last.error?.code)
  })

  it('pane.close stops its jobs: finished, and nothing more reaches the peer', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    const { jobId } = await probe.ok<{ jobId: number }>({
      type: 'send',
      paneId: 'cli',
      target: connId,
      template: { text: 'z;', mode: 'text' },
      repeat: { everyMs: 10, times: 0 }
    })
    await raw.untilReceived(6)
    await probe.ok({ type: 'pane.close', paneId: 'cli' })
    const last = (await finished('cli', jobId)).at(-1)!
    expect(last.error).toBeUndefined()
    await probe.until(() => raw.sockets[0]!.readableEnded, 'the peer to see the connection end')
    expect(ticks(raw.received())).toHaveLength(last.done)
  })

  it('a UDP repeat sends one datagram each time', async () => {
    const peer = await RawUdp.bind()
    cleanups.push(() => peer.close())
    await probe.ok({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })
    const { jobId } = await probe.ok<{ jobId: number }>({
      type: 'udp.send',
      paneId: 'u',
      host: '127.0.0.1',
      port: peer.port,
      template: { text: 'd{{seq}}', mode: 'text' },
      repeat: { everyMs: 10, times: 3 }
    })
    expect((await finished('u', jobId)).at(-1)).toMatchObject({ done: 3, total: 3, finished: true })
    expect((await peer.untilDatagrams(3)).map(String)).toEqual(['d1', 'd2', 'd3'])
  })
})

describe('send.file', () => {
  it('5 MiB to a peer that reads slowly at first: every byte arrives in order, progress reaches the total', async () => {
    const content = randomBytes(5 * 1024 * 1024)
    const path = join(dir, 'five.bin')
    writeFileSync(path, content)
    const raw = await rawServer((s) => s.pause())
    const connId = await connect('cli', raw.port)
    const { jobId, total } = await probe.ok<{ jobId: number; total: number }>({ type: 'send.file', paneId: 'cli', target: connId, path })
    expect(total).toBe(content.byteLength)
    await sleep(200) // the peer reads nothing yet
    expect(raw.received().byteLength).toBe(0)
    raw.sockets[0]!.resume()
    const events = await finished('cli', jobId, 20_000)
    expect(events.length).toBeGreaterThan(1)
    expect(events.every((e) => e.kind === 'file' && e.total === total)).toBe(true)
    expect(events.at(-1)).toMatchObject({ done: total, total, finished: true })
    expect(events.at(-1)!.error).toBeUndefined()
    const got = await raw.untilReceived(total, 'the whole file at the peer', 20_000)
    expect(got.byteLength).toBe(total)
    expect(got.equals(content)).toBe(true)
  })

  it('a peer that goes away mid-file ends the job with EPIPE', async () => {
    const path = join(dir, 'big.bin')
    writeFileSync(path, Buffer.alloc(32 * 1024 * 1024, 7))
    const raw = await rawServer((s) => s.pause()) // never reads: the file cannot all go out
    const connId = await connect('cli', raw.port)
    const { jobId, total } = await probe.ok<{ jobId: number; total: number }>({ type: 'send.file', paneId: 'cli', target: connId, path })
    await probe.until(() => probe.tapped('cli', 'out') > 0, 'the first chunk out')
    raw.sockets[0]!.resetAndDestroy()
    const last = (await finished('cli', jobId)).at(-1)!
    expect(last.done).toBeLessThan(total)
    expect(last.error?.code).toBe('EPIPE')
  })

  it('a missing path is ENOENT, a directory EISDIR, each on the pane, and no job starts', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    const missing = join(dir, 'missing.bin')
    const enoent = await probe.fails({ type: 'send.file', paneId: 'cli', target: connId, path: missing }, 'ENOENT')
    expect(enoent.detail).toContain(missing)
    const eisdir = await probe.fails({ type: 'send.file', paneId: 'cli', target: connId, path: dir }, 'EISDIR')
    expect(eisdir.detail).toContain(dir)
    expect(probe.of('job.progress', 'cli')).toEqual([])
    expect(raw.received().byteLength).toBe(0)
  })
})
