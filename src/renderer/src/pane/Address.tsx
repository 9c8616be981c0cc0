// A pane's address and main action, as its header line shows them: host and port while it is
// stopped, where it listens or what it is connected to while it runs, and Listen / Connect /
// Bind / Stop. Start is refused while a step's key, left out of the saved session, has not
// been given. What went wrong (a bad port, a refused connect) is said on a line of its own
// under the header (AddressProblem), so the header never grows.
import { useI18n } from '../i18n'
import type { PaneModel } from '../workspace'
import type { PaneSnapshot } from './pane-store'
import { showEndpoint } from './render'
import { checkHost, parsePort, type FieldError } from './validate'
import type { MessageKey } from '../../../shared/i18n'
import { keyWanted } from '../../../shared/workspace-keys'

export const startKey: Record<PaneModel['kind'], MessageKey> = {
  'tcp-server': 'pane.listen',
  'tcp-client': 'pane.connect',
  udp: 'pane.bind',
  playback: 'pane.start'
}
export const stopKey: Record<PaneModel['kind'], MessageKey> = {
  'tcp-server': 'pane.stop',
  'tcp-client': 'pane.disconnect',
  udp: 'pane.stop',
  playback: 'pane.stop'
}

/** Why the last Start did not happen: a field that does not parse, or a key left out. */
export type StartProblem = { field: FieldError } | { key: { n: number; algo: string } } | undefined

/** Checks the address and the keys; undefined when Start may go ahead (with the port). */
export function checkStart(model: PaneModel): { port: number } | { problem: NonNullable<StartProblem> } {
  const wanted = keyWanted(model.config)
  if (wanted) return { problem: { key: { n: wanted.n, algo: wanted.algo } } }
  const hostErr = checkHost(model.host)
  const p = parsePort(model.port, model.kind === 'tcp-client' ? 1 : 0)
  if (hostErr || 'error' in p) return { problem: { field: hostErr ?? (p as { error: FieldError }).error } }
  return { port: p.port }
}

/** The status in words: the state, and where; `short`: a client's peer only (its own port is in the full text). */
export function useStatusText(snap: PaneSnapshot, short = false): string {
  const { t } = useI18n()
  if (snap.state === 'listening' && snap.local) return t('state.listeningOn', { addr: showEndpoint(snap.local) })
  if (snap.state === 'bound' && snap.local) return t('state.boundOn', { addr: showEndpoint(snap.local) })
  if (snap.state === 'connected' && snap.local && snap.remote)
    return short
      ? t('state.connectedShort', { remote: showEndpoint(snap.remote) })
      : t('state.connectedTo', { local: showEndpoint(snap.local), remote: showEndpoint(snap.remote) })
  return t(`state.${snap.state}`)
}

interface FieldsProps {
  model: PaneModel
  running: boolean
  invalid: boolean
  onChange(patch: Partial<PaneModel>): void
}

/** Host and port: the pane's own fields (in the header while stopped, and in the inspector). */
export function AddressFields({ model, running, invalid, onChange }: FieldsProps) {
  const { t } = useI18n()
  const client = model.kind === 'tcp-client'
  const portName = client ? t('pane.port') : t('pane.localPort')
  return (
    <>
      <input
        className="host"
        aria-label={t('pane.host')}
        title={t('pane.host')}
        placeholder={t('pane.host')}
        value={model.host}
        disabled={running}
        onChange={(e) => onChange({ host: e.target.value })}
      />
      <input
        className="port"
        aria-label={portName}
        title={portName}
        placeholder={portName}
        inputMode="numeric"
        aria-invalid={invalid ? true : undefined}
        value={model.port}
        disabled={running}
        onChange={(e) => onChange({ port: e.target.value })}
      />
    </>
  )
}

interface Props extends Omit<FieldsProps, 'invalid'> {
  snap: PaneSnapshot
  problem: StartProblem
  onStart(): void
  onStop(): void
}

/** The header's part: fields (stopped) or status (running), then the main action. */
export function Address({ model, snap, running, problem, onChange, onStart, onStop }: Props) {
  const { t } = useI18n()
  const status = useStatusText(snap, true)
  const full = useStatusText(snap)
  // A narrow header shows only where (the dot and the main action say the state).
  const where =
    snap.state === 'connected' && snap.remote ? `→ ${showEndpoint(snap.remote)}` : snap.state !== 'idle' && snap.local ? showEndpoint(snap.local) : undefined
  return (
    <form
      className={`address state-${snap.state}`}
      onSubmit={(e) => {
        e.preventDefault()
        if (running) onStop()
        else onStart()
      }}
    >
      {!running && <AddressFields model={model} running={running} invalid={problem !== undefined && 'field' in problem} onChange={onChange} />}
      <span className="status" role="status" aria-label={t('pane.status')} title={full}>
        <span className="dot" aria-hidden="true" />
        <span className="status-text">
          <span className="status-words">{status}</span>
          {where && (
            // A space first: the words and the address never run together in the text.
            <span className="status-where" aria-hidden="true">
              {' '}
              {where}
            </span>
          )}
        </span>
      </span>
      <button type="submit" className={running ? 'main-action' : 'main-action primary'} disabled={snap.state === 'connecting'}>
        {running ? t(stopKey[model.kind]) : t(startKey[model.kind])}
      </button>
    </form>
  )
}

/** The line under the header that says why Start was refused or what the last run ended with. */
export function AddressProblem({ snap, running, problem }: { snap: PaneSnapshot; running: boolean; problem: StartProblem }) {
  const { t, err } = useI18n()
  const text =
    problem && 'field' in problem
      ? t(problem.field.key, problem.field.params)
      : problem && 'key' in problem
        ? t('keys.startRefused', problem.key)
        : snap.lastError && !running
          ? err(snap.lastError)
          : undefined
  if (!text) return null
  return (
    <div className="pane-problem field-error" role="alert">
      {text}
    </div>
  )
}
