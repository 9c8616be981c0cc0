// The one workspace schema (src/shared/workspace.ts), as the renderer, playback, the headless
// runner and export read it: forgiving reads, every documented field written, display and
// input settings and split sizes kept, unknown fields carried.
import { describe, expect, it } from 'vitest'
import { defaultComposerSettings, defaultViewSettings, readWorkspace, savedPaneById, type SavedPane } from '../src/shared/workspace'
import { sizesFor, workspaceDocument, type WindowPane } from '../src/renderer/src/saved-workspace'

const server: WindowPane = {
  id: 'p3',
  kind: 'tcp-server',
  n: 3,
  host: '127.0.0.1',
  port: '9000',
  config: {
    framing: { kind: 'delimiter', delimiterHex: '0a' },
    transforms: [],
    autoReplies: [],
    maxInflateMiB: 8,
    connections: { limit: 20, closeOnHalfClose: true, idleTimeoutS: 30 }
  },
  snippets: [{ name: 'hi', text: 'hello', mode: 'text', encoding: 'utf-8' }],
  history: ['hello', 'ping'],
  sequences: [{ name: 'login', steps: [{ snippet: 'hi', delayMs: 100 }] }],
  view: { ...defaultViewSettings, view: 'split', encoding: 'gbk', time: 'delta', controls: 'pictures', filter: { connId: 2, dir: 'in' } },
  composer: { ...defaultComposerSettings, lineEnding: 'none', mode: 'hex', repeat: { on: true, everyMs: '250', times: '0' } }
}

