// Spans under Jest, whose test files each get a fresh module registry in a realm of their own:
// the app's OpenTelemetry registered there is the one the client finds, and concurrent calls
// under two parents nest under their own.
const { context, propagation, trace } = require('@opentelemetry/api')
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base')
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node')

const { useEmulator } = require('./emulator.cjs')

const running = useEmulator()
const exporter = new InMemorySpanExporter()
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })

beforeAll(() => provider.register())
afterAll(async () => {
  await provider.shutdown()
  trace.disable()
  context.disable()
  propagation.disable()
})

const parentOf = (span) => span.parentSpanContext?.spanId

test('calls under two parents at once: each call span under its own, each attempt under its call', async () => {
  const tracer = trace.getTracer('the-app')
  const under = (name) =>
    tracer.startActiveSpan(name, async (span) => {
      try {
        await running.client.roqPlatform.sendUserInvites({
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
    expect(calls.map((s) => s.name)).toEqual(['RoqPlatform.sendUserInvites'])
    const attempts = spans.filter((s) => parentOf(s) === calls[0].spanContext().spanId)
    expect(attempts.map((s) => s.name)).toContain('POST')
    expect(attempts.some((s) => s.attributes['graphql.operation.name'] === 'sendUserInvites')).toBe(true)
    for (const span of [...calls, ...attempts]) {
      expect(span.spanContext().traceId).toBe(route.spanContext().traceId)
    }
  }
})
