// The client's log (logLevel, logger, ROQ_INVITES_LOG) and its diagnostics_channel messages, and
// that nothing secret reaches a span, an event, a log line or a channel message.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import dc from 'node:diagnostics_channel'
import { test } from 'node:test'
import { inspect } from 'node:util'

import { RoqClient } from '../index.js'
import { clientFor, emulatorFor, invites } from './helpers.mjs'
import { API_KEY, lyingPlatform, SECRETS } from './lying-platform.mjs'
import { registerTracing, UUID } from './otel-helpers.mjs'

/** A logger that keeps every line as `{ level, args }`. */
function capture() {
  const lines = []
  const logger = Object.fromEntries(
    ['debug', 'info', 'warn', 'error'].map((level) => [level, (...args) => lines.push({ level, args })]),
  )
  return { logger, lines }
}

test('logLevel debug: a line per attempt with its facts, then the call; off by default', async (t) => {
  const emulator = await emulatorFor(t)
  const quiet = capture()
  await clientFor(emulator, { logger: quiet.logger }).roqPlatform.userInvites()
  assert.deepEqual(quiet.lines, [], 'off by default')

  const { logger, lines } = capture()
  const client = clientFor(emulator, { logLevel: 'debug', logger })
  await client.roqPlatform.sendUserInvites(invites(3), { batchSize: 2 })
  const attempts = lines.filter((l) => l.args[1]?.kind)
  assert.deepEqual(
    attempts.map((l) => [l.level, l.args[1].kind, l.args[1].status]),
    [
      ['debug', 'token', 201],
      ['debug', 'graphql', 200],
      ['debug', 'graphql', 200],
    ],
  )
  for (const { args } of attempts) {
    const [message, facts] = args
    assert.match(message, /^roq-invites: sendUserInvites: (token|graphql) request 20[01] in [\d.]+ ms$/)
    assert.equal(facts.operation, 'sendUserInvites')
    assert.equal(facts.attempt, 1)
    assert.equal(typeof facts.durationMs, 'number')
    assert.match(facts.requestId, UUID)
  }
  assert.deepEqual(
    attempts
      .filter((l) => l.args[1].kind === 'graphql')
      .map((l) => [l.args[1].batchIndex, l.args[1].batchSize])
      .sort(),
    [
      [0, 2],
      [1, 1],
    ],
  )
  assert.match(lines.at(-1).args[0], /^roq-invites: sendUserInvites: done in [\d.]+ ms$/)
})

test('retries and waits at info; a failure at error with its code and request id, never its message', async (t) => {
  const emulator = await emulatorFor(t)
  const { logger, lines } = capture()
  const client = clientFor(emulator, { logLevel: 'info', logger })
  await client.roqPlatform.userInvites()
  emulator.faults([{ answer: 'status', status: 503 }])
  await client.roqPlatform.userInvites()
  assert.deepEqual(
    lines.map((l) => [l.level, l.args[0].replace(/[\d.]+ ms/, 'N ms')]),
    [['info', 'roq-invites: userInvites: waited N ms for a retry after 503']],
  )
  lines.length = 0
  emulator.faults([{ answer: 'status', status: 500 }])
  const error = await client.roqPlatform.userInvites().catch((e) => e)
  assert.equal(lines.length, 1)
  const [{ level, args }] = lines
  assert.equal(level, 'error')
  assert.equal(args[0], 'roq-invites: userInvites: failed: SERVER_ERROR')
  assert.deepEqual(Object.keys(args[1]).sort(), [
    'attempts',
    'code',
    'durationMs',
    'operation',
    'requestId',
    'statusCode',
  ])
  assert.equal(args[1].requestId, error.requestId)
  assert.equal(args[1].attempts, 1)
  lines.length = 0
  await client.roqPlatform.userInvite({ id: 'nope' }).catch((e) => e)
  assert.deepEqual(
    lines.map((l) => [l.level, l.args[0]]),
    [['warn', 'roq-invites: userInvite: failed: NOT_FOUND']],
  )
})

test('ROQ_INVITES_LOG sets the level when a client is made; logLevel wins over it', async (t) => {
  const emulator = await emulatorFor(t)
  const previous = process.env.ROQ_INVITES_LOG
  t.after(() =>
    previous === undefined ? delete process.env.ROQ_INVITES_LOG : (process.env.ROQ_INVITES_LOG = previous),
  )
  process.env.ROQ_INVITES_LOG = 'debug'
  const fromEnv = capture()
  const overridden = capture()
  const client = clientFor(emulator, { logger: fromEnv.logger })
  const quiet = clientFor(emulator, { logger: overridden.logger, logLevel: 'off' })
  delete process.env.ROQ_INVITES_LOG
  await client.roqPlatform.userInvites()
  await quiet.roqPlatform.userInvites()
  assert.ok(
    fromEnv.lines.some((l) => l.level === 'debug'),
    'read when the client was made',
  )
  assert.deepEqual(overridden.lines, [])
  // asUser and the others share their client's log.
  fromEnv.lines.length = 0
  await client.asUser('bob').roqPlatform.userInvites()
  assert.ok(fromEnv.lines.length > 0)
})

