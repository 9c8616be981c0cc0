// Raw Node peers for the benchmark baselines, each run as its own process so its memory
// and CPU are its own: `node bench/peer.mjs MODE '{"json":"params"}'`. Every mode is
// bounded in count and time and prints its figures as one JSON line, then exits.
//   tcp-sink    listen on 127.0.0.1:0, take one connection, discard; {"listening":P} then {"done":...}
//   tcp-writes  connect to params.port, write params.count chunks of params.size bytes, end
//   udp-sink    bind 127.0.0.1:0, count datagrams until params.expect or params.idleMs of quiet
//   udp-send    send params.count datagrams of params.size bytes to params.port
//   rtt         ping-pong params.count exchanges of params.size bytes between two sockets
import net from 'node:net'
import dgram from 'node:dgram'

const mode = process.argv[2]
const params = JSON.parse(process.argv[3] ?? '{}')
const nowMs = () => performance.timeOrigin + performance.now()
const maxRssKiB = () => process.resourceUsage().maxRSS
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

// Nothing here may outlive its budget.
const budget = setTimeout(() => {
  print({ done: false, error: `peer ${mode} timed out after ${params.timeoutMs ?? 60_000} ms` })
  process.exit(3)
}, params.timeoutMs ?? 60_000)
budget.unref()

function finish(obj) {
  print({ done: true, ...obj, maxRssKiB: maxRssKiB() })
  process.exit(0)
}

if (mode === 'tcp-sink') {
  let bytes = 0
  let reads = 0
  let tFirst = 0
  const server = net.createServer((sock) => {
    server.close()
    sock.on('data', (chunk) => {
      if (reads === 0) tFirst = nowMs()
      reads++
      bytes += chunk.byteLength
    })
    sock.on('end', () => finish({ bytes, reads, tFirst, tEnd: nowMs() }))
    sock.on('error', (e) => finish({ bytes, reads, tFirst, tEnd: nowMs(), error: e.message }))
  })
  server.listen({ host: '127.0.0.1', port: 0 }, () => print({ listening: server.address().port }))
} else if (mode === 'tcp-writes') {
  const chunk = Buffer.alloc(params.size, 0x61)
  const sock = net.connect({ host: '127.0.0.1', port: params.port }, async () => {
    sock.setNoDelay(true)
    const t0 = nowMs()
    let writes = 0
    for (let i = 0; i < params.count; i++) {
      writes++
      if (!sock.write(chunk)) await new Promise((r) => sock.once('drain', r))
    }
    sock.end(() => {
      const t1 = nowMs()
      sock.destroy()
      finish({ t0, t1, writes, bytes: writes * params.size })
    })
  })
  sock.on('error', (e) => finish({ error: e.message }))
} else if (mode === 'udp-sink') {
  const sock = dgram.createSocket('udp4')
  let count = 0
  let bytes = 0
  let tFirst = 0
  let tLast = 0
  let idle
  const done = () => finish({ count, bytes, tFirst, tLast })
  sock.on('message', (msg) => {
    tLast = nowMs()
    if (count === 0) tFirst = tLast
    count++
    bytes += msg.byteLength
    if (count >= params.expect) return done()
    clearTimeout(idle)
    idle = setTimeout(done, params.idleMs ?? 500)
  })
  sock.bind({ address: '127.0.0.1', port: 0 }, () => print({ listening: sock.address().port }))
} else if (mode === 'udp-send') {
  const sock = dgram.createSocket('udp4')
  const payload = Buffer.alloc(params.size, 0x62)
  const window = params.window ?? 256
  sock.bind({ address: '127.0.0.1', port: 0 }, async () => {
    const t0 = nowMs()
    let sent = 0
    let errors = 0
    let inFlight = 0
    let wake
    for (let i = 0; i < params.count; i++) {
      inFlight++
      sock.send(payload, params.port, '127.0.0.1', (err) => {
        inFlight--
        if (err) errors++
        else sent++
        if (wake && inFlight < window / 2) {
          const w = wake
          wake = undefined
          w()
        }
      })
      if (inFlight >= window) await new Promise((r) => (wake = r))
    }
    while (inFlight > 0) await new Promise((r) => (wake = r))
    finish({ t0, t1: nowMs(), sent, errors })
  })
} else if (mode === 'rtt') {
  const payload = Buffer.alloc(params.size, 0x63)
  const server = net.createServer((srvSock) => {
    server.close()
    srvSock.setNoDelay(true)
    const cli = client
    const exchange = () =>
      new Promise((resolve) => {
        let gotSrv = 0
        let gotCli = 0
        const onSrv = (d) => {
          gotSrv += d.byteLength
          if (gotSrv >= params.size) {
            srvSock.off('data', onSrv)
            srvSock.write(payload)
          }
        }
        const onCli = (d) => {
          gotCli += d.byteLength
          if (gotCli >= params.size) {
            cli.off('data', onCli)
            resolve()
          }
        }
        srvSock.on('data', onSrv)
        cli.on('data', onCli)
        cli.write(payload)
      })
    ;(async () => {
      for (let i = 0; i < (params.warmup ?? 20); i++) await exchange()
      const samplesMs = []
      const until = nowMs() + (params.maxMs ?? 20_000)
      for (let i = 0; i < params.count && nowMs() < until; i++) {
        const t = nowMs()
        await exchange()
        samplesMs.push(nowMs() - t)
      }
      client.destroy()
      srvSock.destroy()
      finish({ samplesMs })
    })()
  })
  let client
  server.listen({ host: '127.0.0.1', port: 0 }, () => {
    client = net.connect({ host: '127.0.0.1', port: server.address().port }, () => client.setNoDelay(true))
  })
} else {
  print({ done: false, error: `unknown mode ${mode}` })
  process.exit(2)
}
