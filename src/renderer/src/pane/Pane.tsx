// One pane: its settings and status, its connections, its message settings, its traffic
// terminal with the view bar, and its input.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { parseHex } from '../../../shared/bytes'
import { formatBytesAs, type CopyFormat } from '../../../shared/copy-formats'
import type { PaneError, SendTarget as ContractTarget } from '../../../shared/contract'
import { useI18n } from '../i18n'
import { Notice, useNotice } from '../Notice'
import { shortcutOf } from '../shortcuts'
import { api } from '../api'
import { configurePane, startPane, stopPane, storeOf, type PaneModel } from '../workspace'
import { Composer, type Outgoing, type SendTarget } from './Composer'
import { ConnList } from './ConnList'
import { FlowList, type Flow, type ResendChoice } from './FlowList'
import { PaneSettings } from './PaneSettings'
import { TrafficView, type FindResult, type TrafficViewHandle } from './TrafficView'
import { Settings } from './Settings'
import { ViewBar } from './ViewBar'
import { defaultRenderOptions, type RenderOptions } from './render'
import { udpDestination, type ViewSettings } from '../../../shared/workspace'

interface Props {
  model: PaneModel
  onChange(patch: Partial<PaneModel>): void
  onClose(): void
  /** Whether this pane fills the workspace alone; onMaximize toggles it. */
  maximized: boolean
  onMaximize(): void
  onExport(flow: Flow): void
  onResend(flow: Flow, choice: ResendChoice): void
  onStandIn(flow: Flow, port: number): void
}