test('a logger that is not one, or a level that is none, is INVALID_ARGUMENT naming it', () => {
  const options = { host: 'http://127.0.0.1:1', environmentId: 'e', apiKey: 'k' }
  for (const [extra, start] of [
    [{ logger: {} }, 'logger: '],
    [{ logger: 'console' }, 'logger: '],
    [{ logger: null }, 'logger: '],
    [{ logger: { info() {}, warn() {}, error() {} } }, 'logger: '],
    [{ logLevel: 'verbose' }, 'logLevel: '],
    [{ logLevel: 3 }, 'logLevel: '],
  ]) {
    assert.throws(
      () => new RoqClient({ ...options, ...extra }),
      (error) => error.code === 'INVALID_ARGUMENT' && error.message.startsWith(start),
      JSON.stringify(extra),
    )
  }
})

test('a logger that throws does not break a call; a pino-like logger gets the facts first', async (t) => {
  const emulator = await emulatorFor(t)
  const explode = () => {
    throw new Error('logger down')
  }
  const warnings = []
  const onWarning = (w) => warnings.push(w.code)
  process.on('warning', onWarning)
  t.after(() => process.off('warning', onWarning))
  const client = clientFor(emulator, {
    logLevel: 'debug',
    logger: { debug: explode, info: explode, warn: explode, error: explode },
  })
  assert.deepEqual(await client.roqPlatform.userInvites(), { data: [], totalCount: 0 })
  assert.equal((await client.roqPlatform.userInvite({ id: 'x' }).catch((e) => e)).code, 'NOT_FOUND')
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(warnings, ['ROQ_INVITES_LOGGER'], 'said once')

  const { logger, lines } = capture()
  logger[Symbol.for('pino.serializers')] = {}
  await clientFor(emulator, { logLevel: 'debug', logger }).roqPlatform.userInvites()
  assert.equal(typeof lines[0].args[0], 'object')
  assert.match(lines[0].args[1], /^roq-invites: /)
})

test('the call channel: start, end, asyncStart and asyncEnd for a call, error for a failure; attempts on their own', async (t) => {
  const emulator = await emulatorFor(t)
  const client = clientFor(emulator)
  const seen = []
  const handlers = Object.fromEntries(
    ['start', 'end', 'asyncStart', 'asyncEnd', 'error'].map((name) => [
      name,
      (message) => seen.push([name, { ...message }]),
    ]),
  )
  const channel = dc.tracingChannel('roq-invites:call')
  channel.subscribe(handlers)
  const attempts = []
  const onAttempt = (message) => attempts.push(message)
  dc.subscribe('roq-invites:attempt', onAttempt)
  t.after(() => {
    channel.unsubscribe(handlers)
    dc.unsubscribe('roq-invites:attempt', onAttempt)
  })
  await client.roqPlatform.sendUserInvites(invites(2))
  assert.deepEqual(
    seen.map(([name]) => name),
    ['start', 'end', 'asyncStart', 'asyncEnd'],
  )
  const port = Number(new URL(emulator.url).port)
  assert.deepEqual(seen[0][1], {
    operation: 'sendUserInvites',
    serverAddress: '127.0.0.1',
    serverPort: port,
    invites: 2,
  })
  assert.equal(seen[3][1].attempts, 2)
  assert.match(seen[3][1].requestId, UUID)
  assert.deepEqual(
    attempts.map((a) => [a.kind, a.status, a.operation]),
    [
      ['token', 201, 'sendUserInvites'],
      ['graphql', 200, 'sendUserInvites'],
    ],
  )
  assert.equal(attempts[1].url, `${emulator.url}/v01/server/graphql`)
  assert.equal(attempts[1].call.operation, 'sendUserInvites', "an attempt names its call's context")

  seen.length = 0
  const error = await client.roqPlatform.userInvite({ id: 'nope' }).catch((e) => e)
  assert.deepEqual(
    seen.map(([name]) => name),
    ['start', 'end', 'error', 'asyncStart', 'asyncEnd'],
  )
  const failed = seen[2][1].error
  assert.equal(failed.name, 'RoqError')
  assert.equal(failed.code, 'NOT_FOUND')
  assert.equal(failed.requestId, error.requestId)
  assert.equal(failed.message, 'userInvite failed: NOT_FOUND', "not the platform's text")
})

// ---- nothing secret is recorded ---------------------------------------------------------------

const EMAIL = 'ada.secret-person@example.com'
const NAME = 'Ada-SECRET-NAME'
const VARIABLE = 'variable-SECRET-value'
const PERSONAL = [EMAIL, NAME, VARIABLE, 'secret-person']

