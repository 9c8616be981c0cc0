// `npm run bench`: the app's data path (the web host, driven by a WebSocket client that
// plays the renderer) against raw peers measured in the same run, on 127.0.0.1 only.
// Every scenario runs REPS times (default 3) and prints min/median/max; every figure sits
// beside its baseline as a ratio. Writes the same table to docs/benchmarks.md.
//
//   BENCH_MIB=100        firehose payload (MiB) for scenarios 1-2, file size in scenario 6
//   BENCH_REPS=3         repetitions of every scenario
//   BENCH_SMALL=100000   16-byte writes in scenario 3
//   BENCH_UDP=100000     16-byte datagrams in scenario 4 (the 1400-byte run sends a fifth)
//   BENCH_RTT=2000       exchanges in scenario 5
//   BENCH_FRAMES=100000  framed messages (64 B payload + CRC-32) in scenario 7
//   BENCH_ONLY=1,...,10  which scenarios to run (default: 1-7 and 9; 8 moves several GiB through the disk; 10 holds
//                        tens of thousands of sockets)
//   BENCH_SESSION_MIB=2048  the recording scenario 8 saves, opens and seeks in (needs ~3.5× that free in the temp folder)
//   BENCH_SESSION_REPS   runs of scenario 8 (default: BENCH_REPS)
//   BENCH_HOSTILE_PEERS=10000  half-closing peers of scenario 10 (opt-in: BENCH_ONLY=10)
//   BENCH_RTT_SECONDS=15 time cap on each app round-trip run (the app's display batching
//                        puts ~16 ms on each half, so 2000 exchanges would not fit)
import { execFileSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs'
import { randomFillSync } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { cpus, release, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  killAllChildren,
  killAllChildrenSync,
  killChild,
  memOf,
  nowMs,
  peerJson,
  quantile,
  median,
  rootDir,
  sleep,
  spread,
  startApp,
  startChild,
  startPeer,
  waitListening,
  watchPeak,
  freePort,
  withTimeout,
  ownSection,
  spliceOwnSection
} from './lib.mjs'
import { renderSessionSection, sessionRows, sessionWork } from './sessions.mjs'
import { appFlood, hostileRows, nodeFlood, nofileOf, renderHostileSection } from './hostile.mjs'

const envInt = (name, def, min, max) => {
  const v = process.env[name]
  if (v === undefined || v === '') return def
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`${name} must be a whole number from ${min} to ${max}, not "${v}"`)
    process.exit(2)
  }
  return n
}

const MIB = 1024 * 1024
const cfg = {
  mib: envInt('BENCH_MIB', 100, 1, 4096),
  reps: envInt('BENCH_REPS', 3, 1, 20),
  smallWrites: envInt('BENCH_SMALL', 100_000, 100, 1_000_000),
  udpCount: envInt('BENCH_UDP', 100_000, 100, 1_000_000),
  rttCount: envInt('BENCH_RTT', 2000, 10, 100_000),
  rttSeconds: envInt('BENCH_RTT_SECONDS', 15, 1, 600),
  frames: envInt('BENCH_FRAMES', 100_000, 100, 1_000_000),
  sessionMib: envInt('BENCH_SESSION_MIB', 2048, 16, 65536),
  hostilePeers: envInt('BENCH_HOSTILE_PEERS', 10_000, 10, 50_000)
}
cfg.sessionReps = envInt('BENCH_SESSION_REPS', cfg.reps, 1, 20)
const only = new Set((process.env.BENCH_ONLY || '1,2,3,4,5,6,7,9').split(',').map((x) => x.trim()))
const fileSize = cfg.mib * MIB
// A flood that does not finish in this time is a failure, not a figure.
const floodTimeoutMs = Math.max(30_000, (fileSize / MIB) * 400)

const benchStart = nowMs()
// The whole bench is bounded too: past this, everything is killed and it exits 1.
const watchdog = setTimeout(
  () => {
    console.error('bench: overall time limit reached; killing children')
    killAllChildrenSync()
    process.exit(1)
  },
  Math.max(15 * 60_000, floodTimeoutMs * 20)
)
watchdog.unref()
process.on('exit', () => killAllChildrenSync())
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAllChildrenSync()
    process.exit(130)
  })
}

// ---------------------------------------------------------------- results

/** rows: { scenario, figure, unit, app: number[], base: number[], baseName, ratio: number[], note } */
const rows = []
const failures = []
const notes = []

const countUnits = new Set(['events', 'markers', 'reads', 'dgrams', 'count', 'records', 'msgs'])
function row(scenario, figure, unit, app, base, baseName, opts = {}) {
  if (opts.digits === undefined && countUnits.has(unit)) opts = { ...opts, digits: 0 }
  const ratio = opts.ratio ?? app.map((a, i) => (base[i] === undefined ? NaN : a / base[i]))
  rows.push({ scenario, figure, unit, app, base, baseName, ratio, digits: opts.digits })
}

const fmt = (x, digits) => {
  if (!Number.isFinite(x)) return '—'
  if (digits === 0) return Math.round(x).toLocaleString('en-US')
  if (digits !== undefined) return x.toFixed(digits)
  const a = Math.abs(x)
  if (a >= 1000) return Math.round(x).toLocaleString('en-US')
  if (a >= 100) return x.toFixed(0)
  if (a >= 10) return x.toFixed(1)
  if (a >= 1) return x.toFixed(2)
  if (a === 0) return '0'
  return x.toPrecision(2)
}
const fmtRatio = (x) => {
  if (!Number.isFinite(x)) return '—'
  const a = Math.abs(x)
  if (a >= 100) return Math.round(x).toLocaleString('en-US')
  if (a >= 10) return x.toFixed(1)
  if (a === 0) return '0'
  if (a < 0.01) return x.toPrecision(2)
  return x.toFixed(2)
}
const fmtSpread = (xs, digits, f = fmt) => {
  const s = spread(xs)
  if (s.n === 0) return '—'
  if (s.n === 1 || s.min === s.max) return f(s.med, digits)
  return `${f(s.min, digits)} / ${f(s.med, digits)} / ${f(s.max, digits)}`
}

// ---------------------------------------------------------------- the payload file

function makeRandomFile(path, size) {
  const fd = openSync(path, 'w', 0o600)
  try {
    const buf = Buffer.alloc(MIB)
    for (let off = 0; off < size; off += buf.length) {
      randomFillSync(buf)
      writeSync(fd, buf, 0, Math.min(buf.length, size - off))
    }
  } finally {
    closeSync(fd)
  }
}

// ---------------------------------------------------------------- scenario 1 and 2: firehose

/**
 * Floods a tcp-server pane with `socat -u FILE:f TCP:...`. The pane keeps a half-closed
 * connection open (allowHalfOpen), so the end of the flood is the conn.halfClosed(peer)
 * event (emitted after every byte was read and the display flushed); the bench then
 * closes the connection and checks conn.closed.bytesIn == file size.
 */
