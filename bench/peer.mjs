// Raw Node peers for the benchmark baselines, each run as its own process so its memory
// and CPU are its own: `node bench/peer.mjs MODE '{"json":"params"}'`. Every mode is
// bounded in count and time and prints its figures as one JSON line, then exits.
//   tcp-sink    listen on 127.0.0.1:0, take one connection, discard; {"listening":P} then {"done":...}
//               (with params.expect: "done" as soon as that many bytes are in, then stays
//               until the peer ends or closes, so the sender is never cut off)
//   tcp-writes  connect to params.port, write params.count chunks of params.size bytes, end
//   tcp-writefile  read params.file into memory, connect to params.port, write it in slices
//               of params.chunk bytes (waiting for drain), end
//   tcp-deframe-sink  like tcp-sink with params.expect, but cuts the stream into messages
//               (2-byte big-endian length, then payload and a big-endian CRC-32 of the payload)
//               and verifies each CRC with a plain-JS table; counts messages and bad ones
//   udp-sink    bind 127.0.0.1:0, count datagrams until params.expect or params.idleMs of quiet
//   udp-send    send params.count datagrams of params.size bytes to params.port
//   rtt         ping-pong params.count exchanges of params.size bytes between two sockets
//   half-closers  params.count sockets connect to params.port (params.inFlight at a time), each
//               sends FIN at once and stays; {"connected":...} once every one connected (or
//               failed), {"allEnded":...} once the server ended every one (reset or closed);
//               "status ID" on stdin prints {"status":{...,"id":"ID"}}. Counts: connected (one reset
//               before its connect was seen counts too: the server accepted it), failed, reset, closed.
//   hold-server  listen on 127.0.0.1:0 (allowHalfOpen) and hold every connection, at most
//               params.max (net.Server maxConnections; the rest dropped and counted); "status ID"
//               on stdin prints {"status":...}, "close" closes every one and prints {"closed":...}
import net from 'node:net'
import dgram from 'node:dgram'
import { readFileSync } from 'node:fs'

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

/** Runs `then(word, id)` for each line "word id" read on stdin (the bench asking). */
function onStdin(then) {
  let buf = ''
  process.stdin.setEncoding('utf8').on('data', (s) => {
    buf += s
    let nl
    while ((nl = buf.indexOf('\n')) >= 0) {
      const [word, id] = buf.slice(0, nl).trim().split(/\s+/)
      buf = buf.slice(nl + 1)
      then(word, id)
    }
  })
}

function finish(obj) {
  print({ done: true, ...obj, maxRssKiB: maxRssKiB() })
  process.exit(0)
}

/** With params.expect: prints "done" once that many bytes are in, and exits when the peer goes. */
function sinkDone(report) {
  let printed = false
  return {
    reached(bytes) {
      if (printed || params.expect === undefined || bytes < params.expect) return
      printed = true
      print({ done: true, ...report(), maxRssKiB: maxRssKiB() })
    },
    ended() {
      if (printed) process.exit(0)
      finish(report())
    },
    failed(e) {
      if (printed) process.exit(0)
      finish({ ...report(), error: e.message })
    }
  }
}

// The CRC-32 of zlib, Ethernet and PNG, table-driven in plain JS (as the app computes it).
const CRC32_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()
function crc32(buf, start, end) {
  let c = 0xffffffff
  for (let i = start; i < end; i++) c = (c >>> 8) ^ CRC32_TABLE[(c ^ buf[i]) & 0xff]
  return (c ^ 0xffffffff) >>> 0
}

