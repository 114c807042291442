// Credentials go to `host` and nowhere else: the client, and connectEmulator(), follow no redirect.
// A front passes every request to a real emulator except the one endpoint under test, which it
// answers with a redirect to a second server; the call must fail with PROTOCOL_ERROR naming the
// status and the Location's origin, the second server must get no connection at all, and the
// front must see the redirected request once (no retry).
import assert from 'node:assert/strict'
import { request as httpRequest, createServer } from 'node:http'
import { test } from 'node:test'

import { connectEmulator } from '../index.js'
import { clientFor, emulatorFor } from './helpers.mjs'

// Every 3xx: 300, 304 and 305 included, which reqwest and fetch do not follow, but which are
// not an answer of the platform either.
const STATUSES = [300, 301, 302, 303, 304, 305, 307, 308]

/** A server that must never be reached: it counts connections and says what each request carried. */
async function elsewhere(t) {
  const seen = { connections: 0, requests: [] }
  const server = createServer(async (incoming, answer) => {
    let body = ''
    for await (const chunk of incoming) body += chunk
    const credentials = ['authorization', 'roq-platform-authorization', 'roq-platform-server-authorization']
      .filter((name) => incoming.headers[name])
      .concat(body.includes('"apiKey"') ? ['the apiKey in its body'] : [])
    seen.requests.push(
      `${incoming.method} ${incoming.url.split('?')[0]} carrying ${credentials.join(', ') || 'nothing'}`,
    )
    answer.writeHead(200, { 'content-type': 'application/json' })
    answer.end('{"accessToken":"forged","data":{}}')
  })
  server.on('connection', () => seen.connections++)
  await listen(t, server)
  const port = server.address().port
  // Each case starts afresh: no connection kept from the last one, nothing counted.
  const reset = () => {
    server.closeAllConnections()
    seen.connections = 0
    seen.requests.length = 0
  }
  return { url: `http://127.0.0.1:${port}`, port, seen, reset }
}

/**
 * A front for `upstream`: it passes every request on, except those that `front.rule`
 * (`{ method?, path, status, location? }`) matches, which it answers with that redirect.
 * `front.seen` holds `METHOD /path` of every request it got.
 */
async function redirectingFront(t, upstream) {
  const front = { rule: undefined, seen: [] }
  const server = createServer((incoming, answer) => {
    const path = new URL(incoming.url, upstream).pathname
    front.seen.push(`${incoming.method} ${path}`)
    const rule = front.rule
    if (rule && rule.path === path && (rule.method ?? incoming.method) === incoming.method) {
      incoming.resume()
      incoming.on('end', () => {
        answer.writeHead(rule.status, rule.location === undefined ? {} : { location: rule.location })
        answer.end()
      })
      return
    }
    const onward = httpRequest(
      new URL(incoming.url, upstream),
      { method: incoming.method, headers: incoming.headers },
      (response) => {
        answer.writeHead(response.statusCode, response.headers)
        response.pipe(answer)
      },
    )
    onward.on('error', () => answer.destroy())
    incoming.pipe(onward)
  })
  await listen(t, server)
  front.url = `http://127.0.0.1:${server.address().port}`
  return front
}

async function listen(t, server) {
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening))
  t.after(() => {
    server.closeAllConnections()
    return new Promise((closed) => server.close(closed))
  })
}

/** The message for a redirect to another origin, as the client words it. */
const toElsewhere = (front, status, origin) =>
  `the platform at ${front.url} answered HTTP ${status} (a redirect to ${origin}), which roq-invites does not ` +
  `follow: it would carry the API key there. If ${origin} is the platform, set host to it`

/** The same, from connectEmulator()'s `what` call. */
const emulatorToElsewhere = (what, front, status, origin) =>
  `${what}: the emulator at ${front.url} answered HTTP ${status} (a redirect to ${origin}), which roq-invites ` +
  `does not follow: it would carry the API key there. If ${origin} is the emulator, set url (ROQ_PLATFORM_URL) to it`

/** The message for a redirect that names no other origin, as the client words it. */
const notElsewhere = (front, status, target) =>
  `the platform at ${front.url} answered HTTP ${status} (${target}), which roq-invites does not follow: ` +
  `the platform's API never redirects. Check that host is the platform's base URL`

/** A Location with a path and a query that must never be shown (they may carry a token). */
const locationAt = (server, path) => `${server.url}${path}?access_token=SECRET-IN-THE-LOCATION`