describe('workspace schema', () => {
  it('round-trips live panes with their settings, snippets, display and input settings, and the split sizes; playback panes are not saved', () => {
    const playback: WindowPane = { ...server, id: 'p4', kind: 'playback', n: 4, sessionId: 1, title: 'Recording' }
    const doc = JSON.parse(JSON.stringify(workspaceDocument([server, playback], { rows: [60, 40], cols: [[30, 70], [100]] }))) as unknown
    const ws = readWorkspace(doc)
    expect(ws.panes).toEqual([server])
    expect(ws.layout).toEqual({ rows: [60, 40], cols: [[30, 70], [100]] })
  })

  it('the decompression limit is saved; a workspace saved before it existed, or with one out of range, loads with 4 MiB (issue 10, item 3)', () => {
    const back = (config: unknown): number => readWorkspace({ panes: [{ ...server, config }] }).panes[0]!.config.maxInflateMiB
    expect(readWorkspace(JSON.parse(JSON.stringify(workspaceDocument([server], undefined)))).panes[0]!.config.maxInflateMiB).toBe(8)
    expect(back({ framing: { kind: 'raw' }, transforms: [], autoReplies: [] })).toBe(4)
    for (const bad of [0, 65, 2.5, '8', null])
      expect(back({ framing: { kind: 'raw' }, transforms: [], autoReplies: [], maxInflateMiB: bad }), String(bad)).toBe(4)
    expect(back('garbage')).toBe(4)
  })

  it('Line ending None (and every other input setting) survives a save and an Open', () => {
    const back = readWorkspace(JSON.parse(JSON.stringify(workspaceDocument([server], undefined)))).panes[0]!
    expect(back.composer.lineEnding).toBe('none')
    expect(back.composer).toEqual(server.composer)
  })

  it('ignores what it cannot use, keeps what it does not know, and never throws', () => {
    const doc = {
      version: 9,
      future: { anything: true },
      panes: [
        {
          ...server,
          history: ['a', 7, null],
          sequences: [{}, { name: 'q', steps: [{ snippet: 'hi', delayMs: -1 }, { snippet: 'hi', delayMs: 5 }, 'x'] }],
          config: { framing: { kind: 'nonsense' }, transforms: [{ kind: 'checksum', algo: 'crc32' }, { kind: 'rot13' }], autoReplies: 'none' },
          extra: 1
        },
        { kind: 'playback', n: 1 },
        { kind: 'quantum', n: 2 },
        null,
        'text',
        {
          kind: 'udp',
          n: 'x',
          port: 5000,
          snippets: [{ name: 1 }, { name: 'ok', text: 't', mode: 'weird', encoding: 'nope' }],
          view: { view: 'hologram', steps: 'yes', filter: { connId: -1, dir: 'up' } },
          composer: { lineEnding: 'lfcr', udpPort: 7 }
        }
      ],
      layout: { rows: [50, 'x'], cols: [] }
    }
    const ws = readWorkspace(doc)
    expect(ws.panes.map((p) => p.kind)).toEqual(['tcp-server', 'udp'])
    const [first, udp] = ws.panes as [SavedPane & { extra?: unknown }, SavedPane]
    // Damaged entries are dropped; the rest is kept; a damaged part of the config takes its default.
    expect(first.history).toEqual(['a'])
    expect(first.sequences).toEqual([{ name: 'q', steps: [{ snippet: 'hi', delayMs: 5 }] }])
    expect(first.config).toEqual({
      framing: { kind: 'raw' },
      transforms: [{ kind: 'checksum', algo: 'crc32' }],
      autoReplies: [],
      maxInflateMiB: 4,
      connections: { limit: 256, closeOnHalfClose: false, idleTimeoutS: 0 }
    })
    // Fields this version does not know travel with the pane and the workspace, so a round trip keeps them.
    expect(first.extra).toBe(1)
    expect((ws as unknown as { future: unknown }).future).toEqual({ anything: true })
    expect(udp).toEqual({
      kind: 'udp',
      n: 0,
      host: '127.0.0.1',
      port: '5000',
      config: {
        framing: { kind: 'raw' },
        transforms: [],
        autoReplies: [],
        maxInflateMiB: 4,
        connections: { limit: 256, closeOnHalfClose: false, idleTimeoutS: 0 }
      },
      snippets: [{ name: 'ok', text: 't', mode: 'text', encoding: 'utf-8' }],
      history: [],
      sequences: [],
      view: defaultViewSettings,
      composer: defaultComposerSettings
    })
    expect(ws.layout).toBeUndefined()
    for (const bad of [undefined, null, 42, 'x', [], { panes: 'no' }]) {
      expect(readWorkspace(bad).panes).toEqual([])
      expect(readWorkspace(bad).layout).toBeUndefined()
    }
  })

  it('writes every documented field, defaults included (what Export workspace writes)', () => {
    const ws = readWorkspace({ panes: [{ kind: 'tcp-client', port: 80 }] })
    expect(Object.keys(ws)).toEqual(['version', 'panes'])
    expect(Object.keys(ws.panes[0]!).sort()).toEqual(['composer', 'config', 'history', 'host', 'kind', 'n', 'port', 'sequences', 'snippets', 'view'].sort())
    expect(Object.keys(ws.panes[0]!.config).sort()).toEqual(['autoReplies', 'connections', 'framing', 'maxInflateMiB', 'transforms'])
  })

  it("a server pane's connection settings: a file from before them loads with the defaults; each damaged one takes its default", () => {
    const defaults = { limit: 256, closeOnHalfClose: false, idleTimeoutS: 0 }
    const old = { panes: [{ kind: 'tcp-server', port: '9000', config: { framing: { kind: 'raw' }, transforms: [], autoReplies: [] } }] }
    expect(readWorkspace(old).panes[0]!.config.connections).toEqual(defaults)
    const damaged = { panes: [{ kind: 'tcp-server', config: { connections: { limit: 0, closeOnHalfClose: 'yes', idleTimeoutS: 45 } } }] }
    expect(readWorkspace(damaged).panes[0]!.config.connections).toEqual({ ...defaults, idleTimeoutS: 45 })
    const tooMany = { panes: [{ kind: 'tcp-server', config: { connections: { limit: 1e9, idleTimeoutS: -1 } } }] }
    expect(readWorkspace(tooMany).panes[0]!.config.connections).toEqual(defaults)
  })

  it('reads the older storage format (a bare list of panes), and finds a recorded pane by its id', () => {
    expect(readWorkspace([server]).panes.map((p) => p.port)).toEqual(['9000'])
    expect(savedPaneById({ panes: [server] }, 'p3')?.config.framing).toEqual({ kind: 'delimiter', delimiterHex: '0a' })
    expect(savedPaneById({ panes: [server] }, 'p9')).toBeUndefined()
  })

  it('display settings: each bad field takes its default, good ones are kept', () => {
    const ws = readWorkspace({ panes: [{ kind: 'udp', view: { view: 'hex', time: 'never', encoding: 'shift_jis' } }] })
    expect(ws.panes[0]!.view).toEqual({ ...defaultViewSettings, view: 'hex', encoding: 'shift_jis' })
  })

  it('split sizes apply by position only when the number of panes matches', () => {
    expect(sizesFor([30, 70], ['p7', 'p8'])).toEqual({ p7: 30, p8: 70 })
    expect(sizesFor([30, 70], ['p7', 'p8', 'p9'])).toBeUndefined()
    expect(sizesFor(undefined, ['p7'])).toBeUndefined()
  })
})
