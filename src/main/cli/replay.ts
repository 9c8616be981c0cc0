// net-playground replay: re-sends one side of a recorded flow against a live peer and compares.
// Works on TCP and UDP flows. side client (default): connect (or send) to a live server at
// --target, re-send the recorded client's bytes, compare each answer with the recorded one.
// side server: listen on --target, play the recorded server's bytes to the first live client,
// compare each of its requests with the recorded one. --speed X alone means scaled timing.
import { Engine } from '../engine/engine'
import { withSessions } from '../session/service'
import { errorMessage } from '../../shared/i18n'
import { formatDiff } from '../../shared/diff-format'
import type { EngineEvent, PaneError } from '../../shared/contract'
import { EXIT, fail, splitTarget, type Args } from './args'
import { flowById, flowList, flowTable } from './flows'
import { openSessionFile } from './session-file'

export const replayUsage = `net-playground replay <file> --target host:port [--side client|server] [--flow N]
                     [--timing answer|original|scaled] [--speed X] [--check]`

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

export async function replay(a: Args, usage: string): Promise<never> {
  const file = a._[1]
  if (!file) fail(usage)
  const target = typeof a['target'] === 'string' ? splitTarget(a['target']) : undefined
  if (!target) fail(`--target must be host:port\n${usage}`)
  const side = a['side'] ?? 'client'
  if (side !== 'client' && side !== 'server') fail(`--side is client or server\n${usage}`)
  if (a['timing'] === true) fail(`--timing is answer, original or scaled\n${usage}`)
  // --speed alone means scaled timing.
  const timing = (a['timing'] as string | undefined) ?? (a['speed'] === undefined ? 'answer' : 'scaled')
  if (!['answer', 'original', 'scaled'].includes(timing)) fail(`--timing is answer, original or scaled\n${usage}`)
  if (side === 'client' && target.port === 0) fail('--target needs the port of the live server (1 to 65535)')
  if (a['flow'] !== undefined && !/^\d+$/.test(String(a['flow']))) fail(`--flow is a flow's number (net-playground flows <file> lists them)\n${usage}`)
  const speed = a['speed'] === undefined ? 1 : Number(a['speed'])
  if (!(speed >= 0.01 && speed <= 100)) fail('--speed must be a number from 0.01 to 100')

  // Nothing is drawn here: no display flow control, so no pane event waits behind undrawn traffic.
  const engine = new Engine({ display: 'headless', sessions: withSessions({ record: false }) })
  const problem = (e: PaneError): string => errorMessage('en', e)
  const session = await openSessionFile(engine, file)
  const flows = session.flows
  const flowId = a['flow'] === undefined ? flows[0]?.id : Number(a['flow'])
  const flow = flowId === undefined ? undefined : await flowById(engine, session, flowId)
  if (!flow)
    fail(
      flows.length
        ? `no flow ${String(a['flow'])} in ${session.path}; pick one with --flow N:\n${flowTable(flows, session.workspace).join('\n')}`
        : flowList(session)
    )

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
  const r = await engine.command({
    type: 'replay.resend',
    sessionId: session.sessionId,
    flowId: flow.id,
    paneId,
    side,
    host: target.host,
    port: target.port,
    timing: timing as 'answer',
    speed
  })
  // The live side could not be reached (refused, timed out, unreachable) or, side server, taken (port in use).
  if (!r.ok) fail(problem(r.error), EXIT.unreachable)
  running = true
  const proto = flow.proto.toUpperCase()
  if (side === 'server') {
    const local = r.result.local!
    console.log(`standing in for the recorded server on ${local.address}:${local.port} (${proto}); waiting for one client`)
  } else console.log(`replaying flow ${flow.id} (${proto}) of ${session.path} against ${target.host}:${target.port}`)
  const result = await done
  await engine.dispose()
  if (result.error) fail(problem(result.error), EXIT.unreachable)
  console.log(summary(result))
  process.exit((differing || result.differing) && a['check'] ? EXIT.failed : EXIT.ok)
}