if (mode === 'tcp-sink') {
  let bytes = 0
  let reads = 0
  let tFirst = 0
  let tEnd = 0
  const done = sinkDone(() => ({ bytes, reads, tFirst, tEnd: tEnd || nowMs() }))
  const server = net.createServer((sock) => {
    server.close()
    sock.on('data', (chunk) => {
      if (reads === 0) tFirst = nowMs()
      reads++
      bytes += chunk.byteLength
      if (params.expect !== undefined && bytes >= params.expect && !tEnd) tEnd = nowMs()
      done.reached(bytes)
    })
    sock.on('end', () => done.ended())
    sock.on('close', () => done.ended())
    sock.on('error', (e) => done.failed(e))
  })
  server.listen({ host: '127.0.0.1', port: 0 }, () => print({ listening: server.address().port }))
} else if (mode === 'tcp-deframe-sink') {
  let bytes = 0
  let reads = 0
  let messages = 0
  let bad = 0
  let tFirst = 0
  let tEnd = 0
  let rest = Buffer.alloc(0)
  const done = sinkDone(() => ({ bytes, reads, messages, bad, pending: rest.byteLength, tFirst, tEnd: tEnd || nowMs() }))
  const server = net.createServer((sock) => {
    server.close()
    sock.on('data', (chunk) => {
      if (reads === 0) tFirst = nowMs()
      reads++
      bytes += chunk.byteLength
      // Only the tail of a message cut by a read is carried over: a few bytes per read.
      const buf = rest.byteLength ? Buffer.concat([rest, chunk]) : chunk
      let at = 0
      while (buf.byteLength - at >= 2) {
        const len = buf.readUInt16BE(at)
        if (buf.byteLength - at - 2 < len) break
        const payloadEnd = at + 2 + len - 4
        if (len < 4 || crc32(buf, at + 2, payloadEnd) !== buf.readUInt32BE(payloadEnd)) bad++
        messages++
        at += 2 + len
      }
      rest = at === buf.byteLength ? Buffer.alloc(0) : Buffer.from(buf.subarray(at))
      if (params.expect !== undefined && bytes >= params.expect && !tEnd) tEnd = nowMs()
      done.reached(bytes)
    })
    sock.on('end', () => done.ended())
    sock.on('close', () => done.ended())
    sock.on('error', (e) => done.failed(e))
  })
  server.listen({ host: '127.0.0.1', port: 0 }, () => print({ listening: server.address().port }))
} else if (mode === 'tcp-writefile') {
  const data = readFileSync(params.file)
  const sock = net.connect({ host: '127.0.0.1', port: params.port }, async () => {
    const t0 = nowMs()
    for (let off = 0; off < data.byteLength; off += params.chunk) {
      if (!sock.write(data.subarray(off, Math.min(data.byteLength, off + params.chunk)))) {
        await new Promise((r) => sock.once('drain', r))
      }
    }
    sock.end(() => {
      const t1 = nowMs()
      // Stay until the other side closes (or the budget runs out), so the app or sink
      // sees a half-closed connection, not a reset.
      finishLater({ t0, t1, bytes: data.byteLength })
    })
  })
  const finishLater = (obj) => {
    print({ done: true, ...obj, maxRssKiB: maxRssKiB() })
    sock.on('close', () => process.exit(0))
  }
  sock.on('error', (e) => finish({ error: e.message }))
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
} else if (mode === 'half-closers') {
  const n = { connected: 0, failed: 0, reset: 0, closed: 0 }
  let started = 0
  let settled = 0
  let allEndedSaid = false
  const ended = () => {
    if (!allEndedSaid && settled === params.count && n.reset + n.closed + n.failed === params.count) {
      allEndedSaid = true
      print({ allEnded: { ...n, at: nowMs() } })
    }
  }
  const one = () => {
    started++
    let done = false
    const settle = () => {
      if (done) return
      done = true
      settled++
      if (started < params.count) one()
      if (settled === params.count) print({ connected: { ...n, at: nowMs() } })
    }
    const sock = net.connect({ host: '127.0.0.1', port: params.port, allowHalfOpen: true })
    let end
    sock.on('connect', () => {
      n.connected++
      sock.end()
      settle()
    })
    sock.on('data', () => {})
    sock.on('error', (e) => {
      if (e.code === 'ECONNRESET') end ??= 'reset'
    })
    sock.on('close', () => {
      // Reset before its 'connect' was seen: the server accepted it and refused it at once.
      if (!done && end === 'reset') n.connected++
      else if (!done) n.failed++
      if (!done) settle()
      if (end === 'reset' || done) n[(end ??= 'closed')]++
      ended()
    })
  }
  for (let i = 0; i < Math.min(params.inFlight ?? 256, params.count); i++) one()
  onStdin((word, id) => word === 'status' && print({ status: { ...n, id, at: nowMs() } }))
} else if (mode === 'hold-server') {
  const held = new Set()
  const n = { accepted: 0, dropped: 0 }
  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    n.accepted++
    held.add(sock)
    sock.on('error', () => {})
    sock.on('data', () => {})
    sock.on('close', () => held.delete(sock))
  })
  if (params.max) server.maxConnections = params.max
  server.on('drop', () => n.dropped++)
  server.listen({ host: '127.0.0.1', port: 0 }, () => print({ listening: server.address().port }))
  onStdin((word, id) => {
    if (word === 'status') print({ status: { ...n, held: held.size, id, at: nowMs() } })
    if (word === 'close') {
      const t0 = nowMs()
      server.close()
      const all = [...held].map((sock) => new Promise((r) => (sock.once('close', r), sock.end(() => sock.destroy()))))
      void Promise.all(all).then(() => print({ closed: { ...n, ms: nowMs() - t0, at: nowMs() } }))
    }
  })
} else {
  print({ done: false, error: `unknown mode ${mode}` })
  process.exit(2)
}
