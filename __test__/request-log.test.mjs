// The emulator's request log through real HTTP: emulator.requests() and connectEmulator().requests(),
// what our client, @roq/nodejs and @roq/client leave in it, `x-request-id` read by a page of
// another origin, the Requests tab in Chromium, and `roq-invites requests` as a child process.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { test } from 'node:test'

import { Platform } from '@roq/nodejs'

import { RoqError, connectEmulator } from '../index.js'
import {
  NO_CHROMIUM,
  cliEnv,
  clientFor,
  docSnippets,
  emulatorFor,
  launchChromium,
  runSnippet,
  startCli,
} from './helpers.mjs'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const TRACEPARENT = `00-${TRACE}-00f067aa0ba902b7-01`
const LIST = '{ userInvites { totalCount } }'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const basic = ({ environmentId, apiKey }) => `Basic ${Buffer.from(`${environmentId}:${apiKey}`).toString('base64')}`

/** A POST of `body` as JSON to one of the emulator's endpoints; the answer. */
function post(emulator, path, headers, body) {
  return fetch(new URL(path, emulator.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

/** The one row of `requestId`. */
async function rowOf(emulator, requestId) {
  const rows = await emulator.requests({ requestId })
  assert.equal(rows.length, 1, `${requestId}: ${JSON.stringify(rows)}`)
  return rows[0]
}

test("our client's calls are logged, each with the invites it made or changed, in process and from another", async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  const { success } = await roqPlatform.sendUserInvites({
    data: {
      tenantId: 'acme',
      userInvites: ['ada', 'grace', 'alan', 'edsger', 'barbara', 'donald', 'frances'].map((name) => ({
        createdByUserId: 'alice',
        email: `${name}@example.com`,
      })),
    },
  })
  await roqPlatform.cancelUserInvite(success[1].id)
  await roqPlatform.userInvites()

  const rows = await emulator.requests()
  assert.deepEqual(
    rows.map((row) => [row.endpoint, row.operation, row.caller, row.status, row.failed, row.inviteCount]),
    [
      ['/v01/server/graphql', 'userInvites', 'serviceAccount', 200, false, 0],
      ['/v01/server/graphql', 'cancelUserInvite', 'serviceAccount', 200, false, 1],
      ['/v01/server/graphql', 'sendUserInvites', 'serviceAccount', 200, false, 7],
      ['/v01/authorize/serviceAccount', null, 'serviceAccount', 201, false, 0],
    ],
  )
  assert.deepEqual(
    rows[2].inviteIds,
    success.slice(0, 5).map((invite) => invite.id),
    'the first five',
  )
  assert.deepEqual(rows[1].inviteIds, [success[1].id])
  assert.deepEqual(
    rows.map((row) => row.id),
    [4, 3, 2, 1],
  )
  for (const row of rows) {
    assert.match(row.requestId, /^[A-Za-z0-9._:-]{1,128}$/)
    assert.equal(typeof row.durationMs, 'number')
    assert.ok(!Number.isNaN(Date.parse(row.at)), row.at)
  }

  // From another process, through GET /__emulator/requests: the same rows, and the same filters.
  const remote = connectEmulator(emulator.env)
  assert.deepEqual(await remote.requests(), rows)
  assert.deepEqual(await remote.requests({ status: 201 }), [rows[3]])
  assert.deepEqual(await remote.requests({ limit: 2 }), rows.slice(0, 2))
  assert.deepEqual(await emulator.requests({ status: 'failed' }), [])
})

test("a failed call's request id finds its row: the caller's own id, or the one the emulator made", async (t) => {
  const emulator = await emulatorFor(t)
  const remote = connectEmulator(emulator.env)

  // A wrong API key, with the caller's own id: the answer echoes it, the row has it.
  const refused = await post(
    emulator,
    '/v01/authorize/serviceAccount',
    { 'x-request-id': 'attempt-1', traceparent: TRACEPARENT },
    { email: 'project-service-account@roq.tech', environmentId: emulator.environmentId, apiKey: 'wrong' },
  )
  assert.deepEqual([refused.status, refused.headers.get('x-request-id')], [401, 'attempt-1'])
  assert.deepEqual(
    await rowOf(emulator, 'attempt-1'),
    await rowOf(remote, 'attempt-1'),
    'the same row in process and from another',
  )
  const row = await rowOf(emulator, 'attempt-1')
  assert.deepEqual(
    [row.status, row.errorCode, row.caller, row.failed, row.traceId],
    [401, 'UNAUTHORIZED_EXCEPTION', null, true, TRACE],
  )
  // And on the command line, from another process.
  const found = await startCli(['requests', '--request-id', 'attempt-1', '--json'], { env: cliEnv(emulator.env) })
    .exited
  assert.deepEqual(JSON.parse(found.stdout), [row])
  const line = await startCli(['requests', '--request-id', 'attempt-1'], { env: cliEnv(emulator.env) }).exited
  assert.match(
    line.stdout.split('\n')[1],
    /^1 +\S+ +\/v01\/authorize\/serviceAccount +- +- +401 +\S+ +[\d.]+ +attempt-1 +4bf9/,
  )

  // A fault's 503, without an id of the caller's: the emulator makes one, and answers with it.
  emulator.faults([{ answer: 'status', status: 503 }])
  const faulty = await post(emulator, '/v01/server/graphql', {}, { query: LIST })
  const made = faulty.headers.get('x-request-id')
  assert.equal(faulty.status, 503)
  assert.match(made, UUID)
  const spoiled = await rowOf(emulator, made)
  assert.deepEqual([spoiled.status, spoiled.fault, spoiled.failed], [503, 'status', true])

  // An id that is not one (a space, too long) is replaced; the row has what the answer said.
  for (const given of ['has space', 'x'.repeat(129)]) {
    const answer = await post(emulator, '/v01/graphql', { 'x-request-id': given }, { query: LIST })
    const id = answer.headers.get('x-request-id')
    assert.match(id, UUID, given)
    assert.equal((await rowOf(emulator, id)).errorCode, 'UNAUTHORIZED_EXCEPTION')
  }

  // Our client's failure, as RoqError: its requestId finds the row of its last attempt.
  emulator.faults([{ answer: 'status', status: 503, times: 10 }])
  const error = await clientFor(emulator)
    .roqPlatform.userInvites(undefined, { maxRetries: 1 })
    .catch((e) => e)
  assert.ok(error instanceof RoqError, String(error))
  assert.equal(error.attempts, 2)
  assert.match(error.requestId, UUID)
  const last = await rowOf(emulator, error.requestId)
  assert.deepEqual([last.status, last.fault, last.endpoint], [503, 'status', '/v01/server/graphql'])
  const [newest] = await emulator.requests({ status: 'failed', limit: 1 })
  assert.equal(newest.requestId, error.requestId, 'the last attempt is the newest failed row')
})

test('the request log snippet of docs/emulator.md runs as written, in process and from another', async (t) => {
  const emulator = await emulatorFor(t)
  emulator.faults([{ answer: 'status', status: 503 }])
  await post(emulator, '/v01/server/graphql', { 'x-request-id': 'attempt-1' }, { query: LIST })
  const [snippet] = docSnippets("emulator.requests({ requestId: 'attempt-1' })")
  const remote = connectEmulator(emulator.env)
  const { rows, failed } = await runSnippet(snippet, { emulator, connectEmulator: () => remote }, '{ rows, failed }')
  assert.deepEqual(
    rows.map((row) => [row.requestId, row.status, row.fault]),
    [['attempt-1', 503, 'status']],
  )
  assert.deepEqual(failed, rows)
})

test('a filter that can match nothing is refused as INVALID_ARGUMENT, in process and from another', async (t) => {
  const emulator = await emulatorFor(t)
  const remote = connectEmulator(emulator.env)
  for (const [query, says] of [
    [{ traceId: TRACEPARENT }, /traceId "00-4bf9.*" is not a trace id: 32 hexadecimal characters/],
    [{ requestId: 'a b' }, /requestId "a b" is not a request id/],
    [{ status: 'ok' }, /status "ok" is neither an HTTP status \(100 to 599\) nor "failed"/],
    [{ status: 700 }, /status 700 is neither an HTTP status/],
    [{ limit: 1001 }, /limit must be 0 to 1000, got 1001/],
    [{ trace: TRACE }, /unknown field `trace`|trace: is not a known field; did you mean traceId\?/],
  ]) {
    for (const from of [emulator, remote]) {
      const error = await from.requests(query).catch((e) => e)
      assert.ok(error instanceof RoqError, `${JSON.stringify(query)}: ${error}`)
      assert.equal(error.code, 'INVALID_ARGUMENT', error.message)
      assert.match(error.message, says)
    }
  }
  // A trace id is found in either case.
  await post(emulator, '/v01/graphql', { traceparent: TRACEPARENT }, { query: LIST })
  assert.equal((await remote.requests({ traceId: TRACE.toUpperCase() })).length, 1)
})

test('@roq/nodejs and @roq/client work as before, and their requests are logged by who made them', async (t) => {
  const emulator = await emulatorFor(t)
  const platform = new Platform({ host: emulator.url, environmentId: emulator.environmentId, apiKey: emulator.apiKey })
  const sent = await platform.asSuperAdmin().sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@example.com' }] },
  })
  const [ada] = sent.sendUserInvitesV2.success
  await platform.asUser('alice').userInvites({})

  const { RoqPlatformClient } = await import('roq-client-0.0.12/build/src/platform-client/platform-client.js')
  const bob = await emulator.session({ tenantId: 'acme', email: 'bob@acme.io' })
  const browser = new RoqPlatformClient({ host: emulator.url, auth: { getAccessToken: () => bob.accessToken } })
  await browser.roqPlatform.userInvite({ id: ada.id })

  const rows = await emulator.requests()
  assert.deepEqual(
    rows.map((row) => [row.endpoint, row.operation, row.caller, row.userId, row.inviteIds]),
    [
      ['/v01/graphql', 'userInvite', 'user', bob.roqUserId, []],
      ['/v01/server/graphql', 'userInvites', 'user', 'alice', []],
      ['/v01/authorize', null, 'serviceAccount', null, []],
      ['/v01/server/graphql', 'sendUserInvites', 'serviceAccount', null, [ada.id]],
      ['/v01/authorize/serviceAccount', null, 'serviceAccount', null, []],
    ],
  )
  // Neither sends an id: each request got one of its own.
  assert.ok(rows.every((row) => UUID.test(row.requestId)))
  assert.equal(new Set(rows.map((row) => row.requestId)).size, rows.length)
})

