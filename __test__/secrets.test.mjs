// Secrets never leave: a lying platform echoes every header and body it receives (the API key,
// the Basic credentials, the bearer tokens) into its answers, and no error message, stack,
// inspection or result of ours may contain any of them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { inspect } from 'node:util'

import { RoqClient } from '../index.js'
import { API_KEY, jwt, lyingPlatform, SECRETS, USER_TOKEN } from './lying-platform.mjs'

/** Every way an error or a result can be looked at. */
function views(value) {
  const own = value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value
  return [inspect(value, { depth: Infinity, showHidden: true }), JSON.stringify(own), String(value?.message ?? '')]
}

/** In any case: a host name in a URL (a redirect's Location) reads in lower case. */
function assertNoSecret(texts, label) {
  for (const text of texts) {
    for (const secret of SECRETS)
      assert.ok(
        !text.toLowerCase().includes(secret.toLowerCase()),
        `${label}: a secret leaked in ${text.slice(0, 300)}`,
      )
  }
}

test('no secret in any error, result or inspection, even from a platform that echoes them', async (t) => {
  const platform = await lyingPlatform(t)
  const options = { host: platform.url, environmentId: 'env-1', apiKey: API_KEY, maxRetries: 0 }
  const client = new RoqClient(options)
  const send = { data: { tenantId: 't', userInvites: [{ createdByUserId: 'u', email: 'a@example.com' }] } }
  // Each scenario with what must come back, so that a call that never reached the lying platform
  // (and so had nothing to leak) fails the test instead of passing it.
  const code = (expected) => (outcome) => assert.equal(outcome.code, expected)
  const scenarios = [
    ['a refused service-account token', 'token-refused', () => client.roqPlatform.userInvites(), code('UNAUTHORIZED')],
    [
      'a refused user token',
      'user-token-refused',
      () => client.asUser('alice').roqPlatform.userInvites(),
      code('UNAUTHORIZED'),
    ],
    ['an HTTP 500 that echoes', 'http-500', () => client.roqPlatform.userInvites(), code('SERVER_ERROR')],
    [
      'a GraphQL error that echoes',
      'graphql-error',
      () => client.roqPlatform.userInvite({ id: 'x' }),
      code('FORBIDDEN'),
    ],
    [
      'refusals that echo',
      'refusals',
      () => client.roqPlatform.sendUserInvites(send),
      (outcome) => assert.equal(outcome.errors?.length, 1),
    ],
    ['a send that fails', 'http-500', () => client.roqPlatform.sendUserInvites(send), code('SERVER_ERROR')],
    [
      'a redirect of a token request',
      'token-redirect',
      // A new client: this one's token is cached.
      () => new RoqClient(options).roqPlatform.userInvites(),
      code('PROTOCOL_ERROR'),
    ],
    ['a redirect of GraphQL', 'redirect', () => client.roqPlatform.userInvites(), code('PROTOCOL_ERROR')],
    ['a redirect of a send', 'redirect', () => client.roqPlatform.sendUserInvites(send), code('PROTOCOL_ERROR')],
  ]
  for (const [label, mode, call, expected] of scenarios) {
    platform.state.mode = mode
    const outcome = await call().catch((error) => error)
    expected(outcome)
    assertNoSecret(views(outcome), label)
  }
  // The echoes did reach us: the scrubbing is what kept the secrets out.
  platform.state.mode = 'http-500'
  const echoed = await client.roqPlatform.userInvites().catch((error) => error)
  assert.match(echoed.message, /\[REDACTED\]/)

  for (const handle of [
    client,
    client.roqPlatform,
    client.asUser('alice'),
    client.withBaasToken(jwt({ roqAccessToken: USER_TOKEN })),
  ]) {
    assertNoSecret(views(handle), 'inspecting a client')
  }
})

test('a network error and an abort carry no secret either', async (t) => {
  const platform = await lyingPlatform(t)
  await new Promise((resolve) => setImmediate(resolve))
  const dead = new RoqClient({ host: 'http://127.0.0.1:9', environmentId: 'env-1', apiKey: API_KEY, maxRetries: 0 })
  assertNoSecret(views(await dead.roqPlatform.userInvites().catch((e) => e)), 'network error')
  const client = new RoqClient({ host: platform.url, environmentId: 'env-1', apiKey: API_KEY })
  const aborted = await client.roqPlatform.userInvites({}, { signal: AbortSignal.abort() }).catch((e) => e)
  assertNoSecret(views(aborted), 'abort')
})
