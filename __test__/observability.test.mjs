// Observability with the real parts: the app's OpenTelemetry (sdk-trace-node, an in-memory
// exporter), the emulator, its fault switch. Each call is a span under the span active where it
// was made, each HTTP attempt a CLIENT span under it, and the trace goes on to the platform.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { suppressTracing } from '@opentelemetry/core'
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base'

import { clientFor, emulatorFor, invites } from './helpers.mjs'
import { interval, parentOf, recordingProxy, registerTracing, UUID } from './otel-helpers.mjs'

/** A client of the emulator through a recording proxy. */
async function setUp(t, emulatorOptions) {
  const emulator = await emulatorFor(t, emulatorOptions)
  const proxy = await recordingProxy(t, emulator.url)
  const client = clientFor(emulator, { host: proxy.url })
  return { emulator, proxy, client }
}

test('a send is one span under the active one, each HTTP attempt a CLIENT span under it (check A)', async (t) => {
  const otel = registerTracing(t)
  const { proxy, client } = await setUp(t)
  const result = await otel.tracer.startActiveSpan('route', async (route) => {
    try {
      return await client.roqPlatform.sendUserInvites(invites(250), { batchSize: 100 })
    } finally {
      route.end()
    }
  })
  assert.equal(result.success.length, 250)
  const [route] = otel.byName('route')
  const calls = otel.byName('RoqPlatform.sendUserInvites')
  assert.equal(calls.length, 1)
  const [call] = calls
  assert.equal(call.kind, SpanKind.INTERNAL)
  assert.equal(parentOf(call), route.spanContext().spanId)
  assert.equal(call.spanContext().traceId, route.spanContext().traceId)
  assert.equal(call.attributes['roq.invites.count'], 250)
  assert.equal(call.attributes['roq.invites.succeeded'], 250)
  assert.equal(call.attributes['roq.invites.failed'], 0)
  assert.equal(call.status.code, SpanStatusCode.UNSET)

  const attempts = otel.byName('POST')
  assert.equal(attempts.length, 4, 'a token request and three batches')
  const port = Number(new URL(proxy.url).port)
  for (const span of attempts) {
    assert.equal(span.kind, SpanKind.CLIENT)
    assert.equal(parentOf(span), call.spanContext().spanId)
    assert.equal(span.spanContext().traceId, route.spanContext().traceId)
    assert.equal(span.attributes['http.request.method'], 'POST')
    assert.equal(span.attributes['server.address'], '127.0.0.1')
    assert.equal(span.attributes['server.port'], port)
    assert.equal(span.attributes['error.type'], undefined)
    assert.equal(span.attributes['http.request.resend_count'], undefined)
    assert.match(span.attributes['http.request.header.x-request-id'][0], UUID)
    // Inside the call's span, which is inside the route's.
    const [start, end] = interval(span)
    const [callStart, callEnd] = interval(call)
    assert.ok(callStart <= start && start <= end && end <= callEnd, 'an attempt lies within its call')
  }
  const [token] = attempts.filter((s) => s.attributes['roq.request.kind'] === 'token')
  assert.equal(token.attributes['url.full'], `${proxy.url}/v01/authorize/serviceAccount`)
  assert.equal(token.attributes['http.response.status_code'], 201)
  assert.equal(token.attributes['graphql.operation.name'], undefined)
  const batches = attempts
    .filter((s) => s.attributes['roq.request.kind'] === 'graphql')
    .sort((a, b) => a.attributes['roq.batch.index'] - b.attributes['roq.batch.index'])
  assert.deepEqual(
    batches.map((s) => [s.attributes['roq.batch.index'], s.attributes['roq.batch.size']]),
    [
      [0, 100],
      [1, 100],
      [2, 50],
    ],
  )
  for (const span of batches) {
    assert.equal(span.attributes['url.full'], `${proxy.url}/v01/server/graphql`)
    assert.equal(span.attributes['http.response.status_code'], 200)
    assert.equal(span.attributes['graphql.operation.name'], 'sendUserInvites')
    assert.equal(span.attributes['graphql.operation.type'], 'mutation')
  }
  // The SDK starts a span at Date.now(), to the millisecond, and ends it by performance.now(); so
  // does the call span, so a call that ends just before its route may seem to end up to 1 ms
  // after it (as any two nested spans of the SDK may). Its attempts lie within it exactly.
  const [routeStart, routeEnd] = interval(route)
  const [callStart, callEnd] = interval(call)
  assert.ok(routeStart <= callStart && callEnd <= routeEnd + 1_000_000n, 'the call lies within the route')

  // The trace went on: every request carried the call span's context (check B), and its own id.
  assert.equal(proxy.seen.length, 4)
  const expected = `00-${call.spanContext().traceId}-${call.spanContext().spanId}-01`
  for (const { headers } of proxy.seen) {
    assert.equal(headers.traceparent, expected)
    assert.match(headers['x-request-id'], UUID)
  }
  const sentIds = proxy.seen.map((r) => r.headers['x-request-id']).sort()
  const recordedIds = attempts.map((s) => s.attributes['http.request.header.x-request-id'][0]).sort()
  assert.deepEqual(recordedIds, sentIds, 'each attempt span names the request it was')
  assert.equal(new Set(sentIds).size, 4, 'a new id per request')
})

