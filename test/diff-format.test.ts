// The shared diff formatter (panes and command line): every differing range with its offset
// and both sides in hex and ASCII, the first 20 ranges, then how many more.
import { describe, expect, it } from 'vitest'
import { diffRanges, formatDiff } from '../src/shared/diff-format'

const b = (s: string): Uint8Array => Buffer.from(s)

describe('diff format', () => {
  it('lists each differing range, far apart ones included, with both sides in hex and ASCII', () => {
    const recorded = b('ok two\n' + '.'.repeat(200) + 'end\n')
    const live = b('ok TWO\n' + '.'.repeat(200) + 'END\n')
    expect(diffRanges(recorded, live)).toEqual([
      { offset: 3, length: 3 },
      { offset: 207, length: 3 }
    ])
    expect(formatDiff(recorded, live, { lang: 'en' })).toEqual([
      'at byte 3 (0x3), 3 B differ:',
      '  recorded: 74 77 6f  |two|',
      '  live:     54 57 4f  |TWO|',
      'at byte 207 (0xcf), 3 B differ:',
      '  recorded: 65 6e 64  |end|',
      '  live:     45 4e 44  |END|'
    ])
  })

  it('an answer longer or shorter than the recorded one: the rest as one range, the missing side as nothing', () => {
    expect(formatDiff(b('ok'), b('ok\r\n'), { lang: 'en' })).toEqual(['at byte 2 (0x2), 2 B differ:', '  recorded: (nothing)', '  live:     0d 0a  |..|'])
    expect(formatDiff(b('x'.repeat(40)), b(''), { lang: 'en' })[2]).toBe('  live:     (nothing)')
    expect(formatDiff(b('x'.repeat(40)), b(''), { lang: 'en' })[1]).toMatch(/^ {2}recorded: (78 ){31}78 {2}\|x{32}\| … and 8 B more$/)
  })

  it('shows the first 20 ranges, then how many more and how many bytes', () => {
    const recorded = new Uint8Array(100)
    const live = new Uint8Array(100)
    for (let i = 0; i < 100; i += 4) live[i] = 1 // 25 one-byte ranges
    const lines = formatDiff(recorded, live, { lang: 'en' })
    expect(lines.length).toBe(20 * 3 + 1)
    expect(lines.at(-1)).toBe('and 5 more ranges, 5 B')
    expect(lines.at(-4)).toBe('at byte 76 (0x4c), 1 B differ:')
  })

  it('the same bytes: nothing to show; marks wrap the differing hex; Chinese labels', () => {
    expect(formatDiff(b('same'), b('same'), { lang: 'en' })).toEqual([])
    expect(formatDiff(b('a'), b('b'), { lang: 'en', mark: (h) => `[${h}]` })[1]).toBe('  recorded: [61]  |a|')
    expect(formatDiff(b('a'), b('b'), { lang: 'zh' })[0]).toBe('从第 0 字节（0x0）起，1 B 不同：')
  })
})
