// A saved sequence made into what the engine runs (the steps of send.sequence): each step's
// snippet found by name and its text checked. The renderer's Run button and the headless
// runner both call this, so a sequence runs the same from either.
import { checkingContext, composeMessage } from './compose'
import type { Template } from './contract'
import type { MessageKey, MessageRef } from './i18n'
import type { Sequence, Snippet } from './workspace'

/** What send.sequence takes: each step's template and the delay before it. */
export type SequenceCommandSteps = { template: Template; delayMs: number }[]

export type SequenceSteps =
  | { ok: true; steps: SequenceCommandSteps }
  /** Why it cannot run, as a catalog message; `snippet`: the snippet whose text does not parse. */
  | { ok: false; problem: MessageRef; snippet?: string }

/** The steps to send: each waits its delay, then sends its snippet (text, hex or base64 in its encoding). */
export function sequenceSteps(sequence: Pick<Sequence, 'steps'>, snippets: readonly Snippet[]): SequenceSteps {
  if (sequence.steps.length === 0) return { ok: false, problem: { key: 'seq.empty' } }
  const steps: SequenceCommandSteps = []
  for (const [i, step] of sequence.steps.entries()) {
    const s = snippets.find((x) => x.name === step.snippet)
    if (!s) return { ok: false, problem: { key: 'seq.missingSnippet', params: { n: i + 1, name: step.snippet } } }
    const r = composeMessage(s.text, s.mode, s.encoding, checkingContext)
    // Every reason composeMessage gives has its parse.* message.
    if (!r.ok) return { ok: false, snippet: s.name, problem: { key: `parse.${r.reason}` as MessageKey, params: { pos: r.index + 1, char: r.char ?? '' } } }
    steps.push({ template: { text: s.text, mode: s.mode, encoding: s.encoding }, delayMs: step.delayMs })
  }
  return { ok: true, steps }
}
