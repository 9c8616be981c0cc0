// What a pane's terminal is given to draw, for each kind of log entry (pure functions).
import { describe, expect, it } from 'vitest'
import { defaultRenderOptions, estimateRows, redrawTail, STEP_BYTES, TerminalRenderer, type RenderOptions } from '../src/renderer/src/pane/render'
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

  it('an error with a reason of the catalog says it in the reader’s language, in the sentence of its code', () => {
    const e: LogEntry = {
      kind: 'error',
      tUs: 0,
      error: { code: 'BAD_FRAME', op: 'send', reason: { key: 'why.frame.fixedOverflow', params: { n: 5, length: 4 } } }
    }
    expect(strip(renderEntry(e, { view: 'text', timestamps: false, lang: 'en' }))).toBe(
      '✖ Cannot frame the message: 5 bytes do not fit a fixed length of 4\r\n'
    )
    expect(strip(renderEntry(e, { view: 'text', timestamps: false, lang: 'zh' }))).toBe('✖ 无法分帧：5 字节放不进 4 字节的固定长度\r\n')
  })
})

const renderer = (o: Partial<RenderOptions> = {}): TerminalRenderer => new TerminalRenderer({ ...defaultRenderOptions, time: 'off', lang: 'en', ...o })
const at = (e: LogEntry, tUs: number, connId = 1): LogEntry => (e.kind === 'traffic' ? { ...e, rec: { ...e.rec, tUs, connId } } : e)
const GREEN = '\x1b[32m'
const CYAN = '\x1b[36m'

