// A local OTLP/HTTP receiver for the end-to-end test, started by Playwright's webServer as the app
// is: the app's instrumentation.ts exports its spans here (OTEL_EXPORTER_OTLP_ENDPOINT, with
// OTEL_EXPORTER_OTLP_PROTOCOL=http/json), and the test reads them back from GET /spans. Only
// OTLP's JSON encoding is taken; anything else is refused with 415, so a misconfigured exporter
// shows as no spans rather than as spans misread.
import { createServer } from 'node:http'

const port = Number(process.env.E2E_OTLP_PORT)
/** Every span received, with its resource's and scope's names and its attributes as an object. */
const spans = []

/** An OTLP AnyValue as the plain value it holds. */
function plain(value = {}) {
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(plain)
  if ('kvlistValue' in value) return attributes(value.kvlistValue.values)
  // OTLP's JSON may write a 64-bit integer as a string.
  if ('intValue' in value) return Number(value.intValue)
  const [held] = Object.values(value)
  return held
}
const attributes = (list = []) => Object.fromEntries(list.map(({ key, value }) => [key, plain(value)]))

createServer(async (request, response) => {
  if (request.method === 'GET' && request.url === '/spans') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(spans))
    return
  }
  if (request.method !== 'POST' || request.url !== '/v1/traces') {
    response.writeHead(404).end()
    return
  }
  if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) {
    console.error(`otlp receiver: refused a ${request.headers['content-type']} export: not http/json`)
    response.writeHead(415).end()
    return
  }
  let body = ''
  for await (const chunk of request.setEncoding('utf8')) body += chunk
  try {
    for (const { resource, scopeSpans = [] } of JSON.parse(body).resourceSpans ?? []) {
      const service = attributes(resource?.attributes)['service.name']
      for (const { scope, spans: received = [] } of scopeSpans) {
        for (const span of received) {
          spans.push({ ...span, service, scope: scope?.name, attributes: attributes(span.attributes) })
        }
      }
    }
  } catch (error) {
    console.error(`otlp receiver: refused an export: ${error.message}`)
    response.writeHead(400).end()
    return
  }
  response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
}).listen(port, '127.0.0.1', () => console.log(`otlp receiver: listening on http://127.0.0.1:${port}`))
