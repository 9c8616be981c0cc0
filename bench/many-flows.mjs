// `node bench/many-flows.mjs [flows]` (after `npm run build`): a hostile capture of many UDP
// flows (default 1,000,000, one datagram each) opened through the built web host, as a page
// opens it. Prints the time session.open took (wall and the host's CPU time: on a shared
// machine the wall time says more about the neighbours), the host's peak RSS (VmHWM) over the open, the
// size of the answer frame the page got, and the same file read by the baselines: a plain
// Node read of the file and `tshark -r file -q` (when tshark is installed; its `-z conv,udp`
// grows faster than the flows: 4.8 s for 100,000, past 5 min for a million).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeManyUdpFlows } from '../test/many-flows.mjs'
import { memOf, nowMs, startApp, watchPeak } from './lib.mjs'

const flows = Number(process.argv[2] ?? 1_000_000)
const work = mkdtempSync(join(tmpdir(), 'np-bench-flows-'))
const file = join(work, 'many-flows.pcap')
const size = writeManyUdpFlows(file, flows)

/** CPU time (user + system, ms) a process has used so far, from /proc (the machine may be shared: wall time alone says little). */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100
}

function timed(fn) {
  const t0 = nowMs()
  fn()
  return nowMs() - t0
}

const app = await startApp()
try {
  let biggest = 0
  app.client.ws.on('message', (raw) => (biggest = Math.max(biggest, raw.byteLength)))
  const idle = memOf(app.pid)
  const stop = watchPeak(app.pid)
  const cpu0 = cpuMs(app.pid)
  const t0 = nowMs()
  const r = await app.client.command({ type: 'session.open', path: file }, 10 * 60_000)
  const openMs = nowMs() - t0
  const peakKiB = stop()
  const openCpuMs = cpuMs(app.pid) - cpu0
  if (!r.ok) throw new Error(`session.open failed: ${JSON.stringify(r.error)}`)
  const listed = r.result.flows.length
  const total = r.result.flowCount ?? listed
  const nodeReadMs = timed(() => readFileSync(file))
  let tsharkMs
  try {
    tsharkMs = timed(() => execFileSync('tshark', ['-r', file, '-q'], { stdio: 'ignore', timeout: 5 * 60_000 }))
  } catch {
    tsharkMs = undefined
  }
  console.log(
    JSON.stringify({
      flows,
      fileMB: +(size / 1e6).toFixed(1),
      openMs: Math.round(openMs),
      openCpuMs: Math.round(openCpuMs),
      hostIdleRssMiB: +(idle.rssKiB / 1024).toFixed(0),
      hostPeakRssMiB: +(peakKiB / 1024).toFixed(0),
      answerBytes: biggest,
      flowsInAnswer: listed,
      flowCount: total,
      nodeReadMs: Math.round(nodeReadMs),
      tsharkReadMs: tsharkMs === undefined ? null : Math.round(tsharkMs)
    })
  )
} finally {
  await app.stop()
  rmSync(work, { recursive: true, force: true })
}