test('each operation is a span named after it; a query is a query', async (t) => {
  const otel = registerTracing(t)
  const { client } = await setUp(t)
  const sent = await client.roqPlatform.sendUserInvites(invites(1))
  const id = sent.success[0].id
  await client.roqPlatform.userInvite({ id })
  await client.roqPlatform.userInvites({ limit: 1 })
  await client.roqPlatform.graphqlRequest('query counted { userInvites { totalCount } }')
  await client.roqPlatform.resendUserInvite({ userInviteId: id })
  await client.roqPlatform.cancelUserInvite(id)
  const names = otel
    .ours()
    .filter((s) => s.kind === SpanKind.INTERNAL)
    .map((s) => s.name)
  assert.deepEqual(names, [
    'RoqPlatform.sendUserInvites',
    'RoqPlatform.userInvite',
    'RoqPlatform.userInvites',
    'RoqPlatform.graphqlRequest',
    'RoqPlatform.resendUserInvite',
    'RoqPlatform.cancelUserInvite',
  ])
  const graphql = otel.byName('POST').filter((s) => s.attributes['roq.request.kind'] === 'graphql')
  assert.deepEqual(
    graphql.map((s) => [s.attributes['graphql.operation.name'], s.attributes['graphql.operation.type']]),
    [
      ['sendUserInvites', 'mutation'],
      ['userInvite', 'query'],
      ['userInvites', 'query'],
      ['counted', 'query'],
      ['resendUserInvite', 'mutation'],
      ['cancelUserInvite', 'mutation'],
    ],
  )
})

test('a 503 is an error attempt, then a backoff, then a resend (check C)', async (t) => {
  const otel = registerTracing(t)
  const { emulator, client } = await setUp(t)
  await client.roqPlatform.userInvites() // the token, outside the test
  emulator.faults([{ answer: 'status', status: 503 }])
  await otel.tracer.startActiveSpan('route', async (route) => {
    await client.roqPlatform.userInvites()
    route.end()
  })
  const [call] = otel.byName('RoqPlatform.userInvites').slice(-1)
  const children = otel.spans().filter((s) => parentOf(s) === call.spanContext().spanId)
  const [failed, resent] = children
    .filter((s) => s.name === 'POST')
    .sort((a, b) => (interval(a)[0] < interval(b)[0] ? -1 : 1))
  assert.equal(failed.attributes['http.response.status_code'], 503)
  assert.equal(failed.attributes['error.type'], '503')
  assert.equal(failed.status.code, SpanStatusCode.ERROR)
  assert.equal(failed.attributes['http.request.resend_count'], undefined)
  assert.equal(resent.attributes['http.response.status_code'], 200)
  assert.equal(resent.attributes['http.request.resend_count'], 1)
  assert.equal(resent.status.code, SpanStatusCode.UNSET)
  const [backoff] = children.filter((s) => s.name === 'roq-invites.backoff')
  assert.equal(backoff.attributes['roq.wait.reason'], '503')
  assert.ok(interval(failed)[1] <= interval(backoff)[0] && interval(backoff)[1] <= interval(resent)[0], 'in order')
  assert.equal(call.status.code, SpanStatusCode.UNSET, 'the call succeeded')
})