async function setUp(t) {
  const emulator = await emulatorFor(t)
  const front = await redirectingFront(t, emulator.url)
  const target = await elsewhere(t)
  return { emulator, front, target }
}

/** Runs `call` with `rule` in place and checks the refusal, the silence of the target, and no retry. */
async function assertRefused({ front, target }, rule, call, expected) {
  front.rule = rule
  front.seen.length = 0
  target.reset()
  const error = await call().then(
    (value) => assert.fail(`expected a refusal of the ${rule.status}, got ${JSON.stringify(value)}`),
    (error) => error,
  )
  front.rule = undefined
  assert.deepEqual(
    { connections: target.seen.connections, requests: target.seen.requests },
    { connections: 0, requests: [] },
    `HTTP ${rule.status} on ${rule.path}: the other server was reached`,
  )
  assert.equal(error.name, 'RoqError', `${rule.status} ${rule.path}: ${error.stack}`)
  assert.equal(error.message, expected)
  assert.equal(error.code, 'PROTOCOL_ERROR')
  assert.equal(error.statusCode, rule.status)
  const hits = front.seen.filter((seen) => seen === `${rule.method ?? 'POST'} ${rule.path}`)
  assert.equal(hits.length, 1, `HTTP ${rule.status} on ${rule.path}: sent ${hits.length} times (no retry)`)
  // A Location on the same server is not followed either.
  assert.deepEqual(
    front.seen.filter((seen) => seen.includes('/moved')),
    [],
  )
  return error
}

test('no endpoint of the client follows a redirect, whatever its status: the API key and tokens stay put', async (t) => {
  const setup = await setUp(t)
  const { emulator, front, target } = setup
  const session = await emulator.session({ tenantId: 'acme', userId: 'alice' })
  const client = () => clientFor(emulator, { host: front.url })
  const endpoints = [
    ['the service-account token', '/v01/authorize/serviceAccount', () => client().roqPlatform.userInvites()],
    ['a user token (asUser)', '/v01/authorize', () => client().asUser('alice').roqPlatform.userInvites()],
    ['GraphQL as the service account', '/v01/server/graphql', () => client().roqPlatform.userInvites()],
    ['GraphQL as a user (asUser)', '/v01/server/graphql', () => client().asUser('alice').roqPlatform.userInvites()],
    [
      'GraphQL as a signed-in user (withBaasToken)',
      '/v01/server/graphql',
      () => client().withBaasToken(session.token).roqPlatform.userInvites(),
    ],
    ['a mutation (cancelUserInvite)', '/v01/server/graphql', () => client().roqPlatform.cancelUserInvite('inv-1')],
    [
      'graphqlRequest',
      '/v01/server/graphql',
      () => client().roqPlatform.graphqlRequest('{ userInvites { totalCount } }'),
    ],
  ]
  for (const [label, path, call] of endpoints) {
    for (const status of STATUSES) {
      await t.test(`${label}: HTTP ${status}`, () =>
        assertRefused(
          setup,
          { path, status, location: locationAt(target, path) },
          call,
          toElsewhere(front, status, target.url),
        ),
      )
    }
  }
})

test('a send that meets a redirect stops at once: nothing sent, nothing created, the refusal wrapped', async (t) => {
  const setup = await setUp(t)
  const { emulator, front, target } = setup
  const send = {
    data: {
      tenantId: 'acme',
      userInvites: [
        { createdByUserId: 'u1', email: 'ada@example.com' },
        { createdByUserId: 'u1', email: 'alan@example.com' },
      ],
    },
  }
  const path = '/v01/server/graphql'
  for (const status of STATUSES) {
    await t.test(`HTTP ${status}`, async () => {
      const error = await assertRefused(
        setup,
        { path, status, location: locationAt(target, path) },
        () => clientFor(emulator, { host: front.url }).roqPlatform.sendUserInvites(send),
        'sendUserInvites stopped after 0 of 2 invites were sent (0 refused, 2 not sent; see err.partial): ' +
          toElsewhere(front, status, target.url),
      )
      assert.deepEqual(error.partial, { success: [], errors: [] }, 'nothing was sent')
    })
  }
  assert.equal((await emulator.invites()).totalCount, 0, 'the emulator created no invite')
  assert.deepEqual(await emulator.outbox(), [], 'and wrote no mail')
})

