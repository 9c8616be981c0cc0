// The built web host (node out/main/web.js) never sends its page a frame much larger than one
// screen batch (issue 10, item 4): a 16 MiB template send and a peer's 20 MiB framed message
// reach the page in frames of at most SCREEN_BATCH_BYTES plus a small header, as one record in
// pieces; the host answers a valid command while the pieces still wait for the page and after.
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, expect, it } from 'vitest'
import type { EngineEvent } from '../src/shared/contract'
import { SCREEN_BATCH_BYTES } from '../src/shared/limits'
import { bounded } from './peers'
import { until } from './probe'
import { expectAnswersAfter, expectAnswersDuring } from './responsive'
import { startHostProcess, webJs, WireClient } from './web-host-client'

const MiB = 1024 * 1024
/** A data frame's header: its records (about 150 B of JSON each) and the wire's few bytes. */
const HEADER_ROOM = 4 * 1024

let child: ChildProcess | undefined
let client: WireClient | undefined
let peer: net.Socket | undefined
let dir: string | undefined

beforeAll(() => {
  if (!existsSync(webJs)) throw new Error(`${webJs} is missing: build first (npm run build)`)
})

afterEach(async () => {
  peer?.destroy()
  client?.ws.terminate()
  if (child && child.exitCode === null && child.signalCode === null) {
    const gone = new Promise<void>((r) => child!.once('exit', () => r()))
    child.kill('SIGKILL')
    await bounded(gone, 'the web host to exit')
  }
  child = client = peer = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
})

type Data = Extract<EngineEvent, { type: 'data' }>
const data = (c: WireClient, paneId: string): Data[] => c.events.filter((e): e is Data => e.type === 'data' && e.paneId === paneId)
const shown = (c: WireClient, paneId: string): number => data(c, paneId).reduce((n, e) => n + e.data.byteLength, 0)

/** The page acknowledges what it got so far, and from now on everything as it comes. */
function catchUp(c: WireClient, paneIds: string[]): void {
  c.autoAck = true
  for (const id of paneIds) c.ack(id, shown(c, id))
}

/** The records of a pane's data events make one record of `of` bytes, in pieces in order; returns its bytes. */
function oneRecord(c: WireClient, paneId: string, of: number): Buffer {
  let at = 0
  for (const e of data(c, paneId)) {
    for (const r of e.records) {
      expect(r.piece).toEqual({ at, of })
      at += r.len
    }
  }
  expect(at).toBe(of)
  return Buffer.concat(data(c, paneId).map((e) => e.data))
}

async function start(): Promise<WireClient> {
  dir = mkdtempSync(join(tmpdir(), 'np-web-frames-'))
  const token = 'frames-test-token'
  const host = await startHostProcess(join(dir, 'sessions'), token)
  child = host.child
  return (client = await WireClient.open(host.port, token))
}

const ok = async (c: WireClient, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
  const r = (await c.command(body)) as { ok: boolean; result: Record<string, unknown> }
  expect(r.ok, JSON.stringify(r)).toBe(true)
  return r.result
}

it('a 16 MiB send reaches the page in frames no larger than one batch, one record in pieces, all of it', async () => {
  const c = await start()
  const listen = await ok(c, { type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
  const port = (listen['local'] as { port: number }).port
  const { connId } = (await ok(c, { type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port })) as { connId: number }
  await ok(c, { type: 'send', paneId: 'cli', target: connId, payload: { text: '{{random:65536}}'.repeat(256), mode: 'text' } })
  // The page acknowledges nothing yet: it has one batch, the rest waits in the host.
  await until(() => shown(c, 'cli') > 0, 'the first piece at the page', 20_000)
  const going = (): boolean => shown(c, 'cli') < 16 * MiB
  await expectAnswersDuring('a 16 MiB send going to the page', () => ok(c, { type: 'session.info' }), going)
  catchUp(c, ['cli', 'srv'])
  await until(() => !going(), 'the whole send at the page', 30_000)
  await expectAnswersAfter('a 16 MiB send going to the page', () => ok(c, { type: 'session.info' }))

  expect(oneRecord(c, 'cli', 16 * MiB).byteLength).toBe(16 * MiB)
  console.info(`web host: largest frame to the page for a 16 MiB send: ${c.largestFrame} B`)
  expect(c.largestFrame).toBeLessThanOrEqual(SCREEN_BATCH_BYTES + HEADER_ROOM)
}, 60_000)

it('a peer’s 20 MiB framed message reaches the page in frames no larger than one batch, wire and payload whole', async () => {
  const c = await start()
  const listen = await ok(c, { type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
  await ok(c, {
    type: 'pane.configure',
    paneId: 'srv',
    config: { framing: { kind: 'length', bytes: 4, endian: 'be', includesHeader: false, maxLength: 32 * MiB } }
  })
  const payload = Buffer.alloc(20 * MiB)
  for (let i = 0; i < payload.length; i += 4) payload.writeUInt32BE((i * 2654435761) >>> 0, i)
  const wire = Buffer.concat([Buffer.alloc(4), payload])
  wire.writeUInt32BE(payload.length)
  const p = (peer = net.connect((listen['local'] as { port: number }).port, '127.0.0.1'))
  await new Promise<void>((r) => p.once('connect', r))
  p.write(wire)
  await until(() => shown(c, 'srv') > 0, 'the first piece at the page', 20_000)
  const going = (): boolean => shown(c, 'srv') < wire.length + payload.length
  await expectAnswersDuring('a 20 MiB message going to the page', () => ok(c, { type: 'session.info' }), going)
  catchUp(c, ['srv'])
  await until(() => !going(), 'the whole message at the page', 30_000)
  await expectAnswersAfter('a 20 MiB message going to the page', () => ok(c, { type: 'session.info' }))

  const bytes = oneRecord(c, 'srv', wire.length + payload.length)
  expect(Buffer.compare(bytes.subarray(0, wire.length), wire)).toBe(0)
  expect(Buffer.compare(bytes.subarray(wire.length), payload)).toBe(0)
  console.info(`web host: largest frame to the page for a 20 MiB message: ${c.largestFrame} B`)
  expect(c.largestFrame).toBeLessThanOrEqual(SCREEN_BATCH_BYTES + HEADER_ROOM)
}, 60_000)
