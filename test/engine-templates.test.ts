// Templates a pane expands at each send, checked on the wire of a plain node:net peer:
// {{seq}} {{unixtime}} {{random:N}} {{file:..}}, hex and base64 modes, text in GBK, and the
// ways a template or a send command is refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'
import { bounded } from './peers'
import { Probe, RawServer } from './probe'
import { errorMessage } from '../src/shared/i18n'
import type { CommandInput } from '../src/shared/contract'

let probe: Probe
let raw: RawServer
let connId: number
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'np-templates-'))
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(async () => {
  probe = new Probe({ statsIntervalMs: 20 })
  raw = await RawServer.listen()
  ;({ connId } = await probe.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port: raw.port }))
})

afterEach(async () => {
  await bounded(probe.dispose(), 'engine dispose')
  await raw.close()
  expect(probe.schemaErrors).toEqual([])
})

type Mode = 'text' | 'hex' | 'base64'

/** Sends a template from the client pane; returns the bytes the raw server got for it. */
async function sendTemplate(text: string, mode: Mode = 'text', encoding?: 'utf-8' | 'gbk'): Promise<Buffer> {
  const before = raw.received().byteLength
  const r = await probe.ok<{ bytes: number }>({
    type: 'send',
    paneId: 'cli',
    target: connId,
    payload: encoding ? { text, mode, encoding } : { text, mode }
  })
  const all = await raw.untilReceived(before + r.bytes)
  expect(all.byteLength).toBe(before + r.bytes)
  return all.subarray(before)
}

it('{{seq}} counts the sends of the pane: 1, 2, 3', async () => {
  const wire = [await sendTemplate('n={{seq}};'), await sendTemplate('n={{seq}};'), await sendTemplate('#{{seq}}')]
  expect(wire.map(String)).toEqual(['n=1;', 'n=2;', '#3'])
  // The pane shows what went out.
  await probe.until(() => probe.text('cli', 'out') === 'n=1;n=2;#3', 'the three sends shown')
})

it('{{unixtime}} is the decimal seconds of the send', async () => {
  const before = Math.floor(Date.now() / 1000)
  const wire = (await sendTemplate('t={{unixtime}}')).toString()
  const after = Math.floor(Date.now() / 1000)
  expect(wire).toMatch(/^t=\d+$/)
  const t = Number(wire.slice(2))
  expect(t).toBeGreaterThanOrEqual(before)
  expect(t).toBeLessThanOrEqual(after)
})

it('{{random:4}} is 4 bytes, between the literal text around it', async () => {
  const wire = await sendTemplate('<{{random:4}}>')
  expect(wire.byteLength).toBe(6)
  expect(wire.subarray(0, 1).toString()).toBe('<')
  expect(wire.subarray(5).toString()).toBe('>')
})

it('{{file:..}} puts the file bytes as they are, even in a hex template', async () => {
  const path = join(dir, 'payload.bin')
  const content = Buffer.from([0x00, 0xff, 0x7b, 0x7b, 0x0a, 0x5c, 0x6e]) // \0 ÿ {{ LF \ n: never re-read
  writeFileSync(path, content)
  expect((await sendTemplate(`F:{{file:${path}}}`)).toString('hex')).toBe(Buffer.concat([Buffer.from('F:'), content]).toString('hex'))
  expect((await sendTemplate(`ab {{file:${path}}} cd`, 'hex')).toString('hex')).toBe('ab' + content.toString('hex') + 'cd')
})

it('{{file:..}} of a missing file: BAD_TEMPLATE naming the file and why, an error on the pane, and nothing sent', async () => {
  const missing = join(dir, 'no-such-file.bin')
  const err = await probe.fails({ type: 'send', paneId: 'cli', target: connId, payload: { text: `x{{file:${missing}}}`, mode: 'text' } }, 'BAD_TEMPLATE')
  expect(err.reason).toEqual({ key: 'parse.fileUnreadable', params: { path: missing, pos: 2, code: 'ENOENT' } })
  // Said in words of the catalog, in either language, never in the engine's English.
  expect(errorMessage('en', err)).toContain(`Cannot read the file ${missing} (position 2): ENOENT`)
  expect(errorMessage('zh', err)).toContain(`无法读取文件 ${missing}（第 2 个字符）`)
  // The pane is still usable, and the failed send put nothing on the wire.
  expect((await sendTemplate('after')).toString()).toBe('after')
  expect(raw.received().toString()).toBe('after')
})

