// What a pane's terminal is given to draw, for each kind of log entry (pure functions).
import { describe, expect, it } from 'vitest'
import { defaultRenderOptions, TerminalRenderer, type RenderOptions } from '../src/renderer/src/pane/render'
import { PaneLog } from '../src/renderer/src/pane/log'
import type { LogEntry } from '../src/renderer/src/pane/log'

const renderEntry = (e: LogEntry, o: { view: RenderOptions['view']; timestamps: boolean; lang: RenderOptions['lang'] }): string =>
  new TerminalRenderer({ ...defaultRenderOptions, view: o.view, time: o.timestamps ? 'absolute' : 'off', lang: o.lang }).render(e)
const strip = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '')
const enc = new TextEncoder()
const traffic = (text: string | Uint8Array, dir: 'in' | 'out' = 'in', extra = {}): LogEntry => {
  const bytes = typeof text === 'string' ? enc.encode(text) : text
  return { kind: 'traffic', rec: { connId: 1, dir, tUs: Date.UTC(2026, 0, 1) * 1000 + 123456, len: bytes.length, ...extra }, bytes }
}

describe('terminal rendering', () => {
  it('text view: direction, connection, size, then the bytes with control characters made visible', () => {
    const s = strip(renderEntry(traffic('hello\r\n'), { view: 'text', timestamps: false, lang: 'en' }))
    expect(s).toBe('◀ in #1 · 7 B\r\n  hello\\r\\n\r\n')
  })

  it('received escape sequences are shown, never obeyed by the terminal', () => {
    const raw = renderEntry(traffic('\x1b[2J\x1b]0;pwned\x07'), { view: 'text', timestamps: false, lang: 'en' })
    const withoutOurColours = raw.replace(/\x1b\[(0|3[0-9]|9[0-9])m/g, '')
    expect(withoutOurColours).not.toContain('\x1b')
    expect(strip(raw)).toContain('\\x1b[2J\\x1b]0;pwned\\x07')
  })

  it('hex view is hexdump -C, one record per chunk', () => {
    const s = strip(renderEntry(traffic(Uint8Array.from('hello, world!\n\x00\xff', (c) => c.charCodeAt(0))), { view: 'hex', timestamps: false, lang: 'en' }))
    expect(s).toContain('00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 ff  |hello, world!...|')
  })

  it('UDP records name the peer; timestamps have microseconds; Chinese works', () => {
    const peer = { address: '::1', port: 9000, family: 'IPv6' as const }
    const s = strip(renderEntry(traffic('你好', 'out', { peer }), { view: 'text', timestamps: true, lang: 'zh' }))
    expect(s).toMatch(/^\d\d:\d\d:\d\d\.123456 ▶ 发 #1 发往 \[::1\]:9000 · 6 B\r\n {2}你好\r\n$/)
  })

  it('invalid UTF-8 is marked byte by byte, not dropped', () => {
    const s = strip(renderEntry(traffic(Uint8Array.of(0x61, 0xe4, 0xbd, 0x62)), { view: 'text', timestamps: false, lang: 'en' }))
    expect(s).toContain('a\\xe4\\xbdb')
  })

  it('errors come out in plain language with the raw code underneath', () => {
    const s = strip(
      renderEntry(
        { kind: 'error', tUs: 0, error: { code: 'ECONNREFUSED', host: '127.0.0.1', port: 9000, detail: 'connect ECONNREFUSED 127.0.0.1:9000' } },
        { view: 'text', timestamps: false, lang: 'en' }
      )
    )
    expect(s).toBe(
      '✖ Connection refused: nothing is listening on 127.0.0.1:9000 — start a server first.\r\n  ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9000\r\n'
    )
  })
})

describe('replay diffs in a pane', () => {
  it('every differing range is drawn, one far past the first included, the differing hex in red', () => {
    const expected = enc.encode('ok two\n' + '.'.repeat(300) + 'end\n')
    const actual = enc.encode('ok TWO\n' + '.'.repeat(300) + 'END\n')
    const raw = renderEntry({ kind: 'diff', tUs: 0, expected, actual, firstDiff: 3 }, { view: 'text', timestamps: false, lang: 'en' })
    expect(strip(raw)).toBe(
      [
        '  at byte 3 (0x3), 3 B differ:',
        '    recorded: 74 77 6f  |two|',
        '    live:     54 57 4f  |TWO|',
        '  at byte 307 (0x133), 3 B differ:',
        '    recorded: 65 6e 64  |end|',
        '    live:     45 4e 44  |END|',
        ''
      ].join('\r\n')
    )
    expect(raw).toContain('\x1b[31m45 4e 44\x1b[0m')
  })

  it('a UDP comparison names the datagram of the exchange', () => {
    const note: LogEntry = { kind: 'note', tUs: 0, level: 'warn', key: 'replay.differs', params: { n: 2, datagram: 3, at: 6, expected: 7, actual: 7 } }
    expect(strip(renderEntry(note, { view: 'text', timestamps: false, lang: 'en' }))).toBe('● exchange 2, datagram 3: the live answer differs at byte 6 (recorded 7 B, live 7 B)\r\n')
  })
})

describe('pane log', () => {
  it('is bounded by bytes and by count, dropping the oldest', () => {
    const log = new PaneLog({ maxBytes: 1000, maxEntries: 5 })
    for (let i = 0; i < 8; i++) log.push(traffic('x'.repeat(100)))
    expect(log.size).toBe(5)
    expect(log.dropped).toBe(3)
    log.push(traffic('y'.repeat(900)))
    expect(log.all().reduce((n, e) => n + (e.kind === 'traffic' ? e.bytes.length : 0), 0)).toBeLessThanOrEqual(1000)
    expect((log.all().at(-1) as { bytes: Uint8Array }).bytes.length).toBe(900)
  })
})