export function Pane({ model, onChange, onClose, maximized, onMaximize, onExport, onResend, onStandIn }: Props) {
  const { t, lang } = useI18n()
  const store = storeOf(model.id)
  const snap = useSyncExternalStore(store.subscribe, store.snapshot)
  // Display settings live in the pane model, so they are remembered and saved with sessions.
  const viewSettings = model.view ?? defaultRenderOptions
  const setView = (view: ViewSettings): void => onChange({ view })
  const [paused, setPaused] = useState(false)
  const [redrawSignal, setRedrawSignal] = useState(0)
  /** Counts Starts refused for a key left out: each opens the settings at that key's field. */
  const [askKey, setAskKey] = useState(0)
  const [notice, say, dismiss] = useNotice()
  const traffic = useRef<TrafficViewHandle>(null)
  const options = useMemo<RenderOptions>(() => ({ ...viewSettings, lang }), [viewSettings, lang])
  useEffect(() => {
    store.cleared = () => setRedrawSignal((n) => n + 1)
    return () => {
      store.cleared = undefined
    }
  }, [store])
  const title = model.title ?? t('pane.label', { kind: t(`kind.${model.kind}`), n: model.n })
  const view = model.kind === 'playback'
  const running = snap.state !== 'idle'
  const canSend = model.kind === 'udp' ? snap.state === 'bound' : snap.conns.length > 0
  // A UDP pane sends where its input says, or to its pair's other socket.
  const udpPort = udpDestination(model).port

  const targetOf = (to: SendTarget): ContractTarget => (to.kind === 'udp' ? { host: to.host, port: to.port } : to.target)
  const send = (out: Outgoing, to: SendTarget): void => {
    void api.command({ type: 'send', paneId: model.id, target: targetOf(to), payload: out.template, ...(out.repeat ? { repeat: out.repeat } : {}) })
  }
  const sendFile = async (path: string, to: SendTarget, datagramSize: number): Promise<PaneError | undefined> => {
    const r = await api.command({ type: 'send.file', paneId: model.id, target: targetOf(to), path, datagramSize })
    return r.ok ? undefined : r.error
  }
  const sendSequence = async (steps: { template: Outgoing['template']; delayMs: number }[], to: SendTarget): Promise<PaneError | undefined> => {
    const r = await api.command({ type: 'send.sequence', paneId: model.id, target: targetOf(to), steps })
    return r.ok ? undefined : r.error
  }
  /** Starts the pane; a port left at 0 (any free one) is written down as the one it got, so a restored workspace binds it again. */
  const start = async (port: number): Promise<void> => {
    const r = await startPane(model, port)
    if (r?.ok && model.kind !== 'tcp-client' && port === 0) onChange({ port: String(r.local.port) })
  }

  const clear = (): void => {
    store.log.clear()
    setRedrawSignal((n) => n + 1)
  }

  const copy = (format: CopyFormat): void => {
    // The selected bytes; a selection of headers only, the records it touches; none, nothing.
    const sel = traffic.current?.selectedBytes()
    if (!sel) return say(t('view.nothingSelected'))
    const text = formatBytesAs(sel.bytes, format, viewSettings.encoding)
    const what = { n: sel.records, bytes: sel.bytes.byteLength, format: t(`copy.${format}`) }
    navigator.clipboard.writeText(text).then(
      () => say(sel.exact ? t('view.copiedBytes', what) : t('view.copied', what)),
      () => say(t('view.copyFailed'), true)
    )
  }

  const find = async (query: string, hex: boolean, backwards: boolean): Promise<FindResult> => {
    // Search what has been drawn, once everything written so far is.
    if (!hex) return traffic.current?.drawn().then(() => traffic.current?.find(query, backwards))
    // Hex bytes are searched in the records' bytes and shown selected in the hex dump.
    const parsed = parseHex(query)
    if (!parsed.ok || parsed.bytes.length === 0) return undefined
    if (viewSettings.view === 'text') {
      setView({ ...viewSettings, view: 'hex' })
      await new Promise((r) => setTimeout(r, 0))
    }
    await traffic.current?.drawn()
    return traffic.current?.findBytes(parsed.bytes, backwards)
  }

  return (
    <section
      className={`pane pane-${model.kind}${maximized ? ' maximized' : ''}`}
      aria-label={title}
      onKeyDown={(e) => {
        const shortcut = shortcutOf(e)
        if (shortcut === 'maximize') onMaximize()
        else if (shortcut === 'clear') clear()
        else if (shortcut === 'toggleHex') setView({ ...viewSettings, view: viewSettings.view === 'hex' ? 'text' : 'hex' })
        else return
        e.preventDefault()
      }}
    >
      <header className="pane-head">
        <h2>{title}</h2>
        <button
          type="button"
          className="icon"
          aria-label={`${t(maximized ? 'pane.restore' : 'pane.maximize')}: ${title}`}
          title={`${t(maximized ? 'pane.restore' : 'pane.maximize')} (Ctrl+Alt+M)`}
          onClick={onMaximize}
        >
          {maximized ? '⤡' : '⤢'}
        </button>
        <button type="button" className="icon" aria-label={`${t('pane.close')}: ${title}`} title={t('pane.close')} onClick={onClose}>
          ×
        </button>
      </header>
      {!view && (
        <Settings
          model={model}
          snap={snap}
          running={running}
          onChange={onChange}
          onStart={(port) => void start(port)}
          onStop={() => void stopPane(model)}
          onKeyWanted={() => setAskKey((n) => n + 1)}
        />
      )}
      {!view && (
        <PaneSettings
          kind={model.kind}
          config={model.config}
          askKey={askKey}
          onApply={(config) => {
            const next = { ...model, config }
            onChange({ config })
            void configurePane(next)
          }}
        />
      )}
      {view && model.flows && <FlowList flows={model.flows} onExport={onExport} onResend={onResend} onStandIn={onStandIn} />}
      {model.kind !== 'udp' && !view && (
        <div className="conn-area">
          <ConnList conns={snap.conns} onAction={(type, connId) => void api.command({ type, paneId: model.id, connId })} />
        </div>
      )}
      {view && model.flows?.some((f) => f.proto === 'tcp') && (
        <div className="conn-area">
          <ConnList conns={snap.conns} onAction={() => {}} readOnly />
        </div>
      )}
      <ViewBar
        settings={viewSettings}
        onChange={setView}
        conns={snap.conns}
        showConnFilter={model.kind === 'tcp-server' || view}
        paused={paused}
        onPause={setPaused}
        onClear={clear}
        onFind={find}
        onCopy={copy}
      />
      <div className="traffic-area">
        <TrafficView ref={traffic} store={store} options={options} label={t('view.terminal', { pane: title })} redrawSignal={redrawSignal} paused={paused} />
        <Notice notice={notice} onDone={dismiss} />
      </div>
      {!view && (
        <Composer
          paneKind={model.kind}
          conns={snap.conns}
          jobs={snap.jobs}
          disabled={!canSend}
          settings={udpPort === model.composer.udpPort ? model.composer : { ...model.composer, udpPort }}
          onSettings={(composer) => onChange({ composer })}
          snippets={model.snippets}
          onSnippets={(snippets) => onChange({ snippets })}
          history={model.history ?? []}
          onHistory={(history) => onChange({ history })}
          sequences={model.sequences ?? []}
          onSequences={(sequences) => onChange({ sequences })}
          onSend={send}
          onSendFile={sendFile}
          onSendSequence={sendSequence}
          onStop={(jobId) => void api.command({ type: 'send.stop', paneId: model.id, jobId })}
        />
      )}
    </section>
  )
}
