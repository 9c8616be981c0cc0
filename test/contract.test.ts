// The boundary: every command is validated in main, and a bad one comes back as
// BAD_COMMAND with a detail a person can act on. And the web host's binary framing
// carries payloads as raw bytes.
import { describe, expect, it } from 'vitest'
import { commandTypes, paneConfigSchema } from '../src/shared/contract'
import { translate, translateRef } from '../src/shared/i18n'
import { issueField, issueReason } from '../src/shared/transform-spec'
import { decodeFrame, encodeFrame, type WireMessage } from '../src/shared/wire'

import { Probe, useProbe } from './probe'

let probe!: Probe
useProbe((p) => (probe = p))

describe('bad commands', () => {
  const listen = { type: 'tcpServer.listen', paneId: 'p', host: '127.0.0.1', port: 0 }
  const cases: [string, unknown, RegExp][] = [
    ['unknown type', { type: 'tcpServer.explode', paneId: 'p' }, /^type: .*Expected 'tcpServer\.listen'/],
    ['missing paneId', { type: 'tcpServer.listen', host: '127.0.0.1', port: 0 }, /^paneId: .*expected string, received undefined/],
    ['port 70000', { ...listen, port: 70000 }, /^port: Too big: expected number to be <=65535/],
    ['port -1', { ...listen, port: -1 }, /^port: Too small: expected number to be >=0/],
    ["port 'abc'", { ...listen, port: 'abc' }, /^port: .*expected number, received string/],
    ['port 1.5', { ...listen, port: 1.5 }, /^port: .*expected int, received number/],
    ["host ''", { ...listen, host: '' }, /^host: host is empty/],
    ['host of spaces', { ...listen, host: '   ' }, /^host: host is empty/],
    ['connect to port 0', { type: 'tcpClient.connect', paneId: 'p', host: '127.0.0.1', port: 0 }, /^port: Too small: expected number to be >=1/],
    ['payload as a number array', { type: 'send', paneId: 'p', target: 'all', payload: [104, 105] }, /^payload: bytes \(Uint8Array\) or a template/],
    ['payload as a string', { type: 'send', paneId: 'p', target: 'all', payload: 'hi' }, /^payload: bytes \(Uint8Array\) or a template/],
    ['target 0', { type: 'send', paneId: 'p', target: 0, payload: new Uint8Array(1) }, /^target: /],
    ['pane id with a slash', { type: 'pane.close', paneId: '../etc' }, /^paneId: pane id: 1-64 letters, digits, - or _/],
    ['null', null, /^command: .*expected object, received null/],
    ['a string', 'tcpServer.listen', /^command: .*expected object, received string/],
    ['undefined', undefined, /^command: .*expected object, received undefined/]
  ]

  it.each(cases)('%s -> BAD_COMMAND with a clear detail', async (_name, input, detail) => {
    const r = await probe.engine.handle(input)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('BAD_COMMAND')
    expect(r.error.detail).toMatch(detail)
    // Nothing was created, and no pane to tell.
    expect(probe.engine.paneCount).toBe(0)
    expect(probe.events).toEqual([])
  })

  it('the unknown-type detail lists every command type', async () => {
    const r = await probe.engine.handle({ type: 'nope', paneId: 'p' })
    expect(r.ok).toBe(false)
    for (const t of commandTypes) expect(!r.ok && r.error.detail).toContain(`'${t}'`)
  })

  it('a bad command naming an existing pane also shows the error on that pane, which keeps running', async () => {
    const { local } = await probe.ok<{ local: { port: number } }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
    const err = await probe.fails({ type: 'send', paneId: 'srv', target: 'all', payload: [1, 2, 3] as unknown as Uint8Array }, 'BAD_COMMAND')
    expect(err.detail).toBe('payload: bytes (Uint8Array) or a template { text, mode, encoding }')
    const port = await probe.engine.handle({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 'abc' })
    expect(!port.ok && port.error.code).toBe('BAD_COMMAND')
    expect(probe.of('error', 'srv').map((e) => e.error.detail)).toEqual([
      'payload: bytes (Uint8Array) or a template { text, mode, encoding }',
      'port: Invalid input: expected number, received string'
    ])
    // The pane was not harmed.
    await probe.ok({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port: local.port })
    await probe.waitFor('conn.open', 'srv')
  })

  it('a Buffer is accepted as bytes (it is a Uint8Array)', async () => {
    const r = await probe.engine.handle({ type: 'send', paneId: 'nobody', target: 'all', payload: Buffer.from('x') })
    expect(!r.ok && r.error.code).toBe('NOT_RUNNING')
  })
})

