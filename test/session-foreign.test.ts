// Captures made by other tools: a real loopback capture (dumpcap, converted with editcap to
// pcap µs and ns; where dumpcap cannot capture, the same traffic written as tcpdump writes
// it), the same traffic always also as tcpdump pcaps (Ethernet, Linux cooked), and pcap/pcapng files built by an independent Python script with
// Ethernet + VLAN, SLL, SLL2, BSD loopback, raw IPv6 with extension headers, out-of-order,
// retransmitted and overlapping segments, sequence wraparound, port reuse and fragments.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer, connect, type AddressInfo, type Socket } from 'node:net'
import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSession, type Flow, type OpenSession } from '../src/main/session/reader'
import { english, indexRefs } from './message-refs'
import { epochNs, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, writeTcpdumpPcap, type Seen } from './tcpdump-pcap'
import { requireTshark } from './tshark'
import { Probe } from './probe'
import { withSessions } from '../src/main/session/service'
import type { SessionSummary } from '../src/shared/contract'

const dir = mkdtempSync(join(tmpdir(), 'np-session-foreign-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function stream(s: OpenSession, f: Flow, d: 'in' | 'out'): Buffer {
  return Buffer.concat(f.chunks.filter((c) => c.dir === d).map((c) => s.readSync(c)))
}
const ep = (e: { address: string; port: number }): string => `${e.address}|${e.port}`

// ---------------------------------------------------------------------------------------
// Files built by Python (struct), with what each must read back as.

const PY = String.raw`
import struct, sys, json, random
out = sys.argv[1]
rnd = random.Random(7)
def data(n): return bytes(rnd.getrandbits(8) for _ in range(n))
def ip4(s): return bytes(int(x) for x in s.split('.'))
def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed
def ipv4(src, dst, proto, payload, frag=0x4000, ident=1):
    return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0, ip4(src), ip4(dst)) + payload
def ipv6(src, dst, nh, payload):
    return struct.pack('!IHBB16s16s', 0x60000000, len(payload), nh, 64, ip6(src), ip6(dst)) + payload
def tcp(sp, dp, seq, ack, flags, payload=b''):
    return struct.pack('!HHIIBBHHH', sp, dp, seq & 0xffffffff, ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0) + payload
def udp(sp, dp, payload):
    return struct.pack('!HHHH', sp, dp, 8 + len(payload), 0) + payload
def eth(payload, etype=0x0800, vlan=None):
    h = bytes.fromhex('001122334455') + bytes.fromhex('66778899aabb')
    if vlan is not None: h += struct.pack('!HH', 0x8100, vlan)
    return h + struct.pack('!H', etype) + payload
def pcap(path, linktype, packets, endian='<', nanos=False):
    with open(path, 'wb') as f:
        f.write(struct.pack(endian + 'IHHiIII', 0xa1b23c4d if nanos else 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype))
        for t, d in packets:
            sec, ns = divmod(t, 10**9)
            f.write(struct.pack(endian + 'IIII', sec, ns if nanos else ns // 1000, len(d), len(d)) + d)
def block(e, btype, body):
    body += b'\0' * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack(e + 'II', btype, n) + body + struct.pack(e + 'I', n)
def opt(e, code, value):
    return struct.pack(e + 'HH', code, len(value)) + value + b'\0' * (-len(value) % 4)
SYN, ACK, FIN, RST, PSH = 2, 16, 1, 4, 8
expect = {}

# 1. Ethernet + 802.1Q, pcap µs little-endian.
C, S = '10.0.0.1', '10.0.0.2'
cd, sd = data(1000), data(700)
ci, si = 0xFFFFFF00, 0xFFFFFFF0
pk = []
t = 1_700_000_000_000_000_000
def add(p):
    global t
    t += 1_000_000
    pk.append((t, eth(p, vlan=42)))
def c2s(flags, off=None, n=0, seq=None):
    payload = cd[off:off + n] if off is not None else b''
    add(ipv4(C, S, 6, tcp(40000, 80, seq if seq is not None else ci + 1 + (off or 0), si + 1, flags, payload)))
def s2c(flags, off=None, n=0, seq=None):
    payload = sd[off:off + n] if off is not None else b''
    add(ipv4(S, C, 6, tcp(80, 40000, seq if seq is not None else si + 1 + (off or 0), ci + 1, flags, payload)))
c2s(SYN, seq=ci); s2c(SYN | ACK, seq=si); c2s(ACK)
pk.append((t + 1, eth(bytes(28), etype=0x0806, vlan=42)))        # ARP: ignored
add(ipv4(C, S, 1, bytes.fromhex('0800f7ff00000000')))               # ICMP: ignored
c2s(PSH | ACK, 0, 100)
c2s(PSH | ACK, 200, 100)      # out of order
s2c(PSH | ACK, 0, 300)
c2s(PSH | ACK, 100, 100)
c2s(PSH | ACK, 100, 100)      # retransmission
c2s(PSH | ACK, 250, 150)      # overlaps: only 300..400 is new
s2c(PSH | ACK, 300, 400)
c2s(PSH | ACK, 500, 500)      # ahead of 400..500
s2c(PSH | ACK, 0, 300)        # retransmission
c2s(PSH | ACK, 400, 100)
c2s(PSH | ACK, 450, 70)       # nothing new
c2s(FIN | ACK, seq=ci + 1 + 1000)
s2c(FIN | ACK, seq=si + 1 + 700)
c2s(ACK, seq=ci + 1001 + 1)
# port reuse: a new SYN on the same 5-tuple
c2s(SYN, seq=5000)
s2c(SYN | ACK, seq=9000)
add(ipv4(C, S, 6, tcp(40000, 80, 5001, 9001, PSH | ACK, b'second')))
add(ipv4(S, C, 6, tcp(80, 40000, 9001, 5007, PSH | ACK, b'again')))
add(ipv4(C, S, 6, tcp(40000, 80, 5007, 9006, RST | ACK)))
# UDP both ways, and a fragmented datagram (second fragment skipped)
add(ipv4('10.0.0.1', '10.0.0.3', 17, udp(5353, 53, b'query')))
add(ipv4('10.0.0.3', '10.0.0.1', 17, udp(53, 5353, b'answer!')))
big = data(1500)
whole = udp(7000, 7001, big)
add(ipv4('10.0.0.4', '10.0.0.1', 17, whole[:1008], frag=0x2000, ident=9))
add(ipv4('10.0.0.4', '10.0.0.1', 17, whole[1008:], frag=1008 // 8, ident=9))
pcap(out + '/eth-vlan.pcap', 1, pk)
expect['eth-vlan.pcap'] = {'kind': 'pcap', 'flows': [
    {'proto': 'tcp', 'local': '10.0.0.1|40000', 'remote': '10.0.0.2|80', 'out': cd.hex(), 'in': sd.hex(), 'closed': 'close'},
    {'proto': 'tcp', 'local': '10.0.0.1|40000', 'remote': '10.0.0.2|80', 'out': b'second'.hex(), 'in': b'again'.hex(), 'closed': 'reset'},
    {'proto': 'udp', 'local': '10.0.0.1|5353', 'remote': '10.0.0.3|53', 'out': b'query'.hex(), 'in': b'answer!'.hex()},
    {'proto': 'udp', 'local': '10.0.0.4|7000', 'remote': '10.0.0.1|7001', 'out': big[:1000].hex(), 'in': ''},
], 'notes': ['fragment'], 'firstNs': str(pk[0][0])}

# 2. Raw IPv6 with a hop-by-hop header, big-endian nanosecond pcap, no handshake captured.
A6, B6 = '2001:db8::1', '2001:db8::2'
hbh = lambda nh: struct.pack('!BB', nh, 0) + bytes(6)
pk = []
t0 = 1_700_000_000_123_456_789
pk.append((t0, ipv6(B6, A6, 0, hbh(6) + tcp(443, 50000, 1000, 7000, PSH | ACK, b'abc'))))
pk.append((t0 + 1, ipv6(A6, B6, 6, tcp(50000, 443, 7000, 1003, PSH | ACK, b'xyz'))))
pk.append((t0 + 2, ipv6(B6, A6, 6, tcp(443, 50000, 1003, 7003, PSH | ACK, b'def'))))
pk.append((t0 + 3, ipv6(B6, A6, 50, bytes(40))))  # ESP: skipped
pcap(out + '/raw6-be-ns.pcap', 101, pk, endian='>', nanos=True)
expect['raw6-be-ns.pcap'] = {'kind': 'pcap', 'flows': [
    {'proto': 'tcp', 'local': '2001:db8::2|443', 'remote': '2001:db8::1|50000', 'out': b'abcdef'.hex(), 'in': b'xyz'.hex(), 'chunkNs': [str(t0), str(t0 + 1), str(t0 + 2)]},
], 'notes': ['ESP'], 'firstNs': str(t0)}

# 3. Linux cooked (SLL), pcap µs.
def sll(p, proto=0x0800): return struct.pack('!HHH8sH', 0, 772, 6, bytes(8), proto) + p
pk = []
t = 1_600_000_000_000_000_000
for p in [ipv4('127.0.0.1', '127.0.0.1', 6, tcp(51000, 8080, 100, 0, SYN)),
          ipv4('127.0.0.1', '127.0.0.1', 6, tcp(8080, 51000, 200, 101, SYN | ACK)),
          ipv4('127.0.0.1', '127.0.0.1', 6, tcp(51000, 8080, 101, 201, PSH | ACK, b'GET /')),
          ipv4('127.0.0.1', '127.0.0.1', 6, tcp(8080, 51000, 201, 106, PSH | ACK, b'200 OK')),
          ipv4('127.0.0.1', '127.0.0.1', 6, tcp(8080, 51000, 207, 106, FIN | ACK))]:
    t += 1000
    pk.append((t, sll(p)))
pcap(out + '/sll.pcap', 113, pk)
expect['sll.pcap'] = {'kind': 'pcap', 'flows': [
    {'proto': 'tcp', 'local': '127.0.0.1|51000', 'remote': '127.0.0.1|8080', 'out': b'GET /'.hex(), 'in': b'200 OK'.hex(), 'halfClosed': ['peer']},
]}

# 4. pcapng, big-endian, two interfaces: SLL2 (timestamps in 2^-10 s) and BSD loopback
#    (ms); a simple packet block, a name resolution block, foreign custom block.
e = '>'
shb = block(e, 0x0A0D0D0A, struct.pack(e + 'IHHq', 0x1A2B3C4D, 1, 0, -1) + opt(e, 4, b'python') + opt(e, 0, b''))
idb0 = block(e, 1, struct.pack(e + 'HHI', 276, 0, 0) + opt(e, 9, bytes([0x80 | 10])) + opt(e, 0, b''))
idb1 = block(e, 1, struct.pack(e + 'HHI', 0, 0, 0) + opt(e, 9, bytes([3])) + opt(e, 0, b''))
def sll2(p, proto=0x86DD): return struct.pack('!HHIHBB8s', proto, 0, 1, 772, 0, 6, bytes(8)) + p
def epb(ifid, ts, p): return block(e, 6, struct.pack(e + 'IIIII', ifid, ts >> 32, ts & 0xffffffff, len(p), len(p)) + p)
null4 = lambda p: struct.pack('<I', 2) + p
sll2udp = sll2(ipv6('fe80::1', 'fe80::2', 17, udp(1000, 2000, b'spb')))
blocks = [shb, idb0, idb1,
    block(e, 4, bytes(4)),
    block(e, 0xBAD, struct.pack(e + 'I', 99999) + b'not ours'),
    epb(0, 5 * 1024, sll2(ipv6('fe80::1', 'fe80::2', 17, udp(1000, 2000, b'six-one')))),
    epb(1, 1500, null4(ipv4('192.168.1.1', '192.168.1.2', 6, tcp(3333, 4444, 10, 0, SYN)))),
    epb(1, 1501, null4(ipv4('192.168.1.2', '192.168.1.1', 6, tcp(4444, 3333, 20, 11, SYN | ACK)))),
    epb(1, 1502, null4(ipv4('192.168.1.1', '192.168.1.2', 6, tcp(3333, 4444, 11, 21, PSH | ACK, b'over null')))),
    block(e, 3, struct.pack(e + 'I', len(sll2udp)) + sll2udp),
    epb(0, 6 * 1024, sll2(ipv6('fe80::2', 'fe80::1', 17, udp(2000, 1000, b'six-two')))),
    block(e, 5, struct.pack(e + 'III', 0, 0, 0)),
]
with open(out + '/multi-be.pcapng', 'wb') as f: f.write(b''.join(blocks))
expect['multi-be.pcapng'] = {'kind': 'pcapng', 'flows': [
    {'proto': 'udp', 'local': 'fe80::1|1000', 'remote': 'fe80::2|2000', 'out': (b'six-one' + b'spb').hex(), 'in': b'six-two'.hex(), 'chunkNs': ['5000000000', None, '6000000000']},
    {'proto': 'tcp', 'local': '192.168.1.1|3333', 'remote': '192.168.1.2|4444', 'out': b'over null'.hex(), 'in': ''},
], 'firstNs': str(1500 * 10**6)}
print(json.dumps(expect))
`

interface PyFlow {
  proto: 'tcp' | 'udp'
  local: string
  remote: string
  out: string
  in: string
  closed?: string
  halfClosed?: string[]
  chunkNs?: (string | null)[]
}
interface PyFile {
  kind: string
  flows: PyFlow[]
  notes?: string[]
  firstNs?: string
}

describe('captures built by an independent script', () => {
  let expected: Record<string, PyFile> = {}
  beforeAll(() => {
    const r = spawnSync('python3', ['-', dir], { input: PY, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`)
    expected = JSON.parse(r.stdout) as Record<string, PyFile>
  })

  for (const name of ['eth-vlan.pcap', 'raw6-be-ns.pcap', 'sll.pcap', 'multi-be.pcapng']) {
    it(`${name}: flows, endpoints and reassembled bytes`, () => {
      const want = expected[name]!
      const s = openSession(join(dir, name))
      const ix = s.index
      expect(ix.kind).toBe(want.kind)
      expect(ix.truncated).toBeUndefined()
      expect(ix.flows.length).toBe(want.flows.length)
      want.flows.forEach((w, i) => {
        const f = ix.flows[i]!
        expect(f.paneId).toBeUndefined()
        expect([f.proto, ep(f.local), ep(f.remote)]).toEqual([w.proto, w.local, w.remote])
        expect(stream(s, f, 'out').toString('hex'), `${name} flow ${i} out`).toBe(w.out)
        expect(stream(s, f, 'in').toString('hex'), `${name} flow ${i} in`).toBe(w.in)
        if (w.closed) expect(f.closed?.how).toBe(w.closed)
        if (w.halfClosed) expect(f.halfClosed?.map((h) => h.by)).toEqual(w.halfClosed)
        if (w.chunkNs) expect(f.chunks.map((c) => (w.chunkNs![f.chunks.indexOf(c)] === null ? null : String(c.tNs)))).toEqual(w.chunkNs)
      })
      indexRefs(ix)
      for (const n of want.notes ?? []) expect(ix.notes?.map(english).join('\n')).toMatch(new RegExp(n))
      if (want.firstNs !== undefined) expect(ix.firstNs).toBe(BigInt(want.firstNs))
      s.close()
    })
  }

  it('eth-vlan.pcap: opened through the engine, the summary carries the reader\'s notes (not a session: no "interrupted")', async () => {
    const p = new Probe({ sessions: withSessions({ record: false }) })
    try {
      const s = await p.ok<SessionSummary>({ type: 'session.open', path: join(dir, 'eth-vlan.pcap') })
      expect(s.kind).toBe('pcap')
      expect(s.notes?.map(english).join('\n')).toMatch(/fragment/)
      expect(s.interrupted).toBeUndefined()
    } finally {
      await p.dispose()
    }
  })

  it('eth-vlan.pcap: a chunk can be part of a packet (the overlapping segment)', () => {
    const s = openSession(join(dir, 'eth-vlan.pcap'))
    const out = s.index.flows[0]!.chunks.filter((c) => c.dir === 'out')
    expect(out.map((c) => c.len)).toEqual([100, 100, 100, 100, 100, 500])
    s.close()
  })

  it('eth-vlan.pcap: tshark follows the same bytes', () => {
    requireTshark()
    const r = spawnSync('tshark', ['-r', join(dir, 'eth-vlan.pcap'), '-q', '-z', 'follow,tcp,raw,0'], { encoding: 'utf8' })
    const lines = r.stdout.split('\n').filter((l) => /^\t?[0-9a-f]+$/.test(l))
    const a = Buffer.from(lines.filter((l) => !l.startsWith('\t')).join(''), 'hex')
    const b = Buffer.from(
      lines
        .filter((l) => l.startsWith('\t'))
        .map((l) => l.slice(1))
        .join(''),
      'hex'
    )
    const s = openSession(join(dir, 'eth-vlan.pcap'))
    expect(a.equals(stream(s, s.index.flows[0]!, 'out'))).toBe(true)
    expect(b.equals(stream(s, s.index.flows[0]!, 'in'))).toBe(true)
    s.close()
  })
})

// ---------------------------------------------------------------------------------------
// A real capture on the loopback interface.

function startCapture(iface: string, port: number, file: string): Promise<ChildProcess | null> {
  return new Promise((resolve) => {
    const p = spawn('dumpcap', ['-i', iface, '-f', `port ${port}`, '-w', file, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    const timer = setTimeout(() => resolve(existsSync(file) ? p : null), 4000)
    p.on('error', () => {
      clearTimeout(timer)
      resolve(null)
    })
    p.on('exit', () => {
      clearTimeout(timer)
      resolve(null)
    })
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
      if (/File:|Capturing on/.test(err)) {
        clearTimeout(timer)
        // dumpcap says so a little before the filter is really in place.
        setTimeout(() => resolve(p), 500)
      }
    })
  })
}

function stopCapture(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null) return resolve()
    p.on('exit', () => resolve())
    p.kill('SIGINT')
  })
}

describe('a real loopback capture', () => {
  const sentByClient = randomBytes(300 * 1024)
  const sentByServer = randomBytes(500 * 1024)
  const datagrams = [randomBytes(10), randomBytes(1000), Buffer.from('last')]
  let clientPort = 0
  let serverPort = 0
  let udpClientPort = 0
  const files: Record<string, string> = {}
  /** What the test's own client sent and received, with when: the built captures come from it. */
  const tcpSeen: Seen[] = []
  const udpSeen: Seen[] = []

  beforeAll(async () => {
    requireTshark()
    const server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    serverPort = (server.address() as AddressInfo).port
    const udpServer = createSocket('udp4')
    await new Promise<void>((r) => udpServer.bind(serverPort, '127.0.0.1', r))
    files['lo'] = join(dir, 'lo.pcapng')
    files['any'] = join(dir, 'any.pcapng')
    const [lo, any] = await Promise.all([startCapture('lo', serverPort, files['lo']), startCapture('any', serverPort, files['any'])])
    if (!lo) {
      console.warn(
        'session-foreign: dumpcap cannot capture on lo here (not root, or no dumpcap); the loopback capture is a tcpdump-format pcap built from the same traffic instead.'
      )
      if (any) await stopCapture(any)
    }
    const done = new Promise<void>((resolve) => {
      server.on('connection', (sock: Socket) => {
        const got: Buffer[] = []
        sock.on('data', (d: Buffer) => got.push(d))
        // Answer in pieces, after the request has fully arrived.
        sock.on('end', () => {
          for (let i = 0; i < sentByServer.length; i += 70_000) sock.write(sentByServer.subarray(i, i + 70_000))
          sock.end()
        })
        sock.on('close', () => resolve())
      })
    })
    const client = connect(serverPort, '127.0.0.1')
    const openNs = epochNs()
    await new Promise<void>((r) => client.on('connect', r))
    clientPort = client.localPort!
    for (let i = 0; i < sentByClient.length; i += 50_000) {
      tcpSeen.push({ from: 'client', tNs: epochNs(), bytes: sentByClient.subarray(i, i + 50_000) })
      client.write(sentByClient.subarray(i, i + 50_000))
    }
    client.end()
    const received: Buffer[] = []
    client.on('data', (d: Buffer) => {
      received.push(d)
      tcpSeen.push({ from: 'server', tNs: epochNs(), bytes: d })
    })
    await Promise.all([done, new Promise<void>((r) => client.on('close', () => r()))])
    const closeNs = epochNs()
    expect(Buffer.concat(received).equals(sentByServer)).toBe(true)
    const udpClient = createSocket('udp4')
    await new Promise<void>((r) => udpClient.bind(0, '127.0.0.1', r))
    udpClientPort = udpClient.address().port
    const gotAll = new Promise<void>((r) => {
      let n = 0
      udpServer.on('message', () => {
        if (++n === datagrams.length) r()
      })
    })
    for (const d of datagrams) {
      udpSeen.push({ from: 'client', tNs: epochNs(), bytes: d })
      udpClient.send(d, serverPort, '127.0.0.1')
    }
    await gotAll
    udpClient.close()
    udpServer.close()
    server.close()
    // The same traffic as tcpdump writes it (classic pcap, µs), on Ethernet and on Linux cooked.
    const conversations = [
      {
        proto: 'tcp' as const,
        client: { address: '127.0.0.1', port: clientPort },
        server: { address: '127.0.0.1', port: serverPort },
        seen: tcpSeen,
        openNs,
        closeNs
      },
      { proto: 'udp' as const, client: { address: '127.0.0.1', port: udpClientPort }, server: { address: '127.0.0.1', port: serverPort }, seen: udpSeen }
    ]
    files['tcpdump-eth.pcap'] = join(dir, 'tcpdump-eth.pcap')
    files['tcpdump-sll.pcap'] = join(dir, 'tcpdump-sll.pcap')
    writeTcpdumpPcap(files['tcpdump-eth.pcap'], LINKTYPE_ETHERNET, conversations)
    writeTcpdumpPcap(files['tcpdump-sll.pcap'], LINKTYPE_LINUX_SLL, conversations)
    if (lo) {
      await new Promise((r) => setTimeout(r, 300))
      await stopCapture(lo)
      if (any) await stopCapture(any)
      expect(statSync(files['lo']).size).toBeGreaterThan(0)
      if (!any) delete files['any']
    } else {
      // No dumpcap here: the "loopback capture" is the built one, made pcapng by editcap.
      for (const [from, to] of [
        ['tcpdump-eth.pcap', 'lo'],
        ['tcpdump-sll.pcap', 'any']
      ] as const) {
        const r = spawnSync('editcap', ['-F', 'pcapng', files[from]!, files[to]!], { encoding: 'utf8' })
        expect(r.status, `editcap: ${r.stderr}`).toBe(0)
      }
    }
    // The same capture as pcap (µs) and as nanosecond pcap.
    for (const [fmt, name] of [
      ['pcap', 'lo.pcap'],
      ['nsecpcap', 'lo-ns.pcap']
    ] as const) {
      const r = spawnSync('editcap', ['-F', fmt, files['lo'], join(dir, name)], { encoding: 'utf8' })
      expect(r.status, `editcap -F ${fmt}: ${r.stderr}`).toBe(0)
      files[name] = join(dir, name)
    }
  }, 30_000)

  it('reassembles the TCP stream and the datagrams from pcapng, pcap µs and pcap ns (and the "any" interface), captured or built as tcpdump writes it', () => {
    expect(Object.keys(files).sort()).toEqual(
      ['any', 'lo', 'lo-ns.pcap', 'lo.pcap', 'tcpdump-eth.pcap', 'tcpdump-sll.pcap'].filter((k) => k !== 'any' || files['any']).sort()
    )
    const times: Record<string, bigint[]> = {}
    for (const [name, file] of Object.entries(files)) {
      const s = openSession(file)
      const ix = s.index
      expect(ix.kind, name).toBe(name.endsWith('.pcap') ? 'pcap' : 'pcapng')
      expect(ix.truncated).toBeUndefined()
      const tcp = ix.flows.filter((f) => f.proto === 'tcp')
      expect(tcp.length, name).toBe(1)
      const f = tcp[0]!
      expect([ep(f.local), ep(f.remote)]).toEqual([`127.0.0.1|${clientPort}`, `127.0.0.1|${serverPort}`])
      expect(stream(s, f, 'out').equals(sentByClient), `${name}: client bytes`).toBe(true)
      expect(stream(s, f, 'in').equals(sentByServer), `${name}: server bytes`).toBe(true)
      expect(f.halfClosed?.map((h) => h.by)).toEqual(['local', 'peer'])
      expect(f.closed?.how).toBe('close')
      const udp = ix.flows.filter((x) => x.proto === 'udp')
      expect(udp.length).toBe(1)
      expect(udp[0]!.remote.port).toBe(serverPort)
      expect(udp[0]!.chunks.map((c) => Buffer.from(s.readSync(c)).toString('hex'))).toEqual(datagrams.map((d) => d.toString('hex')))
      times[name] = f.chunks.map((c) => c.tNs)
      console.info(
        `real capture ${name}: ${ix.kind}, ${ix.packets} packets, ${f.chunks.length} TCP chunks${ix.notes ? `; notes: ${ix.notes.map(english).join(' ')}` : ''}`
      )
      s.close()
    }
    // dumpcap writes nanoseconds: the nanosecond pcap has the same times, the µs pcap them cut to µs.
    expect(times['lo-ns.pcap']).toEqual(times['lo'])
    expect(times['lo.pcap']).toEqual(times['lo']!.map((t) => (t / 1000n) * 1000n))
  })

  it('the reassembled bytes match what tshark follows, in the capture and in the built tcpdump pcaps', () => {
    for (const name of ['lo', 'tcpdump-eth.pcap', 'tcpdump-sll.pcap']) {
      const r = spawnSync('tshark', ['-r', files[name]!, '-q', '-z', 'follow,tcp,raw,0'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      expect(r.status, `${name}: ${r.stderr}`).toBe(0)
      const lines = r.stdout.split('\n').filter((l) => /^\t?[0-9a-f]+$/.test(l))
      expect(Buffer.from(lines.filter((l) => !l.startsWith('\t')).join(''), 'hex').equals(sentByClient), name).toBe(true)
      expect(
        Buffer.from(
          lines
            .filter((l) => l.startsWith('\t'))
            .map((l) => l.slice(1))
            .join(''),
          'hex'
        ).equals(sentByServer),
        name
      ).toBe(true)
      expect(readFileSync(files[name]!).length).toBeGreaterThan(sentByClient.length + sentByServer.length)
    }
    // tshark finds nothing wrong in the built ones (checksums checked). The payload is random
    // bytes: decoded as plain data, or a port tshark knows (44818 is EtherNet/IP) would read it
    // as that protocol and call it malformed, whatever the frames are.
    const asData = [serverPort, clientPort, udpClientPort].flatMap((p) => ['-d', `tcp.port==${p},data`, '-d', `udp.port==${p},data`])
    for (const name of ['tcpdump-eth.pcap', 'tcpdump-sll.pcap']) {
      const r = spawnSync(
        'tshark',
        [
          '-r',
          files[name]!,
          ...asData,
          '-o',
          'tcp.check_checksum:TRUE',
          '-o',
          'ip.check_checksum:TRUE',
          '-o',
          'udp.check_checksum:TRUE',
          '-Y',
          '_ws.expert.severity >= warning'
        ],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
      )
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout.trim(), `${name}: expert warnings`).toBe('')
    }
  })
})