test('the Location is named by its origin only, or as relative, unusable or missing', async (t) => {
  const setup = await setUp(t)
  const { emulator, front, target } = setup
  const path = '/v01/server/graphql'
  const call = () => clientFor(emulator, { host: front.url }).roqPlatform.userInvites()
  const cases = [
    // Credentials in the Location are not part of its origin.
    [307, `http://user:SECRET-PASSWORD@127.0.0.1:${target.port}/x`, toElsewhere(front, 307, target.url)],
    // A host name made of the API key (where it reads in lower case) is kept out as well.
    [302, `http://${emulator.apiKey}.example/`, toElsewhere(front, 302, 'http://[REDACTED].example')],
    // A scheme-relative Location is relative by its syntax, but names another server.
    [308, `//127.0.0.1:${target.port}/v01/server/graphql?token=SECRET`, toElsewhere(front, 308, target.url)],
    [
      301,
      '/moved/v01/server/graphql?token=SECRET',
      notElsewhere(front, 301, 'a redirect to a relative Location, on the same server'),
    ],
    [302, `${front.url}/moved?token=SECRET`, notElsewhere(front, 302, 'a redirect to another path on the same server')],
    [303, 'http://[::1', notElsewhere(front, 303, 'a redirect to a Location that is not an http(s) URL')],
    [
      307,
      'javascript:alert(document.cookie)',
      notElsewhere(front, 307, 'a redirect to a Location that is not an http(s) URL'),
    ],
    [302, undefined, notElsewhere(front, 302, 'a redirect without a Location')],
    [304, undefined, notElsewhere(front, 304, 'a redirect without a Location')],
  ]
  for (const [status, location, expected] of cases) {
    await t.test(`HTTP ${status} to ${location}`, async () => {
      const error = await assertRefused(setup, { path, status, location }, call, expected)
      assert.ok(!error.message.includes('SECRET'), error.message)
    })
  }
})

test('connectEmulator() follows no redirect on any of its endpoints', async (t) => {
  const setup = await setUp(t)
  const { emulator, front, target } = setup
  const remote = connectEmulator({ ...emulator.env, ROQ_PLATFORM_URL: front.url })
  const endpoints = [
    ['outbox', 'GET', '/__emulator/outbox', () => remote.outbox()],
    ['invites', 'GET', '/__emulator/invites', () => remote.invites()],
    ['webhooks', 'GET', '/__emulator/webhooks', () => remote.webhooks()],
    ['requests query', 'GET', '/__emulator/requests', () => remote.requests()],
    ['faults', 'GET', '/__emulator/faults', () => remote.faults()],
    ['faults', 'POST', '/__emulator/faults', () => remote.faults({ status: 503 })],
    ['session', 'POST', '/__emulator/sessions', () => remote.session({ tenantId: 'acme', userId: 'alice' })],
  ]
  for (const [what, method, path, call] of endpoints) {
    for (const status of STATUSES) {
      await t.test(`${method} ${path}: HTTP ${status}`, () =>
        assertRefused(
          setup,
          { method, path, status, location: locationAt(target, path) },
          call,
          emulatorToElsewhere(what, front, status, target.url),
        ),
      )
    }
  }
  // The API key as a host name is kept out; the relative, unusable and missing Locations are
  // worded as the client words them.
  await t.test('GET /__emulator/outbox: HTTP 307 to the API key as a host name', () =>
    assertRefused(
      setup,
      { method: 'GET', path: '/__emulator/outbox', status: 307, location: `http://${emulator.apiKey}.example/` },
      () => remote.outbox(),
      emulatorToElsewhere('outbox', front, 307, 'http://[REDACTED].example'),
    ),
  )
  for (const [status, location, target] of [
    [307, '/moved', 'a redirect to a relative Location, on the same server'],
    [302, 'javascript:void 0', 'a redirect to a Location that is not an http(s) URL'],
    [304, undefined, 'a redirect without a Location'],
  ]) {
    await t.test(`GET /__emulator/outbox: HTTP ${status} to ${location}`, () =>
      assertRefused(
        setup,
        { method: 'GET', path: '/__emulator/outbox', status, location },
        () => remote.outbox(),
        `outbox: the emulator at ${front.url} answered HTTP ${status} (${target}), which roq-invites does not ` +
          `follow: the emulator's API never redirects. Check that url (ROQ_PLATFORM_URL) is the emulator's base URL`,
      ),
    )
  }
  // The front passed the rest through: the emulator is really there, and nothing was queued.
  assert.deepEqual(await remote.faults(), [])
})
