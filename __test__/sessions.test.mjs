// Development sessions and the emulator reached from another process: what a ROQ app's sign-in,
// its server code and its tests do with them.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'

import { RoqError, connectEmulator, readSessionToken } from '../index.js'
import { clientFor, emulatorFor } from './helpers.mjs'

/** A port nothing listens on: one the system just handed out and that was closed again. */
function closedPort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (payload) => `${part({ alg: 'HS256' })}.${part(payload)}.signature`

test('a session is a roq-session-token whose ids the app reads, and whose user the client acts as', async (t) => {
  const emulator = await emulatorFor(t)
  const alice = await emulator.session({
    tenantId: 'acme',
    email: 'alice@acme.io',
    firstName: 'Alice',
    roles: ['owner'],
  })
  const session = readSessionToken(alice.token)
  assert.deepEqual(
    [session.roqUserId, session.tenantId, session.user.email, session.user.roles],
    [alice.roqUserId, 'acme', 'alice@acme.io', ['owner']],
  )
  assert.ok(session.exp > session.iat)
  assert.ok(!JSON.stringify(session).includes(alice.accessToken), 'the access token stays out of what the app reads')

  const admin = clientFor(emulator)
  await admin.roqPlatform.sendUserInvites({
    data: { tenantId: 'globex', userInvites: [{ createdByUserId: 'bob', email: 'hank@globex.io' }] },
  })
  const asAlice = admin.withBaasToken(alice.token)
  const { success } = await asAlice.roqPlatform.sendUserInvites({
    data: {
      tenantId: session.tenantId,
      userInvites: [{ createdByUserId: session.roqUserId, email: 'ada@example.com' }],
    },
  })
  assert.equal(success[0].createdByUserId, alice.roqUserId)
  assert.deepEqual(
    (await asAlice.roqPlatform.userInvites()).data.map((i) => i.email),
    ['ada@example.com'],
  )
  const forbidden = await asAlice.roqPlatform
    .sendUserInvites({
      data: { tenantId: 'globex', userInvites: [{ createdByUserId: alice.roqUserId, email: 'x@globex.io' }] },
    })
    .catch((e) => e)
  assert.equal(forbidden.code, 'FORBIDDEN')

  // Past its end, the session's access token is refused: the app signs the user in again.
  emulator.advanceClock((session.exp - session.iat + 1) * 1000)
  assert.equal((await asAlice.roqPlatform.userInvites().catch((e) => e)).code, 'UNAUTHORIZED')
})

test('sessions: a bad option is INVALID_ARGUMENT, and a user keeps one tenant', async (t) => {
  const emulator = await emulatorFor(t)
  const rejection = (options) =>
    emulator.session(options).then(
      () => assert.fail('resolved'),
      (e) => e,
    )
  for (const [options, message] of [
    [{}, /^tenantId: is required$/],
    [{ tenantId: ' ' }, /tenantId must be 1 to 255 characters/],
    [{ tenantId: 'acme', email: 'alice@' }, /email "alice@" is not an email address/],
    [{ tenantId: 'acme', role: 'owner' }, /^role: is not a known field; did you mean roles\?$/],
    [{ tenantId: 'acme', expiresIn: 0 }, /expiresIn must be at least 1 second/],
  ]) {
    const error = await rejection(options)
    assert.ok(error instanceof RoqError)
    assert.equal(error.code, 'INVALID_ARGUMENT', error.message)
    assert.match(error.message, message)
  }
  const alice = await emulator.session({ tenantId: 'acme', userId: 'alice' })
  assert.equal(alice.roqUserId, 'alice')
  const moved = await rejection({ tenantId: 'globex', userId: 'alice' })
  assert.deepEqual(
    [moved.code, moved.message],
    ['CONFLICT', 'User alice belongs to tenant acme, not globex; a user has one tenant'],
  )
})

