// A pane's message settings: framing (receive and send), the transform pipeline, and the
// auto-reply rules; a server pane's connection settings too. Edited as a draft; Apply checks it against the contract's schema and
// shows the first problem where it was made. A step whose key was left out of the saved
// session says so and has its key field focused (on restore, and when Start was refused).
import { useEffect, useId, useMemo, useRef, useState } from 'react'
import {
  defaultPaneConfig,
  flagsOk,
  paneConfigSchema,
  type AutoReply,
  type ConnSettings,
  type PaneConfig,
  type PaneConfigInput
} from '../../../shared/contract'
import { checksumAlgos, cipherAlgos, compressAlgos, issueField, issueReason, stepDirs, type KeyField, type StepDir } from '../../../shared/transform-spec'
import { keyWanted, wantsKey } from '../../../shared/workspace-keys'
import { translateRef } from '../../../shared/i18n'
import { DEFAULT_INFLATE_MIB } from '../../../shared/limits'
import { ConnSettingsFields } from './ConnSettingsFields'
import { compileUserRegex, refusalRef, wantsCaptures } from '../../../shared/user-regex'
import { EncodingSelect } from './EncodingSelect'
import { useI18n } from '../i18n'
import type { PaneKind } from '../../../shared/pane-kinds'

type Framing = NonNullable<PaneConfigInput['framing']>
type Step = NonNullable<PaneConfigInput['transforms']>[number]

interface Props {
  kind: PaneKind
  config: PaneConfigInput
  onApply(config: PaneConfig): void
  /** Changes when Start was refused for a key left out: the settings open at its field. */
  askKey: number
}

const newStep = (kind: Step['kind']): Step =>
  kind === 'checksum' ? { kind, algo: 'crc32' } : kind === 'compress' ? { kind, algo: 'gzip' } : { kind, algo: 'aes-256-gcm', passphrase: '' }

/** The step with a key typed into `field` (a passphrase and a hex key exclude each other); a key given is no longer one left out. */
const withKey = (s: Extract<Step, { kind: 'encrypt' }>, field: KeyField, text: string): Step => {
  const other = field === 'passphrase' ? 'keyHex' : 'passphrase'
  return { ...s, [field]: text || undefined, [other]: text ? undefined : s[other], keyOmitted: text ? undefined : s.keyOmitted }
}

const newRule = (): AutoReply => ({ enabled: true, match: { kind: 'any' }, reply: { kind: 'echo' }, delayMs: 0, once: false })