async function appFirehose(file, ack) {
  // Stalled, the end of the flood is read off the byte counts (conn.stats): report them every
  // 5 ms, not every 250 ms, so the figure is not rounded up to the reporting period.
  const app = await startApp(ack ? {} : { NP_STATS_MS: '5' })
  const c = app.client
  c.autoAck = ack
  let sender
  try {
    const st = { events: 0, shown: 0, markers: 0, markerBytes: 0 }
    c.on((ev) => {
      if (ev.paneId !== 'fire') return
      if (ev.type === 'data') {
        st.events++
        st.shown += ev.data.byteLength
      } else if (ev.type === 'display.skipped') {
        st.markers++
        st.markerBytes += ev.bytes
      }
    })
    const { local } = await c.must({ type: 'tcpServer.listen', paneId: 'fire', host: '127.0.0.1', port: 0 })
    await sleep(200) // let the host settle after start-up before reading its idle RSS
    const idle = memOf(app.pid)
    // A stalled renderer gets no pane events either (they wait behind the traffic not yet
    // drawn, to stay in order): the byte counter says when the flood is in (to within 5 ms).
    const flooded = ack
      ? c.waitEvent((e) => e.paneId === 'fire' && e.type === 'conn.halfClosed' && e.by === 'peer', floodTimeoutMs, 'the flood to end (conn.halfClosed)')
      : c.waitEvent(
          (e) => e.paneId === 'fire' && e.type === 'conn.stats' && e.stats.some((s) => s.bytesIn >= fileSize),
          floodTimeoutMs,
          'conn.stats to report every byte in'
        )
    const t0 = nowMs()
    sender = startChild('socat', ['-u', `FILE:${file}`, `TCP:127.0.0.1:${local.port}`])
    const ev = await flooded
    const t1 = nowMs()
    const connId = ev.type === 'conn.stats' ? ev.stats.find((s) => s.bytesIn >= fileSize).connId : ev.connId
    const closed = c.waitEvent((e) => e.paneId === 'fire' && e.type === 'conn.closed', 10_000, 'conn.closed')
    await c.must({ type: 'conn.close', paneId: 'fire', connId })
    const ex = await withTimeout(sender.exited, 10_000, 'socat sender to exit')
    if (ex.code !== 0) throw new Error(`socat sender exited ${ex.code ?? ex.signal}: ${sender.err()}`)
    const peak = memOf(app.pid)
    const shownBeforeFinalAck = st.shown
    let finalMarker
    if (!ack) {
      // A stalled renderer that finally catches up: it gets the bounded backlog batch by
      // batch, then one marker for the rest, then the close.
      const marker = c.waitEvent((e) => e.paneId === 'fire' && e.type === 'display.skipped', 10_000, 'display.skipped')
      c.autoAck = true
      c.ack('fire', st.shown)
      finalMarker = await marker.catch(() => undefined)
    }
    const cl = await closed
    if (cl.bytesIn !== fileSize) throw new Error(`conn.closed reports bytesIn ${cl.bytesIn}, expected ${fileSize}`)
    await sleep(500)
    const after = memOf(app.pid)
    return {
      ms: t1 - t0,
      mibs: fileSize / MIB / ((t1 - t0) / 1000),
      idleRssMiB: idle.rssKiB / 1024,
      peakMiB: peak.hwmKiB / 1024,
      afterMiB: after.rssKiB / 1024,
      events: st.events,
      markers: st.markers,
      shown: shownBeforeFinalAck,
      skippedMarkerBytes: ack ? st.markerBytes : (finalMarker?.bytes ?? NaN),
      // Not shown in the end: the backlog came after the late ack, the marker covers the rest.
      skipped: fileSize - st.shown
    }
  } finally {
    await killChild(sender)
    await app.stop()
  }
}

async function socatSinkFirehose(file) {
  const port = await freePort()
  const sink = startChild('socat', ['-u', `TCP-LISTEN:${port},reuseaddr`, 'OPEN:/dev/null'])
  let sender
  try {
    await waitListening(port)
    const stopPeak = watchPeak(sink.pid, 5)
    const t0 = nowMs()
    sender = startChild('socat', ['-u', `FILE:${file}`, `TCP:127.0.0.1:${port}`])
    const ex = await withTimeout(sink.exited, floodTimeoutMs, 'the socat sink to exit')
    const peakKiB = stopPeak()
    if (ex.code !== 0) throw new Error(`socat sink exited ${ex.code ?? ex.signal}: ${sink.err()}`)
    const sx = await withTimeout(sender.exited, 10_000, 'socat sender to exit')
    if (sx.code !== 0) throw new Error(`socat sender exited ${sx.code ?? sx.signal}: ${sender.err()}`)
    return { ms: ex.tMs - t0, mibs: fileSize / MIB / ((ex.tMs - t0) / 1000), peakMiB: peakKiB / 1024 }
  } finally {
    await killChild(sender)
    await killChild(sink)
  }
}

async function nodeSinkFirehose(file) {
  const sink = startPeer('tcp-sink', { timeoutMs: floodTimeoutMs })
  let sender
  try {
    const { listening: port } = await peerJson(sink, 'listening', 10_000, 'the node sink to listen')
    const t0 = nowMs()
    sender = startChild('socat', ['-u', `FILE:${file}`, `TCP:127.0.0.1:${port}`])
    const done = await peerJson(sink, 'done', floodTimeoutMs, 'the node sink to finish')
    if (done.bytes !== fileSize) throw new Error(`node sink got ${done.bytes} bytes, expected ${fileSize}`)
    return { ms: done.tEnd - t0, mibs: fileSize / MIB / ((done.tEnd - t0) / 1000), peakMiB: done.maxRssKiB / 1024 }
  } finally {
    await killChild(sender)
    await killChild(sink)
  }
}

// ---------------------------------------------------------------- scenario 3: many small writes

async function appSmallWrites() {
  const app = await startApp()
  const c = app.client
  let writer
  try {
    const st = { events: 0, records: 0, shown: 0, markers: 0, skippedRecords: 0 }
    c.on((ev) => {
      if (ev.paneId !== 'small') return
      if (ev.type === 'data') {
        st.events++
        st.records += ev.records.length
        st.shown += ev.data.byteLength
      } else if (ev.type === 'display.skipped') {
        st.markers++
        st.skippedRecords += ev.records
      }
    })
    const { local } = await c.must({ type: 'tcpServer.listen', paneId: 'small', host: '127.0.0.1', port: 0 })
    const halfClosed = c.waitEvent(
      (e) => e.paneId === 'small' && e.type === 'conn.halfClosed' && e.by === 'peer',
      60_000,
      'the writes to end (conn.halfClosed)'
    )
    writer = startPeer('tcp-writes', { port: local.port, count: cfg.smallWrites, size: 16 })
    const hc = await halfClosed
    const t1 = nowMs()
    const w = await peerJson(writer, 'done', 10_000, 'the writer to finish')
    if (w.error) throw new Error(`writer: ${w.error}`)
    const closed = c.waitEvent((e) => e.paneId === 'small' && e.type === 'conn.closed', 10_000, 'conn.closed')
    await c.must({ type: 'conn.close', paneId: 'small', connId: hc.connId })
    const cl = await closed
    const total = cfg.smallWrites * 16
    if (cl.bytesIn !== total) throw new Error(`conn.closed reports bytesIn ${cl.bytesIn}, expected ${total}`)
    return {
      ms: t1 - w.t0,
      mibs: total / MIB / ((t1 - w.t0) / 1000),
      events: st.events,
      reads: st.records + st.skippedRecords,
      markers: st.markers,
      shown: st.shown
    }
  } finally {
    await killChild(writer)
    await app.stop()
  }
}

async function nodeSinkSmallWrites() {
  const sink = startPeer('tcp-sink', { timeoutMs: 60_000 })
  let writer
  try {
    const { listening: port } = await peerJson(sink, 'listening', 10_000, 'the node sink to listen')
    writer = startPeer('tcp-writes', { port, count: cfg.smallWrites, size: 16 })
    const done = await peerJson(sink, 'done', 60_000, 'the node sink to finish')
    const w = await peerJson(writer, 'done', 10_000, 'the writer to finish')
    const total = cfg.smallWrites * 16
    if (done.bytes !== total) throw new Error(`node sink got ${done.bytes} bytes, expected ${total}`)
    return { ms: done.tEnd - w.t0, mibs: total / MIB / ((done.tEnd - w.t0) / 1000), reads: done.reads }
  } finally {
    await killChild(writer)
    await killChild(sink)
  }
}

// ---------------------------------------------------------------- scenario 4: UDP