/** The colour, bold and inverse a terminal draws the first character of `text` in, reading the SGR codes of `s` as it would. */
function styleAt(s: string, text: string): { fg: number; bold: boolean; inverse: boolean } {
  const style = { fg: 39, bold: false, inverse: false }
  const shown: { ch: string; style: typeof style }[] = []
  for (const m of s.matchAll(/\x1b\[([0-9;]*)m|[^\x1b]/g)) {
    if (m[1] === undefined) shown.push({ ch: m[0], style: { ...style } })
    else
      for (const code of (m[1] || '0').split(';').map(Number)) {
        if (code === 0) Object.assign(style, { fg: 39, bold: false, inverse: false })
        else if (code === 1) style.bold = true
        else if (code === 7) style.inverse = true
        else if ((code >= 30 && code <= 39) || (code >= 90 && code <= 97)) style.fg = code
      }
  }
  const at = shown
    .map((c) => c.ch)
    .join('')
    .indexOf(text)
  if (at < 0) throw new Error(`${JSON.stringify(text)} is not shown`)
  return shown[at]!.style
}
const DIM = { fg: 90, bold: false, inverse: false }
const IN = { fg: 32, bold: false, inverse: false }
const INVALID = { fg: 31, bold: true, inverse: true }

describe('terminal rendering: colours, time, filters, split, steps', () => {
  it('colours received records green and sent records cyan, header and bytes alike', () => {
    const r = renderer()
    const inbound = r.render(traffic('ping', 'in'))
    const outbound = r.render(traffic('pong', 'out'))
    expect(inbound).toContain(`${GREEN}◀ in #1`)
    expect(inbound).toContain(`${GREEN}  ping`)
    expect(inbound).not.toContain(CYAN)
    expect(outbound).toContain(`${CYAN}▶ out #1`)
    expect(outbound).toContain(`${CYAN}  pong`)
    expect(outbound).not.toContain(GREEN)
  })

  it('shows invalid bytes in inverse red, control characters dim: the two cannot be confused', () => {
    const s = renderer().render(traffic(Uint8Array.of(0x61, 0x0d, 0xff, 0xfe, 0x62)))
    expect(s).toContain('\x1b[90m\\r')
    expect(s).toContain('\x1b[1;31;7m\\xff\\xfe\x1b[0m')
    expect(s).not.toContain('\x1b[90m\\xff')
    expect(strip(s)).toContain('a\\r\\xff\\xfeb')
  })

  it('a control character right after an invalid byte is dim too, and the text after it is the direction colour', () => {
    for (const controls of ['escapes', 'pictures'] as const) {
      const cr = controls === 'escapes' ? '\\r' : '␍'
      const s = renderer({ controls }).render(traffic(Uint8Array.of(0x61, 0xff, 0x0d, 0x62, 0xfe, 0xfd, 0x0a, 0x00, 0x63)))
      expect(styleAt(s, '\\xff'), controls).toEqual(INVALID)
      expect(styleAt(s, cr), controls).toEqual(DIM)
      expect(styleAt(s, 'b'), controls).toEqual(IN)
      expect(styleAt(s, '\\xfd'), controls).toEqual(INVALID)
      expect(styleAt(s, controls === 'escapes' ? '\\n' : '␊'), controls).toEqual(DIM)
      expect(styleAt(s, 'c'), controls).toEqual(IN)
    }
  })

  it('delta timestamps count from the previous record shown', () => {
    const r = renderer({ time: 'delta' })
    const t0 = 1_700_000_000_000_000
    expect(strip(r.render(at(traffic('a'), t0)))).toMatch(/^\+0\.000000 ◀ in/)
    expect(strip(r.render(at(traffic('b'), t0 + 1_500_000)))).toMatch(/^\+1\.500000 ◀ in/)
    expect(strip(r.render(at(traffic('c'), t0 + 1_500_250)))).toMatch(/^\+0\.000250 ◀ in/)
  })

  it('filters by connection and by direction, notes of other connections included', () => {
    const only2 = renderer({ filter: { connId: 2, dir: 'both' } })
    expect(only2.render(at(traffic('one'), 0, 1))).toBe('')
    expect(strip(only2.render(at(traffic('two'), 0, 2)))).toContain('two')
    const note = (id: number): LogEntry => ({ kind: 'note', tUs: 0, level: 'info', key: 'term.halfClosedPeer', params: { id } })
    expect(only2.render(note(1))).toBe('')
    expect(strip(only2.render(note(2)))).toContain('connection #2')
    const inOnly = renderer({ filter: { connId: 'all', dir: 'in' } })
    expect(inOnly.render(traffic('sent', 'out'))).toBe('')
    expect(strip(inOnly.render(traffic('got', 'in')))).toContain('got')
    const outOnly = renderer({ filter: { connId: 'all', dir: 'out' } })
    expect(outOnly.render(traffic('got', 'in'))).toBe('')
    expect(strip(outOnly.render(traffic('sent', 'out')))).toContain('sent')
  })

  it('split view shows the text and then the hex dump of the same bytes', () => {
    const s = strip(renderer({ view: 'split' }).render(traffic('hi\r\n')))
    expect(s).toBe('◀ in #1 · 4 B\r\n  hi\\r\\n\r\n  00000000  68 69 0d 0a                                       |hi..|\r\n')
  })

  it('steps show every stage whole, and a failed check marks the record ✗ with the reason', () => {
    // A received frame: wire (2-byte length + 40 bytes + CRC-32) → unframe → verify crc32.
    const payload = Uint8Array.from({ length: 40 }, (_, i) => i)
    const wire = new Uint8Array(46)
    wire.set([0, 44], 0)
    wire.set(payload, 2)
    wire.set([0xde, 0xad, 0xbe, 0xef], 42)
    const bytes = new Uint8Array([...wire, ...wire.subarray(2), ...payload])
    const parts = [
      { label: 'wire', op: 'wire' as const, ok: true, len: 46 },
      { label: 'length', op: 'unframe' as const, ok: true, len: 44 },
      {
        label: 'crc32',
        op: 'verify' as const,
        ok: false,
        len: 40,
        reason: { key: 'why.checksum.mismatch' as const, params: { got: 'de ad be ef', computed: '12 34 56 78' } }
      }
    ]
    const e = traffic(bytes, 'in', { parts, ok: false })
    const raw = renderer({ steps: true, view: 'hex' }).render(e)
    const s = strip(raw)
    expect(s.split('\r\n')[0]).toBe('◀ in #1 · message 40 B ✗ checksum mismatch: got de ad be ef, computed 12 34 56 78')
    expect(raw).toContain('\x1b[31m✗ checksum mismatch')
    expect(s).toContain('↳ wire (wire) ✓ 46 B')
    expect(s).toContain('↳ crc32 (verify) ✗ 40 B — checksum mismatch: got de ad be ef, computed 12 34 56 78')
    // The reason is the reader's language: a Chinese reader reads Chinese.
    const zh = strip(renderer({ steps: true, view: 'hex', lang: 'zh' }).render(e))
    expect(zh.split('\r\n')[0]).toBe('◀ 收 #1 · 消息 40 B ✗ 校验和不符：收到 de ad be ef，算得 12 34 56 78')
    expect(zh).toContain('↳ crc32 (verify) ✗ 40 B — 校验和不符：收到 de ad be ef，算得 12 34 56 78')
    // The whole wire stage, its last row with the CRC bytes included (nothing cut at 48 bytes).
    expect(s).toContain('    00000020  20 21 22 23 24 25 26 27  de ad be ef ')
    expect(s).not.toContain('…')
    // A huge stage is shown up to STEP_BYTES, the rest counted.
    const big = new Uint8Array(STEP_BYTES + 100)
    const bigRec = traffic(new Uint8Array([...big, ...big]), 'out', {
      parts: [
        { label: 'payload', op: 'payload', ok: true, len: big.byteLength },
        { label: 'wire', op: 'wire', ok: true, len: big.byteLength }
      ]
    })
    const t = strip(renderer({ steps: true }).render(bigRec))
    expect(t).toContain(`    ${(STEP_BYTES - 16).toString(16).padStart(8, '0')}  00 00`)
    expect(t.match(/… 100 more bytes/g)).toHaveLength(2)
  })

  it('a view switch redraws the newest entries that fit the scrollback, counted in rows', () => {
    const kib = (n: number): LogEntry => traffic(new Uint8Array(n * 1024))
    // 1 KiB in hex: a header and 64 dump rows (a wide terminal).
    expect(estimateRows(kib(1), { view: 'hex', steps: false }, 120)).toBe(65)
    expect(estimateRows(kib(1), { view: 'hex', steps: false }, 40)).toBe(129)
    const entries = [kib(1), kib(1), kib(1)]
    const rows = (x: LogEntry): number => estimateRows(x, { view: 'hex', steps: false }, 120)
    expect(redrawTail(entries, 200, rows)).toMatchObject({ omitted: 0 })
    expect(redrawTail(entries, 140, rows)).toMatchObject({ omitted: 1 })
    // The newest goes even when it alone is too big.
    expect(redrawTail(entries, 10, rows).tail).toEqual([entries[2]])
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
    expect(strip(renderEntry(note, { view: 'text', timestamps: false, lang: 'en' }))).toBe(
      '● exchange 2, datagram 3: the live answer differs at byte 6 (recorded 7 B, live 7 B)\r\n'
    )
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
