// The command line, for scripts and CI:
//   net-playground replay <file> --target host:port [--side client|server] [--flow N]
//                         [--timing answer|original|scaled] [--speed X] [--check]
// Works on TCP and UDP flows. side client (default): connect (or send) to a live server at
// --target, re-send the recorded client's bytes, compare each answer with the recorded one.
// side server: listen on --target, play the recorded server's bytes to the first live client,
// compare each of its requests with the recorded one. --speed X alone means scaled timing.
// Exit code: 0 when the live peer answered as recorded (or, without --check, always after
// a completed replay), 1 with a readable diff when not (a peer that closed early included),
// 2 for bad usage or a file problem.
import { Engine } from './engine/engine'
import { withSessions } from './session/service'
import { errorMessage, translateRef } from '../shared/i18n'
import { formatDiff } from '../shared/diff-format'
import type { EngineEvent, PaneError, SessionSummary } from '../shared/contract'

const usage = `usage: net-playground replay <file> --target host:port [--side client|server] [--flow N]
                     [--timing answer|original|scaled] [--speed X] [--check]`

interface Args {
  _: string[]
  [flag: string]: string | boolean | string[]
}

/** Flags that take no value: `--check file.pcapng` must not read the file as the flag's value. */
const BOOLEAN_FLAGS = new Set(['check'])

function args(argv: string[]): Args {
  const out: Args = { _: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a.startsWith('--')) {
      const next = argv[i + 1]
      if (!BOOLEAN_FLAGS.has(a.slice(2)) && next !== undefined && !next.startsWith('--')) {
        out[a.slice(2)] = next
        i++
      } else out[a.slice(2)] = true
    } else out._.push(a)
  }
  return out
}

function splitTarget(t: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(t)
  if (!m) return undefined
  const port = Number(m[2])
  return port >= 0 && port <= 65535 ? { host: m[1] || '127.0.0.1', port } : undefined
}

function fail(msg: string, code = 2): never {
  console.error(msg)
  process.exit(code)
}

type Diff = Extract<EngineEvent, { type: 'replay.diff' }>
type Done = Extract<EngineEvent, { type: 'replay.done' }>

function showDiff(e: Diff): string {
  const what = e.compared ?? 'answer'
  const head = `  exchange ${e.exchange}${e.datagram ? `, datagram ${e.datagram}` : ''}: `
  if (e.same) return `${head}same (${e.actualLen} bytes)`
  const lines = [`${head}${what} differs at byte ${e.firstDiff} (recorded ${e.expectedLen} bytes, live ${e.actualLen} bytes)`]
  lines.push(...formatDiff(e.expected, e.actual ?? new Uint8Array(), { lang: 'en' }).map((l) => `    ${l}`))
  return lines.join('\n')
}

function summary(d: Done): string {
  const what = d.compared === 'request' ? 'requests' : 'answers'
  const lines: string[] = []
  if (d.closedEarly)
    lines.push(`the peer ${d.closedEarly.how === 'close' ? 'closed' : 'reset'} the connection early, after exchange ${d.closedEarly.after} of ${d.exchanges}`)
  lines.push(d.differing ? `${d.differing} of ${d.exchanges} ${what} differ from the recording` : `all ${d.exchanges} ${what} match the recording`)
  return lines.join('\n')
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2))
  const file = a._[1]
  if (a._[0] !== 'replay' || !file) fail(usage)
  const target = typeof a['target'] === 'string' ? splitTarget(a['target']) : undefined
  if (!target) fail(`--target must be host:port\n${usage}`)
  const side = a['side'] ?? 'client'
  if (side !== 'client' && side !== 'server') fail(`--side is client or server\n${usage}`)
  if (a['timing'] === true) fail(`--timing is answer, original or scaled\n${usage}`)
  // --speed alone means scaled timing.
  const timing = (a['timing'] as string | undefined) ?? (a['speed'] === undefined ? 'answer' : 'scaled')
  if (!['answer', 'original', 'scaled'].includes(timing)) fail(`--timing is answer, original or scaled\n${usage}`)
  if (side === 'client' && target!.port === 0) fail('--target needs the port of the live server (1 to 65535)')
  const speed = a['speed'] === undefined ? 1 : Number(a['speed'])
  if (!(speed >= 0.01 && speed <= 100)) fail('--speed must be a number from 0.01 to 100')

  // Nothing is drawn here: no display flow control, so no pane event waits behind undrawn traffic.
  const engine = new Engine({ display: 'headless', sessions: withSessions({ record: false }) })
  const problem = (e: PaneError): string => errorMessage('en', e)
  const opened = await engine.handle({ type: 'session.open', path: file! })
  if (!opened.ok) fail(problem((opened as { error: PaneError }).error))
  const session = (opened as { result: SessionSummary }).result
  if (session.truncated) console.error(`note: ${translateRef('en', session.truncated)}`)
  const flows = session.flows
  const flowId = a['flow'] === undefined ? flows[0]?.id : Number(a['flow'])
  const flow = flows.find((f) => f.id === flowId)
  if (!flow)
    fail(`no TCP or UDP flow ${a['flow'] ?? ''} in ${session.path} (flows: ${flows.map((f) => `${f.id} (${f.proto.toUpperCase()})`).join(', ') || 'none'})`)

  const paneId = 'replay'
  let differing = 0
  // Pane errors are printed once the replay runs; a failed start is reported once, below.
  let running = false
  const done = new Promise<Done>((resolve) =>
    engine.onEvent((e) => {
      if (e.type === 'replay.diff' && e.paneId === paneId) {
        console.log(showDiff(e))
        if (!e.same) differing++
      } else if (e.type === 'replay.done' && e.paneId === paneId) resolve(e)
      else if (e.type === 'error' && e.paneId === paneId && running) console.error(`  ${problem(e.error)}`)
    })
  )
  const r = await engine.handle({
    type: 'replay.resend',
    sessionId: session.sessionId,
    flowId: flow!.id,
    paneId,
    side,
    host: target!.host,
    port: target!.port,
    timing: timing as 'answer',
    speed
  })
  if (!r.ok) fail(problem((r as { error: PaneError }).error))
  running = true
  const proto = flow!.proto.toUpperCase()
  if (side === 'server') {
    const local = (r.result as { local: { address: string; port: number } }).local
    console.log(`standing in for the recorded server on ${local.address}:${local.port} (${proto}); waiting for one client`)
  } else console.log(`replaying flow ${flow!.id} (${proto}) of ${session.path} against ${target!.host}:${target!.port}`)
  const result = await done
  await engine.dispose()
  if (result.error) fail(problem(result.error))
  console.log(summary(result))
  process.exit((differing || result.differing) && a['check'] ? 1 : 0)
}

main().catch((err: unknown) => fail(`net-playground: ${(err as Error).message}`))