test('readSessionToken names what a token lacks, and never throws anything but a RoqError', () => {
  const cases = [
    [undefined, /^sessionToken: expected the roq-session-token cookie's value \(a string\), got undefined$/],
    [42, /got a number$/],
    ['not-a-jwt', /^sessionToken: is not a JWT \(three base64url parts\)/],
    [jwt({ user: { tenantId: 'acme' } }), /^sessionToken: has no roqUserId claim/],
    [jwt({ roqUserId: 'u1' }), /^sessionToken: has no user\.tenantId claim/],
  ]
  for (const [token, message] of cases) {
    assert.throws(
      () => readSessionToken(token),
      (error) => error instanceof RoqError && error.code === 'INVALID_ARGUMENT' && message.test(error.message),
      String(message),
    )
  }
  assert.deepEqual(readSessionToken(jwt({ roqUserId: 'u1', user: { tenantId: 'acme' } })), {
    id: null,
    roqUserId: 'u1',
    tenantId: 'acme',
    user: { firstName: null, lastName: null, email: null, timezone: null, locale: null, roles: [], tenantId: 'acme' },
    iat: null,
    exp: null,
  })
})

test('connectEmulator reaches an emulator by its URL and credentials, as another process would', async (t) => {
  const emulator = await emulatorFor(t)
  const remote = connectEmulator(emulator.env)
  assert.equal(remote.dashboardUrl, emulator.dashboardUrl)
  assert.ok(!JSON.stringify(remote).includes(emulator.apiKey), 'the API key is not in a JSON dump of it')

  const bob = await remote.session({ tenantId: 'globex', email: 'bob@globex.io' })
  await clientFor(emulator)
    .withBaasToken(bob.token)
    .roqPlatform.sendUserInvites({
      data: { tenantId: 'globex', userInvites: [{ createdByUserId: bob.roqUserId, email: 'hank@example.com' }] },
    })
  const [mail] = await remote.outbox({ to: 'HANK@example.com' })
  assert.match(mail.acceptUrl, /\/accept-invite\?token=/)
  assert.deepEqual(
    (await remote.invites({ status: 'pending' })).data.map((i) => [i.email, i.history.map((h) => h.event)]),
    [['hank@example.com', ['created']]],
  )
  await remote.faults({ answer: 'status', status: 503, times: 3 })
  assert.deepEqual(
    (await remote.faults()).map((f) => [f.answer, f.status, f.times]),
    [['status', 503, 3]],
  )
  assert.deepEqual(
    emulator.faults().map((f) => f.times),
    [3],
  )
  await remote.faults([])
  assert.deepEqual(emulator.faults(), [])

  const wrongKey = await connectEmulator({ ...emulator.env, ROQ_API_KEY: 'not-the-key' })
    .outbox()
    .catch((e) => e)
  assert.deepEqual([wrongKey.code, wrongKey.statusCode], ['UNAUTHORIZED', 401])
  assert.ok(!wrongKey.message.includes('not-the-key'))
  const conflict = await remote.session({ tenantId: 'acme', userId: bob.roqUserId }).catch((e) => e)
  assert.equal(conflict.code, 'CONFLICT')

  for (const [settings, message] of [
    [{}, /url \(ROQ_PLATFORM_URL\), environmentId \(ROQ_ENVIRONMENT_ID\), apiKey \(ROQ_API_KEY\) missing/],
    [
      { url: 'http://emulator.example.com', environmentId: 'e', apiKey: 'k' },
      /must be https:\/\/, or http:\/\/ to localhost/,
    ],
    [{ url: 'not a url', environmentId: 'e', apiKey: 'k' }, /is not a URL/],
  ]) {
    assert.throws(
      () => connectEmulator(settings),
      (error) => error.code === 'INVALID_ARGUMENT' && message.test(error.message),
    )
  }
  const port = await closedPort()
  const dead = await connectEmulator({ url: `http://127.0.0.1:${port}`, environmentId: 'e', apiKey: 'k' })
    .outbox()
    .catch((e) => e)
  assert.equal(dead.code, 'NETWORK_ERROR')
  assert.equal(dead.message, `could not reach the emulator at http://127.0.0.1:${port} (ECONNREFUSED); is it running?`)
})

test("connectEmulator's URL is the rulebook's: https://, or http:// to this machine (localhost, *.localhost, 127/8, [::1])", () => {
  const connect = (url) => connectEmulator({ url, environmentId: 'e', apiKey: 'k' })
  for (const [url, origin] of [
    ['http://localhost:4077', 'http://localhost:4077'],
    ['http://app.localhost:4077/ignored/path?x=1', 'http://app.localhost:4077'],
    ['http://127.0.0.1:4077/', 'http://127.0.0.1:4077'],
    ['http://127.8.9.10:4077', 'http://127.8.9.10:4077'],
    ['http://[::1]:4077', 'http://[::1]:4077'],
    ['https://emulator.example.com', 'https://emulator.example.com'],
    ['  http://LOCALHOST:4077  ', 'http://localhost:4077'],
  ]) {
    assert.equal(connect(url).url, origin, url)
  }
  for (const [url, message] of [
    [
      'http://emulator.example.com',
      'connectEmulator: url "http://emulator.example.com" must be https://, or http:// to localhost',
    ],
    [
      'http://localhost.evil.io:4077',
      'connectEmulator: url "http://localhost.evil.io:4077" must be https://, or http:// to localhost',
    ],
    ['http://0.0.0.0:4077', 'connectEmulator: url "http://0.0.0.0:4077" must be https://, or http:// to localhost'],
    [
      'http://192.168.1.10:4077',
      'connectEmulator: url "http://192.168.1.10:4077" must be https://, or http:// to localhost',
    ],
    [
      'http://[::ffff:127.0.0.1]:4077',
      'connectEmulator: url "http://[::ffff:127.0.0.1]:4077" must be https://, or http:// to localhost',
    ],
    ['ftp://localhost', 'connectEmulator: url "ftp://localhost" must be https://, or http:// to localhost'],
    ['mailto:a@localhost', 'connectEmulator: url "mailto:a@localhost" must be https://, or http:// to localhost'],
    ['localhost:4077', 'connectEmulator: url "localhost:4077" must be https://, or http:// to localhost'],
    [
      'http://user:secret@localhost:4077',
      'connectEmulator: url must not contain a user name or password; pass environmentId and apiKey instead',
    ],
    [
      'not a url',
      `connectEmulator: url "not a url" is not a URL; pass the emulator's address, e.g. http://127.0.0.1:4077`,
    ],
    [
      '127.0.0.1:4077',
      `connectEmulator: url "127.0.0.1:4077" is not a URL; pass the emulator's address, e.g. http://127.0.0.1:4077`,
    ],
  ]) {
    assert.throws(
      () => connect(url),
      (error) => error instanceof RoqError && error.code === 'INVALID_ARGUMENT' && error.message === message,
      url,
    )
  }
})
