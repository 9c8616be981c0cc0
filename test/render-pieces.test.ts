// A record larger than the screen's batch reaches the renderer in pieces (issue 10, item 4): the
// terminal shows it as one message, exactly as it shows the record whole: one header with its
// timestamp and whole size, text lines and characters that go on across the cuts, hex offsets
// that continue, the Split and Steps views in step.
import { describe, expect, it } from 'vitest'
import { defaultRenderOptions, STEP_BYTES, TerminalRenderer, type RenderOptions } from '../src/renderer/src/pane/render'
import type { LogEntry } from '../src/renderer/src/pane/log'
import type { TrafficRecord } from '../src/shared/contract'
import { splitRecord } from '../src/shared/record-pieces'
import { formatBytes } from '../src/shared/bytes'
import { bodyLines } from '../src/renderer/src/pane/byte-map'
import { mainPart } from '../src/renderer/src/pane/render'

const strip = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '')
const KiB = 1024
const T = Date.UTC(2026, 0, 1) * 1000 + 123456

const renderer = (o: Partial<RenderOptions> = {}): TerminalRenderer => new TerminalRenderer({ ...defaultRenderOptions, time: 'absolute', lang: 'en', ...o })

/** What the terminal gets for these entries, one after the other, through one renderer. */
const draw = (entries: LogEntry[], o: Partial<RenderOptions> = {}): string => {
  const r = renderer(o)
  return entries.map((e) => r.render(e)).join('')
}

const entry = (rec: TrafficRecord, bytes: Uint8Array): LogEntry => ({ kind: 'traffic', rec, bytes })
const pieces = (rec: TrafficRecord, bytes: Uint8Array, max = 256 * KiB): LogEntry[] => splitRecord(rec, bytes, max).map((p) => entry(p.rec, p.bytes))

/** 1.3 MiB of lines of Chinese text: 3-byte characters and line ends cut by the 256 KiB pieces. */
const text = new TextEncoder().encode(Array.from({ length: 32_000 }, (_, i) => `第 ${i} 行：你好，世界 — hello`).join('\n'))
const rec: TrafficRecord = { connId: 1, dir: 'in', tUs: T, len: text.byteLength }

