// Wire fidelity: what our client puts on the wire, compared with what the official SDK sent for
// the same calls (reference/roq-golden/). A fake platform answers with the goldens' recorded
// responses and records every request; paths, the two ROQ headers, bodies and the fields the
// GraphQL documents select must match (the document text may differ).
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { test } from 'node:test'

import { Kind, parse, print } from 'graphql'

import { RoqClient } from '../index.js'

const goldenDir = new URL('../reference/roq-golden/', import.meta.url)
const goldens = new Map(
  readdirSync(goldenDir)
    .filter((file) => /^\d\d-.*\.json$/.test(file))
    .map((file) => JSON.parse(readFileSync(new URL(file, goldenDir), 'utf8')))
    .map((golden) => [golden.seq, golden]),
)
const golden = (seq) => goldens.get(seq)

/** The operations for which the SDK has a method (and so its own documents): fields must be the same. */
const SDK_METHODS = new Set([
  'sendUserInvites',
  'resendUserInvite',
  'userInvites',
  'userInvite',
  'cancelUserInvite',
  'acceptUserInvite',
])

/** A fake platform that answers like the capture server did, and records what it is sent. */
async function fakePlatform(t) {
  const requests = []
  const server = createServer(async (request, response) => {
    let text = ''
    for await (const chunk of request) text += chunk
    const body = text ? JSON.parse(text) : undefined
    requests.push({ method: request.method, path: request.url, headers: request.headers, body })
    // The golden for the same endpoint and, where it matters, the same operation or user. The
    // goldens' answer to the hand-written V1 send selects a few fields only: answer it with
    // complete invites, as our client reads them, so that it sees a complete answer.
    if (body?.operationName === 'sendUserInvitesV1') {
      const complete = golden(2).fakeServerResponse.body.data.sendUserInvitesV2.success[0]
      const success = body.variables.userInvites.userInvites.map((invite) => ({ ...complete, email: invite.email }))
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ data: { sendUserInvites: { success, errors: [] } } }))
      return
    }
    const answer = [...goldens.values()].find(
      (g) =>
        g.fakeServerMode === 'ok' &&
        g.request.path === request.url &&
        g.request.body.operationName === body.operationName &&
        g.request.body.userId === body.userId,
    )?.fakeServerResponse
    if (!answer) {
      // A request the SDK never sent: say so at once (the comparison then names it).
      response
        .writeHead(400, { 'content-type': 'text/plain' })
        .end(`no golden answers ${request.url} ${body?.operationName}`)
      return
    }

    response.writeHead(answer.status, { 'content-type': answer.contentType })
    response.end(JSON.stringify(answer.body))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  // close() waits for each connection to end, and the client keeps its own for the next call
  // (reqwest's pool, 90 s idle): on Node 24 that held a test 90 s now and then.
  t.after(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  return { url: `http://127.0.0.1:${server.address().port}`, requests }
}

/** The SDK was given these credentials, so the Basic header can be compared as it is. */
function clientFor(url) {
  return new RoqClient({ host: url, environmentId: 'ENV_ID', apiKey: 'API_KEY' })
}

/** Replays a golden GraphQL request through our API: our arguments are the variables. */
async function replay(client, goldenRequest) {
  const { operationName, variables } = goldenRequest.body
  const method = operationName.replace(/V1$/, '')
  try {
    await client.roqPlatform[method](variables)
  } catch (error) {
    // The goldens' canned answers to hand-written graphqlRequest documents select fewer fields
    // than our documents read; only the request matters here.
    if (error.code !== 'PROTOCOL_ERROR' || SDK_METHODS.has(operationName)) throw error
  }
}

/** A GraphQL document as what it asks for: operation, variable types, root field and arguments, selected leaves. */
function documentShape(query) {
  const document = parse(query)
  const fragments = new Map(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  )
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)
  const [root] = operation.selectionSet.selections
  const fields = []
  const walk = (selectionSet, prefix) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const path = `${prefix}${selection.name.value}`
        if (selection.selectionSet) walk(selection.selectionSet, `${path}.`)
        else fields.push(path)
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        walk(fragments.get(selection.name.value).selectionSet, prefix)
      } else {
        walk(selection.selectionSet, prefix)
      }
    }
  }
  walk(root.selectionSet, '')
  return {
    operation: operation.operation,
    variables: operation.variableDefinitions.map((v) => `$${v.variable.name.value}: ${print(v.type)}`).sort(),
    root: `${root.name.value}(${root.arguments
      .map((a) => `${a.name.value}: ${print(a.value)}`)
      .sort()
      .join(', ')})`,
    fields: fields.sort(),
  }
}