test("a 429's Retry-After is a rate-limit wait, then the request is sent again", async (t) => {
  const otel = registerTracing(t)
  const { emulator, client } = await setUp(t)
  await client.roqPlatform.userInvites()
  emulator.faults([{ answer: 'status', status: 429, retryAfter: '1' }])
  await client.roqPlatform.userInvites()
  const [call] = otel.byName('RoqPlatform.userInvites').slice(-1)
  const children = otel.spans().filter((s) => parentOf(s) === call.spanContext().spanId)
  const attempts = children.filter((s) => s.name === 'POST')
  assert.deepEqual(
    attempts.map((s) => [s.attributes['http.response.status_code'], s.attributes['http.request.resend_count']]),
    [
      [429, undefined],
      [200, 1],
    ],
  )
  assert.equal(attempts[0].attributes['roq.retry_after_ms'], 1000)
  const [wait] = children.filter((s) => s.name === 'roq-invites.rate_limit_wait')
  assert.equal(wait.attributes['roq.wait.kind'], 'rate_limit')
  const [start, end] = interval(wait)
  assert.ok(end - start >= 900_000_000n, 'it waited about as long as it was told')
})

test('a failure after retries: an error call span, and a RoqError that names the request, attempts and trace', async (t) => {
  const otel = registerTracing(t)
  const { emulator, proxy, client } = await setUp(t)
  await client.roqPlatform.userInvites()
  emulator.faults([{ answer: 'status', status: 503, times: 3 }])
  const error = await otel.tracer.startActiveSpan('route', async (route) => {
    try {
      return await client.roqPlatform.userInvites({}, { maxRetries: 2 }).catch((e) => e)
    } finally {
      route.end()
    }
  })
  assert.equal(error.code, 'SERVER_ERROR')
  assert.equal(error.attempts, 3)
  const last = proxy.seen.at(-1).headers['x-request-id']
  assert.equal(error.requestId, last, 'the last request sent (the emulator answered with none, or the same)')
  const [route] = otel.byName('route')
  assert.equal(error.traceId, route.spanContext().traceId)
  assert.match(error.message, /503/, 'the message is what it was')
  const [call] = otel.byName('RoqPlatform.userInvites').slice(-1)
  assert.equal(call.status.code, SpanStatusCode.ERROR)
  assert.equal(call.attributes['error.type'], 'SERVER_ERROR')
  const attempts = otel.byName('POST').filter((s) => parentOf(s) === call.spanContext().spanId)
  assert.deepEqual(
    attempts.map((s) => s.attributes['http.request.resend_count']),
    [undefined, 1, 2],
  )
})

