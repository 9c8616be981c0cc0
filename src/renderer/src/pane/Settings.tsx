// A pane's settings line: host, port, start/stop, and its status in words. Start is refused
// while a step's key, left out of the saved session, has not been given.
import { useState } from 'react'
import { useI18n } from '../i18n'
import type { PaneModel } from '../workspace'
import type { PaneSnapshot } from './pane-store'
import { showEndpoint } from './render'
import { checkHost, parsePort, type FieldError } from './validate'
import type { MessageKey } from '../../../shared/i18n'
import { formatBytes } from '../../../shared/bytes'
import { keyWanted } from '../../../shared/workspace-keys'

interface Props {
  model: PaneModel
  snap: PaneSnapshot
  running: boolean
  onChange(patch: Partial<PaneModel>): void
  onStart(port: number): void
  onStop(): void
  /** Start was refused for a key left out: show where to enter it. */
  onKeyWanted(): void
}

const startKey: Record<PaneModel['kind'], MessageKey> = { 'tcp-server': 'pane.listen', 'tcp-client': 'pane.connect', udp: 'pane.bind', playback: 'pane.start' }
const stopKey: Record<PaneModel['kind'], MessageKey> = { 'tcp-server': 'pane.stop', 'tcp-client': 'pane.disconnect', udp: 'pane.stop', playback: 'pane.stop' }

export function Settings({ model, snap, running, onChange, onStart, onStop, onKeyWanted }: Props) {
  const { t, err } = useI18n()
  const [fieldError, setFieldError] = useState<FieldError | undefined>()
  /** Start was refused for a key left out; said until the key is applied. */
  const [keyRefused, setKeyRefused] = useState(false)
  const wanted = keyWanted(model.config)
  const client = model.kind === 'tcp-client'

  const start = (): void => {
    setKeyRefused(wanted !== undefined)
    if (wanted) return onKeyWanted()
    const hostErr = checkHost(model.host)
    const p = parsePort(model.port, client ? 1 : 0)
    if (hostErr || 'error' in p) {
      setFieldError(hostErr ?? (p as { error: FieldError }).error)
      return
    }
    setFieldError(undefined)
    onStart(p.port)
  }

  let status = t(`state.${snap.state}`)
  if (snap.state === 'listening' && snap.local) status = t('state.listeningOn', { addr: showEndpoint(snap.local) })
  if (snap.state === 'bound' && snap.local) status = t('state.boundOn', { addr: showEndpoint(snap.local) })
  if (snap.state === 'connected' && snap.local && snap.remote) {
    status = t('state.connectedTo', { local: showEndpoint(snap.local), remote: showEndpoint(snap.remote) })
  }

  return (
    <form
      className="settings"
      onSubmit={(e) => {
        e.preventDefault()
        if (running) onStop()
        else start()
      }}
    >
      <div className="row">
        <label>
          {t('pane.host')}
          <input className="host" aria-label={t('pane.host')} value={model.host} disabled={running} onChange={(e) => onChange({ host: e.target.value })} />
        </label>
        <label>
          {client ? t('pane.port') : t('pane.localPort')}
          <input
            className="port"
            aria-label={client ? t('pane.port') : t('pane.localPort')}
            inputMode="numeric"
            aria-invalid={fieldError ? true : undefined}
            value={model.port}
            disabled={running}
            onChange={(e) => {
              onChange({ port: e.target.value })
              setFieldError(undefined)
            }}
          />
        </label>
        <button type="submit" className={running ? '' : 'primary'} disabled={snap.state === 'connecting'}>
          {running ? t(stopKey[model.kind]) : t(startKey[model.kind])}
        </button>
        {model.kind === 'udp' && (
          <span className="counters">
            ◀ {formatBytes(snap.bytesIn)} · ▶ {formatBytes(snap.bytesOut)}
          </span>
        )}
      </div>
      {fieldError && (
        <div className="field-error" role="alert">
          {t(fieldError.key, fieldError.params)}
        </div>
      )}
      {keyRefused && wanted && (
        <div className="field-error" role="alert">
          {t('keys.startRefused', { n: wanted.n, algo: wanted.algo })}
        </div>
      )}
      <div className={`status state-${snap.state}`} role="status" aria-label={t('pane.status')}>
        <span className="dot" aria-hidden="true" />
        {status}
        {snap.lastError && !running && <span className="last-error">{err(snap.lastError)}</span>}
      </div>
    </form>
  )
}
