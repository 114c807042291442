// Numbers and URLs that reach the emulator from outside are checked (issue 19, point 4):
// `expiresIn` on the token endpoint and with a session, and the URLs it is started with.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { RoqError, startEmulator } from '../index.js'
import { clientFor, emulatorFor } from './helpers.mjs'

const MAX = 31_536_000

/** A JWT's payload, unverified: what the official SDK reads of a token. */
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())

async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })
  return { status: response.status, body: await response.json() }
}

/** A user's token request, as @roq/nodejs sends it (reference/roq-golden/26): `expiresIn` as given. */
async function userToken(emulator, expiresInJson) {
  const login = JSON.stringify({
    email: 'project-service-account@roq.tech',
    environmentId: emulator.environmentId,
    apiKey: emulator.apiKey,
  })
  const service = await post(`${emulator.url}/v01/authorize/serviceAccount`, login)
  const body = `{"environmentId":${JSON.stringify(emulator.environmentId)},"apiKey":${JSON.stringify(emulator.apiKey)},"userId":"alice","expiresIn":${expiresInJson}}`
  return post(`${emulator.url}/v01/authorize`, body, {
    'roq-platform-authorization': `Bearer ${service.body.accessToken}`,
  })
}

const FORMS = 'expiresIn must be whole seconds (e.g. 3600) or a string like "90s", "15m", "2h" or "7d"'
const AT_MOST = `expiresIn must be at most ${MAX} seconds (365 days, "365d")`

/** JSON text of `expiresIn` (as it goes over the wire, so 2^63 stays exact) and the 400's message. */
const REFUSED = [
  ['1e300', `${AT_MOST}; got 1e+300`],
  ['"99999999999999999d"', `${AT_MOST}; got "99999999999999999d"`],
  ['9223372036854775808', `${AT_MOST}; got 9223372036854775808`],
  ['18446744073709551615', `${AT_MOST}; got 18446744073709551615`],
  [String(MAX + 1), `${AT_MOST}; got ${MAX + 1}`],
  ['"366d"', `${AT_MOST}; got "366d"`],
  ['0', 'expiresIn must be at least 1 second; got 0'],
  ['-60', 'expiresIn must be at least 1 second; got -60'],
  ['1.5', 'expiresIn must be a whole number of seconds; got 1.5'],
  ['"1.5h"', `${FORMS}; got "1.5h"`],
  ['"soon"', `${FORMS}; got "soon"`],
  ['true', `${FORMS}; got true`],
]

const TAKEN = [
  ['3600', 3600],
  ['"3600"', 3600],
  ['"90s"', 90],
  ['"15m"', 900],
  ['"2h"', 7200],
  ['"7d"', 604_800],
  [String(MAX), MAX],
]

test('expiresIn of a user token: whole seconds or "15m"/"2h"/"7d" up to 365 days, else 400 naming it', async (t) => {
  const emulator = await emulatorFor(t)
  for (const [given, message] of REFUSED) {
    const answer = await userToken(emulator, given)
    assert.deepEqual([answer.status, answer.body], [400, { statusCode: 400, errorCode: 'BAD_REQUEST', message }], given)
  }
  for (const [given, seconds] of TAKEN) {
    const answer = await userToken(emulator, given)
    assert.equal(answer.status, 201, given)
    const { iat, exp } = claims(answer.body.accessToken)
    assert.equal(exp - iat, seconds, given)
  }
  // Our client's asUser sends it as a number: the refusal comes back as INVALID_ARGUMENT.
  const error = await clientFor(emulator)
    .asUser('alice', { expiresIn: 2 ** 63 })
    .roqPlatform.userInvites()
    .catch((e) => e)
  assert.ok(error instanceof RoqError, String(error))
  assert.deepEqual([error.code, error.statusCode], ['INVALID_ARGUMENT', 400])
  assert.match(error.message, /expiresIn must be at most 31536000 seconds/)
})

