// Shared by the observability tests: the app's own OpenTelemetry (the Node SDK with an in-memory
// exporter, registered as an app registers it), and a platform in front of the emulator that
// records every request's headers.
import { once } from 'node:events'
import { createServer, request as httpRequest } from 'node:http'

import { context, propagation, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'

/**
 * Registers a NodeTracerProvider (with `options`, e.g. a sampler) as the app's, as
 * `instrumentation.ts` does, until the test ends: `{ tracer, spans(), byName(name) }`.
 */
export function registerTracing(t, options = {}) {
  const exporter = new InMemorySpanExporter()
  const provider = new NodeTracerProvider({ ...options, spanProcessors: [new SimpleSpanProcessor(exporter)] })
  provider.register()
  t.after(async () => {
    await provider.shutdown()
    trace.disable()
    context.disable()
    propagation.disable()
  })
  const spans = () => exporter.getFinishedSpans()
  return {
    tracer: trace.getTracer('the-app'),
    spans,
    byName: (name) => spans().filter((span) => span.name === name),
    ours: () => spans().filter((span) => span.instrumentationScope.name === 'roq-invites'),
  }
}

/** A span's parent's span id (2.x: `parentSpanContext`). */
export const parentOf = (span) => span.parentSpanContext?.spanId

/** A span's start and end in ns, as BigInt, to compare without rounding. */
export function interval(span) {
  const ns = ([s, n]) => BigInt(s) * 1_000_000_000n + BigInt(n)
  return [ns(span.startTime), ns(span.endTime)]
}

/**
 * A reverse proxy in front of `target` (the emulator's URL) that records each request's path and
 * headers, and tells `arrived` listeners as each comes. Closed when the test ends.
 */
export async function recordingProxy(t, target) {
  const seen = []
  const arrivals = new EventTarget()
  const server = createServer((incoming, answer) => {
    seen.push({ path: incoming.url, headers: incoming.headers })
    arrivals.dispatchEvent(new Event('request'))
    const url = new URL(incoming.url, target)
    const onward = httpRequest(url, { method: incoming.method, headers: incoming.headers }, (response) => {
      answer.writeHead(response.statusCode, response.headers)
      response.pipe(answer)
    })
    onward.on('error', () => answer.destroy())
    // A caller that went away (an abort) takes the request to the emulator with it, as a proxy
    // should: left open, it would keep this process alive until the emulator answered.
    answer.on('close', () => onward.destroy())
    incoming.pipe(onward)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  const arrived = async (count) => {
    while (seen.length < count) await once(arrivals, 'request')
    return seen
  }
  return { url: `http://127.0.0.1:${server.address().port}`, seen, arrived }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
