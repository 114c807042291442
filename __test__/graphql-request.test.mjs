// roqPlatform.graphqlRequest: any document, as the current identity, with our retries, deadlines,
// error mapping and scrubbing. A query is retried after a lost answer; a mutation never is.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { RoqError } from '../index.js'
import { clientFor, emulatorFor } from './helpers.mjs'

const golden = (file) =>
  JSON.parse(readFileSync(new URL(`../reference/roq-golden/${file}`, import.meta.url), 'utf8')).request.body

test("the SDK's own graphqlRequest documents run through it and resolve to their data", async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  const send = golden('09-superadmin-graphqlRequest-v1-sendUserInvites--graphql.json')
  const sent = await roqPlatform.graphqlRequest(send.query, send.variables)
  const [created] = sent.sendUserInvites.success
  assert.deepEqual([created.email, created.status], ['invitee@example.com', 'pending'])

  const [mail] = await emulator.outbox()
  const check = golden('11-superadmin-graphqlRequest-checkUserInviteToken--graphql.json')
  assert.deepEqual(await roqPlatform.graphqlRequest(check.query, { token: mail.token }), {
    checkUserInviteToken: { isValid: true, isExpired: false, email: 'invitee@example.com' },
  })
  const update = golden('12-superadmin-graphqlRequest-updateUserInvite--graphql.json')
  const updated = await roqPlatform.graphqlRequest(update.query, { ...update.variables, id: created.id })
  assert.equal(updated.updateUserInvite.id, created.id)
  const accept = golden('10-superadmin-graphqlRequest-v1-acceptUserInvite--graphql.json')
  const accepted = await roqPlatform.graphqlRequest(accept.query, { acceptUserInvite: { token: mail.token } })
  assert.equal(accepted.acceptUserInvite.status, 'accepted')
})

test('it reaches fields we have no method for, as the current identity', async (t) => {
  const emulator = await emulatorFor(t)
  const admin = clientFor(emulator)
  const alice = await emulator.session({ tenantId: 'acme', email: 'alice@acme.io', firstName: 'Alice' })
  await admin.withBaasToken(alice.token).roqPlatform.sendUserInvites({
    data: {
      tenantId: 'acme',
      userInvites: [{ createdByUserId: alice.roqUserId, email: 'ada@example.com', roles: ['member'] }],
    },
  })
  await admin.roqPlatform.sendUserInvites({
    data: { tenantId: 'globex', userInvites: [{ createdByUserId: 'bob', email: 'hank@example.com' }] },
  })
  const query = `query withInviters($email: String) {
    userInvites(filter: { email: { iLike: $email } }) { totalCount data { email createdBy { email firstName } roles { data { key } } } }
  }`
  const all = await admin.roqPlatform.graphqlRequest(query, { email: '%' })
  assert.equal(all.userInvites.totalCount, 2)
  const asAlice = await admin.withBaasToken(alice.token).roqPlatform.graphqlRequest(query, { email: '%@example.com' })
  assert.deepEqual(asAlice.userInvites, {
    totalCount: 1,
    data: [
      {
        email: 'ada@example.com',
        createdBy: { email: 'alice@acme.io', firstName: 'Alice' },
        roles: { data: [{ key: 'member' }] },
      },
    ],
  })
  const asBob = await admin.asUser('bob').roqPlatform.graphqlRequest('{ userInvites { totalCount } }')
  assert.deepEqual(asBob, { userInvites: { totalCount: 1 } })
})

test('a query is asked again after a lost answer; a mutation is never sent twice', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  emulator.faults({ answer: 'drop', commit: true })
  assert.deepEqual(await roqPlatform.graphqlRequest('{ userInvites { totalCount } }'), {
    userInvites: { totalCount: 0 },
  })
  assert.equal(emulator.stats().graphql, 2, 'asked twice')

  emulator.faults({ answer: 'drop', commit: true })
  const send = 'mutation send($data: UserInvitesCreateV2Dto!) { sendUserInvitesV2(data: $data) { success { id } } }'
  const data = { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@example.com' }] }
  const lost = await roqPlatform.graphqlRequest(send, { data }).then(
    () => assert.fail('resolved'),
    (e) => e,
  )
  assert.ok(lost instanceof RoqError)
  assert.equal(lost.code, 'NETWORK_ERROR')
  assert.equal(emulator.stats().graphql, 3, 'sent once')
  assert.equal((await emulator.invites()).totalCount, 1, 'and carried out once')
})

test('a document that does not parse, bad variables or headers, and refusals, are RoqErrors', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  for (const [call, code, message] of [
    [() => roqPlatform.graphqlRequest('{ userInvites { '), 'INVALID_ARGUMENT', /^query: is not a GraphQL document: /],
    [() => roqPlatform.graphqlRequest(42), 'INVALID_ARGUMENT', /^query: expected a string, got the number 42$/],
    [
      () => roqPlatform.graphqlRequest('{ userInvites { totalCount } }', [1]),
      'INVALID_ARGUMENT',
      /^variables: expected an object/,
    ],
    [
      () => roqPlatform.graphqlRequest('{ x }', undefined, { headers: { 'content-type': 'text/plain' } }),
      'INVALID_ARGUMENT',
      /^headers\.content-type: is set by roq-invites/,
    ],
    [
      () => roqPlatform.graphqlRequest('{ x }', undefined, { headers: 'x' }),
      'INVALID_ARGUMENT',
      /^graphqlRequest options\.headers: /,
    ],
    [
      () => roqPlatform.graphqlRequest('subscription s { x }'),
      'INVALID_ARGUMENT',
      /subscriptions are not sent over HTTP/,
    ],
  ]) {
    const error = await call().then(
      () => assert.fail(`resolved: ${message}`),
      (e) => e,
    )
    assert.ok(error instanceof RoqError, error.message)
    assert.equal(error.code, code, error.message)
    assert.match(error.message, message)
  }
  assert.equal(emulator.stats().graphql, 0, 'none of them was sent')
  const missing = await roqPlatform
    .graphqlRequest('query get($id: ID!) { userInvite(id: $id) { id } }', { id: 'nope' })
    .catch((e) => e)
  assert.deepEqual([missing.code, missing.statusCode], ['NOT_FOUND', 404])
  assert.match(missing.message, /^get: No user invite with id nope$/)
  // A document that does not fit the schema is the caller's mistake, as the platform says it.
  const unknown = await roqPlatform.graphqlRequest('{ noSuchField }').catch((e) => e)
  assert.deepEqual(
    [unknown.code, unknown.message],
    ['INVALID_ARGUMENT', 'graphqlRequest: Unknown field "noSuchField" on type "Query".'],
  )
})
