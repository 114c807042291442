// The official @roq/nodejs SDK (1.0.20) as a test client of the emulator: whatever it sends, the
// emulator must answer as the platform would.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { Platform } from '@roq/nodejs'

import { emulatorFor } from './helpers.mjs'

function platformFor(emulator, overrides = {}) {
  return new Platform({
    host: emulator.url,
    environmentId: emulator.environmentId,
    apiKey: emulator.apiKey,
    ...overrides,
  })
}

const invite = (email, extra = {}) => ({ createdByUserId: 'alice', email, locale: 'en-US', ...extra })

async function latestToken(emulator, userInviteId) {
  const mails = await emulator.outbox({ userInviteId })
  return mails.at(-1).token
}

test('the SDK sends, lists, gets, resends, cancels and accepts through the emulator', async (t) => {
  const emulator = await emulatorFor(t)
  const platform = platformFor(emulator)
  const admin = platform.asSuperAdmin()

  const sent = await admin.sendUserInvites({
    data: {
      tenantId: 'acme',
      userInvites: [invite('ada@acme.io', { firstName: 'Ada' }), invite('grace@acme.io'), invite('bob@')],
    },
  })
  const { success, errors } = sent.sendUserInvitesV2
  assert.deepEqual(
    success.map((i) => [i.email, i.status, i.tenantId]),
    [
      ['ada@acme.io', 'pending', 'acme'],
      ['grace@acme.io', 'pending', 'acme'],
    ],
  )
  assert.deepEqual(
    errors.map((e) => [e.email, e.firstName, e.lastName]),
    [['bob@', '', '']],
  )
  const [ada, grace] = success

  const asAlice = await platform
    .asUser('alice')
    .sendUserInvites({ data: { tenantId: 'acme', userInvites: [invite('alan@acme.io')] } })
  assert.equal(asAlice.sendUserInvitesV2.success[0].createdByUserId, 'alice')
  await admin.sendUserInvites({
    data: { tenantId: 'globex', userInvites: [invite('hank@globex.io', { createdByUserId: 'bob' })] },
  })

  const page = await admin.userInvites({
    filter: { tenantId: { equalTo: 'acme' }, email: { iLike: '%@ACME.IO' } },
    order: { order: 'DESC', sort: 'createdAt' },
    limit: 2,
    offset: 0,
  })
  assert.equal(page.userInvites.totalCount, 3)
  assert.deepEqual(
    page.userInvites.data.map((i) => i.email),
    ['alan@acme.io', 'grace@acme.io'],
  )
  const aliceSees = await platform.asUser('alice').userInvites()
  assert.deepEqual(aliceSees.userInvites.data.map((i) => i.email).sort(), [
    'ada@acme.io',
    'alan@acme.io',
    'grace@acme.io',
  ])

  const got = await admin.userInvite({ id: ada.id })
  assert.equal(got.userInvite.firstName, 'Ada')

  const resent = await admin.resendUserInvite({ userInviteId: ada.id })
  assert.equal(resent.resendUserInvite.status, 'pending')
  assert.equal((await emulator.outbox({ to: 'ada@acme.io' })).length, 2)

  const canceled = await admin.cancelUserInvite({ userInviteId: grace.id })
  assert.equal(canceled.cancelUserInvite.status, 'canceled')

  const accepted = await admin.acceptUserInvite({ data: { token: await latestToken(emulator, ada.id) } })
  assert.equal(accepted.acceptUserInviteV2.status, 'accepted')
  assert.ok(accepted.acceptUserInviteV2.acceptedByUserId)
})

test('graphqlRequest with the V1 send, checkUserInviteToken, updateUserInvite and the V1 accept', async (t) => {
  const emulator = await emulatorFor(t)
  const admin = platformFor(emulator).asSuperAdmin()

  const v1 = await admin.graphqlRequest(
    'mutation sendUserInvitesV1($userInvites: UserInvitesCreateDto!) {\n  sendUserInvites(userInvites: $userInvites) {\n    success { id email status tenantId roleKeys userTokenId createdByUserId }\n    errors { email error firstName lastName }\n  }\n}',
    {
      userInvites: {
        tenantId: 'acme',
        userInvites: [invite('ada@acme.io', { roles: ['member'], data: { team: 'Blue' } })],
      },
    },
  )
  assert.equal(v1.status, 200)
  const [created] = v1.data.sendUserInvites.success
  assert.deepEqual([created.email, created.status, created.roleKeys], ['ada@acme.io', 'pending', ['member']])

  const token = await latestToken(emulator, created.id)
  const check = await admin.graphqlRequest(
    'query checkUserInviteToken($token: String!) {\n  checkUserInviteToken(token: $token) { isValid isExpired email }\n}',
    { token },
  )
  assert.deepEqual(check.data.checkUserInviteToken, { isValid: true, isExpired: false, email: 'ada@acme.io' })

  const updated = await admin.graphqlRequest(
    'mutation updateUserInvite($id: ID!, $userInvite: UserInviteUpdateDto!) {\n  updateUserInvite(id: $id, userInvite: $userInvite) { id firstName lastName locale data acceptedByUserId status }\n}',
    { id: created.id, userInvite: { firstName: 'Fast', locale: 'id-ID', data: { a: 1 } } },
  )
  assert.deepEqual(updated.data.updateUserInvite, {
    id: created.id,
    firstName: 'Fast',
    lastName: '',
    locale: 'id-ID',
    data: { a: 1 },
    acceptedByUserId: null,
    status: 'pending',
  })

  const accepted = await admin.graphqlRequest(
    'mutation acceptUserInviteV1($acceptUserInvite: AcceptUserInviteDto!) {\n  acceptUserInvite(acceptUserInvite: $acceptUserInvite) { id status acceptedByUserId }\n}',
    { acceptUserInvite: { token } },
  )
  assert.equal(accepted.data.acceptUserInvite.status, 'accepted')
})

