// sequenceSteps: a saved sequence made into send.sequence steps, as the Run button and the
// headless runner both do: snippets found by name, their text checked, problems as catalog messages.
import { describe, expect, it } from 'vitest'
import { sequenceSteps } from '../src/shared/sequences'
import { translateRef } from '../src/shared/i18n'
import type { Snippet } from '../src/shared/workspace'

const snippets: Snippet[] = [
  { name: 'hello', text: 'hello\\n', mode: 'text', encoding: 'utf-8' },
  { name: 'bytes', text: '48 69', mode: 'hex', encoding: 'utf-8' },
  { name: 'broken', text: '48 zz', mode: 'hex', encoding: 'utf-8' }
]

describe('sequenceSteps', () => {
  it("makes each step its snippet's template, with its delay, in order", () => {
    const r = sequenceSteps(
      {
        steps: [
          { snippet: 'hello', delayMs: 0 },
          { snippet: 'bytes', delayMs: 250 }
        ]
      },
      snippets
    )
    expect(r).toEqual({
      ok: true,
      steps: [
        { template: { text: 'hello\\n', mode: 'text', encoding: 'utf-8' }, delayMs: 0 },
        { template: { text: '48 69', mode: 'hex', encoding: 'utf-8' }, delayMs: 250 }
      ]
    })
  })

  it('says why a sequence cannot run: no steps, a snippet gone, a snippet that does not parse', () => {
    const empty = sequenceSteps({ steps: [] }, snippets)
    expect(empty.ok || translateRef('en', empty.problem)).toBe('This sequence has no steps yet')
    const gone = sequenceSteps(
      {
        steps: [
          { snippet: 'hello', delayMs: 0 },
          { snippet: 'bye', delayMs: 0 }
        ]
      },
      snippets
    )
    expect(gone.ok || translateRef('en', gone.problem)).toBe('Step 2: there is no snippet named bye any more')
    const broken = sequenceSteps({ steps: [{ snippet: 'broken', delayMs: 0 }] }, snippets)
    expect(broken).toMatchObject({ ok: false, snippet: 'broken', problem: { key: 'parse.badHexChar', params: { pos: 4, char: 'z' } } })
  })
})