test('no key, token, credentials, email, name or variable in any span, event, log line or channel message', async (t) => {
  const otel = registerTracing(t)
  const platform = await lyingPlatform(t)
  const { logger, lines } = capture()
  const messages = []
  const keep = (name) => (message) => messages.push([name, inspect(message, { depth: 6, showHidden: true })])
  const call = dc.tracingChannel('roq-invites:call')
  const handlers = Object.fromEntries(['start', 'end', 'asyncStart', 'asyncEnd', 'error'].map((n) => [n, keep(n)]))
  call.subscribe(handlers)
  const onAttempt = keep('attempt')
  const onWait = keep('wait')
  dc.subscribe('roq-invites:attempt', onAttempt)
  dc.subscribe('roq-invites:wait', onWait)
  t.after(() => {
    call.unsubscribe(handlers)
    dc.unsubscribe('roq-invites:attempt', onAttempt)
    dc.unsubscribe('roq-invites:wait', onWait)
  })
  const client = new RoqClient({
    host: platform.url,
    environmentId: 'env-1',
    apiKey: API_KEY,
    logLevel: 'debug',
    logger,
  })
  const invite = {
    data: {
      tenantId: 'acme',
      userInvites: [{ createdByUserId: 'alice', email: EMAIL, firstName: NAME, injectableVariables: { v: VARIABLE } }],
    },
  }
  const outcomes = []
  await otel.tracer.startActiveSpan('route', async (route) => {
    platform.state.mode = 'refusals'
    outcomes.push(await client.roqPlatform.sendUserInvites(invite))
    platform.state.mode = 'graphql-error'
    outcomes.push(await client.roqPlatform.sendUserInvites(invite).catch((e) => e))
    outcomes.push(
      await client
        .asUser('bob')
        .roqPlatform.userInvite({ id: 'x' })
        .catch((e) => e),
    )
    platform.state.mode = '503-once'
    outcomes.push(
      await client.roqPlatform.graphqlRequest('query q($v: String) { userInvites { totalCount } }', { v: VARIABLE }),
    )
    route.end()
  })
  // The calls reached the platform and came back as they should: there was something to leak.
  assert.equal(outcomes[0].errors.length, 1)
  assert.equal(outcomes[1].code, 'FORBIDDEN')
  assert.ok(outcomes[1].message.includes('secret-person'), 'the platform did echo what it was sent')
  assert.equal(outcomes[2].code, 'FORBIDDEN')
  const spans = otel.ours()
  assert.ok(spans.length >= 10, `${spans.length} spans`)
  assert.ok(lines.length >= 10, `${lines.length} lines`)
  assert.ok(messages.some(([name]) => name === 'error') && messages.some(([name]) => name === 'wait'))
  assert.match(outcomes[1].requestId, UUID, 'an answered id that holds a secret is not taken')

  const texts = [
    ...spans.map((s) =>
      inspect(
        { name: s.name, attributes: s.attributes, events: s.events, status: s.status, links: s.links },
        { depth: 8 },
      ),
    ),
    ...lines.map((l) => inspect(l.args, { depth: 8, showHidden: true })),
    ...messages.map(([, text]) => text),
  ]
  for (const text of texts) {
    for (const secret of [...SECRETS, ...PERSONAL]) {
      assert.ok(!text.toLowerCase().includes(secret.toLowerCase()), `a secret leaked in ${text.slice(0, 400)}`)
    }
  }
})

test('the package works without @opentelemetry/api installed (it is an optional peer, never required)', async (t) => {
  const emulator = await emulatorFor(t)
  // A process in which @opentelemetry/* cannot be resolved at all.
  const script = `
    const Module = require('node:module')
    const resolve = Module._resolveFilename
    Module._resolveFilename = function (request, ...rest) {
      if (request.startsWith('@opentelemetry/')) throw Object.assign(new Error('not installed'), { code: 'MODULE_NOT_FOUND' })
      return resolve.call(this, request, ...rest)
    }
    const { RoqClient } = require(${JSON.stringify(new URL('../index.js', import.meta.url).pathname)})
    const lines = []
    const logger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) }
    const client = new RoqClient({ ...JSON.parse(process.argv[1]), logLevel: 'debug', logger })
    client.roqPlatform.sendUserInvites({ data: { tenantId: 't', userInvites: [{ createdByUserId: 'u', email: 'a@example.com' }] } })
      .then((result) => {
        const loaded = Object.keys(require.cache).filter((path) => path.includes('@opentelemetry'))
        console.log(JSON.stringify({ sent: result.success.length, lines: lines.length, loaded }))
      })
  `
  const { url: host, environmentId, apiKey } = emulator
  const output = execFileSync(process.execPath, ['-e', script, JSON.stringify({ host, environmentId, apiKey })], {
    encoding: 'utf8',
  })
  assert.deepEqual(JSON.parse(output), { sent: 1, lines: 3, loaded: [] })
})