test('expiresIn of a session: the same rule, over HTTP and in the process', async (t) => {
  const emulator = await emulatorFor(t)
  const authorization = `Basic ${Buffer.from(`${emulator.environmentId}:${emulator.apiKey}`).toString('base64')}`
  for (const [given, message] of REFUSED) {
    const answer = await post(
      `${emulator.url}/__emulator/sessions`,
      `{"tenantId":"acme","userId":"alice","expiresIn":${given}}`,
      { authorization },
    )
    assert.deepEqual([answer.status, answer.body], [400, { statusCode: 400, errorCode: 'BAD_REQUEST', message }], given)
    const inProcess = await emulator.session({ tenantId: 'acme', expiresIn: JSON.parse(given) }).catch((e) => e)
    assert.ok(inProcess instanceof RoqError, given)
    assert.equal(inProcess.code, 'INVALID_ARGUMENT', given)
    assert.match(inProcess.message, /^expiresIn must be /, given)
  }
  for (const [given, seconds] of TAKEN) {
    const answer = await post(
      `${emulator.url}/__emulator/sessions`,
      `{"tenantId":"acme","userId":"alice","expiresIn":${given}}`,
      { authorization },
    )
    assert.equal(answer.status, 201, `${given}: ${JSON.stringify(answer.body)}`)
    const session = claims(answer.body.token)
    assert.equal(session.exp - session.iat, seconds, given)
    const access = claims(answer.body.accessToken)
    assert.equal(access.exp - access.iat, seconds, given)
  }
})

/** startEmulator's refusal of `options`: a RoqError, INVALID_ARGUMENT, whose message is returned. */
async function refusal(options) {
  const error = await startEmulator(options).then(
    async (emulator) => {
      await emulator.stop()
      assert.fail(`started with ${JSON.stringify(options)}`)
    },
    (e) => e,
  )
  assert.ok(error instanceof RoqError, String(error))
  assert.equal(error.code, 'INVALID_ARGUMENT')
  return error.message
}

test('a webhook URL over clear text or with a password, or an accept URL that is no web link, stops the start', async () => {
  assert.equal(
    await refusal({ webhooks: [{ url: 'http://localhost:3000/ok' }, { url: 'http://hooks.example.com/roq?t=1' }] }),
    'webhooks[1].url: "http://hooks.example.com" is http:// to another machine, which would send the webhook key in clear text; use https:// (http:// is only for localhost, 127.0.0.1 or [::1])',
  )
  const withPassword = await refusal({ webhooks: [{ url: 'https://admin:hunter2@hooks.example.com/roq' }] })
  assert.equal(
    withPassword,
    'webhooks[0].url: has a user name or password in it, which the dashboard would show; remove them, and have the receiver check the roq-platform-webhook-key header instead',
  )
  assert.equal(
    await refusal({ webhooks: [{ url: 'ftp://hooks.example.com/' }] }),
    'webhooks[0].url: "ftp://hooks.example.com/" is not an http:// or https:// URL; pass the receiver\'s address, e.g. "http://localhost:3000/api/roq/webhook"',
  )
  for (const acceptUrl of ['javascript:alert(document.domain)', 'data:text/html,<script>alert(1)</script>']) {
    assert.equal(
      await refusal({ acceptUrl }),
      `acceptUrl: ${JSON.stringify(acceptUrl)} is not an http:// or https:// URL, and every mail's accept link would be it; pass your app's accept page, e.g. "http://localhost:3000/accept-invite"`,
    )
  }
  assert.equal(
    await refusal({ acceptUrl: 'https://u:secret@app.example.com/accept' }),
    "acceptUrl: has a user name or password in it, which every mail's accept link would show; remove them",
  )
  assert.equal(
    await refusal({ tokenLifetimeMs: 2 ** 60 }),
    'tokenLifetimeMs: must be at most 31536000000 (365 days); leave it out for the default',
  )
  assert.equal(
    await refusal({ inviteValidityMs: 2 ** 62 }),
    'inviteValidityMs: must be at most 3153600000000 (a hundred years); leave it out for the default',
  )
})

test('https, http to this machine, and any http(s) accept page still start', async (t) => {
  const emulator = await emulatorFor(t, {
    webhooks: [{ url: 'http://127.0.0.1:9/hook' }, { url: 'http://[::1]:9/hook' }, { url: 'https://localhost:9/hook' }],
    acceptUrl: 'http://devbox:3000/accept',
  })
  await clientFor(emulator).roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@acme.io' }] },
  })
  const [mail] = await emulator.outbox()
  assert.ok(mail.acceptUrl.startsWith('http://devbox:3000/accept?token='), mail.acceptUrl)
})
