// A pane's snippets (named inputs, sent in one click) and sequences (named, ordered lists
// of snippets, each step waiting its delay first), all saved with the workspace. A
// sequence runs in the engine as one job, so a busy screen does not slow it down.
import { useState } from 'react'
import { useI18n } from '../i18n'
import type { Sequence, SequenceStep, Snippet } from '../workspace'
import { sequenceSteps, type SequenceCommandSteps } from '../../../shared/sequences'
import type { FieldError } from './validate'

interface Props {
  snippets: Snippet[]
  sequences: Sequence[]
  disabled: boolean
  /** There is an input that could be saved (text, hex or base64, not empty). */
  canSave: boolean
  /** The input as a snippet (undefined: nothing to save, or it does not parse). */
  current(): Omit<Snippet, 'name'> | undefined
  onSnippets(s: Snippet[]): void
  onSequences(s: Sequence[]): void
  onSend(s: Snippet): void
  /** Runs the sequence's checked steps; resolves to a problem to show, if any. */
  onRun(steps: SequenceCommandSteps): Promise<string | undefined>
}

export const MAX_DELAY_MS = 600_000

/** A delay as typed: a whole number of ms, 0 to MAX_DELAY_MS. */
export function parseDelay(text: string): number | undefined {
  const t = text.trim()
  if (!/^\d{1,6}$/.test(t)) return undefined
  const n = Number(t)
  return n <= MAX_DELAY_MS ? n : undefined
}