describe('a record in pieces', () => {
  it('is cut at whole hex rows into pieces of at most the batch, all with the whole record’s time and size', () => {
    const ps = splitRecord(rec, text, 256 * KiB)
    expect(ps).toHaveLength(Math.ceil(text.byteLength / (256 * KiB)))
    for (const p of ps) {
      expect(p.bytes.byteLength).toBeLessThanOrEqual(256 * KiB)
      expect(p.rec.piece!.at % 16).toBe(0)
      expect(p.rec).toMatchObject({ tUs: T, connId: 1, dir: 'in', len: p.bytes.byteLength, piece: { of: text.byteLength } })
    }
    expect(ps.length).toBeGreaterThan(4)
    expect(Buffer.compare(Buffer.concat(ps.map((p) => p.bytes)), text)).toBe(0)
    // One that fits stays as it is.
    const [same, ...none] = splitRecord(rec, text, text.byteLength)
    expect([same!.rec, same!.bytes === text, none]).toEqual([rec, true, []])
  })

  for (const view of ['text', 'hex', 'split'] as const) {
    for (const lang of ['en', 'zh'] as const) {
      it(`${view} view, ${lang}: one header with the time and whole size, the same lines as the record drawn whole`, () => {
        const whole = strip(draw([entry(rec, text)], { view, lang }))
        const cut = strip(draw(pieces(rec, text), { view, lang }))
        const header = whole.split('\r\n')[0]!
        expect(header).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.123456 ◀ ${lang === 'en' ? 'in' : '收'} #1 · ${formatBytes(text.byteLength)}$`))
        expect(cut.split('◀')).toHaveLength(2)
        if (view === 'split') {
          // Text then hex for each piece: the same text lines and the same hex rows, offsets going on.
          const rows = (s: string): string[] => s.split('\r\n').filter((l) => /^ {2}[0-9a-f]{8} {2}/.test(l))
          expect(rows(cut)).toEqual(rows(whole))
          expect(rows(cut).at(-1)).toMatch(new RegExp(`^  ${((text.byteLength - 1) & ~15).toString(16).padStart(8, '0')} `))
          const textLines = (s: string): string[] => s.split('\r\n').filter((l) => l.includes('行'))
          expect(textLines(cut).length).toBeGreaterThanOrEqual(textLines(whole).length)
        } else {
          // Not a line broken, not a character cut in two (no \xNN where a piece ends).
          expect(cut).toBe(whole)
        }
      })
    }
  }

  it('anything drawn between two pieces first ends the open line; a piece whose record was not begun here (a redraw) gets its header', () => {
    const [a, b, c] = pieces(rec, text)
    const note: LogEntry = { kind: 'note', tUs: T, level: 'info', key: 'term.open', params: { id: 2 } }
    const s = strip(draw([a!, note, b!, c!]))
    // The note starts a line of its own, and the piece after it is a new message with its header.
    expect(s).toMatch(/[^\n]\r\n\d\d:\d\d:\d\d\.\d{6} ● /)
    expect(s.split('◀')).toHaveLength(3)
    expect(strip(draw([b!, c!])).split('◀')).toHaveLength(2)
  })

  it('Copy and Find lay out a piece the way the terminal drew it: no header for a piece going on, hex offsets going on (hex and split views)', () => {
    const all = pieces(rec, text)
    for (const view of ['hex', 'split'] as const) {
      const r = renderer({ view })
      all.forEach((e, i) => {
        const drawn = strip(r.render(e)).split('\r\n').slice(0, -1)
        expect(r.headed).toBe(i === 0)
        if (e.kind !== 'traffic') throw new Error('a traffic entry')
        const laid = bodyLines(e.bytes, { ...defaultRenderOptions, view }, mainPart(e.rec, e.bytes).offset).map((l) => l.text)
        // The lines Copy maps a selection onto are the lines drawn (after the header, if any).
        const skip = r.headed ? 1 : 0
        expect(drawn.slice(skip, skip + laid.length)).toEqual(laid)
      })
    }
  })

  it('Steps view: each step’s line once, its first 64 KiB as hex rows with offsets from the step’s start, then how many more bytes', () => {
    // A framed message: the wire (4-byte length + payload), then the payload.
    const payload = text
    const wire = Buffer.concat([Buffer.from([0, 0, 0, 0]), payload])
    wire.writeUInt32BE(payload.byteLength)
    const parts: TrafficRecord['parts'] = [
      { label: 'wire', op: 'wire', ok: true, len: wire.byteLength },
      { label: 'payload', op: 'payload', ok: true, len: payload.byteLength }
    ]
    const msg: TrafficRecord = { connId: 1, dir: 'in', tUs: T, len: wire.byteLength + payload.byteLength, parts }
    const bytes = Buffer.concat([wire, payload])
    for (const lang of ['en', 'zh'] as const) {
      const whole = strip(draw([entry(msg, bytes)], { view: 'text', steps: true, lang }))
      const cut = strip(draw(pieces(msg, bytes), { view: 'text', steps: true, lang }))
      expect(cut.split('◀')).toHaveLength(2)
      const stepLines = (s: string): string[] =>
        s.split('\r\n').filter((l) => l.startsWith('  ↳ ') || /^ {4}(\d|…|\.\.\.|[^ 0-9a-f])/.test(l) || l.startsWith('    0'))
      // The same step lines, hex rows and "more bytes" lines, each once.
      expect([...stepLines(cut)].sort()).toEqual([...stepLines(whole)].sort())
      expect(cut.split('\r\n').filter((l) => l.startsWith('  ↳ '))).toHaveLength(2)
      expect(cut).toContain(`    ${(STEP_BYTES - 16).toString(16).padStart(8, '0')}  `)
      // The payload's text, whole, once (a line may break where a step's rows come between).
      const body = (s: string): string =>
        s
          .split('\r\n')
          .filter((l) => l.startsWith('  ') && !/^ {2}↳ |^ {4}[0-9a-f]{8} {2}|^ {4}\S/.test(l))
          .map((l) => l.slice(2))
          .join('')
      expect(body(cut) === body(whole)).toBe(true)
    }
  })
})
