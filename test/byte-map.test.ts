// Which bytes Copy takes from a selection: the body lines a record is laid out as must be the
// lines the renderer draws, and a selection over them picks exactly the bytes it covers.
import { describe, expect, it } from 'vitest'
import { bodyLines, selectedOffsets, takeSelected, textUnits } from '../src/renderer/src/pane/byte-map'
import { defaultRenderOptions, TerminalRenderer, type RenderOptions } from '../src/renderer/src/pane/render'
import { decodeVisible, textEncodings } from '../src/shared/encodings'
import type { LogEntry } from '../src/renderer/src/pane/log'

const strip = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '')
const enc = new TextEncoder()
const record = (bytes: Uint8Array): LogEntry => ({
  kind: 'traffic',
  rec: { tUs: 1_700_000_000_000_000, connId: 1, dir: 'in', len: bytes.byteLength },
  bytes
})
type View = Pick<RenderOptions, 'view' | 'encoding' | 'controls'>
const opts = (o: Partial<View>): RenderOptions => ({ ...defaultRenderOptions, time: 'off', lang: 'en', ...o })

/** The rows a renderer draws for the records (no wrapping): what a wide terminal shows. */
function screen(records: Uint8Array[], o: RenderOptions): { rows: string[]; starts: number[] } {
  const r = new TerminalRenderer(o)
  const rows: string[] = []
  const starts: number[] = []
  records.forEach((b) => {
    starts.push(rows.length)
    rows.push(
      ...strip(r.render(record(b)))
        .split('\r\n')
        .slice(0, -1)
    )
  })
  return { rows, starts }
}

type At = [row: number, col: number]

/**
 * What Copy takes when the screen's characters from `from` up to `to` (exclusive) are
 * selected, done as TrafficView does it: each record's rows are its header then its body.
 */
function copyOf(records: Uint8Array[], o: RenderOptions, from: At, to: At): { bytes: number[]; exact: boolean } {
  const { rows, starts } = screen(records, o)
  const taken = records.map((bytes, i) => {
    const first = starts[i]!
    const last = i + 1 < records.length ? starts[i + 1]! - 1 : rows.length - 1
    if (last < from[0] || first > to[0]) return undefined
    const layout = bodyLines(bytes, o)
    const sel = layout.map((_, k) => {
      const row = first + 1 + k
      if (row < from[0] || row > to[0]) return undefined
      return { from: row === from[0] ? from[1] : 0, to: row === to[0] ? to[1] : rows[row]!.length }
    })
    return { bytes, offsets: selectedOffsets(layout, sel) }
  })
  const r = takeSelected(taken.filter((t) => t !== undefined))
  return { bytes: [...r.bytes], exact: r.exact }
}

const samples: Uint8Array[] = [
  enc.encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
  enc.encode('中文 и ascii, emoji 🎉, e\u0301, zero\u200bwidth\n'),
  Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff),
  Uint8Array.of(0xff, 0xfe, 0x41, 0x00, 0x00, 0xd8, 0x42, 0x00, 0xe4, 0xb8, 0x0a, 0x0a),
  Uint8Array.of(0x82, 0xa0, 0x5c, 0x81, 0x40, 0x80, 0xa1, 0x0d, 0x0a, 0x81)
]

describe('a record laid out as the renderer draws it', () => {
  for (const view of ['text', 'hex', 'split'] as const)
    for (const controls of ['escapes', 'pictures'] as const)
      it(`${view} view, control ${controls}, every encoding`, () => {
        for (const encoding of textEncodings) {
          const o = opts({ view, controls, encoding })
          for (const bytes of samples) {
            const drawn = screen([bytes], o).rows.slice(1)
            expect(bodyLines(bytes, o).map((l) => l.text)).toEqual(drawn)
          }
        }
      })

  it('text pieces put together are the text view of the whole, in every encoding', () => {
    for (const encoding of textEncodings)
      for (const bytes of samples) {
        const units = textUnits(bytes, encoding, 'escapes')
        expect(units.map((u) => u.text).join('')).toBe(decodeVisible(bytes, encoding, { style: 'escapes' }))
        expect(units.map((u) => u.end - u.start).reduce((a, b) => a + b, 0)).toBe(bytes.byteLength)
      }
  })

  it('an empty payload has no body', () => {
    expect(bodyLines(new Uint8Array(0), opts({ view: 'split' }))).toEqual([])
  })
})