test("the answer's x-request-id names a failure when it is a valid one; else the one sent; and one for a refused connection", async (t) => {
  const { createServer } = await import('node:http')
  const answers = ['platform-req:42', 'not valid!', 'x'.repeat(129)]
  const seen = []
  const server = createServer((request, response) => {
    seen.push(request.headers['x-request-id'])
    const answer = answers[(seen.length - 1) % answers.length]
    response.writeHead(500, { 'content-type': 'text/plain', 'x-request-id': answer }).end('down')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  const { RoqClient } = await import('../index.js')
  const client = new RoqClient({
    host: `http://127.0.0.1:${server.address().port}`,
    environmentId: 'e',
    apiKey: 'k',
    maxRetries: 0,
  })
  const first = await client.roqPlatform.userInvites().catch((e) => e)
  assert.equal(first.requestId, 'platform-req:42')
  assert.equal(first.attempts, 1)
  for (let i = 1; i < answers.length; i++) {
    const error = await client.roqPlatform.userInvites().catch((e) => e)
    assert.equal(error.requestId, seen[i], 'an answered id that is not one is not taken')
    assert.match(error.requestId, UUID)
  }

  // Nothing listens here: the id is the one that was sent.
  const closed = createServer()
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = closed.address().port
  await new Promise((resolve) => closed.close(resolve))
  const otel = registerTracing(t)
  const refused = await new RoqClient({
    host: `http://127.0.0.1:${port}`,
    environmentId: 'e',
    apiKey: 'k',
    maxRetries: 0,
  }).roqPlatform
    .userInvites()
    .catch((e) => e)
  assert.equal(refused.code, 'NETWORK_ERROR')
  const [attempt] = otel.byName('POST')
  assert.equal(attempt.attributes['error.type'], 'NETWORK_ERROR')
  assert.equal(attempt.attributes['http.response.status_code'], undefined)
  assert.equal(attempt.status.code, SpanStatusCode.ERROR)
  assert.equal(refused.requestId, attempt.attributes['http.request.header.x-request-id'][0])
  assert.match(refused.requestId, UUID)
})

test('an aborted call is not an error span', async (t) => {
  const otel = registerTracing(t)
  const { emulator, proxy, client } = await setUp(t)
  await client.roqPlatform.userInvites()
  emulator.faults([{ delayMs: 600_000 }])
  const controller = new AbortController()
  const call = client.roqPlatform.userInvites({}, { signal: controller.signal }).catch((e) => e)
  await proxy.arrived(3)
  controller.abort()
  const error = await call
  assert.equal(error.code, 'ABORTED')
  const [span] = otel.byName('RoqPlatform.userInvites').slice(-1)
  assert.equal(span.status.code, SpanStatusCode.UNSET)
  assert.equal(span.attributes['error.type'], undefined)
  const [attempt] = otel.byName('POST').filter((s) => parentOf(s) === span.spanContext().spanId)
  assert.equal(attempt.status.code, SpanStatusCode.UNSET)
  assert.equal(attempt.attributes['error.type'], undefined)
  assert.equal(error.requestId, proxy.seen[2].headers['x-request-id'], 'the aborted request')
})

test('concurrent calls under different parents never mix (check D)', async (t) => {
  const otel = registerTracing(t)
  const { client } = await setUp(t)
  await client.roqPlatform.userInvites()
  const under = (name, prefix) =>
    otel.tracer.startActiveSpan(name, async (span) => {
      try {
        await Promise.all([
          client.roqPlatform.sendUserInvites(invites(30, prefix), { batchSize: 10 }),
          client.roqPlatform.userInvites({ limit: 1 }),
        ])
      } finally {
        span.end()
      }
    })
  await Promise.all([under('a', 'a'), under('b', 'b'), under('c', 'c')])
  for (const name of ['a', 'b', 'c']) {
    const [route] = otel.byName(name)
    const calls = otel.spans().filter((s) => parentOf(s) === route.spanContext().spanId)
    assert.deepEqual(calls.map((s) => s.name).sort(), ['RoqPlatform.sendUserInvites', 'RoqPlatform.userInvites'])
    for (const call of calls) {
      assert.equal(call.spanContext().traceId, route.spanContext().traceId)
      const attempts = otel.spans().filter((s) => parentOf(s) === call.spanContext().spanId)
      assert.equal(attempts.length, call.name === 'RoqPlatform.sendUserInvites' ? 3 : 1)
      for (const attempt of attempts) assert.equal(attempt.spanContext().traceId, route.spanContext().traceId)
    }
  }
  assert.equal(otel.byName('POST').length, 2 + 3 * 4, 'the first call (token and query), then four a route')
})

test('suppressTracing: no span and no trace context sent (check E)', async (t) => {
  const otel = registerTracing(t)
  const { proxy, client } = await setUp(t)
  await context.with(suppressTracing(context.active()), () => client.roqPlatform.userInvites())
  assert.deepEqual(otel.ours(), [])
  assert.equal(proxy.seen.length, 2)
  for (const { headers } of proxy.seen) {
    assert.equal(headers.traceparent, undefined)
    assert.match(headers['x-request-id'], UUID)
  }
})

test('an always-off sampler: no span, and the trace context goes on marked not sampled', async (t) => {
  const otel = registerTracing(t, { sampler: new AlwaysOffSampler() })
  const { proxy, client } = await setUp(t)
  await client.roqPlatform.sendUserInvites(invites(2))
  assert.deepEqual(otel.spans(), [])
  assert.equal(proxy.seen.length, 2)
  const [first] = proxy.seen
  assert.match(first.headers.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/)
  for (const { headers } of proxy.seen) assert.equal(headers.traceparent, first.headers.traceparent)
})

test('without a registered tracer provider: no span, no trace context, and no native callback or record', async (t) => {
  const { proxy, client } = await setUp(t)
  const { NativeClient } = await import('../binding.js').then((m) => m.default ?? m)
  const calls = []
  for (const method of ['run', 'sendUserInvites']) {
    const original = NativeClient.prototype[method]
    NativeClient.prototype[method] = function (...args) {
      calls.push([method, args.slice(4)])
      return original.apply(this, args)
    }
    t.after(() => (NativeClient.prototype[method] = original))
  }
  await client.roqPlatform.userInvites()
  await client.roqPlatform.sendUserInvites(invites(2))
  assert.deepEqual(
    calls.map(([method]) => method),
    ['run', 'sendUserInvites'],
  )
  assert.deepEqual(calls[0][1], [undefined], 'run: no trace context, and no function for records')
  assert.deepEqual(calls[1][1], [false, undefined, false], 'send: no progress, no trace context, no records asked for')
  for (const { headers } of proxy.seen) assert.equal(headers.traceparent, undefined)
})

test('a hostile propagator or tracer cannot break or change a call', async (t) => {
  const otel = registerTracing(t)
  const { proxy, client } = await setUp(t)
  const { propagation } = await import('@opentelemetry/api')
  const hostile = [
    {
      inject: (_, carrier, setter) => {
        setter.set(carrier, 'traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nx-evil: 1')
        setter.set(carrier, 'x-evil', 'yes')
        setter.set(carrier, 'tracestate', 'a=1\nb=2')
      },
    },
    {
      inject: () => {
        throw new Error('propagator down')
      },
    },
    {
      inject: (_, carrier, setter) => {
        setter.set(carrier, 'traceparent', { toString: () => assert.fail('never read') })
      },
    },
  ]
  for (const propagator of hostile) {
    propagation.disable()
    propagation.setGlobalPropagator({ ...propagator, extract: (c) => c, fields: () => ['traceparent'] })
    const before = proxy.seen.length
    assert.deepEqual(await client.roqPlatform.userInvites(), { data: [], totalCount: 0 })
    for (const { headers } of proxy.seen.slice(before)) {
      assert.equal(headers.traceparent, undefined)
      assert.equal(headers['x-evil'], undefined)
      assert.equal(headers.tracestate, undefined)
    }
  }
  assert.ok(otel.ours().length > 0)

  // A tracer that throws from every method.
  trace.disable()
  const broken = () => {
    throw new Error('tracer down')
  }
  trace.setGlobalTracerProvider({ getTracer: () => ({ startSpan: broken, startActiveSpan: broken }) })
  assert.deepEqual(await client.roqPlatform.userInvites(), { data: [], totalCount: 0 })
  // A span whose every method but spanContext throws.
  trace.disable()
  const spanContext = () => ({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 })
  const methods = ['end', 'setStatus', 'setAttribute', 'addEvent', 'isRecording']
  const span = () => ({ ...Object.fromEntries(methods.map((m) => [m, broken])), spanContext })
  trace.setGlobalTracerProvider({ getTracer: () => ({ startSpan: span }) })
  assert.deepEqual(await client.roqPlatform.userInvites(), { data: [], totalCount: 0 })
  const sent = await client.roqPlatform.sendUserInvites(invites(2, 'broken'))
  assert.equal(sent.success.length, 2)
})

test('a token the platform refuses: an event on the call span, a new token, the request sent again', async (t) => {
  const otel = registerTracing(t)
  const { emulator, client } = await setUp(t)
  await client.roqPlatform.userInvites()
  emulator.faults([{ answer: 'status', status: 401 }])
  await client.roqPlatform.userInvites()
  const [call] = otel.byName('RoqPlatform.userInvites').slice(-1)
  assert.deepEqual(
    call.events.map((e) => e.name),
    ['roq-invites.token_refresh'],
  )
  const attempts = otel.byName('POST').filter((s) => parentOf(s) === call.spanContext().spanId)
  assert.deepEqual(
    attempts.map((s) => [
      s.attributes['roq.request.kind'],
      s.attributes['http.response.status_code'],
      s.attributes['http.request.resend_count'],
    ]),
    [
      ['graphql', 401, undefined],
      ['token', 201, undefined],
      ['graphql', 200, 1],
    ],
  )
})

test('a context with no span: the call span is a root, in a trace of its own', async (t) => {
  const otel = registerTracing(t)
  const { client } = await setUp(t)
  await context.with(ROOT_CONTEXT, () => client.roqPlatform.userInvites())
  const [call] = otel.byName('RoqPlatform.userInvites')
  assert.equal(parentOf(call), undefined)
  assert.ok(otel.byName('POST').every((s) => parentOf(s) === call.spanContext().spanId))
})

test('of what a propagator writes, only a W3C traceparent and tracestate are handed on', async () => {
  const { createRequire } = await import('node:module')
  const { traceHeaders } = createRequire(import.meta.url)('../lib/otel.js')
  const good = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
  assert.deepEqual(traceHeaders({ traceparent: good, tracestate: 'a=1,b=2', baggage: 'x=1' }), {
    traceparent: good,
    tracestate: 'a=1,b=2',
  })
  assert.deepEqual(traceHeaders({ traceparent: good, tracestate: 'a=1\nb=2' }), { traceparent: good })
  assert.deepEqual(traceHeaders({ traceparent: good, tracestate: 'a'.repeat(513) }), { traceparent: good })
  for (const traceparent of [
    `${good}\r\nx-evil: 1`,
    good.toUpperCase(),
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
    'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    { toString: () => good },
    undefined,
  ]) {
    assert.equal(traceHeaders({ traceparent, tracestate: 'a=1' }), undefined, String(traceparent))
  }
})
