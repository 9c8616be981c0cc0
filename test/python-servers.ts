// The python3 servers the tests talk to (peers nobody here wrote), one copy of each.
import { waitForOutput, type Peers } from './peers'

/** 'ok <line>' for every line; with `odd`, the request 'two' gets 'ok TWO'; with `close`, it closes after the first answer. */
const LINE_SERVER = String.raw`
import socket, sys, threading
odd = sys.argv[1] == 'odd'
close_after_one = sys.argv[1] == 'close'
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(8)
print(srv.getsockname()[1], flush=True)
def serve(c):
    f = c.makefile('rb')
    while True:
        line = f.readline()
        if not line:
            break
        req = line.rstrip(b'\n')
        c.sendall(b'ok TWO\n' if odd and req == b'two' else b'ok ' + req + b'\n')
        if close_after_one:
            break
    c.close()
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
`

/** The python3 line server; resolves with its port. */
export async function pythonLineServer(peers: Peers, mode: 'same' | 'odd' | 'close'): Promise<number> {
  const peer = peers.python(LINE_SERVER, mode)
  return Number((await waitForOutput(peer.stdout, /^(\d+)\n/, `the python3 ${mode} line server's port`))[1])
}

/**
 * The primer's TCP server (its first program): accept one client, recv(1024), answer
 * 'Hello, World!' + the message, close both sockets. A client that writes after that gets RST.
 */
const PRIMER_SERVER = String.raw`
import socket, sys
server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.bind(('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else 0))
server_socket.listen(1)
print(server_socket.getsockname()[1], flush=True)
client_socket, _ = server_socket.accept()
message = client_socket.recv(1024).decode()
response = 'Hello, World!' + message
client_socket.sendall(response.encode())
client_socket.close()
server_socket.close()
`

/** The primer's one-shot server (on `port`, or a free one); resolves with its port. */
export async function primerServer(peers: Peers, port = 0): Promise<number> {
  const peer = peers.python(PRIMER_SERVER, String(port))
  return Number((await waitForOutput(peer.stdout, /^(\d+)\n/, "the primer's python3 server's port"))[1])
}
