// The input: one line that grows when needed — mode, encoding, line ending, whom to send to
// and Repeat as compact chips, then the editor and Send — with the running jobs under it.
// The editor takes several lines (Enter sends, Shift+Enter breaks the line) in text (with
// escapes, in an encoding), hex, base64 or file mode, with {{variables}} and a history saved
// with the workspace. A template that does not parse is marked at the bad character and not
// sent; the engine expands it at each send. Snippets and sequences are drawn in the inspector.
import { useId, useRef, useState, type KeyboardEvent } from 'react'
import { checkingContext, composeMessage, type TemplateMode } from '../../../shared/compose'
import type { TextEncoding } from '../../../shared/encodings'
import { EncodingSelect } from './EncodingSelect'
import { formatBytes } from '../../../shared/bytes'
import type { ComposerSettings, LineEnding } from '../../../shared/workspace'
import type { PaneKind } from '../../../shared/pane-kinds'
import { useI18n } from '../i18n'
import { HISTORY_MAX, type Sequence, type Snippet } from '../workspace'
import type { PaneError } from '../../../shared/contract'
import type { SequenceCommandSteps } from '../../../shared/sequences'
import { Snippets } from './Snippets'
import { Repeat, SendHorizontal } from 'lucide-react'
import { InspectorPart } from '../ui/inspector'
import type { ConnView, JobView } from './pane-store'
import { showEndpoint } from './render'
import { checkHost, parsePort, type FieldError } from './validate'

export type SendTarget = { kind: 'tcp'; target: number | 'all' } | { kind: 'udp'; host: string; port: number }
export type InputMode = TemplateMode | 'file'

export interface Outgoing {
  template: { text: string; mode: TemplateMode; encoding: TextEncoding }
  repeat?: { everyMs: number; times: number }
}

interface Props {
  paneId: string
  paneKind: PaneKind
  conns: ConnView[]
  jobs: JobView[]
  disabled: boolean
  /** The input's settings (mode, encoding, line ending, destination, repeat), saved with the pane. */
  settings: ComposerSettings
  onSettings(settings: ComposerSettings): void
  snippets: Snippet[]
  onSnippets(s: Snippet[]): void
  history: string[]
  onHistory(h: string[]): void
  sequences: Sequence[]
  onSequences(s: Sequence[]): void
  onSend(out: Outgoing, to: SendTarget): void
  /** Resolves to the engine's refusal, if any (shown under the input). */
  onSendFile(path: string, to: SendTarget, datagramSize: number): Promise<PaneError | undefined>
  onSendSequence(steps: SequenceCommandSteps, to: SendTarget): Promise<PaneError | undefined>
  onStop(jobId?: number): void
}

/** A UDP file is cut into datagrams of this many bytes unless told otherwise (as NetAssist does). */
const DEFAULT_DATAGRAM = 1024
const MAX_DATAGRAM = 65507

function parseDatagramSize(text: string): number | undefined {
  const t = text.trim()
  if (!/^\d{1,5}$/.test(t)) return undefined
  const n = Number(t)
  return n >= 1 && n <= MAX_DATAGRAM ? n : undefined
}

const endings: Record<LineEnding, string> = { none: '', lf: '\n', cr: '\r', crlf: '\r\n' }

