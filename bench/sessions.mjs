// Scenario 8 of `npm run bench`: session work on a big recording, each step timed beside `cp`
// of the same file in the same run, and the worst event-loop stall in the app during each step
// (the web host, started with NP_LOOP_STATS=1, prints it for every command it answers).
//
// One run: a raw Node writer floods a tcp-server pane with `mib` MiB (the app records it all),
// then the bench saves the running recording (session.save), opens the saved file
// (session.open), starts its playback and seeks to 90 % and back to 10 %.
import { execFileSync } from 'node:child_process'
import { rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { nowMs, peerJson, sectionMarks, startApp, startPeer, killChild, withTimeout } from './lib.mjs'

const MIB = 1024 * 1024

/** Wall time of a command-line tool run to completion (ms). */
function timeTool(cmd, args) {
  const t0 = nowMs()
  execFileSync(cmd, args, { stdio: 'ignore', timeout: 30 * 60_000 })
  return nowMs() - t0
}

/** A cp of `from` (and a sync of the copy, timed apart), the copy removed again. */
function cpBaseline(from, work) {
  const to = join(work, 'cp-baseline.pcapng')
  try {
    const cpMs = timeTool('cp', [from, to])
    const syncMs = timeTool('sync', [to])
    return { cpMs, cpSyncMs: cpMs + syncMs }
  } finally {
    rmSync(to, { force: true })
  }
}

/** Sends a command, waits for its answer (`ms` at most) and for the host's loop figures: { result, ms, stallMs, stallRanMs, gcMs }. */
async function measured(app, body, ms) {
  const c = app.client
  const id = c.nextId
  const t0 = nowMs()
  const r = await c.command(body, ms)
  const wallMs = nowMs() - t0
  if (!r.ok) throw new Error(`${body.type} failed: ${JSON.stringify(r.error)}`)
  const m = await app.host.waitLine(new RegExp(`^\\{"loop":\\{"id":${id},.*\\}\\}$`, 'm'), 5000, `the loop figures of ${body.type}`)
  const loop = JSON.parse(m[0]).loop
  return { result: r.result, ms: wallMs, stallMs: loop.stallMs, stallRanMs: loop.stallRanMs ?? NaN, stallQueuedMs: loop.stallQueuedMs ?? NaN, gcMs: loop.gcMs }
}

export async function sessionWork({ mib, work, timeoutMs }) {
  const app = await startApp({ NP_LOOP_STATS: '1' })
  const c = app.client
  const saved = join(work, 'saved.pcapng')
  let writer
  try {
    // Record `mib` MiB: 64 KiB writes into a server pane (the renderer acknowledges everything it gets).
    const { local } = await c.must({ type: 'tcpServer.listen', paneId: 'rec', host: '127.0.0.1', port: 0 })
    const flooded = c.waitEvent((e) => e.paneId === 'rec' && e.type === 'conn.halfClosed' && e.by === 'peer', timeoutMs, 'the flood to end')
    writer = startPeer('tcp-writes', { port: local.port, count: mib * 16, size: 64 * 1024, timeoutMs })
    const hc = await flooded
    const w = await peerJson(writer, 'done', 10_000, 'the writer to finish')
    if (w.error) throw new Error(`writer: ${w.error}`)
    const closed = c.waitEvent((e) => e.paneId === 'rec' && e.type === 'conn.closed', 10_000, 'conn.closed')
    await c.must({ type: 'conn.close', paneId: 'rec', connId: hc.connId })
    const cl = await closed
    if (cl.bytesIn !== mib * MIB) throw new Error(`the pane read ${cl.bytesIn} bytes, expected ${mib * MIB}`)
    const info = await c.must({ type: 'session.info' })

    const save = await measured(app, { type: 'session.save', path: saved }, timeoutMs)
    const cpRecording = cpBaseline(info.path, work)
    const open = await measured(app, { type: 'session.open', path: saved }, timeoutMs)
    const cpSaved = cpBaseline(saved, work)
    const s = open.result
    const start = await measured(
      app,
      { type: 'playback.start', sessionId: s.sessionId, panes: [{ paneId: 'view', flowIds: s.flows.map((f) => f.id) }] },
      timeoutMs
    )
    const span = BigInt(s.endNs) - BigInt(s.startNs)
    const seek = (offsetNs) => measured(app, { type: 'playback.control', sessionId: s.sessionId, action: 'seek', offsetNs: String(offsetNs) }, timeoutMs)
    const seek90 = await seek((span * 9n) / 10n)
    const seek10 = await seek(span / 10n)
    await c.must({ type: 'session.close', sessionId: s.sessionId })
    return {
      recordingMiB: save.result.bytes / MIB,
      savedMiB: statSync(saved).size / MIB,
      chunks: s.flows.reduce((n, f) => n + f.chunks, 0),
      save,
      open,
      start,
      seek90,
      seek10,
      cpRecording,
      cpSaved
    }
  } finally {
    await killChild(writer)
    await withTimeout(app.stop(), 30_000, 'the app to stop').catch(() => {})
    rmSync(saved, { force: true })
  }
}

/** The rows of scenario 8 (`row` is run.mjs's), from one result per run. */
export function sessionRows(runs, mib, row) {
  const S = `8 session, ${mib} MiB recording`
  const pick = (f) => runs.map(f)
  const s = (ms) => ms / 1000
  row(
    S,
    'session.save (copy, end block, fsync)',
    's',
    pick((r) => s(r.save.ms)),
    pick((r) => s(r.cpRecording.cpMs)),
    'cp of the recording'
  )
  row(
    S,
    'session.save (copy, end block, fsync)',
    's',
    pick((r) => s(r.save.ms)),
    pick((r) => s(r.cpRecording.cpSyncMs)),
    'cp, then sync of the copy'
  )
  row(
    S,
    'session.open (index built)',
    's',
    pick((r) => s(r.open.ms)),
    pick((r) => s(r.cpSaved.cpMs)),
    'cp of the saved file'
  )
  row(
    S,
    'playback.start (the steps in time order)',
    's',
    pick((r) => s(r.start.ms)),
    pick((r) => s(r.cpSaved.cpMs)),
    'cp of the saved file'
  )
  row(
    S,
    'seek to 90 %',
    's',
    pick((r) => s(r.seek90.ms)),
    pick((r) => s(r.cpSaved.cpMs)),
    'cp of the saved file'
  )
  row(
    S,
    'seek back to 10 %',
    's',
    pick((r) => s(r.seek10.ms)),
    pick((r) => s(r.cpSaved.cpMs)),
    'cp of the saved file'
  )
  const bound = runs.map(() => 50)
  for (const [key, what] of [
    ['save', 'session.save'],
    ['open', 'session.open'],
    ['start', 'playback.start'],
    ['seek90', 'seek to 90 %'],
    ['seek10', 'seek back to 10 %']
  ]) {
    row(
      S,
      `worst event-loop stall during ${what}`,
      'ms',
      pick((r) => r[key].stallMs),
      bound,
      "the issue's bound (50 ms)"
    )
    row(
      S,
      '… of it, the main thread running',
      'ms',
      pick((r) => r[key].stallRanMs),
      pick((r) => r[key].stallMs),
      'that stall'
    )
    row(
      S,
      '… of it, waiting for a CPU',
      'ms',
      pick((r) => r[key].stallQueuedMs),
      pick((r) => r[key].stallMs),
      'that stall'
    )
  }
  row(
    S,
    'saved file',
    'MiB',
    pick((r) => r.savedMiB),
    runs.map(() => mib),
    'bytes recorded (payload)'
  )
  row(
    S,
    'chunks in the saved file',
    'count',
    pick((r) => r.chunks),
    runs.map(() => NaN),
    '(no baseline)'
  )
}

const { begin: BEGIN, end: END } = sectionMarks(8)

/** Scenario 8's section: its table (`table`, rendered by run.mjs) and how it is measured. */
export function renderSessionSection({ date, machine, mib, reps, table }) {
  return `${BEGIN}
## 8. Session work on a big recording

Run ${date} on ${machine};
BENCH_SESSION_MIB=${mib}, ${reps} run(s). \`BENCH_ONLY=8 npm run bench\` rewrites this section
alone; a run of the other scenarios keeps it.

${table}

How it is measured: the web host is started with \`NP_LOOP_STATS=1\`, which makes it note,
for every command, the longest gap between the runs of a 1 ms timer in its own event loop
while the command ran (src/main/loop-stats.ts), and print it when the command answers, with
how much of that gap the main thread spent running and how much waiting for a CPU (Linux
schedstat; the rest it slept in the kernel): on this shared 2-core machine part of a stall
is not work of ours. A raw Node writer (bench/peer.mjs \`tcp-writes\`) floods a tcp-server
pane with ${mib} MiB in 64 KiB writes, the client acknowledging every \`data\` event; the
pane's connection is then closed. Then, each timed from sending the command to its answer:
\`session.save\` of the running recording (a kernel copy in the thread pool, cut to the size
at the moment of Save, the end block, fsync), \`session.open\` of the saved file (the whole
index built), \`playback.start\` with one view pane (its steps built in slices, sorted in one
call when not already in order), \`playback.control\` seek to 90 % of the session's span, and
seek back to 10 %. The baselines are \`cp\` of the same file in the same run, right after
the app's step (both read the file from the page cache), and \`cp\` followed by \`sync FILE\`
of the copy (Save fsyncs; cp does not). A stall is compared with the issue's bound: no
session step may hold the event loop for more than 50 ms. During Save the main thread has
nothing to do (sampled, its kernel stack is in epoll_wait or preempted); what stall it shows
is the copy and the disk's writeback taking both cores.

Before this change (commit 7964fa8 with only NP_LOOP_STATS added, the same scenario, 2 GiB,
3 runs, on the same machine), each of these steps ran in one turn of the event loop:
${BEFORE}
${END}`
}

/** Scenario 8 on the code before session work left the event loop (see the text above it). */
const BEFORE = `
| step (2 GiB, median of 3) | time | worst event-loop stall | cp of the same file in that run |
|---|---|---|---|
| session.save (copyFileSync, then the end block and fsyncSync) | 5.5 s | 5,510 ms: all of it | 10.0 s (the recording) |
| session.open (one synchronous loop) | 0.87 s | 874 ms | 3.0 s (the saved file) |
| seek to 90 % (every chunk read with readSync) | 0.81 s | 812 ms | 3.0 s |
| seek back to 10 % (cleared, read again from byte 0) | 0.084 s | 84 ms | 3.0 s |

(The sockets, timers and screens of every pane of that window or tab waited that long.)`
