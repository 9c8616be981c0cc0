// A capture of a million UDP flows (48 MB, one datagram each) opened through the built web
// host as a page opens it (issue 10, item 5: it blocked the host 10.4 s and sent the page a
// 185 MB answer). The answer frame stays under 1 MB (the first 1,000 flows and the count), the
// host answers a valid command while the file is still being read and after, and the last
// flow is reached with session.flows.
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SessionSummary } from '../src/shared/contract'
import { writeManyUdpFlows } from './many-flows.mjs'
import { bounded } from './peers'
import { expectAnswersAfter, expectAnswersDuring } from './responsive'
import { startHostProcess, webJs, WireClient } from './web-host-client'

const FLOWS = 1_000_000
const token = 'many-flows-token'
const dir = mkdtempSync(join(tmpdir(), 'np-many-flows-'))
let child: ChildProcess | undefined
let client: WireClient | undefined

beforeAll(() => {
  if (!existsSync(webJs)) throw new Error(`${webJs} is missing: build first (npm run build)`)
})
afterAll(async () => {
  client?.ws.terminate()
  if (child && child.exitCode === null && child.signalCode === null) {
    const gone = new Promise<void>((r) => child!.once('exit', () => r()))
    child.kill('SIGKILL')
    await bounded(gone, 'the web host to exit')
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('a million UDP flows opened through the web host', () => {
  it('answers with a page of flows under 1 MB, and stays answering while it reads the file', async () => {
    const path = join(dir, 'million.pcap')
    writeManyUdpFlows(path, FLOWS)
    const host = await startHostProcess(join(dir, 'sessions'), token)
    child = host.child
    const c = await WireClient.open(host.port, token)
    client = c
    let biggest = 0
    c.ws.on('message', (raw: Buffer) => (biggest = Math.max(biggest, raw.byteLength)))

    let answered = false
    const opening = c.command({ type: 'session.open', path }, 120_000).then((r) => {
      answered = true
      return r as { ok: boolean; result: SessionSummary }
    })
    // The host has started reading (its first progress report) and is not done.
    await bounded(
      new Promise<void>((r) => {
        const t = setInterval(() => c.events.some((e) => e.type === 'session.opening') && (clearInterval(t), r()), 5)
      }),
      'the first session.opening report',
      60_000
    )
    await expectAnswersDuring(
      'opening a million flows',
      () => c.command({ type: 'session.info' }),
      () => !answered
    )
    const opened = await opening
    expect(opened.ok).toBe(true)
    expect(opened.result.flowCount).toBe(FLOWS)
    expect(opened.result.flows.length).toBe(1000)
    console.info(`many-flows: the session.open answer frame was ${biggest} bytes`)
    expect(biggest).toBeLessThan(1024 * 1024)
    await expectAnswersAfter('opening a million flows', () => c.command({ type: 'session.info' }))

    const last = (await c.command({ type: 'session.flows', sessionId: opened.result.sessionId, offset: FLOWS - 1, limit: 1000 })) as {
      ok: boolean
      result: { flows: SessionSummary['flows']; total: number }
    }
    expect(last.ok).toBe(true)
    // Flow 999,999 comes from 10.15.66.63:1024.
    expect(last.result.flows).toMatchObject([{ id: FLOWS - 1, local: { address: '10.15.66.63', port: 1024 }, bytesOut: 4 }])
  }, 180_000)
})
