// The opened session: what it is, whether it was cut, and its timeline — play/pause, speed
// (0.25× to 100×, or instant) and a scrubber; panes show what was on screen at that moment.
import { useEffect, useState } from 'react'
import type { MessageRef, SessionSummary } from '../../../shared/contract'
import { api } from '../api'
import { useI18n } from '../i18n'
import { fileName } from './file-name'

interface Props {
  session: SessionSummary
  /** Flows not given a pane of their own: they are in the "other flows" pane's list. */
  otherFlows: number
  onClose(): void
  /** Save this file as a clean copy (a recording a crash cut gets its whole blocks and an end). */
  onSaveCopy(): void
}

const speeds = [0.25, 0.5, 1, 2, 5, 10, 100, 0]

export function SessionBar({ session, otherFlows, onClose, onSaveCopy }: Props) {
  const { t } = useI18n()
  // What the reader said (interrupted, cut, notes): catalog messages, in the chosen language.
  const say = (ref: MessageRef): string => t(ref.key, ref.params)
  const durationMs = Number(BigInt(session.endNs) - BigInt(session.startNs)) / 1e6
  const [positionMs, setPositionMs] = useState(durationMs)
  const [playing, setPlaying] = useState(false)
  const [speed, setSpeed] = useState(1)

  useEffect(
    () =>
      api.onEvent((e) => {
        if (e.type !== 'playback.position' || e.sessionId !== session.sessionId) return
        setPositionMs(Number(BigInt(e.offsetNs)) / 1e6)
        setPlaying(e.playing)
      }),
    [session.sessionId]
  )

  const control = (action: 'play' | 'pause' | 'seek' | 'speed', extra: { offsetNs?: string; speed?: number } = {}): void =>
    void api.command({ type: 'playback.control', sessionId: session.sessionId, action, ...extra })

  const name = fileName(session.path)
  return (
    <div className="session-bar" role="region" aria-label={t('session.barLabel', { name })}>
      <strong title={session.path}>{name}</strong>
      <span className="muted">
        {t(`session.kind.${session.kind}`)} · {t('session.flows', { n: session.flowCount })}
      </span>
      {otherFlows > 0 && <span role="status">{t('session.otherFlowsNote', { n: otherFlows, pane: t('session.otherFlows', { n: otherFlows }) })}</span>}
      {(session.interrupted || session.truncated) && (
        <span className="field-error" role="alert">
          {session.interrupted && say(session.interrupted)}
          {session.interrupted && session.truncated && ' '}
          {session.truncated && say(session.truncated)}
        </span>
      )}
      {session.notes && session.notes.length > 0 && (
        <details className="session-notes">
          <summary>{t('session.notes', { n: session.notes.length })}</summary>
          <ul aria-label={t('session.notesLabel')}>
            {session.notes.map((n) => (
              <li key={n.key}>{say(n)}</li>
            ))}
          </ul>
        </details>
      )}
      <button type="button" className="primary" onClick={() => control(playing ? 'pause' : 'play')}>
        {playing ? t('session.pause') : t('session.play')}
      </button>
      <select
        aria-label={t('session.speed')}
        value={String(speed)}
        onChange={(e) => {
          const s = Number(e.target.value)
          setSpeed(s)
          control('speed', { speed: s })
        }}
      >
        {speeds.map((s) => (
          <option key={s} value={String(s)}>
            {s === 0 ? t('session.instant') : `${s}×`}
          </option>
        ))}
      </select>
      <input
        type="range"
        className="scrubber"
        aria-label={t('session.position')}
        min={0}
        max={Math.max(1, Math.ceil(durationMs))}
        step={1}
        value={Math.min(positionMs, durationMs)}
        onChange={(e) => {
          const ms = Number(e.target.value)
          setPositionMs(ms)
          control('seek', { offsetNs: String(BigInt(Math.round(ms * 1e6))) })
        }}
      />
      <span className="muted time">
        {(positionMs / 1000).toFixed(3)} s / {(durationMs / 1000).toFixed(3)} s
      </span>
      <button type="button" onClick={onSaveCopy}>
        {t('session.saveCopy')}
      </button>
      <button type="button" onClick={onClose}>
        {t('session.close')}
      </button>
    </div>
  )
}