async function appUdp(count, size) {
  const app = await startApp()
  const c = app.client
  let sender
  try {
    const st = { records: 0, skippedRecords: 0, lastUs: 0, statsBytes: 0, lastEventMs: nowMs() }
    c.on((ev) => {
      if (ev.paneId !== 'udp') return
      st.lastEventMs = nowMs()
      if (ev.type === 'data') {
        for (const r of ev.records) {
          if (r.dir !== 'in') continue
          st.records++
          if (r.tUs > st.lastUs) st.lastUs = r.tUs
        }
      } else if (ev.type === 'display.skipped') st.skippedRecords += ev.records
      else if (ev.type === 'conn.stats') st.statsBytes = ev.stats[0]?.bytesIn ?? st.statsBytes
    })
    const { local } = await c.must({ type: 'udp.bind', paneId: 'udp', host: '127.0.0.1', port: 0 })
    sender = startPeer('udp-send', { port: local.port, count, size })
    const s = await peerJson(sender, 'done', 60_000, 'the UDP sender to finish')
    // Wait until the pane has been quiet for 600 ms (stats come every 250 ms while it counts).
    const until = nowMs() + 30_000
    while (nowMs() - st.lastEventMs < 600 && nowMs() < until) await sleep(50)
    const received = Math.max(st.statsBytes / size, st.records + st.skippedRecords)
    const lastMs = st.lastUs / 1000
    return {
      sent: s.sent,
      received,
      ratio: received / count,
      rate: received / ((lastMs - s.t0) / 1000),
      sendRate: s.sent / ((s.t1 - s.t0) / 1000),
      skippedRecords: st.skippedRecords
    }
  } finally {
    await killChild(sender)
    await app.stop()
  }
}

async function nodeUdp(count, size) {
  const sink = startPeer('udp-sink', { expect: count, idleMs: 600 })
  let sender
  try {
    const { listening: port } = await peerJson(sink, 'listening', 10_000, 'the UDP sink to bind')
    sender = startPeer('udp-send', { port, count, size })
    const s = await peerJson(sender, 'done', 60_000, 'the UDP sender to finish')
    const d = await peerJson(sink, 'done', 30_000, 'the UDP sink to finish')
    return {
      sent: s.sent,
      received: d.count,
      ratio: d.count / count,
      rate: d.count / ((d.tLast - s.t0) / 1000),
      sendRate: s.sent / ((s.t1 - s.t0) / 1000)
    }
  } finally {
    await killChild(sender)
    await killChild(sink)
  }
}

// ---------------------------------------------------------------- scenario 5: round trip