export function Composer(props: Props) {
  const {
    paneId,
    paneKind,
    conns,
    jobs,
    disabled,
    settings,
    onSettings,
    snippets,
    onSnippets,
    history,
    onHistory,
    sequences,
    onSequences,
    onSend,
    onSendFile,
    onSendSequence,
    onStop
  } = props
  const { t, err } = useI18n()
  const [text, setText] = useState('')
  const { mode, encoding, lineEnding: ending, udpHost, udpPort, datagramSize } = settings
  const { on: repeatOn, everyMs, times } = settings.repeat
  const set = (patch: Partial<ComposerSettings>): void => onSettings({ ...settings, ...patch })
  const setRepeat = (patch: Partial<ComposerSettings['repeat']>): void => set({ repeat: { ...settings.repeat, ...patch } })
  const [target, setTarget] = useState<string>('all')
  const [error, setError] = useState<FieldError | string | undefined>()
  const [histPos, setHistPos] = useState(-1)
  const input = useRef<HTMLTextAreaElement>(null)
  const errorId = useId()

  const liveTarget = target !== 'all' && !conns.some((c) => String(c.id) === target) ? 'all' : target

  const destination = (): SendTarget | undefined => {
    if (paneKind !== 'udp') return { kind: 'tcp', target: liveTarget === 'all' ? 'all' : Number(liveTarget) }
    const p = parsePort(udpPort, 1)
    const hostErr = checkHost(udpHost)
    if (hostErr || 'error' in p) {
      setError(hostErr ?? (p as { error: FieldError }).error)
      return undefined
    }
    return { kind: 'udp', host: udpHost.trim(), port: p.port }
  }

  /** Checks a template where it was typed; on a mistake, selects the bad character. */
  const check = (body: string, m: TemplateMode, enc: TextEncoding, select = true): boolean => {
    const r = composeMessage(body, m, enc, checkingContext)
    if (r.ok) return true
    setError({ key: `parse.${r.reason}` as FieldError['key'], params: { pos: r.index + 1, char: r.char ?? '' } })
    if (select) {
      input.current?.focus()
      input.current?.setSelectionRange(r.index, r.index + 1)
    }
    return false
  }

  const send = (): void => {
    const to = destination()
    if (!to) return
    if (mode === 'file') {
      if (!text.trim()) return setError({ key: 'send.fileMissing', params: {} })
      const size = paneKind === 'udp' ? parseDatagramSize(datagramSize) : DEFAULT_DATAGRAM
      if (size === undefined) return setError({ key: 'send.badDatagram', params: { max: MAX_DATAGRAM } })
      setError(undefined)
      void onSendFile(text.trim(), to, size).then((e) => e && setError(e.detail ? `${err(e)} ${e.detail}` : err(e)))
      return
    }
    if (!check(text, mode, encoding)) return
    let repeat: Outgoing['repeat']
    if (repeatOn) {
      const every = Number(everyMs)
      const n = Number(times)
      if (!Number.isInteger(every) || every < 1 || every > 3_600_000) return setError({ key: 'send.badEvery', params: {} })
      if (!Number.isInteger(n) || n < 0 || n > 10_000_000) return setError({ key: 'send.badTimes', params: {} })
      repeat = { everyMs: every, times: n }
    }
    setError(undefined)
    onSend({ template: { text: mode === 'text' ? text + endings[ending] : text, mode, encoding }, repeat }, to)
    if (text && history[0] !== text) onHistory([text, ...history.filter((h) => h !== text)].slice(0, HISTORY_MAX))
    setHistPos(-1)
    if (!repeatOn) setText('')
  }

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault()
      send()
    } else if (e.key === 'ArrowUp' && history.length && !text.includes('\n')) {
      e.preventDefault()
      const p = Math.min(histPos + 1, history.length - 1)
      setHistPos(p)
      setText(history[p]!)
    } else if (e.key === 'ArrowDown' && histPos >= 0 && !text.includes('\n')) {
      e.preventDefault()
      const p = histPos - 1
      setHistPos(p)
      setText(p >= 0 ? history[p]! : '')
    }
  }

  const sendSnippet = (s: Snippet): void => {
    const to = destination()
    if (!to || !check(s.text, s.mode, s.encoding, false)) return
    onSend({ template: { text: s.text, mode: s.mode, encoding: s.encoding } }, to)
  }

  /** Hands the sequence (its steps checked by Snippets, with sequenceSteps) to the engine. */
  const runSequence = async (steps: SequenceCommandSteps): Promise<string | undefined> => {
    const to = destination()
    if (!to) return undefined
    const e = await onSendSequence(steps, to)
    return e && (e.detail ? `${err(e)} ${e.detail}` : err(e))
  }

  /** The input as a snippet, checked; undefined (with the mistake marked) when it cannot be one. */
  const currentSnippet = (): Omit<Snippet, 'name'> | undefined => {
    if (mode === 'file' || !text || !check(text, mode, encoding)) return undefined
    return { text: mode === 'text' ? text + endings[ending] : text, mode, encoding }
  }

  const running = jobs.filter((j) => !j.finished)
  const placeholder =
    mode === 'hex'
      ? t('send.placeholderHex')
      : mode === 'base64'
        ? t('send.placeholderBase64')
        : mode === 'file'
          ? t('send.placeholderFile')
          : t('send.placeholderText')

  const sendLabel = mode === 'file' ? t('send.sendFile') : repeatOn ? t('send.startRepeat') : t('send.button')
  const modeSelect = (
    <select className="chip" aria-label={t('send.mode')} title={t('send.mode')} value={mode} onChange={(e) => set({ mode: e.target.value as InputMode })}>
      <option value="text">{t('send.modeText')}</option>
      <option value="hex">{t('send.modeHex')}</option>
      <option value="base64">{t('send.modeBase64')}</option>
      <option value="file">{t('send.modeFile')}</option>
    </select>
  )

  return (
    <div className="composer">
      <div className="composer-line">
        {modeSelect}
        {mode === 'text' && (
          <>
            <EncodingSelect className="chip" label={t('send.encoding')} value={encoding} onChange={(v) => set({ encoding: v })} />
            <select
              className="chip"
              aria-label={t('send.lineEnding')}
              title={t('send.lineEnding')}
              value={ending}
              onChange={(e) => set({ lineEnding: e.target.value as LineEnding })}
            >
              {(Object.keys(endings) as LineEnding[]).map((le) => (
                <option key={le} value={le}>
                  {t(`send.le.${le}`)}
                </option>
              ))}
            </select>
          </>
        )}
        {paneKind === 'tcp-server' && (
          <select className="chip target" aria-label={t('send.target')} title={t('send.target')} value={liveTarget} onChange={(e) => setTarget(e.target.value)}>
            <option value="all">{t('send.toAll', { n: conns.length })}</option>
            {conns.slice(0, 200).map((c) => (
              <option key={c.id} value={String(c.id)}>
                {t('send.toConn', { id: c.id, peer: showEndpoint(c.remote) })}
              </option>
            ))}
          </select>
        )}
        {paneKind === 'udp' && (
          <span className="chip-group" title={t('send.udpTo')}>
            <input
              className="host"
              aria-label={t('send.udpHost')}
              placeholder={t('send.udpHost')}
              value={udpHost}
              onChange={(e) => set({ udpHost: e.target.value })}
            />
            <input
              className="port"
              aria-label={t('send.udpPort')}
              placeholder={t('send.udpPort')}
              inputMode="numeric"
              value={udpPort}
              onChange={(e) => set({ udpPort: e.target.value })}
            />
          </span>
        )}
        {mode !== 'file' && (
          <button
            type="button"
            className="chip"
            aria-pressed={repeatOn}
            aria-label={t('send.repeat')}
            title={t('send.repeatHint')}
            onClick={() => setRepeat({ on: !repeatOn })}
          >
            <Repeat size={13} aria-hidden />
            <span className="label">{t('send.repeat')}</span>
          </button>
        )}
        {/* The editor and Send stay together: only the chips wrap in a narrow pane. */}
        <span className="composer-edit">
          <textarea
            ref={input}
            rows={Math.min(6, Math.max(1, text.split('\n').length))}
            className={`send-input${error ? ' invalid' : ''}`}
            aria-label={mode === 'file' ? t('send.filePath') : t('send.input')}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            placeholder={placeholder}
            value={text}
            spellCheck={false}
            onChange={(e) => {
              setText(e.target.value)
              if (error) setError(undefined)
            }}
            onKeyDown={onKey}
          />
          <button type="button" className="primary send" disabled={disabled} aria-label={sendLabel} title={sendLabel} onClick={send}>
            <SendHorizontal size={14} aria-hidden />
            <span className="label">{sendLabel}</span>
          </button>
        </span>
      </div>
      {((mode === 'file' && paneKind === 'udp') || (repeatOn && mode !== 'file') || running.length > 1) && (
        <div className="composer-line options">
          {mode === 'file' && paneKind === 'udp' && (
            <label>
              {t('send.datagram')}
              <input
                className="port"
                aria-label={t('send.datagramSize')}
                aria-invalid={parseDatagramSize(datagramSize) === undefined ? true : undefined}
                inputMode="numeric"
                value={datagramSize}
                onChange={(e) => {
                  set({ datagramSize: e.target.value })
                  setError(parseDatagramSize(e.target.value) === undefined ? { key: 'send.badDatagram', params: { max: MAX_DATAGRAM } } : undefined)
                }}
              />
            </label>
          )}
          {repeatOn && mode !== 'file' && (
            <>
              <label>
                {t('send.every')}
                <input
                  className="port"
                  aria-label={t('send.everyMs')}
                  inputMode="numeric"
                  value={everyMs}
                  onChange={(e) => setRepeat({ everyMs: e.target.value })}
                />
              </label>
              <label>
                {t('send.times')}
                <input
                  className="port"
                  aria-label={t('send.timesHint')}
                  inputMode="numeric"
                  value={times}
                  onChange={(e) => setRepeat({ times: e.target.value })}
                />
              </label>
            </>
          )}
          {running.length > 1 && (
            <button type="button" className="danger" onClick={() => onStop()}>
              {t('job.stopAll')}
            </button>
          )}
        </div>
      )}
      {error && (
        <div id={errorId} className="field-error" role="alert">
          {typeof error === 'string' ? error : t(error.key, error.params)}
        </div>
      )}
      {jobs.map((j) => (
        <div key={j.id} className="job composer-line">
          <span>{t(`job.${j.kind}`)}</span>
          {j.kind !== 'repeat' ? <progress aria-label={t('job.progress', { id: j.id })} max={Math.max(1, j.total)} value={j.done} /> : null}
          <span className="counter" role="status" aria-label={t('job.status', { id: j.id })}>
            {j.kind === 'file'
              ? `${formatBytes(j.done)} / ${formatBytes(j.total)}`
              : j.kind === 'sequence'
                ? t('job.steps', { done: j.done, total: j.total })
                : j.total > 0
                  ? t('job.count', { done: j.done, total: j.total })
                  : t('job.countEndless', { done: j.done })}
            {j.finished && !j.error ? ` · ${t('job.finished')}` : ''}
            {j.error ? ` · ${t('job.failed')}` : ''}
          </span>
          {!j.finished && (
            <button type="button" className="danger" onClick={() => onStop(j.id)} aria-label={t('job.stopOne', { id: j.id })}>
              {t('job.stop')}
            </button>
          )}
        </div>
      ))}
      <InspectorPart paneId={paneId} section="snippets">
        <Snippets
          snippets={snippets}
          sequences={sequences}
          disabled={disabled}
          canSave={text !== '' && mode !== 'file'}
          current={currentSnippet}
          onSnippets={onSnippets}
          onSequences={onSequences}
          onSend={sendSnippet}
          onRun={runSequence}
        />
      </InspectorPart>
    </div>
  )
}
