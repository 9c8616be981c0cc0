// One pane: a header line, its traffic terminal (with the search laid over it), and the
// input. Its settings (address, messages, snippets, view) are drawn in the inspector while
// it is the pane inspected; its connections open from the header.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { parseHex } from '../../../shared/bytes'
import { formatBytes } from '../../../shared/bytes'
import { formatBytesAs, type CopyFormat } from '../../../shared/copy-formats'
import type { PaneError, SendTarget as ContractTarget } from '../../../shared/contract'
import { useI18n } from '../i18n'
import { Notice, useNotice } from '../Notice'
import { shortcutOf } from '../shortcuts'
import { api } from '../api'
import { configurePane, startPane, stopPane, storeOf, type PaneModel } from '../workspace'
import { Composer, type Outgoing, type SendTarget } from './Composer'
import { ConnPopover } from './ConnPopover'
import { PaneSettings } from './PaneSettings'
import { TrafficView, type FindResult, type TrafficViewHandle } from './TrafficView'
import { Address, AddressFields, AddressProblem, checkStart, startKey, stopKey, type StartProblem } from './Address'
import { FindBar } from './FindBar'
import { PaneHeader } from './PaneHeader'
import { ViewOptions } from './ViewOptions'
import { defaultRenderOptions, type RenderOptions } from './render'
import { udpDestination, type ViewMode, type ViewSettings } from '../../../shared/workspace'
import { InspectorPart, useInspector } from '../ui/inspector'
import type { MenuEntry } from '../ui/Menu'
import { keyWanted } from '../../../shared/workspace-keys'

interface Props {
  model: PaneModel
  onChange(patch: Partial<PaneModel>): void
  onClose?(): void
  /** Whether this pane fills its place alone; onMaximize toggles it. */
  maximized: boolean
  /** Absent where a pane cannot fill its place alone (a session's conversation). */
  onMaximize?(): void
}