test("the SDK's errors: HttpException for the platform's error shape, ClientError otherwise", async (t) => {
  const emulator = await emulatorFor(t)

  // A wrong API key: the token endpoint answers 401, the SDK goes on with `Bearer undefined`,
  // and the GraphQL endpoint's 401 in the platform's shape becomes the SDK's HttpException.
  const wrongKey = platformFor(emulator, { apiKey: 'not-the-key' }).asSuperAdmin()
  await assert.rejects(
    wrongKey.sendUserInvites({ data: { tenantId: 't', userInvites: [invite('a@x.io')] } }),
    (error) => {
      assert.equal(error.constructor.name, 'HttpException')
      assert.equal(error.statusCode, 401)
      assert.equal(error.errorCode, 'UNAUTHORIZED_EXCEPTION')
      return true
    },
  )

  const admin = platformFor(emulator).asSuperAdmin()
  for (const [call, statusCode, errorCode] of [
    [() => admin.userInvite({ id: 'no-such-invite' }), 404, 'NOT_FOUND'],
    [() => admin.acceptUserInvite({ data: { token: 'no-such-token' } }), 404, 'NOT_FOUND'],
  ]) {
    await assert.rejects(
      call(),
      (error) =>
        error.constructor.name === 'HttpException' && error.statusCode === statusCode && error.errorCode === errorCode,
    )
  }
  const sent = await admin.sendUserInvites({ data: { tenantId: 't', userInvites: [invite('a@x.io')] } })
  const id = sent.sendUserInvitesV2.success[0].id
  await admin.cancelUserInvite({ userInviteId: id })
  await assert.rejects(
    admin.cancelUserInvite({ userInviteId: id }),
    (error) => error.statusCode === 409 && error.errorCode === 'CONFLICT',
  )

  // The docs' V1 shape passed to the SDK's V2 method fails validation, as on the platform (golden 28).
  await assert.rejects(
    admin.sendUserInvites({ userInvites: { tenantId: 't', userInvites: [invite('b@x.io')] } }),
    (error) => error.constructor.name === 'ClientError' && /data/.test(error.message),
  )
})

test('the SDK caches our tokens (JWTs with exp) and fetches a user token after the service token', async (t) => {
  const emulator = await emulatorFor(t)
  const platform = platformFor(emulator)
  await platform.asSuperAdmin().userInvites()
  await platform.asSuperAdmin().userInvites()
  assert.deepEqual(emulator.stats(), { serviceAccountTokens: 1, userTokens: 0, graphql: 2, faults: 0, rateLimited: 0 })
  await platform.asUser('alice', 3600).userInvites()
  await platform.asUser('alice', 3600).userInvites()
  assert.deepEqual(emulator.stats(), { serviceAccountTokens: 1, userTokens: 1, graphql: 4, faults: 0, rateLimited: 0 })
})

test("withBaasToken: the session cookie's roqAccessToken acts as that user", async (t) => {
  const emulator = await emulatorFor(t)
  const platform = platformFor(emulator)
  await platform.asSuperAdmin().sendUserInvites({ data: { tenantId: 'acme', userInvites: [invite('ada@acme.io')] } })
  await platform.asSuperAdmin().sendUserInvites({
    data: { tenantId: 'globex', userInvites: [invite('hank@globex.io', { createdByUserId: 'bob' })] },
  })

  const service = await (
    await fetch(`${emulator.url}/v01/authorize/serviceAccount`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'project-service-account@roq.tech',
        environmentId: emulator.environmentId,
        apiKey: emulator.apiKey,
      }),
    })
  ).json()
  const user = await (
    await fetch(`${emulator.url}/v01/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'roq-platform-authorization': `Bearer ${service.accessToken}` },
      body: JSON.stringify({ environmentId: emulator.environmentId, apiKey: emulator.apiKey, userId: 'bob' }),
    })
  ).json()
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const session = `${part({ alg: 'HS256' })}.${part({ roqAccessToken: user.accessToken, roqUserId: 'bob' })}.signature`

  const seen = await platform.withBaasToken(session).userInvites()
  assert.deepEqual(
    seen.userInvites.data.map((i) => i.email),
    ['hank@globex.io'],
  )
})