test('no row holds a key, a token, credentials, an email, a name or variables', async (t) => {
  const emulator = await emulatorFor(t)
  const client = clientFor(emulator)
  const alice = await emulator.session({ tenantId: 'acme', email: 'alice.owner@acme.io', firstName: 'Alicia' })
  await client.roqPlatform.sendUserInvites({
    data: {
      tenantId: 'acme',
      userInvites: [
        { createdByUserId: alice.roqUserId, email: 'ada.secret@example.com', firstName: 'Augusta', lastName: 'King' },
      ],
    },
  })
  await client.withBaasToken(alice.token).roqPlatform.userInvites({ filter: { email: { iLike: '%searched%' } } })
  await client.asUser('carol-the-user').roqPlatform.userInvites()
  const [mail] = await emulator.outbox()
  await client.roqPlatform.acceptUserInvite({ data: { token: mail.token } })
  await post(emulator, '/v01/graphql', { 'roq-platform-authorization': 'Bearer forged.token.here' }, { query: LIST })

  const text = JSON.stringify(await emulator.requests())
  const basicCredentials = basic(emulator).slice('Basic '.length)
  for (const secret of [
    emulator.apiKey,
    basicCredentials,
    alice.token,
    alice.accessToken,
    mail.token,
    'forged.token',
    '@example.com',
    '@acme.io',
    'Alicia',
    'Augusta',
    'King',
    'searched',
    'Bearer',
  ])
    assert.ok(!text.includes(secret), `${secret} in ${text}`)
  assert.ok(text.includes('carol-the-user'), 'a user is named by its id')
})