it('a template that would expand past 16 MiB is refused where it passes the limit, said in both languages, and nothing is sent (issue 10, item 4)', async () => {
  // 300 × 64 KiB of random bytes: 18.75 MiB.
  const text = 'x'.repeat(10) + '{{random:65536}}'.repeat(300)
  const err = await probe.fails({ type: 'send', paneId: 'cli', target: connId, payload: { text, mode: 'text' } }, 'BAD_TEMPLATE')
  // The 257th variable passes 16 MiB (10 B + 256 × 64 KiB = 16 MiB + 10 B): position 10 + 256 × 16 + 1.
  expect(err.reason).toEqual({ key: 'parse.tooLarge', params: { pos: 10 + 256 * 16 + 1, char: '{' } })
  expect(errorMessage('en', err)).toContain('over 16 MiB from position 4107')
  expect(errorMessage('zh', err)).toContain('超过 16 MiB')
  // A repeat of it is refused the same way, before it starts.
  await probe.fails({ type: 'send', paneId: 'cli', target: connId, payload: { text, mode: 'text' }, repeat: { everyMs: 10, times: 3 } }, 'BAD_TEMPLATE')
  expect((await sendTemplate('after')).toString()).toBe('after')
  expect(raw.received().toString()).toBe('after')
})

it('hex and base64 modes', async () => {
  expect((await sendTemplate('68 65 6c 6c 6f 0d 0a', 'hex')).toString('hex')).toBe('68656c6c6f0d0a')
  expect((await sendTemplate('0x01,0x02:ff', 'hex')).toString('hex')).toBe('0102ff')
  expect((await sendTemplate('aGVsbG8=', 'base64')).toString()).toBe('hello')
  // A variable inside hex is its own bytes, not more hex.
  expect((await sendTemplate('ff {{seq}} ff', 'hex')).toString('hex')).toBe('ff' + Buffer.from(String(4)).toString('hex') + 'ff')
})

it('text escapes: \\r\\n, \\xNN, \\t', async () => {
  expect((await sendTemplate('a\\tb\\r\\n\\x00\\xff')).toString('hex')).toBe('6109620d0a00ff')
})

it('text in GBK: 你好 is c4 e3 ba c3 on the wire; in UTF-8 it is e4 bd a0 e5 a5 bd', async () => {
  expect((await sendTemplate('你好', 'text', 'gbk')).toString('hex')).toBe('c4e3bac3')
  expect((await sendTemplate('你好', 'text', 'utf-8')).toString('hex')).toBe('e4bda0e5a5bd')
})

it('a character GBK cannot hold is BAD_TEMPLATE, naming the character and where it is', async () => {
  const err = await probe.fails({ type: 'send', paneId: 'cli', target: connId, payload: { text: '你好😀', mode: 'text', encoding: 'gbk' } }, 'BAD_TEMPLATE')
  expect(err.reason).toEqual({ key: 'parse.unencodable', params: { pos: 3, char: '😀' } })
  expect(errorMessage('zh', err)).toContain('第 3 个字符“😀”无法用这种编码表示')
})

it('bad hex, bad base64, a bad escape and an unknown variable are each BAD_TEMPLATE with where it is', async () => {
  const cases: [string, Mode, string, number][] = [
    ['01 0g', 'hex', 'parse.badHexChar', 5],
    ['012', 'hex', 'parse.oddHexDigits', 3],
    ['aGV*bG8=', 'base64', 'parse.badBase64Char', 4],
    ['a\\qb', 'text', 'parse.badEscape', 2],
    ['{{nope}}', 'text', 'parse.badVariable', 1]
  ]
  for (const [text, mode, key, pos] of cases) {
    const err = await probe.fails({ type: 'send', paneId: 'cli', target: connId, payload: { text, mode } }, 'BAD_TEMPLATE')
    expect(err.reason?.key, text).toBe(key)
    expect(err.reason?.params?.['pos'], text).toBe(pos)
    expect(err.detail, text).toBeUndefined()
  }
  expect(raw.received().byteLength).toBe(0)
})

it('a send without a payload, or with one that is neither bytes nor a template, is BAD_COMMAND (TCP and UDP)', async () => {
  const bad = [undefined, 'text', [1, 2], { text: 'x' }, { mode: 'text' }]
  for (const payload of bad) {
    const err = await probe.fails({ type: 'send', paneId: 'cli', target: connId, payload } as unknown as CommandInput, 'BAD_COMMAND')
    expect(err.detail).toMatch(/^payload/)
  }
  await probe.ok({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })
  for (const payload of bad) {
    const err = await probe.fails(
      { type: 'send', paneId: 'u', target: { host: '127.0.0.1', port: raw.port }, payload } as unknown as CommandInput,
      'BAD_COMMAND'
    )
    expect(err.detail).toMatch(/^payload/)
  }
  expect(raw.received().byteLength).toBe(0)
})
