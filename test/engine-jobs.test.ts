// Long-running sends as jobs, on real loopback sockets: repeats (counted, endless until
// stopped, ended by a closed connection or a closed pane) and files streamed to a plain
// node:net peer that reads slowly, each reported as job.progress.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../src/shared/contract'
import { Probe, RawServer, RawUdp, sleep, useProbe } from './probe'
import { getEventListeners } from 'node:events'
import { pause } from '../src/main/engine/jobs'

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

useProbe((p) => (probe = p), { statsIntervalMs: 20 }, cleanups)

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
  it("a repeat's waits leave no abort listener behind: 50 sends, no MaxListenersExceededWarning, none left on the signal", async () => {
    const warnings: string[] = []
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`)
    process.on('warning', onWarning)
    try {
      const raw = await rawServer()
      const connId = await connect('cli', raw.port)
      const r = await probe.ok<{ jobId: number }>({
        type: 'send',
        paneId: 'cli',
        target: connId,
        payload: { text: '.', mode: 'text' },
        repeat: { everyMs: 1, times: 50 }
      })
      await finished('cli', r.jobId)
      await raw.untilReceived(50)
      // Node warns on the 11th listener of one signal; the wait of each send added one before.
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
    const signal = new AbortController().signal
    for (let i = 0; i < 20; i++) await pause(0, signal)
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
  })

  it('everyMs 20, times 5: five sends on the wire; progress ends with done 5 of 5, finished', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    const r = await probe.ok<{ bytes: number; jobId: number }>({
      type: 'send',
      paneId: 'cli',
      target: connId,
      payload: { text: 'tick{{seq}};', mode: 'text' },
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
      payload: { text: 'x{{seq}};', mode: 'text' },
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
      probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: { text, mode: 'text' }, repeat: { everyMs: 10, times: 0 } })
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
      payload: { text: 'again', mode: 'text' },
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
      payload: { text: 'z;', mode: 'text' },
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
      type: 'send',
      paneId: 'u',
      target: { host: '127.0.0.1', port: peer.port },
      payload: { text: 'd{{seq}}', mode: 'text' },
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

describe('send.file with framing or transforms, and over UDP', () => {
  it('with length framing and a CRC-32 on: the file goes out as one framed message, checked whole by the peer', async () => {
    const content = randomBytes(300 * 1024)
    const path = join(dir, 'framed.bin')
    writeFileSync(path, content)
    const raw = await rawServer()
    await probe.ok({
      type: 'pane.configure',
      paneId: 'cli',
      config: { framing: { kind: 'length', bytes: 4, endian: 'be', includesHeader: false }, transforms: [{ kind: 'checksum', algo: 'crc32' }] }
    })
    const connId = await connect('cli', raw.port)
    const { jobId, total } = await probe.ok<{ jobId: number; total: number }>({ type: 'send.file', paneId: 'cli', target: connId, path })
    expect(total).toBe(content.byteLength)
    expect((await finished('cli', jobId)).at(-1)).toMatchObject({ done: total, total, finished: true })
    const wire = await raw.untilReceived(4 + total + 4, 'header, file and CRC')
    expect(wire.readUInt32BE(0)).toBe(total + 4)
    expect(wire.subarray(4, 4 + total).equals(content)).toBe(true)
    const { crc32 } = await import('node:zlib')
    expect(wire.readUInt32BE(4 + total)).toBe(crc32(content))
  })

  it('with framing on, a file over 16 MiB is refused with EMSGSIZE saying the limit; nothing is sent', async () => {
    const path = join(dir, 'too-big.bin')
    writeFileSync(path, Buffer.alloc(16 * 1024 * 1024 + 1))
    const raw = await rawServer()
    await probe.ok({ type: 'pane.configure', paneId: 'cli', config: { framing: { kind: 'delimiter', delimiterHex: '0a' } } })
    const connId = await connect('cli', raw.port)
    const err = await probe.fails({ type: 'send.file', paneId: 'cli', target: connId, path }, 'EMSGSIZE')
    expect(err.reason).toEqual({ key: 'why.fileTooLargeForMessage', params: { path, size: '16.0 MiB', max: '16.0 MiB' } })
    expect(probe.of('job.progress', 'cli')).toEqual([])
    await sleep(50)
    expect(raw.received().byteLength).toBe(0)
  })

  it('UDP: a 200 KiB file arrives as 1000-byte datagrams in order (the last one shorter), progress reaching the total', async () => {
    const content = randomBytes(200 * 1024)
    const path = join(dir, 'udp.bin')
    writeFileSync(path, content)
    const peer = await RawUdp.bind()
    cleanups.push(() => peer.close())
    await probe.ok({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })
    const { jobId, total } = await probe.ok<{ jobId: number; total: number }>({
      type: 'send.file',
      paneId: 'u',
      target: { host: '127.0.0.1', port: peer.port },
      path,
      datagramSize: 1000
    })
    expect(total).toBe(content.byteLength)
    expect((await finished('u', jobId, 20_000)).at(-1)).toMatchObject({ kind: 'file', done: total, total, finished: true })
    const n = Math.ceil(total / 1000)
    const got = await peer.untilDatagrams(n)
    expect(got.slice(0, -1).every((d) => d.byteLength === 1000)).toBe(true)
    expect(got.at(-1)!.byteLength).toBe(total % 1000)
    expect(Buffer.concat(got).equals(content)).toBe(true)
  })

  it('UDP: the datagram size defaults to 1024; above 65507 the command is refused', async () => {
    const path = join(dir, 'udp-small.bin')
    writeFileSync(path, randomBytes(3000))
    const peer = await RawUdp.bind()
    cleanups.push(() => peer.close())
    await probe.ok({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })
    const bad = await probe.fails({ type: 'send.file', paneId: 'u', target: { host: '127.0.0.1', port: peer.port }, path, datagramSize: 65508 }, 'BAD_COMMAND')
    expect(bad.detail).toContain('65507')
    const { jobId } = await probe.ok<{ jobId: number }>({ type: 'send.file', paneId: 'u', target: { host: '127.0.0.1', port: peer.port }, path })
    await finished('u', jobId)
    expect((await peer.untilDatagrams(3)).map((d) => d.byteLength)).toEqual([1024, 1024, 952])
  })
})

describe('send.sequence', () => {
  const step = (text: string, delayMs: number): { template: { text: string; mode: 'text' }; delayMs: number } => ({ template: { text, mode: 'text' }, delayMs })

  it('three steps with their delays: the peer gets them in order, each no sooner than its delay; progress counts steps', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    const started = performance.now()
    const r = await probe.ok<{ jobId: number; steps: number }>({
      type: 'send.sequence',
      paneId: 'cli',
      target: connId,
      steps: [step('HELLO;', 0), step('AUTH {{seq}};', 150), step('BYE;', 100)]
    })
    expect(r.steps).toBe(3)
    const events = await finished('cli', r.jobId)
    expect(events.at(-1)).toMatchObject({ kind: 'sequence', done: 3, total: 3, finished: true })
    expect(events.at(-1)!.error).toBeUndefined()
    expect(events.some((e) => !e.finished && e.done > 0 && e.done < 3)).toBe(true)
    expect(performance.now() - started).toBeGreaterThanOrEqual(245)
    expect(ticks(await raw.untilReceived(17))).toEqual(['HELLO', 'AUTH 2', 'BYE']) // {{seq}} counts the pane's sends
  })

  it('a step right after the last report is still reported while the next step waits (no progress held back for a whole delay)', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    // Steps 1 and 2 go out together; step 3 waits ten minutes: only a held-back report can say "2 of 3".
    const { jobId } = await probe.ok<{ jobId: number }>({
      type: 'send.sequence',
      paneId: 'cli',
      target: connId,
      steps: [step('one;', 0), step('two;', 0), step('three;', 600_000)]
    })
    await raw.untilReceived(8, 'the first two steps')
    await probe.waitFor('job.progress', 'cli', (e) => e.jobId === jobId && e.done === 2 && !e.finished)
    expect(await probe.ok({ type: 'send.stop', paneId: 'cli', jobId })).toEqual({ stopped: 1 })
    expect((await finished('cli', jobId)).at(-1)).toMatchObject({ done: 2, total: 3, finished: true })
  })

  it('send.stop halts it between steps: finished, and the later steps never reach the peer', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    const { jobId } = await probe.ok<{ jobId: number }>({
      type: 'send.sequence',
      paneId: 'cli',
      target: connId,
      steps: [step('one;', 0), step('two;', 5000), step('three;', 0)]
    })
    await raw.untilReceived(4, 'the first step')
    expect(await probe.ok({ type: 'send.stop', paneId: 'cli', jobId })).toEqual({ stopped: 1 })
    const last = (await finished('cli', jobId)).at(-1)!
    expect(last).toMatchObject({ kind: 'sequence', done: 1, total: 3, finished: true })
    await sleep(60)
    expect(ticks(raw.received())).toEqual(['one'])
  })

  it('UDP: each step one datagram to the host and port; a target on a UDP pane is refused', async () => {
    const peer = await RawUdp.bind()
    cleanups.push(() => peer.close())
    await probe.ok({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })
    await probe.fails({ type: 'send.sequence', paneId: 'u', target: 'all', steps: [step('x', 0)] }, 'WRONG_PANE_KIND')
    const { jobId } = await probe.ok<{ jobId: number }>({
      type: 'send.sequence',
      paneId: 'u',
      target: { host: '127.0.0.1', port: peer.port },
      steps: [step('a', 0), step('b', 20)]
    })
    await finished('u', jobId)
    expect((await peer.untilDatagrams(2)).map(String)).toEqual(['a', 'b'])
  })

  it('a step whose template does not expand ends the job with BAD_TEMPLATE after the steps before it', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    const { jobId } = await probe.ok<{ jobId: number }>({ type: 'send.sequence', paneId: 'cli', target: connId, steps: [step('ok;', 0), step('{{nope}}', 0)] })
    const last = (await finished('cli', jobId)).at(-1)!
    expect(last).toMatchObject({ done: 1, total: 2 })
    expect(last.error?.code).toBe('BAD_TEMPLATE')
    expect(ticks(await raw.untilReceived(3))).toEqual(['ok'])
  })
})
