// The emulator's rate limit (a sliding window by its clock, 429 with Retry-After) and how our
// client lives with it: one gate for every request of a client, so that a limiter paces a send
// instead of failing it. No test sleeps: the window is moved on with advanceClock, or the client
// waits as the emulator tells it to.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import http from 'node:http'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { RoqClient, RoqError } from '../index.js'
import { clientFor, emulatorFor } from './helpers.mjs'

const MINUTE = 60_000

/** The two GraphQL endpoints, each with the headers its callers send. */
async function endpoints(emulator) {
  const { url, environmentId, apiKey } = emulator
  const login = await fetch(`${url}/v01/authorize/serviceAccount`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'project-service-account@roq.tech', environmentId, apiKey }),
  })
  assert.equal(login.status, 201, 'the token endpoint is not limited')
  const service = await login.json()
  const session = await emulator.session({ tenantId: 'acme', email: 'alice@acme.io' })
  const basic = `Basic ${Buffer.from(`${environmentId}:${apiKey}`).toString('base64')}`
  const post = (path, headers) => async (query, variables) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    })
    return { status: response.status, retryAfter: response.headers.get('retry-after'), answer: await response.json() }
  }
  const headers = {
    server: {
      'roq-platform-server-authorization': basic,
      'roq-platform-authorization': `Bearer ${service.accessToken}`,
    },
    browser: { 'roq-platform-authorization': `Bearer ${session.accessToken}` },
  }
  return {
    server: post('/v01/server/graphql', headers.server),
    browser: post('/v01/graphql', headers.browser),
    headers,
  }
}

const LIST = '{ userInvites { totalCount } }'
const SEND = `mutation Send($data: UserInvitesCreateV2Dto!) { sendUserInvitesV2(data: $data) { success { id } errors { email } } }`
const oneInvite = { data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@acme.io' }] } }

test('over the limit, both GraphQL endpoints answer 429 in the platform shape with Retry-After, before running anything', async (t) => {
  const emulator = await emulatorFor(t, { rateLimit: { requests: 3, windowMs: MINUTE } })
  const { server, browser } = await endpoints(emulator)
  for (const call of [server, browser, server]) assert.equal((await call(LIST)).status, 200)

  const refused = await server(SEND, oneInvite)
  assert.equal(refused.status, 429)
  // Whole seconds until the oldest request leaves the minute: rounded up, so 60 unless this
  // machine took a second since the first request.
  const seconds = Number(refused.retryAfter)
  assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60, refused.retryAfter)
  assert.equal(refused.answer.data, null)
  const [error] = refused.answer.errors
  assert.equal(error.extensions.code, 'TOO_MANY_REQUESTS')
  assert.deepEqual(Object.keys(error.extensions.response).sort(), ['errorCode', 'message', 'statusCode'])
  assert.equal(error.extensions.response.statusCode, 429)
  assert.match(
    error.message,
    /^Too many requests: this environment takes at most 3 GraphQL requests in 60000 ms; try again in \d+ s \(Retry-After\)$/,
  )
  assert.equal((await emulator.invites()).totalCount, 0, 'the refused mutation was not applied')

  const browserRefused = await browser(LIST)
  assert.equal(browserRefused.status, 429, 'one window for the environment, both endpoints')
  assert.ok(Number(browserRefused.retryAfter) >= 1)

  // The window slides by the emulator's clock: a minute on, the three have left it.
  emulator.advanceClock(MINUTE)
  const sent = await server(SEND, oneInvite)
  assert.equal(sent.status, 200)
  assert.equal(sent.answer.data.sendUserInvitesV2.success.length, 1)
  assert.equal((await emulator.invites()).totalCount, 1)
  assert.deepEqual([emulator.stats().rateLimited, emulator.stats().graphql], [2, 4])
})

test('the dashboard shows the limit and the requests in its window; no limit by default', async (t) => {
  const limited = await emulatorFor(t, { rateLimit: { requests: 20, windowMs: 1000 } })
  const { server } = await endpoints(limited)
  await server(LIST)
  await server(LIST)
  const basic = `Basic ${Buffer.from(`${limited.environmentId}:${limited.apiKey}`).toString('base64')}`
  const page = await (await fetch(limited.dashboardUrl, { headers: { authorization: basic } })).text()
  assert.match(page, /<span class="rate" data-rate-limit>rate limit 20 per 1 s \(\d+ in the window\)<\/span>/)

  const open = await emulatorFor(t)
  const calls = await endpoints(open)
  const statuses = await Promise.all(Array.from({ length: 50 }, () => calls.server(LIST)))
  assert.ok(statuses.every((s) => s.status === 200))
  const plain = await (
    await fetch(open.dashboardUrl, {
      headers: { authorization: `Basic ${Buffer.from(`${open.environmentId}:${open.apiKey}`).toString('base64')}` },
    })
  ).text()
  assert.ok(!plain.includes('data-rate-limit'))
})