export function PaneSettings({ kind, config, onApply, askKey }: Props) {
  const { t, lang } = useI18n()
  const [framing, setFraming] = useState<Framing>(config.framing ?? { kind: 'raw' })
  const [steps, setSteps] = useState<Step[]>(config.transforms ?? [])
  const [rules, setRules] = useState<AutoReply[]>(config.autoReplies ?? [])
  const [maxInflate, setMaxInflate] = useState(String(config.maxInflateMiB ?? DEFAULT_INFLATE_MIB))
  const [conns, setConns] = useState<ConnSettings>({ ...defaultPaneConfig.connections, ...config.connections })
  const [problem, setProblem] = useState<string | undefined>()
  const [applied, setApplied] = useState(false)
  const keyId = useId()
  const details = useRef<HTMLDetailsElement>(null)
  const applyButton = useRef<HTMLButtonElement>(null)
  const keyInputs = useRef(new Map<string, HTMLInputElement>())
  const keyInput = (i: number, field: KeyField) => (el: HTMLInputElement | null) => {
    if (el) keyInputs.current.set(`${i}:${field}`, el)
    else keyInputs.current.delete(`${i}:${field}`)
  }

  // A restored pane whose key was left out opens at that key's field; so does a refused Start.
  // On restore only the first such pane takes the focus.
  useEffect(() => {
    const wanted = keyWanted({ transforms: steps })
    if (!details.current || (!wanted && askKey === 0)) return
    details.current.open = true
    // The key typed but not applied yet: Apply is what is left to do.
    const el = wanted ? keyInputs.current.get(`${wanted.n - 1}:${wanted.field}`) : applyButton.current
    if (askKey > 0 || !document.activeElement?.closest('.pane-settings')) el?.focus()
    // Only on mount and on a refused Start: typing in the draft must not move the focus.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [askKey])

  const apply = (): void => {
    const badFlags = rules.findIndex((r) => r.match.kind === 'regex' && !flagsOk(r.match.flags ?? ''))
    if (badFlags >= 0) {
      setProblem(t('rules.badFlags', { n: badFlags + 1 }))
      setApplied(false)
      return
    }
    const refused = refusals.find((r) => r !== undefined)
    if (refused) {
      setProblem(refused)
      setApplied(false)
      return
    }
    const draft: PaneConfigInput = { framing, transforms: steps, autoReplies: rules, maxInflateMiB: Number(maxInflate), connections: conns }
    const r = paneConfigSchema.safeParse(draft)
    if (!r.success) {
      const issue = r.error.issues[0]!
      const why = issueReason(issue)
      const field = issueField(issue)
      setProblem(t('settings.problem', { where: field ? t(field) : issue.path.join(' › '), message: why ? translateRef(lang, why) : issue.message }))
      setApplied(false)
      return
    }
    setProblem(undefined)
    setApplied(true)
    onApply(r.data)
  }
  // Why each rule's regex cannot run (needs backtracking, too big, no regex), in words; compiled once per change.
  const refusals = useMemo(
    () =>
      rules.map((r, i) => {
        if (r.match.kind !== 'regex' || r.match.pattern === '') return undefined
        const c = compileUserRegex(r.match.pattern, r.match.flags ?? '', wantsCaptures(r.reply))
        return c.ok ? undefined : translateRef(lang, refusalRef(i + 1, c.why))
      }),
    [rules, lang]
  )
  const touched = (): void => setApplied(false)
  const setStep = (i: number, s: Step): void => {
    setSteps(steps.map((x, j) => (j === i ? s : x)))
    touched()
  }
  const moveStep = (i: number, by: -1 | 1): void => {
    const next = [...steps]
    const [s] = next.splice(i, 1)
    next.splice(i + by, 0, s!)
    setSteps(next)
    touched()
  }
  const setRule = (i: number, r: AutoReply): void => {
    setRules(rules.map((x, j) => (j === i ? r : x)))
    touched()
  }

  return (
    <details className="pane-settings" ref={details}>
      <summary>{t(kind === 'tcp-server' ? 'settings.titleServer' : 'settings.title')}</summary>
      <fieldset>
        <legend>{t('framing.title')}</legend>
        {kind === 'udp' && <p className="hint">{t('framing.udpHint')}</p>}
        <div className="row">
          <select
            aria-label={t('framing.kind')}
            value={framing.kind}
            onChange={(e) => {
              const k = e.target.value as Framing['kind']
              setFraming(
                k === 'delimiter'
                  ? { kind: k, delimiterHex: '0a' }
                  : k === 'fixed'
                    ? { kind: k, length: 8 }
                    : k === 'length'
                      ? { kind: k, bytes: 2, endian: 'be', includesHeader: false }
                      : { kind: 'raw' }
              )
              touched()
            }}
          >
            {(['raw', 'delimiter', 'fixed', 'length'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`framing.${k}`)}
              </option>
            ))}
          </select>
          {framing.kind === 'delimiter' && (
            <label>
              {t('framing.delimiter')}
              <input
                className="port"
                aria-label={t('framing.delimiterHex')}
                value={framing.delimiterHex}
                onChange={(e) => (setFraming({ ...framing, delimiterHex: e.target.value.replace(/\s/g, '') }), touched())}
              />
            </label>
          )}
          {framing.kind === 'fixed' && (
            <label>
              {t('framing.length')}
              <input
                className="port"
                aria-label={t('framing.fixedLength')}
                inputMode="numeric"
                value={String(framing.length)}
                onChange={(e) => (setFraming({ ...framing, length: Number(e.target.value) }), touched())}
              />
            </label>
          )}
          {framing.kind === 'length' && (
            <>
              <select
                aria-label={t('framing.headerBytes')}
                value={String(framing.bytes)}
                onChange={(e) => (setFraming({ ...framing, bytes: Number(e.target.value) as 1 | 2 | 4 }), touched())}
              >
                {[1, 2, 4].map((b) => (
                  <option key={b} value={String(b)}>
                    {t('framing.bytesN', { n: b })}
                  </option>
                ))}
              </select>
              <select
                aria-label={t('framing.endian')}
                value={framing.endian}
                onChange={(e) => (setFraming({ ...framing, endian: e.target.value as 'be' | 'le' }), touched())}
              >
                <option value="be">{t('framing.be')}</option>
                <option value="le">{t('framing.le')}</option>
              </select>
              <label className="check">
                <input
                  type="checkbox"
                  checked={framing.includesHeader}
                  onChange={(e) => (setFraming({ ...framing, includesHeader: e.target.checked }), touched())}
                />
                {t('framing.includesHeader')}
              </label>
            </>
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('transforms.title')}</legend>
        <ol className="steps">
          {steps.map((s, i) => (
            <li key={i} className="row">
              {wantsKey(s) && (
                <div className="field-error key-wanted" role="alert" id={`${keyId}-${i}`}>
                  {t('keys.enter', { n: i + 1 })}
                </div>
              )}
              <span>{t(`transforms.${s.kind}`)}</span>
              <select aria-label={t('transforms.algo', { n: i + 1 })} value={s.algo} onChange={(e) => setStep(i, { ...s, algo: e.target.value } as Step)}>
                {(s.kind === 'checksum' ? checksumAlgos : s.kind === 'compress' ? compressAlgos : cipherAlgos).map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
              {s.kind === 'encrypt' && (
                <>
                  <input
                    ref={keyInput(i, 'passphrase')}
                    aria-label={t('transforms.passphrase', { n: i + 1 })}
                    placeholder={t('transforms.passphrase', { n: i + 1 })}
                    aria-invalid={wantsKey(s) ? true : undefined}
                    aria-describedby={wantsKey(s) ? `${keyId}-${i}` : undefined}
                    value={s.passphrase ?? ''}
                    onChange={(e) => setStep(i, withKey(s, 'passphrase', e.target.value))}
                  />
                  <input
                    ref={keyInput(i, 'keyHex')}
                    aria-label={t('transforms.keyHex', { n: i + 1 })}
                    placeholder={t('transforms.keyHex', { n: i + 1 })}
                    aria-invalid={wantsKey(s) ? true : undefined}
                    aria-describedby={wantsKey(s) ? `${keyId}-${i}` : undefined}
                    value={s.keyHex ?? ''}
                    onChange={(e) => setStep(i, withKey(s, 'keyHex', e.target.value))}
                  />
                  {s.algo !== 'aes-256-gcm' && (
                    <input
                      aria-label={t('transforms.ivHex', { n: i + 1 })}
                      placeholder={t('transforms.ivHex', { n: i + 1 })}
                      value={s.ivHex ?? ''}
                      onChange={(e) => setStep(i, { ...s, ivHex: e.target.value || undefined })}
                    />
                  )}
                </>
              )}
              <select
                aria-label={t('transforms.dir', { n: i + 1 })}
                value={s.dir ?? 'both'}
                onChange={(e) => setStep(i, { ...s, dir: e.target.value === 'both' ? undefined : (e.target.value as StepDir) })}
              >
                {stepDirs.map((d) => (
                  <option key={d} value={d}>
                    {t(`transforms.dir.${d}`)}
                  </option>
                ))}
              </select>
              <button type="button" className="icon" aria-label={t('transforms.up', { n: i + 1 })} disabled={i === 0} onClick={() => moveStep(i, -1)}>
                ↑
              </button>
              <button
                type="button"
                className="icon"
                aria-label={t('transforms.down', { n: i + 1 })}
                disabled={i === steps.length - 1}
                onClick={() => moveStep(i, 1)}
              >
                ↓
              </button>
              <button
                type="button"
                className="icon"
                aria-label={t('transforms.remove', { n: i + 1 })}
                onClick={() => (setSteps(steps.filter((_, j) => j !== i)), touched())}
              >
                ×
              </button>
            </li>
          ))}
        </ol>
        <div className="row">
          {(['checksum', 'compress', 'encrypt'] as const).map((k) => (
            <button key={k} type="button" onClick={() => (setSteps([...steps, newStep(k)]), touched())}>
              + {t(`transforms.${k}`)}
            </button>
          ))}
        </div>
        <label>
          {t('transforms.maxInflate')}
          <input
            className="port"
            aria-label={t('transforms.maxInflate')}
            inputMode="numeric"
            value={maxInflate}
            onChange={(e) => (setMaxInflate(e.target.value.trim()), touched())}
          />
        </label>
        <p className="hint">{t('transforms.hint')}</p>
      </fieldset>
      <fieldset>
        <legend>{t('rules.title')}</legend>
        <ol className="rules">
          {rules.map((r, i) => (
            <li key={i}>
              <div className="row">
                <label className="check">
                  <input type="checkbox" checked={r.enabled ?? true} onChange={(e) => setRule(i, { ...r, enabled: e.target.checked })} />
                  {t('rules.enabled', { n: i + 1 })}
                </label>
                <select
                  aria-label={t('rules.matchKind', { n: i + 1 })}
                  value={r.match.kind}
                  onChange={(e) => {
                    const k = e.target.value as AutoReply['match']['kind']
                    setRule(i, {
                      ...r,
                      match:
                        k === 'any'
                          ? { kind: 'any' }
                          : k === 'regex'
                            ? { kind: 'regex', pattern: '', flags: '' }
                            : ({ kind: k, ...(k === 'hex' ? { pattern: '' } : { text: '', encoding: 'utf-8' }) } as AutoReply['match'])
                    })
                  }}
                >
                  {(['any', 'exact', 'contains', 'startsWith', 'regex', 'hex'] as const).map((k) => (
                    <option key={k} value={k}>
                      {t(`rules.match.${k}`)}
                    </option>
                  ))}
                </select>
                {r.match.kind !== 'any' && (
                  <input
                    aria-label={t('rules.pattern', { n: i + 1 })}
                    aria-invalid={refusals[i] ? true : undefined}
                    placeholder={t(r.match.kind === 'hex' ? 'rules.patternHex' : r.match.kind === 'regex' ? 'rules.patternRegex' : 'rules.patternText')}
                    value={'text' in r.match ? r.match.text : r.match.pattern}
                    onChange={(e) =>
                      setRule(i, {
                        ...r,
                        match: 'text' in r.match ? { ...r.match, text: e.target.value } : ({ ...r.match, pattern: e.target.value } as AutoReply['match'])
                      })
                    }
                  />
                )}
                {r.match.kind === 'regex' && (
                  <>
                    {refusals[i] && (
                      <span className="field-error" role="alert">
                        {refusals[i]}
                      </span>
                    )}
                    <input
                      className="flags"
                      aria-label={t('rules.flags', { n: i + 1 })}
                      aria-invalid={flagsOk(r.match.flags ?? '') ? undefined : true}
                      placeholder={t('rules.flagsHint')}
                      value={r.match.flags ?? ''}
                      onChange={(e) => r.match.kind === 'regex' && setRule(i, { ...r, match: { ...r.match, flags: e.target.value.trim() } })}
                    />
                    {!flagsOk(r.match.flags ?? '') && (
                      <span className="field-error" role="alert">
                        {t('rules.badFlags', { n: i + 1 })}
                      </span>
                    )}
                  </>
                )}
                {'text' in r.match && (
                  <EncodingSelect
                    label={t('rules.matchEncoding', { n: i + 1 })}
                    value={r.match.encoding ?? 'utf-8'}
                    onChange={(encoding) => 'text' in r.match && setRule(i, { ...r, match: { ...r.match, encoding } })}
                  />
                )}
              </div>
              <div className="row">
                <select
                  aria-label={t('rules.replyKind', { n: i + 1 })}
                  value={r.reply.kind}
                  onChange={(e) =>
                    setRule(i, {
                      ...r,
                      reply: e.target.value === 'echo' ? { kind: 'echo' } : { kind: 'template', template: { text: '', mode: 'text', encoding: 'utf-8' } }
                    })
                  }
                >
                  <option value="echo">{t('rules.echo')}</option>
                  <option value="template">{t('rules.template')}</option>
                </select>
                {r.reply.kind === 'template' && (
                  <>
                    <input
                      aria-label={t('rules.replyText', { n: i + 1 })}
                      placeholder={t('rules.replyHint')}
                      value={r.reply.template.text}
                      onChange={(e) =>
                        setRule(i, {
                          ...r,
                          reply: {
                            kind: 'template',
                            template: { ...(r.reply.kind === 'template' ? r.reply.template : { mode: 'text' }), text: e.target.value }
                          }
                        })
                      }
                    />
                    <select
                      aria-label={t('rules.replyMode', { n: i + 1 })}
                      value={r.reply.template.mode}
                      onChange={(e) =>
                        setRule(i, {
                          ...r,
                          reply: {
                            kind: 'template',
                            template: { ...(r.reply.kind === 'template' ? r.reply.template : { text: '' }), mode: e.target.value as 'text' | 'hex' | 'base64' }
                          }
                        })
                      }
                    >
                      <option value="text">{t('send.modeText')}</option>
                      <option value="hex">{t('send.modeHex')}</option>
                      <option value="base64">{t('send.modeBase64')}</option>
                    </select>
                    {r.reply.template.mode === 'text' && (
                      <EncodingSelect
                        label={t('rules.replyEncoding', { n: i + 1 })}
                        value={r.reply.template.encoding ?? 'utf-8'}
                        onChange={(encoding) =>
                          r.reply.kind === 'template' && setRule(i, { ...r, reply: { kind: 'template', template: { ...r.reply.template, encoding } } })
                        }
                      />
                    )}
                  </>
                )}
                <label>
                  {t('rules.delay')}
                  <input
                    className="port"
                    aria-label={t('rules.delayMs', { n: i + 1 })}
                    inputMode="numeric"
                    value={String(r.delayMs ?? 0)}
                    onChange={(e) => setRule(i, { ...r, delayMs: Number(e.target.value) })}
                  />
                </label>
                <label className="check">
                  <input type="checkbox" checked={r.once ?? false} onChange={(e) => setRule(i, { ...r, once: e.target.checked })} />
                  {t('rules.once')}
                </label>
                <button
                  type="button"
                  className="icon"
                  aria-label={t('rules.remove', { n: i + 1 })}
                  onClick={() => (setRules(rules.filter((_, j) => j !== i)), touched())}
                >
                  ×
                </button>
              </div>
            </li>
          ))}
        </ol>
        <button type="button" onClick={() => (setRules([...rules, newRule()]), touched())}>
          + {t('rules.add')}
        </button>
      </fieldset>
      {kind === 'tcp-server' && <ConnSettingsFields value={conns} onChange={(c) => (setConns(c), touched())} />}
      <div className="row">
        <button ref={applyButton} type="button" className="primary" onClick={apply}>
          {t('settings.apply')}
        </button>
        {applied && <span role="status">{t('settings.applied')}</span>}
      </div>
      {problem && (
        <div className="field-error" role="alert">
          {problem}
        </div>
      )}
    </details>
  )
}
