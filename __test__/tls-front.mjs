// HTTPS for the tests, made here: a test certificate authority (openssl, at test time, so that no
// key is committed and nothing expires in the repository), a certificate it signs for localhost and
// 127.0.0.1, a self-signed one it does not, and a TLS front that passes its connections on to a
// plain-HTTP server (the emulator), as a load balancer in front of the platform would.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:tls'

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
const SERVER = 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n'

/**
 * A test CA and two server certificates for localhost, as files in a fresh directory:
 * `{ dir, caFile, ca, signed: { key, cert }, selfSigned: { key, cert }, remove() }` (PEM text).
 */
export function makeCertificates() {
  const dir = mkdtempSync(join(tmpdir(), 'roq-tls-'))
  const file = (name) => join(dir, name)
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  writeFileSync(file('server.ext'), SERVER)
  openssl(
    'req',
    '-x509',
    ...P256,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=roq-invites test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  )
  openssl('req', ...P256, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost')
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  )
  openssl(
    'req',
    '-x509',
    ...P256,
    '-keyout',
    'self.key',
    '-out',
    'self.pem',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-addext',
    'basicConstraints=critical,CA:FALSE',
  )
  const read = (name) => readFileSync(file(name), 'utf8')
  return {
    dir,
    caFile: file('ca.pem'),
    ca: read('ca.pem'),
    signed: { key: read('server.key'), cert: read('server.pem') },
    selfSigned: { key: read('self.key'), cert: read('self.pem') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/**
 * A TLS front on 127.0.0.1 for `target` (an http:// URL): each connection is decrypted and its
 * bytes passed on. Resolves to `{ url, port, connections, handshakes, close() }`; `url` names it
 * as localhost, the name its certificate carries. `connections` counts the TCP connections,
 * `handshakes` those that completed TLS.
 */
export async function startTlsFront({ key, cert }, target) {
  const { hostname, port } = new URL(target)
  const front = { connections: 0, handshakes: 0, sockets: new Set() }
  const server = createServer({ key, cert }, (socket) => {
    front.handshakes++
    const upstream = connect(Number(port), hostname)
    for (const s of [socket, upstream]) {
      front.sockets.add(s)
      s.once('close', () => front.sockets.delete(s))
      s.on('error', () => [socket, upstream].forEach((other) => other.destroy()))
    }
    socket.pipe(upstream).pipe(socket)
  })
  server.on('connection', () => front.connections++)
  // A refused handshake (the client does not trust the certificate) is the client's answer, not ours.
  server.on('tlsClientError', () => {})
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening))
  front.port = server.address().port
  front.url = `https://localhost:${front.port}`
  front.close = () =>
    new Promise((closed) => {
      for (const socket of front.sockets) socket.destroy()
      server.close(closed)
    })
  return front
}