async function appRtt() {
  const app = await startApp()
  const c = app.client
  try {
    let want
    // Engine timestamps of every write and read, to split socket time from display time.
    const stamps = { 'cli:out': [], 'srv:in': [], 'srv:out': [], 'cli:in': [] }
    c.on((ev) => {
      if (ev.type === 'data') for (const r of ev.records) stamps[`${ev.paneId}:${r.dir}`]?.push(r.tUs)
      if (ev.type !== 'data' || !want || ev.paneId !== want.paneId) return
      for (const r of ev.records) if (r.dir === 'in') want.got += r.len
      if (want.got >= want.need) {
        const w = want
        want = undefined
        w.resolve()
      }
    })
    const waitIn = (paneId) => {
      const p = withTimeout(new Promise((resolve) => (want = { paneId, need: 32, got: 0, resolve })), 5000, `32 bytes on ${paneId}`)
      p.catch(() => {}) // awaited by the caller; never unhandled if a send throws first
      return p
    }
    const { local } = await c.must({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
    const opened = c.waitEvent((e) => e.paneId === 'srv' && e.type === 'conn.open', 5000, 'conn.open on srv')
    const { connId: cliConn } = await c.must({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port: local.port })
    const { connId: srvConn } = await opened
    const payload = new Uint8Array(32).fill(0x63)
    const exchange = async () => {
      const a = waitIn('srv')
      c.send({ type: 'send', paneId: 'cli', target: cliConn, payload: payload })
      await a
      const b = waitIn('cli')
      c.send({ type: 'send', paneId: 'srv', target: srvConn, payload: payload })
      await b
    }
    for (let i = 0; i < 5; i++) await exchange()
    const samples = []
    const until = nowMs() + cfg.rttSeconds * 1000
    for (let i = 0; i < cfg.rttCount && nowMs() < until; i++) {
      const t = nowMs()
      await exchange()
      samples.push(nowMs() - t)
    }
    await sleep(100) // the last 'out' records may still be in a display batch
    // One read per 32-byte message is the rule on loopback; if a message was split, the
    // lists do not line up and this figure is left out.
    const n = samples.length + 5
    const lined = Object.values(stamps).every((xs) => xs.length === n)
    const socketMs = lined
      ? samples.map((_, k) => {
          const i = k + 5
          return (stamps['srv:in'][i] - stamps['cli:out'][i] + (stamps['cli:in'][i] - stamps['srv:out'][i])) / 1000
        })
      : []
    return { samples, median: median(samples), p99: quantile(samples, 0.99), socketMedian: median(socketMs) }
  } finally {
    await app.stop()
  }
}

async function nodeRtt() {
  const peer = startPeer('rtt', { count: cfg.rttCount, size: 32, maxMs: cfg.rttSeconds * 1000 })
  try {
    const d = await peerJson(peer, 'done', cfg.rttSeconds * 1000 + 15_000, 'the raw ping-pong')
    return { samples: d.samplesMs, median: median(d.samplesMs), p99: quantile(d.samplesMs, 0.99) }
  } finally {
    await killChild(peer)
  }
}

// ---------------------------------------------------------------- scenario 6: file send

/**
 * A tcp-client pane connected to a raw Node sink streams the file with `send.file`. Time
 * runs from the command to the later of the job's finished job.progress event and the
 * sink having every byte (the job finishes when the last chunk drained into the socket,
 * which can be before the sink read it).
 */
async function appFileSend(file) {
  const app = await startApp()
  const c = app.client
  let sink
  let finished = false
  try {
    const st = { events: 0, shownOut: 0, skippedBytes: 0, progress: 0 }
    c.on((ev) => {
      if (ev.paneId !== 'file') return
      if (ev.type === 'data') {
        st.events++
        for (const r of ev.records) if (r.dir === 'out') st.shownOut += r.len
      } else if (ev.type === 'display.skipped') st.skippedBytes += ev.bytes
      else if (ev.type === 'job.progress') st.progress++
    })
    sink = startPeer('tcp-sink', { expect: fileSize, timeoutMs: floodTimeoutMs + 30_000 })
    const { listening: port } = await peerJson(sink, 'listening', 10_000, 'the node sink to listen')
    const { connId } = await c.must({ type: 'tcpClient.connect', paneId: 'file', host: '127.0.0.1', port })
    await sleep(200) // let the host settle before reading its idle RSS
    const idle = memOf(app.pid)
    const fin = c.waitEvent(
      (e) => e.paneId === 'file' && e.type === 'job.progress' && e.kind === 'file' && e.finished,
      floodTimeoutMs,
      'job.progress with finished: true'
    )
    const t0 = nowMs()
    const { jobId, total } = await c.must({ type: 'send.file', paneId: 'file', target: connId, path: file })
    if (total !== fileSize) throw new Error(`send.file reports total ${total}, expected ${fileSize}`)
    const f = await fin
    const tFin = nowMs()
    finished = true
    if (f.jobId !== jobId) throw new Error(`job ${f.jobId} finished, expected job ${jobId}`)
    if (f.error) throw new Error(`the file job failed: ${JSON.stringify(f.error)}`)
    if (f.done !== fileSize) throw new Error(`the file job reports done ${f.done}, expected ${fileSize}`)
    const d = await peerJson(sink, 'done', floodTimeoutMs, 'the sink to have every byte')
    if (d.bytes !== fileSize) throw new Error(`the sink got ${d.bytes} bytes, expected ${fileSize}`)
    const t1 = Math.max(tFin, d.tEnd)
    const peak = memOf(app.pid)
    // The display owes a skip marker for what it did not show; the acking client gets it.
    const until = nowMs() + 5000
    while (st.shownOut + st.skippedBytes < fileSize && nowMs() < until) await sleep(20)
    await c.must({ type: 'conn.close', paneId: 'file', connId })
    const ex = await withTimeout(sink.exited, 10_000, 'the sink to exit after conn.close')
    if (ex.code !== 0) throw new Error(`node sink exited ${ex.code ?? ex.signal}: ${sink.err()}`)
    return {
      ms: t1 - t0,
      mibs: fileSize / MIB / ((t1 - t0) / 1000),
      jobMs: tFin - t0,
      idleRssMiB: idle.rssKiB / 1024,
      peakMiB: peak.hwmKiB / 1024,
      events: st.events,
      progress: st.progress,
      shownOut: st.shownOut,
      skippedBytes: st.skippedBytes
    }
  } finally {
    if (!finished) c.send({ type: 'send.stop', paneId: 'file' })
    await killChild(sink)
    await app.stop()
  }
}

async function socatFileSend(file) {
  const sink = startPeer('tcp-sink', { expect: fileSize, timeoutMs: floodTimeoutMs + 30_000 })
  let sender
  try {
    const { listening: port } = await peerJson(sink, 'listening', 10_000, 'the node sink to listen')
    const t0 = nowMs()
    sender = startChild('socat', ['-u', `FILE:${file}`, `TCP:127.0.0.1:${port}`])
    const stopPeak = watchPeak(sender.pid, 5)
    const d = await peerJson(sink, 'done', floodTimeoutMs, 'the node sink to have every byte')
    const peakKiB = stopPeak()
    if (d.bytes !== fileSize) throw new Error(`node sink got ${d.bytes} bytes, expected ${fileSize}`)
    const ex = await withTimeout(sender.exited, 10_000, 'socat sender to exit')
    if (ex.code !== 0) throw new Error(`socat sender exited ${ex.code ?? ex.signal}: ${sender.err()}`)
    return { ms: d.tEnd - t0, mibs: fileSize / MIB / ((d.tEnd - t0) / 1000), peakMiB: peakKiB / 1024 }
  } finally {
    await killChild(sender)
    await killChild(sink)
  }
}

// ---------------------------------------------------------------- scenario 9: one 16 MiB send

const BIG_SEND = 16 * MIB

/**
 * A tcp-client pane sends one 16 MiB template ({{random:65536}} × 256) to a raw Node sink, and
 * this client, as the page, acknowledges what it gets. Figures: the host's peak RSS and the
 * largest WebSocket frame it sent the page (one screen batch and a header since issue 10, the
 * whole send in one frame before).
 */
async function appBigSend() {
  const app = await startApp()
  const c = app.client
  let sink
  try {
    let shown = 0
    c.on((ev) => {
      if (ev.paneId === 'big' && ev.type === 'data') for (const r of ev.records) if (r.dir === 'out') shown += r.len
    })
    sink = startPeer('tcp-sink', { expect: BIG_SEND, timeoutMs: 60_000 })
    const { listening: port } = await peerJson(sink, 'listening', 10_000, 'the node sink to listen')
    const { connId } = await c.must({ type: 'tcpClient.connect', paneId: 'big', host: '127.0.0.1', port })
    await sleep(200) // let the host settle before reading its idle RSS
    const idle = memOf(app.pid)
    const t0 = nowMs()
    await c.must({ type: 'send', paneId: 'big', target: connId, payload: { text: '{{random:65536}}'.repeat(256), mode: 'text' } })
    const d = await peerJson(sink, 'done', 60_000, 'the sink to have every byte')
    if (d.bytes !== BIG_SEND) throw new Error(`the sink got ${d.bytes} bytes, expected ${BIG_SEND}`)
    const until = nowMs() + 30_000
    while (shown < BIG_SEND && nowMs() < until) await sleep(10)
    if (shown !== BIG_SEND) throw new Error(`the page was shown ${shown} bytes of the send, expected ${BIG_SEND}`)
    const ms = nowMs() - t0
    const peak = memOf(app.pid)
    await c.must({ type: 'conn.close', paneId: 'big', connId })
    const ex = await withTimeout(sink.exited, 10_000, 'the sink to exit after conn.close')
    if (ex.code !== 0) throw new Error(`node sink exited ${ex.code ?? ex.signal}: ${sink.err()}`)
    return { ms, idleRssMiB: idle.rssKiB / 1024, peakMiB: peak.hwmKiB / 1024, largestKiB: c.largestFrame / 1024 }
  } finally {
    await killChild(sink)
    await app.stop()
  }
}

// ---------------------------------------------------------------- scenario 7: framed messages

const FRAME_PAYLOAD = 64
// 2-byte big-endian length (of payload + CRC), payload, CRC-32 big-endian.
const FRAME_BYTES = 2 + FRAME_PAYLOAD + 4
const FRAME_WRITE = 64 * 1024
const framedConfig = {
  framing: { kind: 'length', bytes: 2, endian: 'be', includesHeader: false },
  transforms: [{ kind: 'checksum', algo: 'crc32' }]
}

function makeFramesFile(path, count) {
  const buf = Buffer.alloc(count * FRAME_BYTES)
  const payload = Buffer.alloc(FRAME_PAYLOAD)
  for (let i = 0; i < count; i++) {
    const at = i * FRAME_BYTES
    randomFillSync(payload)
    buf.writeUInt16BE(FRAME_PAYLOAD + 4, at)
    payload.copy(buf, at + 2)
    buf.writeUInt32BE(crc32(payload), at + 2 + FRAME_PAYLOAD)
  }
  writeFileSync(path, buf, { mode: 0o600 })
}

/**
 * A raw Node client writes the frames file to a tcp-server pane (framed + CRC-32, or raw)
 * in 64 KiB writes, then half-closes. Time runs from its first write to the first
 * conn.stats event with every byte in (and, for comparison, to conn.halfClosed by peer).
 */
async function appFrames(framesFile, framed) {
  // Byte counts every 5 ms (250 ms in the app), so "all in" is not rounded up to the period.
  const app = await startApp({ NP_STATS_MS: '5' })
  const c = app.client
  const total = cfg.frames * FRAME_BYTES
  let writer
  try {
    const st = { events: 0, records: 0, okTrue: 0, bad: 0, inBytes: 0, markers: 0, skippedRecords: 0, skippedBytes: 0 }
    c.on((ev) => {
      if (ev.paneId !== 'fr') return
      if (ev.type === 'data') {
        st.events++
        for (const r of ev.records) {
          if (r.dir !== 'in') continue
          st.records++
          st.inBytes += r.len
          if (r.ok === false) st.bad++
          else if (r.ok === true) st.okTrue++
        }
      } else if (ev.type === 'display.skipped') {
        st.markers++
        st.skippedRecords += ev.records
        st.skippedBytes += ev.bytes
      }
    })
    if (framed) await c.must({ type: 'pane.configure', paneId: 'fr', config: framedConfig })
    const { local } = await c.must({ type: 'tcpServer.listen', paneId: 'fr', host: '127.0.0.1', port: 0 })
    await sleep(200)
    const allIn = c
      .waitEvent((e) => e.paneId === 'fr' && e.type === 'conn.stats' && e.stats.some((s) => s.bytesIn >= total), 60_000, 'conn.stats to report every byte in')
      .then((e) => ({ e, t: nowMs() }))
    const halfClosed = c
      .waitEvent((e) => e.paneId === 'fr' && e.type === 'conn.halfClosed' && e.by === 'peer', 60_000, 'conn.halfClosed by peer')
      .then((e) => ({ e, t: nowMs() }))
    writer = startPeer('tcp-writefile', { port: local.port, file: framesFile, chunk: FRAME_WRITE, timeoutMs: 90_000 })
    const stats = await allIn
    const hc = await halfClosed
    const w = await peerJson(writer, 'done', 10_000, 'the writer to finish')
    if (w.error) throw new Error(`writer: ${w.error}`)
    const bytesIn = Math.max(...stats.e.stats.map((s) => s.bytesIn))
    if (bytesIn !== total) throw new Error(`conn.stats reports bytesIn ${bytesIn}, expected ${total}`)
    // The display may still be catching up: wait (bounded) until every message or byte
    // was either shown or counted in a skip marker.
    const settled = () => (framed ? st.records + st.skippedRecords >= cfg.frames : st.inBytes + st.skippedBytes >= total)
    const until = nowMs() + 30_000
    while (!settled() && nowMs() < until) await sleep(20)
    if (!settled()) {
      throw new Error(`the display did not settle: ${st.records} records shown, ${st.skippedRecords} skipped, ${st.inBytes} bytes shown`)
    }
    const peak = memOf(app.pid)
    return {
      rate: cfg.frames / ((stats.t - w.t0) / 1000),
      rateHc: cfg.frames / ((hc.t - w.t0) / 1000),
      ms: stats.t - w.t0,
      msHc: hc.t - w.t0,
      peakMiB: peak.hwmKiB / 1024,
      ...st
    }
  } finally {
    await killChild(writer)
    await app.stop()
  }
}

/** The frames file into a raw Node sink: `deframe` cuts and verifies, else it only discards. */
async function nodeFrames(framesFile, deframe = true) {
  const total = cfg.frames * FRAME_BYTES
  const sink = startPeer(deframe ? 'tcp-deframe-sink' : 'tcp-sink', { expect: total, timeoutMs: 90_000 })
  let writer
  try {
    const { listening: port } = await peerJson(sink, 'listening', 10_000, 'the deframing sink to listen')
    writer = startPeer('tcp-writefile', { port, file: framesFile, chunk: FRAME_WRITE, timeoutMs: 90_000 })
    const d = await peerJson(sink, 'done', 60_000, 'the deframing sink to have every byte')
    const w = await peerJson(writer, 'done', 10_000, 'the writer to finish')
    if (w.error) throw new Error(`writer: ${w.error}`)
    if (d.bytes !== total) throw new Error(`deframing sink got ${d.bytes} bytes, expected ${total}`)
    if (deframe && d.messages !== cfg.frames) throw new Error(`deframing sink cut ${d.messages} messages, expected ${cfg.frames}`)
    return { rate: cfg.frames / ((d.tEnd - w.t0) / 1000), ms: d.tEnd - w.t0, bad: d.bad, reads: d.reads, peakMiB: d.maxRssKiB / 1024 }
  } finally {
    await killChild(writer)
    await killChild(sink)
  }
}

// ---------------------------------------------------------------- running

async function scenario(name, fn) {
  const t = nowMs()
  process.stdout.write(`\n[${name}] `)
  try {
    await fn()
    process.stdout.write(` done in ${((nowMs() - t) / 1000).toFixed(1)} s\n`)
  } catch (err) {
    process.stdout.write(` FAILED: ${err.message}\n`)
    failures.push(`${name}: ${err.message}`)
    await killAllChildren()
  }
}

const tick = (s) => process.stdout.write(s)

async function main() {
  const work = join(tmpdir(), `np-bench-${process.pid}`)
  mkdirSync(work, { recursive: true })
  const file = join(work, 'payload.bin')
  process.on('exit', () => rmSync(work, { recursive: true, force: true }))
  try {
    process.stdout.write(`Net Playground bench: ${cfg.mib} MiB payload, ${cfg.reps} runs per scenario, node ${process.version}, ${cpus().length} CPUs\n`)
    if (!existsSync(join(rootDir, 'out/main/web.js'))) throw new Error('out/main/web.js is missing: run `npx electron-vite build` (npm run bench does)')
    if (only.has('1') || only.has('2') || only.has('6')) makeRandomFile(file, fileSize)
    const framesFile = join(work, 'frames.bin')
    if (only.has('7')) makeFramesFile(framesFile, cfg.frames)

    const s1 = []
    const s2 = []
    const sb = []
    const nb = []
    if (only.has('1') || only.has('2'))
      await scenario('1+2 TCP firehose', async () => {
        for (let i = 0; i < cfg.reps; i++) {
          if (only.has('1')) s1.push(await appFirehose(file, true))
          tick('a')
          if (only.has('2')) s2.push(await appFirehose(file, false))
          tick('s')
          sb.push(await socatSinkFirehose(file))
          tick('b')
          nb.push(await nodeSinkFirehose(file))
          tick('n ')
        }
      })
    if (s1.length === cfg.reps && sb.length === cfg.reps && nb.length === cfg.reps) {
      const S = '1 firehose, renderer acks'
      const pick = (xs, k) => xs.map((x) => x[k])
      row(S, 'throughput', 'MiB/s', pick(s1, 'mibs'), pick(sb, 'mibs'), 'socat → socat sink')
      row(S, 'throughput', 'MiB/s', pick(s1, 'mibs'), pick(nb, 'mibs'), 'socat → raw Node sink')
      row(S, 'peak RSS (VmHWM)', 'MiB', pick(s1, 'peakMiB'), pick(sb, 'peakMiB'), 'socat sink peak RSS')
      row(S, 'peak RSS (VmHWM)', 'MiB', pick(s1, 'peakMiB'), pick(nb, 'peakMiB'), 'raw Node sink peak RSS')
      row(S, 'RSS 0.5 s after close', 'MiB', pick(s1, 'afterMiB'), pick(s1, 'idleRssMiB'), 'app RSS idle, before the flood')
      row(
        S,
        'data events',
        'events',
        pick(s1, 'events'),
        s1.map(() => fileSize / (256 * 1024)),
        'file / 256 KiB (ideal batching)'
      )
      row(
        S,
        'bytes shown',
        'MiB',
        s1.map((x) => x.shown / MIB),
        s1.map(() => cfg.mib),
        'file size'
      )
      row(
        S,
        'display.skipped markers',
        'markers',
        pick(s1, 'markers'),
        s1.map(() => NaN),
        '(no baseline)'
      )
      row(
        S,
        'bytes skipped (markers)',
        'MiB',
        s1.map((x) => x.skippedMarkerBytes / MIB),
        s1.map(() => cfg.mib),
        'file size'
      )
    }
    if (s2.length === cfg.reps && sb.length === cfg.reps) {
      const S = '2 firehose, renderer stalled'
      const pick = (xs, k) => xs.map((x) => x[k])
      row(S, 'throughput', 'MiB/s', pick(s2, 'mibs'), pick(sb, 'mibs'), 'socat → socat sink (scenario 1 baseline)')
      if (s1.length === cfg.reps) row(S, 'throughput', 'MiB/s', pick(s2, 'mibs'), pick(s1, 'mibs'), 'scenario 1 app (renderer acks)')
      row(S, 'peak RSS (VmHWM)', 'MiB', pick(s2, 'peakMiB'), pick(sb, 'peakMiB'), 'socat sink peak RSS')
      row(S, 'RSS 0.5 s after close', 'MiB', pick(s2, 'afterMiB'), pick(s2, 'idleRssMiB'), 'app RSS idle, before the flood')
      row(
        S,
        'bytes shown',
        'MiB',
        s2.map((x) => x.shown / MIB),
        s2.map(() => cfg.mib),
        'file size'
      )
      row(
        S,
        'bytes not shown',
        'MiB',
        s2.map((x) => x.skipped / MIB),
        s2.map(() => cfg.mib),
        'file size'
      )
      row(
        S,
        'marker after late ack',
        'MiB',
        s2.map((x) => x.skippedMarkerBytes / MIB),
        s2.map((x) => x.skipped / MIB),
        'bytes not shown'
      )
    }

    const a3 = []
    const b3 = []
    if (only.has('3'))
      await scenario(`3 ${cfg.smallWrites} writes of 16 B`, async () => {
        for (let i = 0; i < cfg.reps; i++) {
          a3.push(await appSmallWrites())
          tick('a')
          b3.push(await nodeSinkSmallWrites())
          tick('n ')
        }
      })
    if (a3.length === cfg.reps && b3.length === cfg.reps) {
      const S = `3 ${(cfg.smallWrites / 1000).toFixed(0)}k × 16 B writes`
      row(
        S,
        'throughput',
        'MiB/s',
        a3.map((x) => x.mibs),
        b3.map((x) => x.mibs),
        'raw Node sink'
      )
      row(
        S,
        'reads (records)',
        'reads',
        a3.map((x) => x.reads),
        b3.map((x) => x.reads),
        'raw Node sink reads'
      )
      row(
        S,
        'data events',
        'events',
        a3.map((x) => x.events),
        a3.map(() => cfg.smallWrites),
        'writes sent'
      )
      row(
        S,
        'display.skipped markers',
        'markers',
        a3.map((x) => x.markers),
        a3.map(() => NaN),
        '(no baseline)'
      )
    }

    const udpCases = [
      { count: cfg.udpCount, size: 16 },
      { count: Math.max(100, Math.round(cfg.udpCount / 5)), size: 1400 }
    ]
    for (const { count, size } of only.has('4') ? udpCases : []) {
      const a4 = []
      const b4 = []
      await scenario(`4 UDP ${count} × ${size} B`, async () => {
        for (let i = 0; i < cfg.reps; i++) {
          a4.push(await appUdp(count, size))
          tick('a')
          b4.push(await nodeUdp(count, size))
          tick('n ')
        }
      })
      if (a4.length === cfg.reps && b4.length === cfg.reps) {
        const S = `4 UDP ${(count / 1000).toFixed(0)}k × ${size} B`
        row(
          S,
          'received / sent',
          'fraction',
          a4.map((x) => x.ratio),
          b4.map((x) => x.ratio),
          'raw Node dgram receiver',
          { digits: 3 }
        )
        row(
          S,
          'datagrams/s received',
          'dgram/s',
          a4.map((x) => x.rate),
          b4.map((x) => x.rate),
          'raw Node dgram receiver'
        )
        row(
          S,
          'sender rate',
          'dgram/s',
          a4.map((x) => x.sendRate),
          b4.map((x) => x.sendRate),
          'same sender → raw receiver'
        )
        row(
          S,
          'datagrams not shown',
          'dgrams',
          a4.map((x) => x.skippedRecords),
          a4.map((x) => x.received),
          'datagrams received'
        )
      }
    }

    const a5 = []
    const b5 = []
    if (only.has('5'))
      await scenario('5 round trip', async () => {
        for (let i = 0; i < cfg.reps; i++) {
          a5.push(await appRtt())
          tick('a')
          b5.push(await nodeRtt())
          tick('n ')
        }
      })
    if (a5.length === cfg.reps && b5.length === cfg.reps) {
      const S = '5 round trip, 32 B'
      row(
        S,
        'exchanges measured',
        'count',
        a5.map((x) => x.samples.length),
        b5.map((x) => x.samples.length),
        'raw Node sockets'
      )
      row(
        S,
        'median per exchange',
        'ms',
        a5.map((x) => x.median),
        b5.map((x) => x.median),
        'raw Node sockets'
      )
      row(
        S,
        'p99 per exchange',
        'ms',
        a5.map((x) => x.p99),
        b5.map((x) => x.p99),
        'raw Node sockets'
      )
      row(
        S,
        'median socket time inside the app',
        'ms',
        a5.map((x) => x.socketMedian),
        b5.map((x) => x.median),
        'raw Node sockets, median exchange'
      )
    }

    const a6 = []
    const b6 = []
    if (only.has('6'))
      await scenario(`6 send.file ${cfg.mib} MiB`, async () => {
        for (let i = 0; i < cfg.reps; i++) {
          a6.push(await appFileSend(file))
          tick('a')
          b6.push(await socatFileSend(file))
          tick('b ')
        }
      })
    if (a6.length === cfg.reps && b6.length === cfg.reps) {
      const S = `6 send.file ${cfg.mib} MiB`
      const pick = (xs, k) => xs.map((x) => x[k])
      row(S, 'throughput', 'MiB/s', pick(a6, 'mibs'), pick(b6, 'mibs'), 'socat -u FILE → raw Node sink')
      row(S, 'peak RSS (VmHWM)', 'MiB', pick(a6, 'peakMiB'), pick(b6, 'peakMiB'), 'socat sender peak RSS')
      row(S, 'peak RSS (VmHWM)', 'MiB', pick(a6, 'peakMiB'), pick(a6, 'idleRssMiB'), 'app RSS idle, before the send')
      row(
        S,
        'job.progress events',
        'events',
        pick(a6, 'progress'),
        a6.map((x) => x.jobMs / 100),
        'job time / 100 ms'
      )
      row(
        S,
        'data events',
        'events',
        pick(a6, 'events'),
        a6.map(() => fileSize / (256 * 1024)),
        'file / 256 KiB (ideal batching)'
      )
      row(
        S,
        'bytes shown (out)',
        'MiB',
        a6.map((x) => x.shownOut / MIB),
        a6.map(() => cfg.mib),
        'file size'
      )
      row(
        S,
        'bytes skipped (markers)',
        'MiB',
        a6.map((x) => x.skippedBytes / MIB),
        a6.map(() => cfg.mib),
        'file size'
      )
    }

    const a7 = []
    const r7 = []
    const b7 = []
    const d7 = []
    if (only.has('7'))
      await scenario(`7 ${cfg.frames} framed messages`, async () => {
        for (let i = 0; i < cfg.reps; i++) {
          a7.push(await appFrames(framesFile, true))
          tick('f')
          r7.push(await appFrames(framesFile, false))
          tick('r')
          b7.push(await nodeFrames(framesFile))
          tick('n')
          d7.push(await nodeFrames(framesFile, false))
          tick('d ')
        }
      })
    if (a7.length === cfg.reps && r7.length === cfg.reps && b7.length === cfg.reps && d7.length === cfg.reps) {
      const k = `${(cfg.frames / 1000).toFixed(0)}k`
      const S = `7 ${k} × 64 B, length + CRC-32`
      const pick = (xs, key) => xs.map((x) => x[key])
      const base = 'raw Node sink, deframes + JS CRC-32'
      row(S, 'messages/s to conn.stats all in', 'msg/s', pick(a7, 'rate'), pick(b7, 'rate'), base)
      row(S, 'messages/s to conn.stats all in', 'msg/s', pick(a7, 'rate'), pick(r7, 'rate'), 'same app, pane raw')
      row(S, 'messages/s to conn.halfClosed', 'msg/s', pick(a7, 'rateHc'), pick(b7, 'rate'), base)
      row(
        S,
        'data events',
        'events',
        pick(a7, 'events'),
        a7.map(() => cfg.frames),
        'messages sent'
      )
      row(
        S,
        'records shown',
        'records',
        pick(a7, 'records'),
        a7.map(() => cfg.frames),
        'messages sent'
      )
      row(S, 'records verified ok', 'records', pick(a7, 'okTrue'), pick(a7, 'records'), 'records shown')
      row(S, 'records with ok === false', 'records', pick(a7, 'bad'), pick(b7, 'bad'), 'bad CRCs the raw sink found')
      row(
        S,
        'records not shown (markers)',
        'records',
        pick(a7, 'skippedRecords'),
        a7.map(() => cfg.frames),
        'messages sent'
      )
      row(S, 'peak RSS (VmHWM)', 'MiB', pick(a7, 'peakMiB'), pick(b7, 'peakMiB'), 'raw Node sink peak RSS')
      const R = `7 ${k} × 64 B, pane raw`
      row(R, 'messages/s to conn.stats all in', 'msg/s', pick(r7, 'rate'), pick(b7, 'rate'), base)
      row(R, 'messages/s to conn.halfClosed', 'msg/s', pick(r7, 'rateHc'), pick(b7, 'rate'), base)
      row(R, 'messages/s to conn.halfClosed', 'msg/s', pick(r7, 'rateHc'), pick(d7, 'rate'), 'raw Node sink that only discards')
      row(R, 'data events', 'events', pick(r7, 'events'), pick(r7, 'records'), 'records (reads) shown')
      row(
        R,
        'reads (records)',
        'reads',
        r7.map((x) => x.records + x.skippedRecords),
        pick(d7, 'reads'),
        'discarding Node sink reads'
      )
      row(R, 'peak RSS (VmHWM)', 'MiB', pick(r7, 'peakMiB'), pick(d7, 'peakMiB'), 'discarding Node sink peak RSS')
      const bad = a7.reduce((n, x) => n + x.bad, 0)
      if (bad > 0) notes.push(`scenario 7: ${bad} records with ok === false over ${cfg.reps} runs, for frames whose CRC-32 is correct`)
    }

    const a9 = []
    if (only.has('9'))
      await scenario('9 one 16 MiB send', async () => {
        for (let i = 0; i < cfg.reps; i++) {
          a9.push(await appBigSend())
          tick('s ')
        }
      })
    if (a9.length === cfg.reps) {
      const S = '9 one 16 MiB send ({{random:65536}} × 256)'
      const pick = (xs, k) => xs.map((x) => x[k])
      row(S, 'peak RSS (VmHWM)', 'MiB', pick(a9, 'peakMiB'), pick(a9, 'idleRssMiB'), 'app RSS idle, before the send')
      row(
        S,
        'largest frame to the page',
        'KiB',
        pick(a9, 'largestKiB'),
        a9.map(() => 256),
        'one screen batch (256 KiB)',
        { digits: 1 }
      )
      row(
        S,
        'send to all of it shown',
        'ms',
        pick(a9, 'ms'),
        a9.map(() => 1000),
        '1 s'
      )
    }

    const a8 = []
    if (only.has('8'))
      await scenario(`8 session work, ${cfg.sessionMib} MiB`, async () => {
        const free = statfsSync(work)
        const need = 3.5 * cfg.sessionMib * MIB
        if (free.bavail * free.bsize < need)
          throw new Error(`needs ${(need / MIB / 1024).toFixed(1)} GiB free in ${work} (the recording, the saved copy, a cp)`)
        for (let i = 0; i < cfg.sessionReps; i++) {
          a8.push(await sessionWork({ mib: cfg.sessionMib, work, timeoutMs: Math.max(120_000, cfg.sessionMib * 300) }))
          tick('s ')
        }
      })
    if (a8.length === cfg.sessionReps) sessionRows(a8, cfg.sessionMib, row)

    if (only.has('10')) {
      const peers = cfg.hostilePeers
      const nofile = nofileOf()
      for (const [limit, max, label] of [
        [256, 256, 'limit 256 (default)'],
        [peers + 1000, undefined, `limit ${(peers + 1000).toLocaleString('en-US')}: all held`]
      ]) {
        const name = `10 ${peers.toLocaleString('en-US')} half-closing peers, ${label}`
        const runs = []
        await scenario(name, async () => {
          // The host and the raw server each hold every peer, the peer process every socket.
          if (nofile.hard < peers + 300)
            throw new Error(
              `the descriptor limit is ${nofile.hard} (hard): raise it to ${peers + 300} or more (ulimit -Hn; prlimit --nofile) or lower BENCH_HOSTILE_PEERS`
            )
          const timeoutMs = Math.max(60_000, peers * 20)
          for (let i = 0; i < cfg.reps; i++) {
            runs.push({ app: await appFlood({ peers, limit, timeoutMs }), node: await nodeFlood({ peers, max, timeoutMs }) })
            tick('h ')
          }
        })
        if (runs.length === cfg.reps) hostileRows(name, runs, row)
        for (const r of runs)
          if (r.app.failed || r.node.failed) notes.push(`${name}: peers that could not connect: app ${r.app.failed}, raw Node ${r.node.failed}`)
      }
      hostileInfo = { peers, nofile }
    }
  } finally {
    await killAllChildren()
    rmSync(work, { recursive: true, force: true })
  }

  const seconds = (nowMs() - benchStart) / 1000
  const table = renderText()
  process.stdout.write('\n' + table + '\n')
  if (notes.length) process.stdout.write(notes.map((n) => `note: ${n}`).join('\n') + '\n')
  process.stdout.write(`\nbench took ${seconds.toFixed(1)} s (plus the build)\n`)
  // A partial run (BENCH_ONLY) or a failed one does not replace the recorded figures, except
  // the own sections of scenarios 8 and 10, which a run of each rewrites alone.
  const docPath = join(rootDir, 'docs/benchmarks.md')
  const before = existsSync(docPath) ? readFileSync(docPath, 'utf8') : ''
  const whole = !failures.length && !process.env.BENCH_ONLY
  const own = [
    { n: 8, ran: rows.some(isSession), render: renderSession },
    { n: 10, ran: rows.some(isHostile), render: renderHostile }
  ]
  const ran = own.filter((o) => o.ran)
  if (whole || ran.length) {
    let md = whole ? keepHandWritten(writeDocText(seconds), before) : before
    for (const o of own) {
      const section = o.ran ? o.render() : ownSection(before, o.n)
      if (section) md = spliceOwnSection(md, o.n, section)
    }
    writeFileSync(docPath, md)
    process.stdout.write(whole ? 'wrote docs/benchmarks.md\n' : `wrote the scenario ${ran.map((o) => o.n).join(' and ')} section of docs/benchmarks.md\n`)
  } else process.stdout.write('docs/benchmarks.md left as it was (partial or failed run)\n')
  if (failures.length) {
    process.stderr.write(`\n${failures.length} scenario(s) failed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`)
    process.exitCode = 1
  }
}

// ---------------------------------------------------------------- output

function cells(r) {
  return [r.scenario, `${r.figure} (${r.unit})`, fmtSpread(r.app, r.digits), fmtSpread(r.base, r.digits), r.baseName, fmtSpread(r.ratio, undefined, fmtRatio)]
}
const header = ['scenario', 'figure', 'app (min / med / max)', 'baseline (min / med / max)', 'baseline is', 'ratio app/baseline']

function renderText() {
  const all = [header, ...rows.map(cells)]
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)))
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n')
}