export function Pane({ model, onChange, onClose, maximized, onMaximize }: Props) {
  const { t, lang } = useI18n()
  const inspector = useInspector()
  const store = storeOf(model.id)
  const snap = useSyncExternalStore(store.subscribe, store.snapshot)
  // Display settings live in the pane model, so they are remembered and saved with sessions.
  const viewSettings = model.view ?? defaultRenderOptions
  const setView = (view: ViewSettings): void => onChange({ view })
  const setMode = (view: ViewMode): void => setView({ ...viewSettings, view })
  const [paused, setPaused] = useState(false)
  const [searching, setSearching] = useState(false)
  const [connsOpen, setConnsOpen] = useState(false)
  const [copyFormat, setCopyFormat] = useState<CopyFormat>('hex')
  const [redrawSignal, setRedrawSignal] = useState(0)
  const [startProblem, setProblem] = useState<StartProblem>()
  // A Start refused for a key left out says so only while the key is still wanted (until Apply).
  const problem = startProblem && 'key' in startProblem && !keyWanted(model.config) ? undefined : startProblem
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
  // A restored pane whose key was left out opens the inspector at that key (the first such pane keeps it).
  useEffect(() => {
    if (keyWanted(model.config)) inspector.inspect(model.id, 'messages', true)
    // Only when the pane is made.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  const title = model.title ?? t('pane.label', { kind: t(`kind.${model.kind}`), n: model.n })
  const playback = model.kind === 'playback'
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
  const start = async (): Promise<void> => {
    const checked = checkStart(model)
    if ('problem' in checked) {
      setProblem(checked.problem)
      if ('key' in checked.problem) {
        setAskKey((n) => n + 1)
        inspector.inspect(model.id, 'messages')
      }
      return
    }
    setProblem(undefined)
    const r = await startPane(model, checked.port)
    if (r?.ok && model.kind !== 'tcp-client' && checked.port === 0) onChange({ port: String(r.local.port) })
  }
  const stop = (): void => void stopPane(model)
  const change = (patch: Partial<PaneModel>): void => {
    if ('host' in patch || 'port' in patch) setProblem(undefined)
    onChange(patch)
  }

  const clear = (): void => {
    store.log.clear()
    setRedrawSignal((n) => n + 1)
  }

  const copy = (): void => {
    // The selected bytes; a selection of headers only, the records it touches; none, nothing.
    const sel = traffic.current?.selectedBytes()
    if (!sel) return say(t('view.nothingSelected'))
    const text = formatBytesAs(sel.bytes, copyFormat, viewSettings.encoding)
    const what = { n: sel.records, bytes: sel.bytes.byteLength, format: t(`copy.${copyFormat}`) }
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
      setMode('hex')
      await new Promise((r) => setTimeout(r, 0))
    }
    await traffic.current?.drawn()
    return traffic.current?.findBytes(parsed.bytes, backwards)
  }

  const hasConns = model.kind === 'tcp-server' || model.kind === 'tcp-client' || (playback && !!model.flows?.some((f) => f.proto === 'tcp'))
  const menu: MenuEntry[] = [
    ...(!playback
      ? [{ kind: 'item' as const, label: running ? t(stopKey[model.kind]) : t(startKey[model.kind]), onSelect: () => (running ? stop() : void start()) }]
      : []),
    ...(hasConns ? [{ kind: 'item' as const, label: t('conns.button', { n: snap.conns.length }), onSelect: () => setConnsOpen(true) }] : []),
    { kind: 'separator' },
    ...(['text', 'hex', 'split'] as ViewMode[]).map((v) => ({
      kind: 'check' as const,
      label: t(`view.${v}`),
      checked: viewSettings.view === v,
      onSelect: () => setMode(v)
    })),
    { kind: 'separator' },
    { kind: 'item', label: t('view.search'), hint: 'Ctrl+F', onSelect: () => setSearching(true) },
    { kind: 'item', label: paused ? t('view.resume') : t('view.pause'), onSelect: () => setPaused(!paused) },
    { kind: 'item', label: t('view.clear'), hint: 'Ctrl+L', onSelect: clear },
    { kind: 'item', label: t('view.copyAs', { format: t(`copy.${copyFormat}`) }), onSelect: copy },
    { kind: 'separator' },
    { kind: 'item', label: t('pane.settings'), onSelect: () => inspector.inspect(model.id) },
    ...(onMaximize ? [{ kind: 'item' as const, label: t(maximized ? 'pane.restore' : 'pane.maximize'), hint: 'Ctrl+Alt+M', onSelect: onMaximize }] : []),
    ...(onClose ? [{ kind: 'item' as const, label: t('pane.close'), danger: true, onSelect: onClose }] : [])
  ]

  const focused = inspector.focused === model.id
  return (
    <section
      className={`pane pane-${model.kind}${running ? '' : ' idle'}${maximized ? ' maximized' : ''}${focused ? ' focused' : ''}`}
      aria-label={title}
      onFocusCapture={() => inspector.focus(model.id)}
      onPointerDown={() => inspector.focus(model.id)}
      onKeyDown={(e) => {
        const shortcut = shortcutOf(e)
        if (shortcut === 'maximize') onMaximize?.()
        else if (shortcut === 'clear') clear()
        else if (shortcut === 'toggleHex') setMode(viewSettings.view === 'hex' ? 'text' : 'hex')
        else if (shortcut === 'find') setSearching(true)
        else return
        e.preventDefault()
      }}
    >
      <PaneHeader
        kind={model.kind}
        title={title}
        address={
          !playback && <Address model={model} snap={snap} running={running} problem={problem} onChange={change} onStart={() => void start()} onStop={stop} />
        }
        conns={
          hasConns ? (
            <ConnPopover
              snap={snap}
              open={connsOpen}
              onOpenChange={setConnsOpen}
              onAction={playback ? undefined : (type, connId) => void api.command({ type, paneId: model.id, connId })}
            />
          ) : model.kind === 'udp' && running ? (
            <span className="counters" title={t('conns.counters')}>
              ◀ {formatBytes(snap.bytesIn)} · ▶ {formatBytes(snap.bytesOut)}
            </span>
          ) : undefined
        }
        view={viewSettings.view}
        onView={setMode}
        searching={searching}
        onSearch={() => setSearching((s) => !s)}
        paused={paused}
        onPause={() => setPaused(!paused)}
        onClear={clear}
        onSettings={() => inspector.inspect(model.id)}
        maximized={maximized}
        onMaximize={onMaximize}
        onClose={onClose}
        menu={menu}
      />
      {!playback && <AddressProblem snap={snap} running={running} problem={problem} />}
      {!playback && (
        <InspectorPart paneId={model.id} section="address">
          <h3>{t('inspector.address')}</h3>
          <div className="form-grid">
            <label>
              {t('pane.host')} / {model.kind === 'tcp-client' ? t('pane.port') : t('pane.localPort')}
              <span className="row">
                <AddressFields model={model} running={running} invalid={problem !== undefined && 'field' in problem} onChange={change} />
              </span>
            </label>
          </div>
        </InspectorPart>
      )}
      {!playback && (
        <InspectorPart paneId={model.id} section="messages">
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
        </InspectorPart>
      )}
      <InspectorPart paneId={model.id} section="view">
        <h3>{t('inspector.view')}</h3>
        <ViewOptions
          settings={viewSettings}
          onChange={setView}
          conns={snap.conns}
          showConnFilter={model.kind === 'tcp-server' || playback}
          copyFormat={copyFormat}
          onCopyFormat={setCopyFormat}
        />
      </InspectorPart>
      <div className="traffic-area">
        <TrafficView ref={traffic} store={store} options={options} label={t('view.terminal', { pane: title })} redrawSignal={redrawSignal} paused={paused} />
        {searching && <FindBar onFind={find} onClearHighlights={() => traffic.current?.clearHighlights()} onClose={() => setSearching(false)} />}
        <Notice notice={notice} onDone={dismiss} />
      </div>
      {!playback && (
        <Composer
          paneId={model.id}
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
