// One pane: its settings and status, its connections, its traffic terminal, its input.
import { useMemo, useState, useSyncExternalStore } from 'react'
import { useI18n } from '../i18n'
import { api } from '../api'
import { startPane, stopPane, storeOf, type PaneModel } from '../workspace'
import { Composer, type SendTarget } from './Composer'
import { ConnList } from './ConnList'
import { TrafficView } from './TrafficView'
import { Settings } from './Settings'
import type { RenderOptions, ViewMode } from './render'

interface Props {
  model: PaneModel
  onChange(patch: Partial<PaneModel>): void
  onClose(): void
}

export function Pane({ model, onChange, onClose }: Props) {
  const { t, lang } = useI18n()
  const store = storeOf(model.id)
  const snap = useSyncExternalStore(store.subscribe, store.snapshot)
  const [view, setView] = useState<ViewMode>('text')
  const [timestamps, setTimestamps] = useState(true)
  const [clearSignal, setClearSignal] = useState(0)
  const options = useMemo<RenderOptions>(() => ({ view, timestamps, lang }), [view, timestamps, lang])
  const title = t('pane.label', { kind: t(`kind.${model.kind}`), n: model.n })
  const running = snap.state !== 'idle' && snap.state !== 'closed'
  const canSend = model.kind === 'udp' ? snap.state === 'bound' : snap.conns.length > 0

  const send = (bytes: Uint8Array, to: SendTarget): void => {
    if (to.kind === 'udp') void api.command({ type: 'udp.send', paneId: model.id, host: to.host, port: to.port, data: bytes })
    else void api.command({ type: 'send', paneId: model.id, target: to.target, data: bytes })
  }

  const clear = (): void => {
    store.log.clear()
    setClearSignal((n) => n + 1)
  }

  return (
    <section
      className={`pane pane-${model.kind}`}
      aria-label={title}
      onKeyDown={(e) => {
        if (e.ctrlKey && e.key.toLowerCase() === 'l') {
          e.preventDefault()
          clear()
        } else if (e.altKey && e.key.toLowerCase() === 'h') {
          e.preventDefault()
          setView((v) => (v === 'hex' ? 'text' : 'hex'))
        }
      }}
    >
      <header className="pane-head">
        <h2>{title}</h2>
        <button type="button" className="icon" aria-label={`${t('pane.close')}: ${title}`} title={t('pane.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <Settings
        model={model}
        snap={snap}
        running={running}
        onChange={onChange}
        onStart={(port) => void startPane(model, port)}
        onStop={() => void stopPane(model)}
      />
      {model.kind !== 'udp' && (
        <div className="conn-area">
          <ConnList conns={snap.conns} onAction={(type, connId) => void api.command({ type, paneId: model.id, connId })} />
        </div>
      )}
      <div className="view-bar" role="toolbar" aria-label={t('view.label')}>
        <div className="segmented" role="radiogroup" aria-label={t('view.label')}>
          {(['text', 'hex'] as const).map((v) => (
            <button key={v} type="button" role="radio" aria-checked={view === v} className={view === v ? 'on' : ''} onClick={() => setView(v)}>
              {t(`view.${v}`)}
            </button>
          ))}
        </div>
        <label className="check">
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} />
          {t('view.timestamps')}
        </label>
        <button type="button" onClick={clear}>
          {t('view.clear')}
        </button>
      </div>
      <TrafficView store={store} options={options} label={t('view.terminal', { pane: title })} clearSignal={clearSignal} />
      <Composer paneKind={model.kind} conns={snap.conns} disabled={!canSend} defaultUdpPort={model.peerPort} onSend={send} />
    </section>
  )
}