test('a bad rateLimit is refused at start, naming the field', async () => {
  const { startEmulator } = await import('../index.js')
  for (const [rateLimit, message] of [
    [{ requests: 0, windowMs: 1000 }, /rateLimit\.requests: must be 1 to 100000; it is 0/],
    [{ requests: 10, windowMs: 0 }, /rateLimit\.windowMs: must be 1 to 86400000 \(a day\); it is 0/],
    [{ requests: 10 }, /windowMs/],
  ]) {
    await assert.rejects(startEmulator({ rateLimit }), (error) => {
      assert.ok(error instanceof RoqError)
      assert.equal(error.code, 'INVALID_ARGUMENT')
      assert.match(error.message, message)
      return true
    })
  }
})

test('our client paces a send by Retry-After: 200 invites in batches of 10, 16 at once, against 5/1s, each created once', async (t) => {
  const emulator = await emulatorFor(t, { rateLimit: { requests: 5, windowMs: 1000 } })
  const emails = Array.from({ length: 200 }, (_, i) => `user${i}@acme.io`)
  const result = await clientFor(emulator).roqPlatform.sendUserInvites(
    { data: { tenantId: 'acme', userInvites: emails.map((email) => ({ createdByUserId: 'alice', email })) } },
    { batchSize: 10, concurrency: 16 },
  )
  assert.deepEqual(result.errors, [])
  assert.equal(result.success.length, 200)
  const stored = await emulator.invites({ limit: 1000 })
  assert.equal(stored.totalCount, 200)
  assert.deepEqual(stored.data.map((invite) => invite.email).sort(), [...emails].sort())
  const stats = emulator.stats()
  assert.ok(stats.rateLimited >= 4, `the limiter refused ${stats.rateLimited} requests`)
  assert.equal(stats.graphql, 20, 'each batch was carried out once')
})

test("a 429's Retry-After holds back every call of the client, and past the deadline it is RATE_LIMITED at once", async (t) => {
  const emulator = await emulatorFor(t, { rateLimit: { requests: 1, windowMs: MINUTE } })
  const client = clientFor(emulator, { timeoutMs: 5000 })
  await client.roqPlatform.userInvites()
  // The minute's one request is spent: this call is told to come back in a minute, past its
  // 5 s deadline, and ends at once rather than waiting.
  await assert.rejects(client.roqPlatform.userInvites(), (error) => {
    assert.equal(error.code, 'RATE_LIMITED')
    assert.equal(error.statusCode, 429)
    return true
  })
  assert.equal(emulator.stats().rateLimited, 1)
  // Another call of the same client (here as a user: one family) does not knock again: the gate
  // is shut for the minute, so it ends without a request, naming the wait and the deadline.
  await assert.rejects(client.asUser('alice').roqPlatform.userInvites(), (error) => {
    assert.equal(error.code, 'RATE_LIMITED')
    assert.match(
      error.message,
      /asked it to wait \d+ ms more \(Retry-After\), past this call's deadline \(timeoutMs, 5000 ms\)/,
    )
    return true
  })
  assert.equal(emulator.stats().rateLimited, 1, 'the second call sent nothing')
  // A client of its own has its own gate, and learns the limit for itself.
  await assert.rejects(clientFor(emulator, { timeoutMs: 5000 }).roqPlatform.userInvites(), { code: 'RATE_LIMITED' })
  assert.equal(emulator.stats().rateLimited, 2)
})

test('with maxRetries 0 a 429 is RATE_LIMITED at once; an abort ends a wait at the gate', async (t) => {
  const emulator = await emulatorFor(t, { rateLimit: { requests: 1, windowMs: 2000 } })
  const client = clientFor(emulator)
  await client.roqPlatform.userInvites()
  await assert.rejects(client.roqPlatform.userInvites({}, { maxRetries: 0 }), { code: 'RATE_LIMITED' })
  const controller = new AbortController()
  const waiting = client.roqPlatform.userInvites({}, { signal: controller.signal })
  controller.abort()
  await assert.rejects(waiting, { code: 'ABORTED' })
  assert.ok(RoqClient)
})

test('roq-invites emulator --rate-limit refuses a value that is not N/PERIOD, naming the flag', () => {
  const bin = fileURLToPath(new URL('../bin/roq-invites.mjs', import.meta.url))
  for (const [given, message] of [
    [
      '100per10s',
      'roq-invites: --rate-limit must be N/PERIOD, e.g. 100/10s, 20/1s or 600/1m (N a whole number, PERIOD a whole number of ms, s, m or h); got "100per10s"',
    ],
    ['0/1s', 'roq-invites: --rate-limit "0/1s": N must be 1 to 100000, and PERIOD 1 ms to 24h'],
  ]) {
    const run = spawnSync(process.execPath, [bin, 'emulator', '--port', '0', '--rate-limit', given], {
      encoding: 'utf8',
      timeout: 20_000,
    })
    assert.equal(run.status, 2, run.stderr)
    assert.equal(run.stderr.split('\n')[0], message)
  }
})

