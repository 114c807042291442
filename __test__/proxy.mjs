// A real HTTP proxy for the tests: it tunnels CONNECT (HTTPS) and forwards absolute-form requests
// (plain HTTP), and records what it saw: `{ method, target, headers }` per request.
import { request as httpRequest, createServer } from 'node:http'
import { connect } from 'node:net'

export async function startProxy() {
  const proxy = { seen: [], sockets: new Set() }
  const server = createServer((incoming, answer) => {
    proxy.seen.push({ method: incoming.method, target: incoming.url, headers: incoming.headers })
    const onward = httpRequest(incoming.url, { method: incoming.method, headers: incoming.headers }, (response) => {
      answer.writeHead(response.statusCode, response.headers)
      response.pipe(answer)
    })
    onward.on('error', () => answer.destroy())
    incoming.pipe(onward)
  })
  server.on('connect', (incoming, client, head) => {
    proxy.seen.push({ method: 'CONNECT', target: incoming.url, headers: incoming.headers })
    const [host, port] = incoming.url.split(/:(?=\d+$)/)
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      client.pipe(upstream).pipe(client)
    })
    for (const socket of [client, upstream]) {
      proxy.sockets.add(socket)
      socket.once('close', () => proxy.sockets.delete(socket))
      socket.on('error', () => [client, upstream].forEach((other) => other.destroy()))
    }
  })
  server.on('connection', (socket) => {
    proxy.sockets.add(socket)
    socket.once('close', () => proxy.sockets.delete(socket))
  })
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening))
  proxy.url = `http://127.0.0.1:${server.address().port}`
  proxy.close = () =>
    new Promise((closed) => {
      for (const socket of proxy.sockets) socket.destroy()
      server.close(closed)
    })
  return proxy
}
