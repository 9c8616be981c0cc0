// The input line: text (with escapes) or hex, a line ending, whom to send to, Send.
// A string that does not parse is marked at the bad character and not sent.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { LineEnding } from '../../../shared/bytes'
import { useI18n } from '../i18n'
import type { ConnView, PaneKind } from './pane-store'
import { showEndpoint } from './render'
import { composeBytes, parsePort, checkHost, type FieldError, type InputMode } from './validate'

export type SendTarget = { kind: 'tcp'; target: number | 'all' } | { kind: 'udp'; host: string; port: number }

interface Props {
  paneKind: PaneKind
  conns: ConnView[]
  disabled: boolean
  defaultUdpPort?: string
  onSend(bytes: Uint8Array, to: SendTarget): void
}

const endings: LineEnding[] = ['none', 'lf', 'cr', 'crlf']

export function Composer({ paneKind, conns, disabled, defaultUdpPort, onSend }: Props) {
  const { t } = useI18n()
  const [text, setText] = useState('')
  const [mode, setMode] = useState<InputMode>('text')
  const [ending, setEnding] = useState<LineEnding>('lf')
  const [target, setTarget] = useState<string>('all')
  const [udpHost, setUdpHost] = useState('127.0.0.1')
  const [udpPort, setUdpPort] = useState(defaultUdpPort ?? '')
  const [error, setError] = useState<FieldError | undefined>()
  const [history, setHistory] = useState<string[]>([])
  const [histPos, setHistPos] = useState(-1)
  const input = useRef<HTMLInputElement>(null)
  const errorId = useRef(`err-${Math.random().toString(36).slice(2)}`).current
  useEffect(() => {
    if (defaultUdpPort) setUdpPort(defaultUdpPort)
  }, [defaultUdpPort])

  const send = (): void => {
    const r = composeBytes(text, mode, ending)
    if ('error' in r) {
      setError(r.error)
      input.current?.focus()
      input.current?.setSelectionRange(r.index, r.index + 1)
      return
    }
    let to: SendTarget
    if (paneKind === 'udp') {
      const p = parsePort(udpPort, 1)
      const hostErr = checkHost(udpHost)
      if (hostErr || 'error' in p) {
        setError(hostErr ?? (p as { error: FieldError }).error)
        return
      }
      to = { kind: 'udp', host: udpHost.trim(), port: p.port }
    } else {
      to = { kind: 'tcp', target: target === 'all' ? 'all' : Number(target) }
    }
    setError(undefined)
    onSend(r.bytes, to)
    if (text && history[0] !== text) setHistory([text, ...history].slice(0, 100))
    setHistPos(-1)
    setText('')
  }

  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault()
      send()
    } else if (e.key === 'ArrowUp' && history.length) {
      e.preventDefault()
      const p = Math.min(histPos + 1, history.length - 1)
      setHistPos(p)
      setText(history[p]!)
    } else if (e.key === 'ArrowDown' && histPos >= 0) {
      e.preventDefault()
      const p = histPos - 1
      setHistPos(p)
      setText(p >= 0 ? history[p]! : '')
    }
  }

  const liveTarget = target !== 'all' && !conns.some((c) => String(c.id) === target) ? 'all' : target

  return (
    <div className="composer">
      <div className="row">
        <input
          ref={input}
          className={`send-input${error ? ' invalid' : ''}`}
          aria-label={t('send.input')}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          placeholder={mode === 'hex' ? t('send.placeholderHex') : t('send.placeholderText')}
          value={text}
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value)
            if (error) setError(undefined)
          }}
          onKeyDown={onKey}
        />
        <button type="button" className="primary" disabled={disabled} onClick={send}>
          {t('send.button')}
        </button>
      </div>
      {error && (
        <div id={errorId} className="field-error" role="alert">
          {t(error.key, error.params)}
        </div>
      )}
      <div className="row options">
        <label>
          {t('send.mode')}
          <select aria-label={t('send.mode')} value={mode} onChange={(e) => setMode(e.target.value as InputMode)}>
            <option value="text">{t('send.modeText')}</option>
            <option value="hex">{t('send.modeHex')}</option>
          </select>
        </label>
        <label>
          {t('send.lineEnding')}
          <select aria-label={t('send.lineEnding')} value={ending} disabled={mode === 'hex'} onChange={(e) => setEnding(e.target.value as LineEnding)}>
            {endings.map((le) => (
              <option key={le} value={le}>
                {t(`send.le.${le}`)}
              </option>
            ))}
          </select>
        </label>
        {paneKind === 'tcp-server' && (
          <label>
            {t('send.target')}
            <select aria-label={t('send.target')} value={liveTarget} onChange={(e) => setTarget(e.target.value)}>
              <option value="all">{t('send.toAll', { n: conns.length })}</option>
              {conns.slice(0, 200).map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {t('send.toConn', { id: c.id, peer: showEndpoint(c.remote) })}
                </option>
              ))}
            </select>
          </label>
        )}
        {paneKind === 'udp' && (
          <>
            <label>
              {t('send.udpHost')}
              <input className="host" aria-label={t('send.udpHost')} value={udpHost} onChange={(e) => setUdpHost(e.target.value)} />
            </label>
            <label>
              {t('send.udpPort')}
              <input className="port" aria-label={t('send.udpPort')} inputMode="numeric" value={udpPort} onChange={(e) => setUdpPort(e.target.value)} />
            </label>
          </>
        )}
      </div>
    </div>
  )
}