/** Scenario 8's and 10's rows go to sections of their own. */
const isSession = (r) => r.scenario.startsWith('8 ')
const isHostile = (r) => r.scenario.startsWith('10 ')
/** Scenario 10's peer count and descriptor limit, once it ran. */
let hostileInfo

function renderMarkdown(list = rows.filter((r) => !isSession(r) && !isHostile(r))) {
  const esc = (s) => s.replace(/\|/g, '\\|')
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...list.map((r) => `| ${cells(r).map(esc).join(' | ')} |`)].join('\n')
}

function renderSession() {
  const date = utcNow()
  const machine = `\`nproc\` ${sh('nproc', [])} (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${sh('cp', ['--version']).split('\n')[0]}`
  return renderSessionSection({ date, machine, mib: cfg.sessionMib, reps: cfg.sessionReps, table: renderMarkdown(rows.filter(isSession)) })
}

/** Now, as the doc says it: 2026-12-03 18:00:00 UTC. */
function utcNow() {
  return new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
}

function renderHostile() {
  const date = utcNow()
  const machine = `\`nproc\` ${sh('nproc', [])} (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, kernel ${release()}`
  return renderHostileSection({ ...hostileInfo, date, machine, reps: cfg.reps, table: renderMarkdown(rows.filter(isHostile)) })
}

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 5000 }).trim()
  } catch {
    return 'unknown'
  }
}

