// Spans under ava, whose test files each run in a worker thread of their own: the app's
// OpenTelemetry registered in this thread is the one the client finds, and concurrent calls
// under two parents nest under their own.
import { context, propagation, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import test from 'ava'

import { RoqClient, startEmulator } from '../../index.js'

const exporter = new InMemorySpanExporter()
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })

test.before(async (t) => {
  provider.register()
  t.context.emulator = await startEmulator()
  const { url: host, environmentId, apiKey } = t.context.emulator
  t.context.client = new RoqClient({ host, environmentId, apiKey })
})

test.after.always(async (t) => {
  await t.context.emulator?.stop()
  await provider.shutdown()
  trace.disable()
  context.disable()
  propagation.disable()
})

const parentOf = (span) => span.parentSpanContext?.spanId

test('calls under two parents at once: each call span under its own, each attempt under its call', async (t) => {
  const tracer = trace.getTracer('the-app')
  const under = (name) =>
    tracer.startActiveSpan(name, async (span) => {
      try {
        await t.context.client.roqPlatform.sendUserInvites({
          data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: `${name}@example.com` }] },
        })
      } finally {
        span.end()
      }
    })
  await Promise.all([under('a'), under('b')])
  const spans = exporter.getFinishedSpans()
  for (const name of ['a', 'b']) {
    const route = spans.find((s) => s.name === name)
    const calls = spans.filter((s) => parentOf(s) === route.spanContext().spanId)
    t.deepEqual(
      calls.map((s) => s.name),
      ['RoqPlatform.sendUserInvites'],
    )
    const attempts = spans.filter((s) => parentOf(s) === calls[0].spanContext().spanId)
    t.true(attempts.some((s) => s.name === 'POST' && s.attributes['graphql.operation.name'] === 'sendUserInvites'))
    for (const span of [...calls, ...attempts]) t.is(span.spanContext().traceId, route.spanContext().traceId)
  }
})