test('16 clients at once, 4,000 requests against 3,000 a day: exactly 3,000 let through, the other 1,000 answered 429', async (t) => {
  const requests = 3000
  const emulator = await emulatorFor(t, { rateLimit: { requests, windowMs: 86_400_000 } })
  const { headers } = await endpoints(emulator)
  const body = JSON.stringify({ query: '{ __typename }' })
  // Each client has a connection of its own and sends its requests one after another; the 16 are
  // in flight together, half at each endpoint (one window for both). node:http rather than fetch:
  // lighter, so more requests meet at the limiter.
  const statuses = await Promise.all(
    Array.from({ length: 16 }, async (_, i) => {
      const [path, own] = i % 2 === 0 ? ['/v01/server/graphql', headers.server] : ['/v01/graphql', headers.browser]
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      t.after(() => agent.destroy())
      const post = () =>
        new Promise((resolve, reject) => {
          const request = http.request(`${emulator.url}${path}`, {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', ...own },
          })
          request.on('error', reject)
          request.on('response', (response) => {
            response.resume()
            response.on('end', () => {
              const { statusCode } = response
              resolve(
                statusCode === 429 && !(Number(response.headers['retry-after']) >= 1) ? 'no Retry-After' : statusCode,
              )
            })
          })
          request.end(body)
        })
      const mine = []
      for (let n = 0; n < 250; n++) mine.push(await post())
      return mine
    }),
  )
  const counted = {}
  for (const status of statuses.flat()) counted[status] = (counted[status] ?? 0) + 1
  assert.deepEqual(counted, { 200: requests, 429: 1000 })
  assert.deepEqual([emulator.stats().rateLimited, emulator.stats().graphql], [1000, requests])
})

test("requests without the environment's credentials count nothing: after a flood of them, the app's own call goes through", async (t) => {
  const emulator = await emulatorFor(t, { rateLimit: { requests: 1, windowMs: MINUTE } })
  const { url, environmentId, apiKey } = emulator
  const basic = (id, key) => `Basic ${Buffer.from(`${id}:${key}`).toString('base64')}`
  // A token that is well formed but not this environment's: another emulator signed it.
  const other = await emulatorFor(t)
  const foreign = (await other.session({ tenantId: 'acme', email: 'mallory@acme.io' })).accessToken
  const service = await (
    await fetch(`${url}/v01/authorize/serviceAccount`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'project-service-account@roq.tech', environmentId, apiKey }),
    })
  ).json()
  const flood = [
    ['/v01/server/graphql', {}],
    ['/v01/server/graphql', { 'roq-platform-server-authorization': basic(environmentId, 'not-the-key') }],
    [
      '/v01/server/graphql',
      {
        'roq-platform-server-authorization': basic(environmentId, 'not-the-key'),
        'roq-platform-authorization': `Bearer ${service.accessToken}`,
      },
    ],
    // The right API key, but no token, or another environment's.
    ['/v01/server/graphql', { 'roq-platform-server-authorization': basic(environmentId, apiKey) }],
    [
      '/v01/server/graphql',
      {
        'roq-platform-server-authorization': basic(environmentId, apiKey),
        'roq-platform-authorization': `Bearer ${foreign}`,
      },
    ],
    ['/v01/graphql', {}],
    ['/v01/graphql', { 'roq-platform-authorization': 'Bearer not-a-token' }],
    ['/v01/graphql', { 'roq-platform-authorization': `Bearer ${foreign}` }],
    // What a page in a browser sends: its origin, allowed or not, and no credentials.
    ['/v01/graphql', { origin: 'http://localhost:3000' }],
    ['/v01/graphql', { origin: 'https://evil.example', 'roq-platform-authorization': `Bearer ${foreign}` }],
  ]
  const answers = await Promise.all(
    flood.flatMap(([path, headers]) =>
      Array.from({ length: 20 }, async () => {
        const response = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', ...headers },
          body: JSON.stringify({ query: LIST }),
        })
        return [response.status, (await response.json()).errors?.[0]?.extensions?.code]
      }),
    ),
  )
  assert.deepEqual(new Set(answers.map(String)), new Set(['200,UNAUTHORIZED_EXCEPTION']))
  // A browser's preflight is not a call either.
  for (let n = 0; n < 20; n++) {
    const preflight = await fetch(`${url}/v01/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, roq-platform-authorization',
      },
    })
    assert.equal(preflight.status, 200)
  }
  assert.equal(emulator.stats().rateLimited, 0)

  // The window of one request is still the app's.
  const { totalCount } = await clientFor(emulator).roqPlatform.userInvites()
  assert.equal(totalCount, 0)
  // And the app's call was counted: the next one is over the limit.
  const { server } = await endpoints(emulator)
  assert.equal((await server(LIST)).status, 429)
  // A fault still comes before the limit.
  emulator.faults([{ answer: 'status', status: 503 }])
  const faulty = await fetch(`${url}/v01/server/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'roq-platform-server-authorization': basic(environmentId, apiKey),
      'roq-platform-authorization': `Bearer ${service.accessToken}`,
    },
    body: JSON.stringify({ query: LIST }),
  })
  assert.equal(faulty.status, 503)
  assert.equal((await server(LIST)).status, 429)
})