export function Snippets({ snippets, sequences, disabled, canSave, current, onSnippets, onSequences, onSend, onRun }: Props) {
  const { t } = useI18n()
  const [snippetName, setSnippetName] = useState('')
  const [seqName, setSeqName] = useState('')
  /** Delays as typed, by "sequence/step", while they are not valid numbers. */
  const [drafts, setDrafts] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<{ seq: string; error: FieldError | string } | undefined>()

  const saveSnippet = (): void => {
    const body = current()
    if (!body) return
    const name = snippetName.trim()
    onSnippets([...snippets.filter((s) => s.name !== name), { name, ...body }])
    setSnippetName('')
  }

  const setSequence = (name: string, steps: SequenceStep[]): void => onSequences(sequences.map((q) => (q.name === name ? { ...q, steps } : q)))

  const addSequence = (): void => {
    const name = seqName.trim()
    if (!name || sequences.some((q) => q.name === name)) return
    onSequences([...sequences, { name, steps: snippets.slice(0, 1).map((s) => ({ snippet: s.name, delayMs: 0 })) }])
    setSeqName('')
  }

  const move = (q: Sequence, i: number, by: -1 | 1): void => {
    const steps = [...q.steps]
    const [step] = steps.splice(i, 1)
    steps.splice(i + by, 0, step!)
    setSequence(q.name, steps)
    setDrafts({})
  }

  const run = async (q: Sequence): Promise<void> => {
    if (Object.keys(drafts).some((k) => k.startsWith(`${q.name}/`)))
      return setProblem({ seq: q.name, error: { key: 'seq.badDelay', params: { max: MAX_DELAY_MS } } })
    const r = sequenceSteps(q, snippets)
    if (!r.ok) {
      const error = { key: r.problem.key, params: r.problem.params ?? {} }
      return setProblem({ seq: q.name, error: r.snippet === undefined ? error : `${r.snippet}: ${t(error.key, error.params)}` })
    }
    setProblem(undefined)
    const why = await onRun(r.steps)
    if (why) setProblem({ seq: q.name, error: why })
  }

  return (
    <details className="snippets">
      <summary>{t('snippets.title', { n: snippets.length })}</summary>
      <div className="row">
        <input aria-label={t('snippets.name')} placeholder={t('snippets.name')} value={snippetName} onChange={(e) => setSnippetName(e.target.value)} />
        <button type="button" disabled={!snippetName.trim() || !canSave} onClick={saveSnippet}>
          {t('snippets.save')}
        </button>
      </div>
      <ul className="snippet-list">
        {snippets.map((s) => (
          <li key={s.name}>
            <button type="button" disabled={disabled} onClick={() => onSend(s)} aria-label={t('snippets.send', { name: s.name })}>
              ▶ {s.name}
            </button>
            <code>{s.mode}</code>
            <button
              type="button"
              className="icon"
              aria-label={t('snippets.remove', { name: s.name })}
              onClick={() => onSnippets(snippets.filter((x) => x !== s))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="row sequences-head">
        <span>{t('seq.title')}</span>
        <input aria-label={t('seq.name')} placeholder={t('seq.name')} value={seqName} onChange={(e) => setSeqName(e.target.value)} />
        <button type="button" disabled={!seqName.trim() || sequences.some((q) => q.name === seqName.trim())} onClick={addSequence}>
          {t('seq.add')}
        </button>
      </div>
      {sequences.map((q) => (
        <div key={q.name} className="sequence" role="group" aria-label={t('seq.group', { name: q.name })}>
          <div className="row">
            <strong>{q.name}</strong>
            <button type="button" disabled={disabled} onClick={() => void run(q)} aria-label={t('seq.run', { name: q.name })}>
              ▶ {t('seq.runShort')}
            </button>
            <button
              type="button"
              onClick={() => (setSequence(q.name, [...q.steps, { snippet: snippets[0]?.name ?? '', delayMs: 500 }]), setProblem(undefined))}
              disabled={snippets.length === 0}
            >
              + {t('seq.addStep')}
            </button>
            <button type="button" className="icon" aria-label={t('seq.remove', { name: q.name })} onClick={() => onSequences(sequences.filter((x) => x !== q))}>
              ×
            </button>
          </div>
          <ol className="seq-steps">
            {q.steps.map((st, i) => {
              const key = `${q.name}/${i}`
              const draft = drafts[key]
              const n = i + 1
              return (
                <li key={i} className="row">
                  <label>
                    {t('seq.wait')}
                    <input
                      className="port"
                      inputMode="numeric"
                      aria-label={t('seq.delay', { n })}
                      aria-invalid={draft !== undefined ? true : undefined}
                      value={draft ?? String(st.delayMs)}
                      onChange={(e) => {
                        const v = parseDelay(e.target.value)
                        const rest = { ...drafts }
                        delete rest[key]
                        if (v === undefined) setDrafts({ ...rest, [key]: e.target.value })
                        else {
                          setDrafts(rest)
                          setSequence(
                            q.name,
                            q.steps.map((x, j) => (j === i ? { ...x, delayMs: v } : x))
                          )
                        }
                      }}
                    />
                    {t('seq.thenSend')}
                  </label>
                  <select
                    aria-label={t('seq.snippet', { n })}
                    value={st.snippet}
                    onChange={(e) =>
                      setSequence(
                        q.name,
                        q.steps.map((x, j) => (j === i ? { ...x, snippet: e.target.value } : x))
                      )
                    }
                  >
                    {!snippets.some((s) => s.name === st.snippet) && <option value={st.snippet}>{t('seq.gone', { name: st.snippet })}</option>}
                    {snippets.map((s) => (
                      <option key={s.name} value={s.name}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                  <button type="button" className="icon" aria-label={t('seq.up', { n })} disabled={i === 0} onClick={() => move(q, i, -1)}>
                    ↑
                  </button>
                  <button type="button" className="icon" aria-label={t('seq.down', { n })} disabled={i === q.steps.length - 1} onClick={() => move(q, i, 1)}>
                    ↓
                  </button>
                  <button
                    type="button"
                    className="icon"
                    aria-label={t('seq.removeStep', { n })}
                    onClick={() => (
                      setSequence(
                        q.name,
                        q.steps.filter((_, j) => j !== i)
                      ),
                      setDrafts({})
                    )}
                  >
                    ×
                  </button>
                  {draft !== undefined && (
                    <span className="field-error" role="alert">
                      {t('seq.badDelay', { max: MAX_DELAY_MS })}
                    </span>
                  )}
                </li>
              )
            })}
          </ol>
          {problem?.seq === q.name && (
            <div className="field-error" role="alert">
              {typeof problem.error === 'string' ? problem.error : t(problem.error.key, problem.error.params)}
            </div>
          )}
        </div>
      ))}
    </details>
  )
}
