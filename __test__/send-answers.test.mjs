// What a send resolves to, from the platform's answer as it is written: every field of each
// created invite reaches the caller as the platform sent it (the binding passes created invites
// on as the answer's JSON text, not rebuilt), and an answer that does not match the schema is a
// PROTOCOL_ERROR that says where, as before.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { test } from 'node:test'

import { RoqClient } from '../index.js'

const golden = JSON.parse(
  readFileSync(new URL('../reference/roq-golden/02-superadmin-sendUserInvites--graphql.json', import.meta.url), 'utf8'),
)
const { variables } = golden.request.body
const invites = golden.fakeServerResponse.body.data.sendUserInvitesV2.success

/** A platform that answers the token request, then each send with `answer(invites)`'s text. */
async function fakePlatform(t, answer) {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      if (request.url.includes('/authorize/')) {
        response.writeHead(201, { 'content-type': 'application/json' }).end('{"accessToken":"t"}')
      } else if (request.url.endsWith('/graphql')) {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(answer)
      } else {
        response.writeHead(404).end()
      }
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  // close() waits for each connection to end, and the client keeps its own for the next call
  // (reqwest's pool, 90 s idle): on Node 24 that held a test 90 s now and then.
  t.after(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  return new RoqClient({ host: `http://127.0.0.1:${server.address().port}`, environmentId: 'e', apiKey: 'k' })
}

const answerWith = (success) => JSON.stringify({ data: { sendUserInvitesV2: { success, errors: [] } } })

/** The invite as the typed model writes it: its fields in the model's order, then index and outcome. */
const expected = (invite, index) => ({
  id: invite.id,
  email: invite.email,
  firstName: invite.firstName ?? null,
  lastName: invite.lastName ?? null,
  locale: invite.locale ?? null,
  data: invite.data ?? null,
  status: invite.status,
  statusUpdatedAt: invite.statusUpdatedAt ?? null,
  createdByUserId: invite.createdByUserId,
  acceptedByUserId: invite.acceptedByUserId ?? null,
  tenantId: invite.tenantId ?? null,
  roleKeys: invite.roleKeys ?? null,
  userTokenId: invite.userTokenId,
  createdAt: invite.createdAt,
  updatedAt: invite.updatedAt ?? null,
  index,
  outcome: 'created',
})

test("created invites carry every field of the platform's answer, in the model's order", async (t) => {
  const client = await fakePlatform(t, answerWith(invites))
  const result = await client.roqPlatform.sendUserInvites(variables)
  assert.deepEqual(result.errors, [])
  assert.deepEqual(result.success, [expected(invites[0], 0), expected(invites[1], 1)])
  assert.deepEqual(Object.keys(result.success[1]), Object.keys(expected(invites[1], 1)))
})

test('escapes, absent fields and fields we do not know come out as JSON reads them', async (t) => {
  const first = {
    ...invites[0],
    firstName: 'Zoë "Z" \\ \u2028',
    data: { note: 'line\nbreak', nested: { deep: [1, 2.5, true, null] } },
    roleKeys: ['a', 'b'],
    unknownField: 'ignored',
  }
  delete first.updatedAt
  delete first.lastName
  // The answer's text, with \u escapes where JSON.stringify would write the characters.
  const text = answerWith([first, invites[1]]).replace('Zoë', 'Zo\\u00eb').replace('invitee@', 'invitee\\u0040')
  const client = await fakePlatform(t, text)
  const result = await client.roqPlatform.sendUserInvites(variables)
  // `expected` has the model's fields only: unknownField is left out, as the typed model leaves it.
  assert.deepEqual(result.success[0], expected(first, 0))
  assert.equal(result.success[0].email, 'invitee@example.com')
})

test('an answer that does not match the schema is a PROTOCOL_ERROR naming the field', async (t) => {
  for (const [field, value] of [
    ['status', 'gone'],
    ['id', 5],
    ['data', 'text'],
    ['roleKeys', [1]],
  ]) {
    const client = await fakePlatform(t, answerWith([{ ...invites[0], [field]: value }, invites[1]]))
    const error = await client.roqPlatform.sendUserInvites(variables, { maxRetries: 0 }).then(
      () => assert.fail(`${field}: resolved`),
      (error) => error,
    )
    assert.equal(error.code, 'PROTOCOL_ERROR', `${field}: ${error.message}`)
    assert.match(error.message, new RegExp(`data\\.sendUserInvitesV2\\.success\\[0\\]\\.${field}`), field)
    // Whether the platform created them cannot be known from such an answer.
    assert.deepEqual(
      error.partial.errors.map((e) => e.code),
      ['OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN'],
    )
  }
})