describe('the bytes a selection takes', () => {
  const abc = enc.encode('abcdefghijklmnopqrstuvwxyz0123456789')
  const hex = opts({ view: 'hex' })
  // Hex rows: "  00000000  61 62 63 64 65 66 67 68  69 6a ..." — byte i's digits at 12 + 3i (+1 after 8).
  const col = (i: number): number => 12 + i * 3 + (i >= 8 ? 1 : 0)

  it('hex: three pairs in the middle of a dump line, and nothing of the offset or ASCII columns', () => {
    expect(copyOf([abc], hex, [1, col(3)], [1, col(5) + 2])).toEqual({ bytes: [...abc.subarray(3, 6)], exact: true })
    // From the start of the line (offset column) to the end (ASCII column): the 16 bytes only.
    const { rows } = screen([abc], hex)
    expect(copyOf([abc], hex, [1, 0], [1, rows[1]!.length])).toEqual({ bytes: [...abc.subarray(0, 16)], exact: true })
  })

  it('hex: a pair counts only with both its digits selected', () => {
    expect(copyOf([abc], hex, [1, col(3) + 1], [1, col(5) + 1])).toEqual({ bytes: [...abc.subarray(4, 5)], exact: true })
  })

  it('hex: across the middle gap and across dump lines', () => {
    expect(copyOf([abc], hex, [1, col(7)], [1, col(8) + 2]).bytes).toEqual([...abc.subarray(7, 9)])
    expect(copyOf([abc], hex, [1, col(14)], [3, col(1) + 2]).bytes).toEqual([...abc.subarray(14, 34)])
  })

  it('hex: across two records, in order', () => {
    const two = enc.encode('XYZ')
    // Record 1: header and three dump rows; record 2's header is row 4, its dump row 5.
    expect(copyOf([abc, two], hex, [3, col(2)], [5, col(1) + 2])).toEqual({ bytes: [...abc.subarray(34), ...two.subarray(0, 2)], exact: true })
  })

  it('text: characters within a line and across lines; escapes are the bytes they name', () => {
    const text = opts({ view: 'text' })
    const req = enc.encode('GET / HTTP/1.1\r\nHost: x\r\n')
    // Row 1 is "  GET / HTTP/1.1\r\n", row 2 "  Host: x\r\n".
    expect(copyOf([req], text, [1, 2], [1, 5]).bytes).toEqual([...enc.encode('GET')])
    expect(copyOf([req], text, [1, 16], [2, 6]).bytes).toEqual([...enc.encode('\r\nHost')])
  })

  it('text: an escape half selected counts not at all; \\xNN is its byte', () => {
    const text = opts({ view: 'text' })
    const bin = Uint8Array.of(0x41, 0x01, 0x42)
    // "  A\x01B": the escape is columns 3..6.
    expect(copyOf([bin], text, [1, 2], [1, 5]).bytes).toEqual([0x41])
    expect(copyOf([bin], text, [1, 3], [1, 8]).bytes).toEqual([0x01, 0x42])
  })

  it('text: a character is its bytes in the view encoding', () => {
    const gbk = Uint8Array.of(0xd6, 0xd0, 0xce, 0xc4, 0x21) // 中文! in GBK
    expect(copyOf([gbk], opts({ view: 'text', encoding: 'gbk' }), [1, 3], [1, 5]).bytes).toEqual([0xce, 0xc4, 0x21])
    const utf8 = enc.encode('é🎉x')
    expect(copyOf([utf8], opts({ view: 'text' }), [1, 3], [1, 5]).bytes).toEqual([...enc.encode('🎉')])
  })

  it('split: a byte selected in both halves is taken once', () => {
    const o = opts({ view: 'split' })
    const { rows } = screen([abc], o)
    expect(copyOf([abc], o, [1, 0], [rows.length - 1, rows[rows.length - 1]!.length]).bytes).toEqual([...abc])
  })

  it('a selection of headers only takes the whole records it touches', () => {
    const two = enc.encode('XYZ')
    expect(copyOf([abc, two], hex, [0, 0], [0, 5])).toEqual({ bytes: [...abc], exact: false })
    expect(copyOf([abc, two], hex, [4, 0], [4, 5])).toEqual({ bytes: [...two], exact: false })
  })

  it('a record that could not be mapped counts whole beside selected bytes', () => {
    const r = takeSelected([
      { bytes: Uint8Array.of(1, 2, 3), offsets: [1] },
      { bytes: Uint8Array.of(7, 8), offsets: undefined }
    ])
    expect({ bytes: [...r.bytes], exact: r.exact }).toEqual({ bytes: [2, 7, 8], exact: true })
  })
})
