// The command line, for scripts and CI:
//   net-playground replay <file> --target host:port [--side client|server] [--flow N]
//                         [--timing answer|original|scaled] [--speed X] [--check]
// side client (default): connect to a live server at --target, re-send the recorded
// client's bytes, compare each answer with the recorded one. side server: listen on
// --target and answer the first live client with the recorded server's bytes.
// Exit code: 0 when the live peer answered as recorded (or, without --check, always after
// a completed replay), 1 with a readable diff when not, 2 for bad usage or a file problem.
import { Engine } from './engine/engine'
import { withSessions } from './session/service'
import { errorMessage } from '../shared/i18n'
import { hexdumpLines } from '../shared/bytes'
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

function showDiff(e: Extract<EngineEvent, { type: 'replay.diff' }>): string {
  const at = e.firstDiff
  const from = Math.max(0, at - (at % 16) - 16)
  const lines = [`  exchange ${e.exchange}: answer differs at byte ${at} (recorded ${e.expectedLen} bytes, live ${e.actualLen} bytes)`, '  recorded:']
  lines.push(...hexdumpLines(e.expected.subarray(from, from + 48), from).map((l) => `    ${l}`))
  lines.push('  live:')
  lines.push(...hexdumpLines((e.actual ?? new Uint8Array()).subarray(from, from + 48), from).map((l) => `    ${l}`))
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
  const timing = (a['timing'] as string | undefined) ?? 'answer'
  if (!['answer', 'original', 'scaled'].includes(timing)) fail(`--timing is answer, original or scaled\n${usage}`)
  if (side === 'client' && target!.port === 0) fail('--target needs the port of the live server (1 to 65535)')
  const speed = a['speed'] === undefined ? 1 : Number(a['speed'])
  if (!(speed >= 0.01 && speed <= 100)) fail('--speed must be a number from 0.01 to 100')

  const engine = new Engine({ sessions: withSessions({ record: false }) })
  // Nothing is drawn here: acknowledge display data at once, or pane events (a close, a
  // replay's result) would wait behind the undrawn traffic.
  engine.onEvent((e) => {
    if (e.type === 'data') void engine.handle({ type: 'display.ack', paneId: e.paneId, bytes: e.data.byteLength })
  })
  const problem = (e: PaneError): string => errorMessage('en', e)
  const opened = await engine.handle({ type: 'session.open', path: file! })
  if (!opened.ok) fail(problem((opened as { error: PaneError }).error))
  const session = (opened as { result: SessionSummary }).result
  if (session.truncated) console.error(`note: ${session.truncated}`)
  const tcp = session.flows.filter((f) => f.proto === 'tcp')
  const flowId = a['flow'] === undefined ? tcp[0]?.id : Number(a['flow'])
  if (flowId === undefined || !tcp.some((f) => f.id === flowId)) fail(`no TCP flow ${a['flow'] ?? ''} in ${session.path} (flows: ${tcp.map((f) => f.id).join(', ') || 'none'})`)

  if (side === 'server') {
    const r = await engine.handle({ type: 'replay.standin', sessionId: session.sessionId, flowId: flowId!, paneId: 'standin', host: target!.host, port: target!.port })
    if (!r.ok) fail(problem((r as { error: PaneError }).error))
    const local = (r.result as { local: { address: string; port: number } }).local
    console.log(`standing in for the recorded server on ${local.address}:${local.port}; waiting for one client`)
    // The client is done when it closes, or half-closes (sends FIN): the stand-in has answered
    // every request by then, and a half-closed connection would otherwise stay open forever.
    await new Promise<void>((resolve) =>
      engine.onEvent((e) => {
        if ((e.type === 'conn.closed' || (e.type === 'conn.halfClosed' && e.by === 'peer')) && e.paneId === 'standin') resolve()
      })
    )
    await engine.dispose()
    process.exit(0)
  }

  let differing = 0
  // Pane errors are printed once the replay runs; a failed start is reported once, below.
  let running = false
  const done = new Promise<Extract<EngineEvent, { type: 'replay.done' }>>((resolve) =>
    engine.onEvent((e) => {
      if (e.type === 'replay.diff') {
        console.log(e.same ? `  exchange ${e.exchange}: same (${e.actualLen} bytes)` : showDiff(e))
        if (!e.same) differing++
      } else if (e.type === 'replay.done') resolve(e)
      else if (e.type === 'error' && e.paneId === 'replay' && running) console.error(`  ${problem(e.error)}`)
    })
  )
  console.log(`replaying flow ${flowId} of ${session.path} against ${target!.host}:${target!.port}`)
  const r = await engine.handle({ type: 'replay.resend', sessionId: session.sessionId, flowId: flowId!, paneId: 'replay', host: target!.host, port: target!.port, timing: timing as 'answer', speed })
  if (!r.ok) fail(problem((r as { error: PaneError }).error))
  running = true
  const result = await done
  await engine.dispose()
  if (result.error) fail(problem(result.error))
  console.log(differing ? `${differing} of ${result.exchanges} answers differ from the recording` : `all ${result.exchanges} answers match the recording`)
  process.exit(differing && a['check'] ? 1 : 0)
}

main().catch((err: unknown) => fail(`net-playground: ${(err as Error).message}`))