test('a reset of every tenant empties the log; a reset of one tenant leaves it', async (t) => {
  const emulator = await emulatorFor(t)
  await clientFor(emulator).roqPlatform.userInvites()
  assert.equal((await emulator.requests()).length, 2)
  await emulator.reset({ tenantId: 'acme' })
  assert.equal((await emulator.requests()).length, 2)
  await emulator.reset()
  assert.deepEqual(await emulator.requests(), [])
  await clientFor(emulator).roqPlatform.userInvites()
  assert.deepEqual(
    (await emulator.requests()).map((row) => row.id),
    [4, 3],
    'numbered on',
  )
})

/** A page on its own origin (another port of 127.0.0.1), for a browser's cross-origin requests. */
async function pageServer(t) {
  const server = createServer((_, response) =>
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'),
  )
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  return `http://127.0.0.1:${server.address().port}/`
}

test(
  "a page of an allowed origin sends x-request-id and the trace context, and reads the answer's x-request-id",
  { skip: NO_CHROMIUM },
  async (t) => {
    const emulator = await emulatorFor(t)
    const alice = await emulator.session({ tenantId: 'acme', email: 'alice@acme.io' })
    const browser = await launchChromium(t)
    const page = await browser.newPage()
    await page.goto(await pageServer(t))
    const call = (headers) =>
      page.evaluate(
        async ({ url, headers, query }) => {
          const answer = await fetch(`${url}/v01/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ query }),
          })
          return { status: answer.status, requestId: answer.headers.get('x-request-id'), body: await answer.json() }
        },
        { url: emulator.url, headers, query: LIST },
      )
    const bearer = { 'roq-platform-authorization': `Bearer ${alice.accessToken}` }

    const traced = await call({ ...bearer, 'x-request-id': 'page-1', traceparent: TRACEPARENT, tracestate: 'app=1' })
    assert.deepEqual(traced, { status: 200, requestId: 'page-1', body: { data: { userInvites: { totalCount: 0 } } } })
    const row = await rowOf(emulator, 'page-1')
    assert.deepEqual(
      [row.endpoint, row.caller, row.userId, row.traceId],
      ['/v01/graphql', 'user', alice.roqUserId, TRACE],
    )

    // Without an id of its own, the page reads the one the emulator made; a refusal carries one too.
    const plain = await call(bearer)
    assert.match(plain.requestId, UUID)
    assert.equal((await rowOf(emulator, plain.requestId)).status, 200)
    const anonymous = await call({})
    assert.match(anonymous.requestId, UUID)
    assert.equal((await rowOf(emulator, anonymous.requestId)).errorCode, 'UNAUTHORIZED_EXCEPTION')
  },
)

test(
  'the Requests tab filters by trace id and status, escapes what it shows and links to the invites a request made',
  { skip: NO_CHROMIUM },
  async (t) => {
    const emulator = await emulatorFor(t)
    const client = clientFor(emulator)
    const { success } = await client.roqPlatform.sendUserInvites({
      data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@example.com' }] },
    })
    // A user whose id is markup and turns text around, calling with a trace.
    const evil = '<img src=x onerror="document.title=1">\u202e'
    const user = await emulator.session({ tenantId: 'acme', userId: evil })
    await post(
      emulator,
      '/v01/graphql',
      {
        'roq-platform-authorization': `Bearer ${user.accessToken}`,
        traceparent: TRACEPARENT,
        'x-request-id': 'evil-1',
      },
      { query: LIST },
    )
    await post(emulator, '/v01/graphql', { traceparent: TRACEPARENT, 'x-request-id': 'refused-1' }, { query: LIST })

    const browser = await launchChromium(t)
    const context = await browser.newContext({
      httpCredentials: { username: emulator.environmentId, password: emulator.apiKey, origin: emulator.url },
    })
    const page = await context.newPage()
    const shown = () => page.$$eval('tr[data-request] [data-request-id]', (cells) => cells.map((c) => c.textContent))
    await page.goto(emulator.dashboardUrl)
    await Promise.all([page.waitForURL(/view=requests/), page.click('header.bar >> text=Requests')])
    assert.deepEqual(await shown(), [
      'refused-1',
      'evil-1',
      (await emulator.requests())[2].requestId,
      (await emulator.requests())[3].requestId,
    ])

    // The user's id is text: no element came of it, and the override shows escaped.
    assert.equal(await page.$('td img'), null)
    assert.equal(await page.title(), 'Requests · ROQ emulator')
    const caller = await page.textContent('tr[data-request="3"] td:nth-child(4)')
    assert.equal(caller, `user ${JSON.stringify(evil).replace('\u202e', '\\u{202e}')}`)

    // The trace id, whole; filtering by it, then by failures.
    assert.deepEqual(await page.$$eval('[data-trace-id]', (ids) => ids.map((id) => id.textContent)), [TRACE, TRACE])
    await page.fill('input[name=traceId]', TRACE.toUpperCase())
    await Promise.all([page.waitForURL(/traceId=/), page.click('form.filters button[type=submit]')])
    assert.deepEqual(await shown(), ['refused-1', 'evil-1'])
    await page.selectOption('select[name=status]', 'failed')
    await Promise.all([page.waitForURL(/status=failed/), page.click('form.filters button[type=submit]')])
    assert.deepEqual(await shown(), ['refused-1'])
    assert.match(await page.textContent('tr[data-request] td:nth-child(5)'), /^200\s*UNAUTHORIZED_EXCEPTION$/)

    // A filter that can match nothing says why, under its form.
    const bad = await page.goto(`${emulator.dashboardUrl}?view=requests&traceId=nope`)
    assert.equal(bad.status(), 400)
    assert.match(await page.textContent('[data-refused]'), /traceId "nope" is not a trace id/)

    // The send's row links to the invite it made, which the Invites tab shows alone.
    await page.goto(`${emulator.dashboardUrl}?view=requests`)
    await Promise.all([page.waitForURL(/view=invites&invite=/), page.click(`[data-invite-link="${success[0].id}"]`)])
    assert.deepEqual(await page.$$eval('tr[data-invite]', (rows) => rows.map((row) => row.dataset.invite)), [
      success[0].id,
    ])
    assert.match(await page.textContent('tr[data-invite]'), /ada@example\.com/)
  },
)

const cli = (emulator, args) => startCli(['requests', ...args], { env: cliEnv(emulator.env) }).exited

// What a terminal would act on: C0 and C1 controls but the line feeds, DEL, and bidirectional
// overrides, embeddings and isolates.
const RAW_CONTROL = /(?!\n)[\p{Cc}\u202a-\u202e\u2066-\u2069]/u

test('roq-invites requests prints the log as a table or JSON, filtered, with every value escaped', async (t) => {
  const emulator = await emulatorFor(t)
  await clientFor(emulator).roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@example.com' }] },
  })
  const user = await emulator.session({ tenantId: 'acme', userId: 'eve\x1b[2J\u202e' })
  await post(
    emulator,
    '/v01/graphql',
    { 'roq-platform-authorization': `Bearer ${user.accessToken}`, traceparent: TRACEPARENT, 'x-request-id': 'eve-1' },
    { query: LIST },
  )
  emulator.faults([{ answer: 'status', status: 503 }])
  await post(emulator, '/v01/server/graphql', { 'x-request-id': 'faulty-1' }, { query: LIST })

  const table = await cli(emulator, [])
  assert.deepEqual([table.code, table.stderr], [0, ''])
  assert.doesNotMatch(table.stdout, RAW_CONTROL)
  const lines = table.stdout.trimEnd().split('\n')
  assert.match(lines[0], /^ID +TIME +ENDPOINT +OPERATION +CALLER +STATUS +MS +REQUEST ID +TRACE ID +INVITES$/)
  assert.equal(lines.length, 6)
  assert.match(
    lines[1],
    /^4 +\d\d:\d\d:\d\d\.\d{3} +\/v01\/server\/graphql +- +- +503 \(fault\) +[\d.]+ +faulty-1 +- +0$/,
  )
  assert.match(
    lines[2],
    new RegExp(`^3 +\\S+ +/v01/graphql +userInvites +user eve\\\\x1b\\[2J\\\\u202e +200 +[\\d.]+ +eve-1 +${TRACE} +0$`),
  )
  assert.match(lines[3], /^2 +\S+ +\/v01\/server\/graphql +sendUserInvites +service account +200 +[\d.]+ +\S+ +- +1$/)
  assert.equal(lines[5], '4 requests, newest first')

  const traced = await cli(emulator, ['--trace-id', TRACE, '--json'])
  assert.equal(traced.code, 0, traced.stderr)
  assert.doesNotMatch(traced.stdout, RAW_CONTROL)
  const rows = JSON.parse(traced.stdout)
  assert.deepEqual(rows, await emulator.requests({ traceId: TRACE }))
  assert.equal(rows[0].userId, 'eve\x1b[2J\u202e', '--json stays exact JSON')

  const failed = await cli(emulator, ['--status', 'failed', '--json'])
  assert.deepEqual(
    JSON.parse(failed.stdout).map((row) => row.requestId),
    ['faulty-1'],
  )
  const byId = await cli(emulator, ['--request-id', 'eve-1', '--limit', '1'])
  assert.match(byId.stdout, /eve-1/)
  assert.match(byId.stdout, /\n1 request, newest first\n$/)
  const none = await cli(emulator, ['--status', '418'])
  assert.deepEqual([none.code, none.stdout], [0, 'no request matches\n'])

  // Mistakes: exit 2, saying what is wrong.
  const wrongStatus = await cli(emulator, ['--status', 'teapot'])
  assert.equal(wrongStatus.code, 2)
  assert.match(
    wrongStatus.stderr,
    /status "teapot" is neither an HTTP status \(100 to 599\) nor "failed" \(INVALID_ARGUMENT\)/,
  )
  const wrongLimit = await cli(emulator, ['--limit', 'ten'])
  assert.deepEqual(
    [wrongLimit.code, wrongLimit.stderr.split('\n')[0]],
    [2, 'roq-invites: --limit must be a whole number, got "ten"'],
  )
  const extra = await cli(emulator, ['more'])
  assert.equal(extra.code, 2)
  assert.match(extra.stderr, /requests takes no arguments, got 1/)
  const help = await cli(emulator, ['--help'])
  assert.equal(help.code, 0)
  for (const flag of ['--trace-id ID', '--request-id ID', '--status N|failed', '--limit N', '--json', '--host URL'])
    assert.match(help.stdout, new RegExp(`^ +${flag.replace('|', '\\|')} `, 'm'), flag)
  const tool = await startCli(['--help']).exited
  assert.match(tool.stdout, /^ {2}requests +The emulator's request log/m)
})

test('an empty log says how it fills', async (t) => {
  const emulator = await emulatorFor(t)
  const empty = await cli(emulator, [])
  assert.deepEqual(
    [empty.code, empty.stdout],
    [0, 'no requests yet: the log shows each request to the token and GraphQL endpoints\n'],
  )
})