/**
 * Sections written from other scripts' and tests' figures (marked <!-- kept --> … <!-- /kept -->)
 * are carried from the old file into a whole run's new one, before its Peers section.
 */
function keepHandWritten(md, before) {
  const kept = before.match(/<!-- kept -->[\s\S]*?<!-- \/kept -->\n/g) ?? []
  const at = md.indexOf('## Peers')
  return at < 0 ? md + kept.join('\n') : md.slice(0, at) + kept.map((k) => k + '\n').join('') + md.slice(at)
}

function writeDocText(seconds) {
  const date = utcNow()
  const md = `# Benchmarks

Generated by \`npm run bench\` (bench/run.mjs). Overwritten on every run.

- Date: ${date}
- \`nproc\`: ${sh('nproc', [])} (${cpus()[0]?.model ?? 'unknown CPU'})
- Node: ${process.version}; kernel ${release()}; socat: ${
    sh('socat', ['-V'])
      .split('\n')
      .find((l) => /socat version/.test(l)) ?? 'unknown'
  }
- Settings: BENCH_ONLY=${[...only].join(',')}, BENCH_MIB=${cfg.mib}, BENCH_REPS=${cfg.reps}, BENCH_SMALL=${cfg.smallWrites}, BENCH_UDP=${cfg.udpCount}, BENCH_RTT=${cfg.rttCount}, BENCH_RTT_SECONDS=${cfg.rttSeconds}, BENCH_FRAMES=${cfg.frames}
- The bench took ${seconds.toFixed(1)} s (without the build).${failures.length ? `\n- **Failures:** ${failures.join('; ')}` : ''}

The machine is small and noisy, so every figure is printed beside a baseline measured in
the same run, and every scenario ran ${cfg.reps} times: cells show min / median / max. The
ratio column is computed per run (app run *i* against baseline run *i*), then summarized.

## Results

${renderMarkdown()}

## How each figure is measured

"The app" is the web host (\`NP_WEB_TOKEN=T node out/main/web.js --port 0\`), started fresh as a
child process for every run, and driven over its WebSocket by a Node \`ws\` client that
plays the renderer (binary frames as in src/shared/wire.ts). All traffic is on 127.0.0.1.

1. **Firehose, renderer acks.** A tcp-server pane listens on port 0; \`socat -u FILE:<${cfg.mib} MiB
   random file> TCP:127.0.0.1:PORT\` floods it; the client acknowledges every \`data\` event
   with a display acknowledgement as soon as it arrives. Time runs from spawning socat to the pane's
   \`conn.halfClosed\` (by peer) event, which the engine emits after the last byte was read
   and its display batch flushed. The pane keeps a half-closed connection open (it is
   allowHalfOpen), so the bench then sends \`conn.close\` and checks that \`conn.closed\`
   reports bytesIn equal to the file size. Peak RSS is the web host's VmHWM from
   /proc/PID/status (a fresh process per run, so it is this run's peak); "after" is VmRSS
   0.5 s after the close; "idle" is VmRSS after listening, before the flood. Baselines: the
   same socat sender into \`socat -u TCP-LISTEN:P,reuseaddr OPEN:/dev/null\` (time from spawn
   to the sink's exit; peak RSS sampled every 5 ms) and into a raw Node \`net\` server that
   discards (bench/peer.mjs; time to its \`end\` event; peak from process.resourceUsage()).
   "Ideal batching" for data events is the file size divided by the engine's 256 KiB
   flush size.
2. **Firehose, renderer stalled.** The same, but the client never acknowledges, so the
   engine stops sending display data after its high watermark and keeps at most 8 MiB
   waiting. Its pane events wait behind that backlog too, so time runs to the first
   \`conn.stats\` reporting every byte in (the bench starts this host with NP_STATS_MS=5, so
   the counts come every 5 ms instead of the app's 250 ms). Bytes shown = the sum of
   \`data\` payloads received before the late ack. After the close the client starts
   acknowledging: it gets the backlog, then the \`display.skipped\` marker, which must report
   exactly the bytes not shown in the end, then \`conn.closed\`.
3. **Many small writes.** A Node client (bench/peer.mjs, TCP_NODELAY) makes ${cfg.smallWrites}
   \`write()\` calls of 16 bytes (waiting for \`drain\` when the buffer is full), then ends.
   Time runs from its first write to the pane's \`conn.halfClosed\`; "reads" are the
   records in the pane's \`data\` events (one per socket read) plus records counted in
   skip markers. The baseline is the same writer into a raw Node sink that counts reads.
4. **UDP.** A Node dgram sender (at most 256 sends in flight) sends N datagrams to a udp
   pane bound on port 0, then the same to a raw Node dgram receiver. Received = the pane's
   byte counter (\`conn.stats\`) / datagram size, after the pane has been quiet for 0.6 s;
   datagrams/s = received / (last receive time − sender's first send), where the app's
   last receive time is the newest record timestamp (engine clock) and the raw
   receiver's is its own clock. Both sockets use the kernel's default buffer sizes.
5. **Round trip.** A tcp-client pane connects to a tcp-server pane in the same app. One
   exchange: the client sends a \`send\` command (32 B) to the client pane, waits for the
   server pane's \`data\` event with those 32 bytes in, sends them back through the server
   pane, and waits for the client pane's \`data\` event. Up to ${cfg.rttCount} exchanges after 5 warm-up
   ones, capped at ${cfg.rttSeconds} s per run; median and p99 are per run. The baseline is the same
   ping-pong between two raw Node sockets in one process (bench/peer.mjs, TCP_NODELAY).
   "Socket time inside the app" is the part of an exchange between the engine's own
   timestamps (write on one pane → read on the other, both ways, from the \`data\` events'
   records); the rest of the exchange is the WebSocket hop and display batching.
6. **File send.** A tcp-client pane connects to a raw Node sink (bench/peer.mjs \`tcp-sink\`,
   one connection, discards, notes the time it has the ${cfg.mib} MiB) and the client sends
   \`send.file\` with the same random file as scenario 1 (the engine streams it in 64 KiB
   chunks, waiting for the socket to drain). Time runs from sending the command to the
   later of the \`job.progress\` event with finished: true (which must report done = file
   size and no error) and the sink having every byte. The client acknowledges every
   \`data\` event, as in scenario 1: the engine shows what it sends, so "bytes shown (out)"
   are the \`out\` records' bytes that reached the client and "skipped" the bytes counted in
   \`display.skipped\` markers. Peak RSS is the web host's VmHWM; "idle" is its VmRSS after
   connecting, before the send. Baseline: \`socat -u FILE:<file> TCP:127.0.0.1:P\` into the
   same kind of sink, time from spawning socat to the sink having every byte; its RSS is
   socat's VmHWM sampled every 5 ms.
7. **Framed messages through transforms.** The bench writes ${cfg.frames} messages to a file,
   each a 2-byte big-endian length (68), 64 random bytes and their CRC-32 (zlib.crc32,
   big-endian): ${((cfg.frames * 70) / MIB).toFixed(1)} MiB. A raw Node client (bench/peer.mjs
   \`tcp-writefile\`) reads it into memory, connects and writes it in 64 KiB writes (so
   messages straddle reads), then half-closes. The tcp-server pane is configured first with
   \`pane.configure\`: framing {kind: 'length', bytes: 2, endian: 'be', includesHeader:
   false} and transforms [{kind: 'checksum', algo: 'crc32'}]. Messages/s = messages /
   (time from the client's first write to the first \`conn.stats\` event that reports every
   byte in). The bench starts this host with NP_STATS_MS=5, so stats come every 5 ms (the app
   reports every 250 ms) and the figure carries at most 5 ms of reporting delay. "To conn.halfClosed" stops the clock at the
   \`conn.halfClosed\` (peer) event instead, which the engine emits after it handled the
   last read: the closer figure for the path itself. The client
   acknowledges every \`data\` event; "records shown" counts the \`in\` records that reached
   it (one per message), "verified ok" those with ok: true, "ok === false" those whose
   checksum (or framing) failed — 0 is the only right answer, since every CRC is correct —
   and "not shown" the records counted in \`display.skipped\` markers, after waiting
   (bounded) until shown + skipped = messages sent. Baseline: the same client and file into
   a raw Node sink (\`tcp-deframe-sink\`) that cuts the stream at the length headers and
   verifies every CRC-32 with a table-driven plain-JS CRC like the app's (not zlib's native
   one), so the ratio is the cost of the app's path, not of the CRC; time to its having
   every byte. "Pane raw" is the same app run with no framing or transforms (records are
   then reads); it is also compared with a Node sink that only discards.
8. **Session work on a big recording** (opt-in: \`BENCH_ONLY=8\`): its own section below.

## Peers (from shared/PEERS.md)

Measured earlier (2026-11-26, same kind of 2-core machine), **not in this run**; quoted
for comparison only. Packet Sender 8.0.6 (Debian package \`packetsender\`), min/median/max
of 3:

| scenario | Packet Sender | reference in that run |
|---|---|---|
| CLI TCP, 100 MiB file | 29.8/30.0/30.2 MiB/s, peak RSS 1121 MiB | socat 905 MiB/s (4.7 MiB RSS); Node client 522 MiB/s |
| CLI UDP 100k × 16 B, default | 121k–123k datagrams/s, no loss | Node dgram sender 260k–294k/s |
| CLI UDP 100k × 1400 B, default | 2.7k datagrams/s (35 s of CPU) | Node 225k–273k/s |
| GUI TCP server, persistent, 100 MiB socat flood | busy 61–70 s, GUI frozen 50–51 s, peak RSS 7.4 GiB, 5.4 GiB kept | — |
| GUI TCP server, persistent, 10 MiB | busy 4.2 s, frozen 3.3–3.5 s, peak RSS 874 MiB | — |
| GUI UDP, 100k × 16 B flood | kernel dropped 89–96% at its socket; log trimmed to 10,000 rows | — |
| loopback limit | iperf3 19.9–20.6 Gbit/s | raw Node net 1 GiB: 0.9–2.6 GB/s (noisy) |
`
  return md
}

main()
  .catch(async (err) => {
    console.error(`bench failed: ${err.stack ?? err.message}`)
    await killAllChildren()
    process.exitCode = 1
  })
  .finally(() => clearTimeout(watchdog))
