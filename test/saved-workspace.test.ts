// The workspace as written down and read back (localStorage, a session's custom block, the
// exported JSON): forgiving reads, display settings and split sizes kept.
import { describe, expect, it } from 'vitest'
import { layoutOf, savedPaneEntries, savedPanesOf, sizesFor, viewSettingsOf, workspaceDocument, type SavedPane } from '../src/renderer/src/saved-workspace'
import { defaultRenderOptions } from '../src/renderer/src/pane/render'

/** A pane as the window holds it: a saved pane plus its id (and fields a reader must ignore). */
type PaneModel = SavedPane & { id: string; title?: string }

const server: PaneModel = {
  id: 'p3',
  kind: 'tcp-server',
  n: 3,
  host: '127.0.0.1',
  port: '9000',
  config: { framing: { kind: 'delimiter', delimiterHex: '0a' } },
  snippets: [{ name: 'hi', text: 'hello', mode: 'text', encoding: 'utf-8' }],
  history: ['hello', 'ping'],
  sequences: [{ name: 'login', steps: [{ snippet: 'hi', delayMs: 100 }] }],
  view: { ...defaultRenderOptions, view: 'split', encoding: 'gbk', time: 'delta', controls: 'pictures', filter: { connId: 2, dir: 'in' } }
}

describe('saved workspace', () => {
  it('round-trips live panes with their settings, snippets and display settings, and the split sizes', () => {
    const view: PaneModel = {
      id: 'p4',
      kind: 'view',
      n: 4,
      host: '',
      port: '',
      config: {},
      snippets: [],
      history: [],
      sequences: [],
      view: defaultRenderOptions
    }
    const doc = JSON.parse(JSON.stringify(workspaceDocument([server, view], { rows: [60, 40], cols: [[30, 70], [100]] }))) as unknown
    const panes = savedPanesOf(doc)
    expect(panes).toEqual([
      {
        kind: 'tcp-server',
        n: 3,
        host: '127.0.0.1',
        port: '9000',
        config: server.config,
        snippets: server.snippets,
        history: server.history,
        sequences: server.sequences,
        view: server.view
      }
    ])
    expect(layoutOf(doc)).toEqual({ rows: [60, 40], cols: [[30, 70], [100]] })
  })

  it('ignores unknown fields and drops what it cannot use, without throwing', () => {
    const doc = {
      version: 9,
      future: { anything: true },
      panes: [
        {
          ...server,
          history: ['a', 7, null],
          sequences: [{}, { name: 'q', steps: [{ snippet: 'hi', delayMs: -1 }, { snippet: 'hi', delayMs: 5 }, 'x'] }],
          extra: 1
        },
        { kind: 'view', n: 1 },
        { kind: 'quantum', n: 2 },
        null,
        'text',
        {
          kind: 'udp',
          n: 'x',
          port: 5000,
          snippets: [{ name: 1 }, { name: 'ok', text: 't', mode: 'weird', encoding: 'nope' }],
          view: { view: 'hologram', steps: 'yes', filter: { connId: -1, dir: 'up' } }
        }
      ],
      layout: { rows: [50, 'x'], cols: [] }
    }
    const panes = savedPanesOf(doc)
    expect(panes.map((p) => p.kind)).toEqual(['tcp-server', 'udp'])
    // Damaged history entries and sequence steps are dropped; the rest is kept.
    expect(panes[0]!.history).toEqual(['a'])
    expect(panes[0]!.sequences).toEqual([{ name: 'q', steps: [{ snippet: 'hi', delayMs: 5 }] }])
    // Fields this version does not know travel beside the pane, so a round trip keeps them.
    expect(savedPaneEntries(doc)[0]!.other).toEqual({ extra: 1 })
    expect(panes[1]).toEqual({
      kind: 'udp',
      n: 0,
      host: '127.0.0.1',
      port: '5000',
      config: {},
      snippets: [{ name: 'ok', text: 't', mode: 'text', encoding: 'utf-8' }],
      history: [],
      sequences: [],
      view: defaultRenderOptions
    })
    expect(layoutOf(doc)).toBeUndefined()
    for (const bad of [undefined, null, 42, 'x', [], { panes: 'no' }]) {
      expect(savedPanesOf(bad)).toEqual([])
      expect(layoutOf(bad)).toBeUndefined()
    }
  })

  it('reads the older storage format (a bare list of panes)', () => {
    expect(savedPanesOf([server]).map((p) => p.port)).toEqual(['9000'])
  })

  it('display settings: each bad field takes its default, good ones are kept', () => {
    expect(viewSettingsOf({ view: 'hex', time: 'never', encoding: 'shift_jis' })).toEqual({ ...defaultRenderOptions, view: 'hex', encoding: 'shift_jis' })
  })

  it('split sizes apply by position only when the number of panes matches', () => {
    expect(sizesFor([30, 70], ['p7', 'p8'])).toEqual({ p7: 30, p8: 70 })
    expect(sizesFor([30, 70], ['p7', 'p8', 'p9'])).toBeUndefined()
    expect(sizesFor(undefined, ['p7'])).toBeUndefined()
  })
})