function assertSameRequest(ours, theirs, label) {
  assert.equal(`${ours.method} ${ours.path}`, `${theirs.method} ${theirs.path}`, label)
  for (const header of ['roq-platform-authorization', 'roq-platform-server-authorization']) {
    assert.equal(ours.headers[header], theirs.headers[header], `${label}: ${header}`)
  }
  assert.match(ours.headers['content-type'], /^application\/json/, label)
  if (theirs.path !== '/v01/server/graphql') {
    assert.deepEqual(ours.body, theirs.body, `${label}: token request body`)
    return
  }
  assert.deepEqual(Object.keys(ours.body).sort(), Object.keys(theirs.body).sort(), `${label}: body keys`)
  assert.equal(ours.body.operationName, theirs.body.operationName, label)
  assert.deepEqual(ours.body.variables, theirs.body.variables, `${label}: variables`)
  const [mine, sdk] = [documentShape(ours.body.query), documentShape(theirs.body.query)]
  assert.deepEqual(
    [mine.operation, mine.variables, mine.root],
    [sdk.operation, sdk.variables, sdk.root],
    `${label}: operation`,
  )
  if (SDK_METHODS.has(theirs.body.operationName)) {
    assert.deepEqual(mine.fields, sdk.fields, `${label}: selected fields`)
  } else {
    for (const field of sdk.fields) assert.ok(mine.fields.includes(field), `${label}: selects ${field}`)
  }
}

/** Replays the GraphQL requests among `seqs` through `client`, then compares every request. */
async function assertScenario(platform, client, seqs) {
  for (const seq of seqs) {
    const { request } = golden(seq)
    if (request.path === '/v01/server/graphql') await replay(client, request)
  }
  const expected = seqs.map((seq) => golden(seq).request)
  assert.equal(
    platform.requests.length,
    expected.length,
    `requests: ${platform.requests.map((r) => r.path).join(', ')}`,
  )
  platform.requests.forEach((ours, i) => assertSameRequest(ours, expected[i], golden(seqs[i]).scenario))
}

test('as the service account: one token request, then every operation as the SDK sends it (goldens 01-12)', async (t) => {
  const platform = await fakePlatform(t)
  await assertScenario(platform, clientFor(platform.url), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
})

test('as a user: service-account token, user token, then every operation (goldens 15-24)', async (t) => {
  const platform = await fakePlatform(t)
  const userId = golden(16).request.body.userId
  await assertScenario(platform, clientFor(platform.url).asUser(userId), [15, 16, 17, 18, 19, 20, 21, 22, 23, 24])
})

test('as a user with expiresIn: it goes into the user-token request (goldens 25-27)', async (t) => {
  const platform = await fakePlatform(t)
  const { userId, expiresIn } = golden(26).request.body
  await assertScenario(platform, clientFor(platform.url).asUser(userId, { expiresIn }), [25, 26, 27])
})

test("with a BaaS session: the session's roqAccessToken is the bearer, and no token is fetched (golden 29)", async (t) => {
  const platform = await fakePlatform(t)
  const accessToken = golden(29).request.headers['roq-platform-authorization'].replace(/^Bearer /, '')
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const session = `${part({ alg: 'HS256' })}.${part({ roqAccessToken: accessToken, roqUserId: 'u' })}.signature`
  await assertScenario(platform, clientFor(platform.url).withBaasToken(session), [29])
})

test("graphqlRequest sends the SDK's own documents exactly as its graphqlRequest does (goldens 09-13)", async (t) => {
  const platform = await fakePlatform(t)
  const client = clientFor(platform.url)
  const seqs = [9, 10, 11, 12, 13]
  for (const seq of seqs) {
    const { body, headers } = golden(seq).request
    // Golden 13 passed an extra header (and a bearer of its own, which the SDK, like us, overwrites).
    const extra =
      seq === 13 ? { 'x-extra': headers['x-extra'], 'roq-platform-authorization': 'Bearer mine' } : undefined
    await client.roqPlatform.graphqlRequest(body.query, body.variables, { headers: extra }).catch((error) => {
      // The goldens' canned answers select fewer fields than a real answer; only the request matters.
      if (error.code !== 'PROTOCOL_ERROR') throw error
    })
  }
  const graphql = platform.requests.filter((r) => r.path === '/v01/server/graphql')
  assert.equal(graphql.length, seqs.length)
  graphql.forEach((ours, i) => {
    const theirs = golden(seqs[i]).request
    assert.deepEqual(ours.body, theirs.body, `golden ${seqs[i]}: the same body, document text included`)
    for (const header of ['roq-platform-authorization', 'roq-platform-server-authorization', 'x-extra']) {
      assert.equal(ours.headers[header], theirs.headers[header], `golden ${seqs[i]}: ${header}`)
    }
  })
})