describe('wire framing', () => {
  it('round-trips a binary payload byte for byte, outside the JSON header', () => {
    const payload = Uint8Array.from({ length: 1024 }, (_, i) => (i * 31 + 7) & 0xff)
    const msg: WireMessage = { kind: 'command', id: 42, body: { type: 'send', paneId: 'p', target: 'all', payload: payload } }
    const frame = encodeFrame(msg)
    const headerLen = new DataView(frame.buffer, frame.byteOffset).getUint32(0, true)
    // The payload is appended raw after the header: no base64, no JSON array.
    expect(frame.byteLength).toBe(4 + headerLen + payload.byteLength)
    expect(Buffer.compare(Buffer.from(frame.subarray(4 + headerLen)), Buffer.from(payload))).toBe(0)
    const header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + headerLen))) as Record<string, unknown>
    expect(header).toEqual({ kind: 'command', id: 42, body: { type: 'send', paneId: 'p', target: 'all' }, $bin: [['payload', 1024]] })

    const back = decodeFrame(frame)
    expect(back.kind).toBe('command')
    const data = back.body.payload as Uint8Array
    expect(data).toBeInstanceOf(Uint8Array)
    expect(Buffer.compare(Buffer.from(data), Buffer.from(payload))).toBe(0)
    expect({ ...back, body: { ...back.body, data: undefined } }).toEqual({ ...msg, body: { ...msg.body, data: undefined } })
  })

  it('carries several binary fields of one message (a replay diff), each intact', () => {
    const expected = Uint8Array.of(1, 2, 3)
    const actual = Uint8Array.of(1, 9)
    const back = decodeFrame(encodeFrame({ kind: 'event', body: { type: 'replay.diff', expected, actual, firstDiff: 1 } }))
    expect([...(back.body.expected as Uint8Array)]).toEqual([1, 2, 3])
    expect([...(back.body.actual as Uint8Array)]).toEqual([1, 9])
    expect(back.body.firstDiff).toBe(1)
    const lying = encodeFrame({ kind: 'event', body: { type: 'x', data: Uint8Array.of(1, 2) } })
    expect(() => decodeFrame(lying.subarray(0, lying.byteLength - 1))).toThrow(/binary field out of range/)
  })

  it('round-trips a message without bytes, and an empty payload', () => {
    const ev: WireMessage = { kind: 'event', body: { type: 'pane.state', paneId: 'p', state: 'idle' } }
    expect(decodeFrame(encodeFrame(ev))).toEqual(ev)
    const empty = decodeFrame(encodeFrame({ kind: 'event', body: { type: 'data', data: new Uint8Array(0) } }))
    expect((empty.body.data as Uint8Array).byteLength).toBe(0)
  })

  it('decodes a frame that is a view into a larger buffer', () => {
    const frame = encodeFrame({ kind: 'response', id: 1, body: { ok: true, data: Uint8Array.of(1, 2, 3) } })
    const big = new Uint8Array(frame.byteLength + 10)
    big.set(frame, 5)
    const back = decodeFrame(big.subarray(5, 5 + frame.byteLength))
    expect([...(back.body.data as Uint8Array)]).toEqual([1, 2, 3])
  })

  it('rejects garbage with a clear Error', () => {
    expect(() => decodeFrame(Uint8Array.of(1, 0))).toThrow(/frame too short/)
    const beyond = new Uint8Array(8)
    new DataView(beyond.buffer).setUint32(0, 100, true)
    expect(() => decodeFrame(beyond)).toThrow(/header length out of range/)
    const notJson = new TextEncoder().encode('\u0005\u0000\u0000\u0000hello')
    expect(() => decodeFrame(notJson)).toThrow(/JSON/)
    const notMessage = new TextEncoder().encode('\u0002\u0000\u0000\u000042')
    expect(() => decodeFrame(notMessage)).toThrow(/not a message/)
    for (const bad of [Uint8Array.of(1, 0), beyond, notJson, notMessage]) expect(() => decodeFrame(bad)).toThrow(Error)
  })
})

describe('a settings number out of range', () => {
  it('names the field by its label and says the range, in en and zh', () => {
    for (const [config, en, zh] of [
      [{ connections: { limit: 0 } }, 'Check Connection limit: a whole number from 1 to 100000', '连接上限'],
      [{ connections: { idleTimeoutS: 1.5 } }, 'Check Idle timeout (s): a whole number from 0 to 86400', '空闲超时'],
      [{ maxInflateMiB: 65 }, 'Check Largest decompressed message, MiB: a whole number from 1 to 64', '解压']
    ] as const) {
      const r = paneConfigSchema.safeParse(config)
      expect(r.success).toBe(false)
      const issue = r.error!.issues[0]
      const say = (lang: 'en' | 'zh'): string =>
        translate(lang, 'settings.problem', { where: translate(lang, issueField(issue)!), message: translateRef(lang, issueReason(issue)!) })
      expect(say('en')).toBe(en)
      expect(say('zh')).toContain(zh)
      expect(say('zh')).toContain('之间的整数')
    }
  })
})
