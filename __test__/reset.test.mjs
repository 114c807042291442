// Reset, through its four ways in (emulator.reset(), connectEmulator().reset(), POST
// /__emulator/reset and `roq-invites reset`): one tenant's data, or every tenant's, goes in one
// step; what another tenant holds, the credentials and the settings stay; nothing issued before
// a reset finds anything after it, and no id a test still holds names something new.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { connectEmulator } from '../index.js'
import { NO_CHROMIUM, clientFor, emulatorFor, launchChromium, webhookReceiver } from './helpers.mjs'

const BIN = fileURLToPath(new URL('../bin/roq-invites.mjs', import.meta.url))

/** A webhook receiver that answers 200, or holds the requests `hold(n)` picks until `release()`. */
async function receiver(t, hold = () => false) {
  const held = []
  const hooks = await webhookReceiver(t, (request, n, response) => (hold(n) ? (held.push(response), 'hang') : 200))
  return { ...hooks, release: () => held.splice(0).forEach((response) => response.writeHead(200).end()) }
}

/** The emulator's deliveries that `pick` picks, once there are any, looking again after each attempt could have ended. */
async function deliveriesOnce(emulator, pick) {
  for (;;) {
    const picked = (await emulator.webhooks()).filter(pick)
    if (picked.length > 0) return picked
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A tenant with a signed-in user who has invited `emails`; the first invite is resent once. */
async function tenantWithInvites(emulator, tenantId, emails) {
  const admin = clientFor(emulator)
  const session = await emulator.session({ tenantId, email: `owner@${tenantId.trim()}.io` })
  const asOwner = admin.withBaasToken(session.token)
  const { success } = await asOwner.roqPlatform.sendUserInvites({
    data: { tenantId, userInvites: emails.map((email) => ({ createdByUserId: session.roqUserId, email })) },
  })
  const [firstMail] = await emulator.outbox({ userInviteId: success[0].id })
  await admin.roqPlatform.resendUserInvite(success[0].id)
  const mails = await emulator.outbox()
  const tokenOf = (id) => new URL(mails.findLast((m) => m.userInviteId === id).acceptUrl).searchParams.get('token')
  return {
    asOwner,
    ids: success.map((invite) => invite.id),
    tokens: success.map((invite) => tokenOf(invite.id)),
    replacedToken: new URL(firstMail.acceptUrl).searchParams.get('token'),
  }
}

/** What the emulator says of any tenant or user id it refuses, in every endpoint. */
const ID_RULE = 'tenantId must be 1 to 255 characters, not blank, and without NUL'

const codeOf = (promise) =>
  promise.then(
    () => 'resolved',
    (error) => error.code,
  )

test("emulator.reset({ tenantId }) empties that tenant; its old sessions, ids and links act nowhere, another tenant's still work", async (t) => {
  const hooks = await receiver(t)
  const emulator = await emulatorFor(t, { webhooks: [{ url: hooks.url }] })
  const admin = clientFor(emulator)
  const acme = await tenantWithInvites(emulator, 'acme', ['ada@x.io', 'bo@x.io', 'cy@x.io'])
  const globex = await tenantWithInvites(emulator, 'globex', ['di@x.io', 'ed@x.io'])
  emulator.faults({ on: 'graphql', answer: 'status', status: 503, times: 5 })

  for (const [options, message] of [
    [{ tenant: 'acme' }, 'tenant: is not a known field; did you mean tenantId?'],
    [{ tenantId: 7 }, 'tenantId: expected a string, got the number 7'],
    [{ tenantId: ' ' }, ID_RULE],
    [{ tenantId: '' }, ID_RULE],
    [{ tenantId: 'acme\u0000' }, ID_RULE],
    [{ tenantId: 'x'.repeat(256) }, ID_RULE],
    // A tenant missing by mistake is not every tenant: only leaving tenantId out is.
    [{ tenantId: null }, 'tenantId: expected a string, got null'],
    [
      { tenantId: undefined },
      "reset: tenantId is undefined; pass the tenant's id, or leave tenantId out to reset every tenant",
    ],
  ])
    await assert.rejects(emulator.reset(options), { code: 'INVALID_ARGUMENT', message })
  assert.equal((await emulator.invites()).totalCount, 5, 'a refused reset removes nothing')
  const removed = await emulator.reset({ tenantId: 'acme' })
  // 3 invites + 1 resend: 4 mails, 4 events (created ×3, resent), a delivery each; one user.
  assert.deepEqual(removed, {
    invites: 3,
    mails: 4,
    users: 1,
    events: 4,
    replacedTokens: 1,
    webhookDeliveries: 4,
    faults: 0,
  })
  // Faults are no tenant's: a tenant's reset leaves them to the others.
  assert.equal(emulator.faults().length, 1)
  emulator.faults([])

  // acme's session (issued before the reset) is refused, and its old ids and links are gone.
  assert.equal(await codeOf(acme.asOwner.roqPlatform.userInvites()), 'UNAUTHORIZED')
  assert.equal(await codeOf(admin.roqPlatform.userInvite(acme.ids[0])), 'NOT_FOUND')
  assert.equal(await codeOf(admin.roqPlatform.acceptUserInvite({ data: { token: acme.tokens[1] } })), 'NOT_FOUND')
  assert.equal(await codeOf(admin.roqPlatform.acceptUserInvite({ data: { token: acme.replacedToken } })), 'NOT_FOUND')
  assert.deepEqual((await emulator.invites({ tenantId: 'acme' })).data, [], 'the dashboard shows none of acme')

  // A new invite of the same email in acme is a new invite: a new id, and only its own link accepts it.
  const { success } = await admin.roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'carol', email: 'ada@x.io' }] },
  })
  const fresh = success[0]
  assert.ok(!acme.ids.includes(fresh.id))
  for (const old of [acme.tokens[0], acme.replacedToken])
    assert.equal(await codeOf(admin.roqPlatform.acceptUserInvite({ data: { token: old } })), 'NOT_FOUND')
  assert.equal(await codeOf(acme.asOwner.roqPlatform.userInvites()), 'UNAUTHORIZED', 'the old session is still refused')
  const [freshMail] = await emulator.outbox({ userInviteId: fresh.id })
  const freshToken = new URL(freshMail.acceptUrl).searchParams.get('token')
  assert.equal((await admin.roqPlatform.acceptUserInvite({ data: { token: freshToken } })).status, 'accepted')

  // globex is untouched: its session, its ids and its links work.
  assert.deepEqual((await globex.asOwner.roqPlatform.userInvites()).data.map((i) => i.email).sort(), [
    'di@x.io',
    'ed@x.io',
  ])
  assert.equal((await admin.roqPlatform.userInvite(globex.ids[1])).email, 'ed@x.io')
  assert.equal((await admin.roqPlatform.acceptUserInvite({ data: { token: globex.tokens[1] } })).status, 'accepted')
})

test('connectEmulator().reset() empties every tenant and the fault queue, keeps the credentials, and never reuses a number', async (t) => {
  const hooks = await receiver(t)
  const emulator = await emulatorFor(t, { webhooks: [{ url: hooks.url }] })
  const remote = connectEmulator(emulator.env)
  await tenantWithInvites(emulator, 'acme', ['ada@x.io'])
  await tenantWithInvites(emulator, 'globex', ['di@x.io', 'ed@x.io'])
  await hooks.arrived(5)
  const before = { mails: await emulator.outbox(), deliveries: await emulator.webhooks() }
  await remote.faults([{ answer: 'status' }, { on: 'token', answer: 'drop' }])

  assert.deepEqual(await remote.reset(), {
    invites: 3,
    mails: 5,
    users: 2,
    events: 5,
    replacedTokens: 2,
    webhookDeliveries: 5,
    faults: 2,
  })
  assert.deepEqual(await remote.faults(), [])
  assert.deepEqual([await remote.outbox(), (await remote.invites()).data, await remote.webhooks()], [[], [], []])
  assert.deepEqual(await remote.reset(), {
    invites: 0,
    mails: 0,
    users: 0,
    events: 0,
    replacedTokens: 0,
    webhookDeliveries: 0,
    faults: 0,
  })

  // The same credentials still work, and the numbers go on from where they were.
  const { success } = await clientFor(emulator).roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'new@x.io' }] },
  })
  const [mail] = await remote.outbox()
  assert.equal(mail.userInviteId, success[0].id)
  assert.ok(mail.id > Math.max(...before.mails.map((m) => m.id)), `mail ${mail.id} is a new number`)
  await hooks.arrived(6)
  const [delivery] = await deliveriesOnce(remote, (d) => d.state === 'delivered')
  assert.ok(delivery.id > Math.max(...before.deliveries.map((d) => d.id)), `delivery ${delivery.id} is a new number`)
})

test('a delivery in flight when its event is removed ends without touching the deliveries made after', async (t) => {
  // The first request is held until the reset and a new invite are done.
  const hooks = await receiver(t, (n) => n === 1)
  const emulator = await emulatorFor(t, {
    webhooks: [{ url: hooks.url }],
    webhookRetry: { attempts: 2, timeoutMs: 60_000 },
  })
  const admin = clientFor(emulator)
  const invite = (email) =>
    admin.roqPlatform.sendUserInvites({
      data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email }] },
    })
  await invite('old@x.io')
  await hooks.arrived(1)
  assert.equal((await emulator.reset()).webhookDeliveries, 1)
  const { success } = await invite('new@x.io')
  hooks.release()

  const [delivery] = await deliveriesOnce(emulator, (d) => d.state !== 'pending')
  assert.equal(delivery.userInviteId, success[0].id)
  assert.equal(delivery.state, 'delivered')
  assert.equal(delivery.attempts.length, 1)
  // Delivered means sent: the receiver got the new event itself, not the old one's answer.
  assert.ok(
    hooks.received.some((r) => r.eventId === delivery.eventId && r.event.data.current.email === 'new@x.io'),
    'the new event reached the receiver',
  )
  assert.equal((await emulator.webhooks()).length, 1)
})

test('POST /__emulator/reset: Basic auth, the cross-origin guard, JSON only, and a named mistake', async (t) => {
  const emulator = await emulatorFor(t)
  await tenantWithInvites(emulator, 'acme', ['ada@x.io'])
  const endpoint = `${emulator.url}/__emulator/reset`
  const basic = `Basic ${Buffer.from(`${emulator.environmentId}:${emulator.apiKey}`).toString('base64')}`
  const post = (headers, body = '{}') =>
    fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })

  assert.equal((await post({})).status, 401)
  const crossSite = await post({ authorization: basic, 'sec-fetch-site': 'cross-site' })
  assert.equal(crossSite.status, 403)
  const form = await fetch(endpoint, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'tenantId=acme',
  })
  assert.equal(form.status, 415)
  for (const [body, field] of [
    ['{"tenantId":""}', 'tenantId must be 1 to 255 characters, not blank'],
    ['{"tenantId":" "}', 'tenantId must be 1 to 255 characters, not blank'],
    ['{"tenantId":null}', 'invalid type: null, expected a string.*send \\{\\} to reset every tenant'],
    ['{"tenant":"acme"}', 'tenant'],
    ['{"tenantId":7}', 'expected a string.*"tenantId": "acme"'],
    ['"acme"', 'send \\{\\} to reset every tenant'],
  ]) {
    const refused = await post({ authorization: basic }, body)
    assert.equal(refused.status, 400, body)
    assert.match((await refused.json()).message, new RegExp(field), body)
  }
  assert.equal((await emulator.invites()).totalCount, 1, 'nothing was removed by a refused request')

  const done = await post({ authorization: basic }, '{"tenantId":"acme"}')
  assert.equal(done.status, 200)
  assert.match(done.headers.get('content-type'), /^application\/json/)
  assert.equal((await done.json()).invites, 1)
  assert.equal((await emulator.invites()).totalCount, 0)
})

test('roq-invites reset [--tenant ID] says what it removed, or --json', async (t) => {
  const emulator = await emulatorFor(t)
  await tenantWithInvites(emulator, 'acme', ['ada@x.io'])
  await tenantWithInvites(emulator, 'globex', ['di@x.io'])
  const cli = async (args, env = emulator.env) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let [stdout, stderr] = ['', '']
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const [code] = await once(child, 'close')
    return { code, stdout, stderr }
  }

  const one = await cli(['reset', '--tenant', 'acme'])
  assert.equal(one.code, 0, one.stderr)
  assert.equal(
    one.stdout,
    'Reset tenant "acme": removed 1 invite, 2 mails, 1 user, 1 history event, 1 replaced accept link.\n',
  )
  const all = await cli(['reset', '--json'])
  assert.equal(all.code, 0, all.stderr)
  assert.deepEqual(JSON.parse(all.stdout), {
    invites: 1,
    mails: 2,
    users: 1,
    events: 1,
    replacedTokens: 1,
    webhookDeliveries: 0,
    faults: 0,
  })
  const help = await cli(['reset', '--help'], {})
  assert.equal(help.code, 0)
  assert.match(help.stdout, /^Usage: roq-invites reset \[options\]/)
  const unconnected = await cli(['reset'], {})
  assert.equal(unconnected.code, 2)
  assert.match(unconnected.stderr, /ROQ_PLATFORM_URL/)
  const again = await cli(['reset'])
  assert.equal(again.stdout, 'Reset every tenant: removed nothing.\n')
  const empty = await cli(['reset', '--tenant', ' '])
  assert.equal(empty.code, 2, 'a usage error: nothing was done')
  assert.match(empty.stderr, /--tenant must not be empty; leave it out to reset every tenant/)
  const tooLong = await cli(['reset', '--tenant', 'x'.repeat(300)])
  assert.equal(tooLong.code, 2, 'INVALID_ARGUMENT from the emulator: nothing was done')
  assert.match(tooLong.stderr, /tenantId must be 1 to \d+ characters/)
  // The tenant is its id exactly: " acme" is another tenant, which has nothing.
  const padded = await cli(['reset', '--tenant', ' acme'])
  assert.equal(padded.stdout, 'Reset tenant " acme": removed nothing.\n')
})

test('a tenant id means the same in the send, a session, a user token and a reset: exactly as given, and a blank one refused with one message', async (t) => {
  const emulator = await emulatorFor(t)
  const admin = clientFor(emulator)
  const send = (tenantId, email) =>
    admin.roqPlatform.sendUserInvites({ data: { tenantId, userInvites: [{ createdByUserId: 'carol', email }] } })
  await send('acme', 'ada@x.io')
  await send(' acme', 'bo@x.io')
  const padded = await emulator.session({ tenantId: ' acme', userId: ' alice' })
  assert.deepEqual([padded.tenantId, padded.roqUserId], [' acme', ' alice'], 'a session keeps the ids as given')
  assert.deepEqual(
    (await admin.withBaasToken(padded.token).roqPlatform.userInvites()).data.map((i) => i.email),
    ['bo@x.io'],
    "' alice' is a user of ' acme', and sees its invites only",
  )
  assert.deepEqual((await emulator.invites()).data.map((i) => i.tenantId).sort(), [' acme', 'acme'])
  // Pages show a padded tenant quoted, so that the space can be seen: here the accept page.
  const [paddedMail] = await emulator.outbox({ to: 'bo@x.io' })
  assert.match(await (await fetch(paddedMail.acceptUrl)).text(), /<dt>Tenant<\/dt><dd>&quot; acme&quot;<\/dd>/)

  // The send, a session and a reset refuse the same ids, with the same words. The client refuses
  // them before sending (INVALID_ARGUMENT), so the emulator is asked here with a raw document.
  const V2 =
    'mutation ($data: UserInvitesCreateV2Dto!) { sendUserInvitesV2(data: $data) { success { id } errors { email error } } }'
  const V1 =
    'mutation ($userInvites: UserInvitesCreateDto!) { sendUserInvites(userInvites: $userInvites) { success { id } errors { email error } } }'
  for (const bad of ['', ' ', '\t', 'a\u0000', 'x'.repeat(256)]) {
    const what = JSON.stringify(bad)
    const entry = { createdByUserId: 'carol', email: 'cy@x.io' }
    const v2 = await admin.roqPlatform
      .graphqlRequest(V2, { data: { tenantId: bad, userInvites: [entry] } })
      .catch((e) => e)
    assert.equal(v2.message, `graphqlRequest: ${ID_RULE}`, `V2 tenantId ${what}`)
    const v1 = await admin.roqPlatform
      .graphqlRequest(V1, { userInvites: { tenantId: bad, userInvites: [entry] } })
      .catch((e) => e)
    assert.equal(v1.message, `graphqlRequest: ${ID_RULE}`, `V1 tenantId ${what}`)
    const perEntry = await admin.roqPlatform.graphqlRequest(V1, {
      userInvites: { userInvites: [{ ...entry, tenantId: bad }] },
    })
    assert.deepEqual(perEntry.sendUserInvites.errors, [{ email: 'cy@x.io', error: ID_RULE }], `V1 entry ${what}`)
    const inviter = await admin.roqPlatform.graphqlRequest(V2, {
      data: { tenantId: 'acme', userInvites: [{ ...entry, createdByUserId: bad }] },
    })
    assert.deepEqual(
      inviter.sendUserInvitesV2.errors,
      [{ email: 'cy@x.io', error: ID_RULE.replace('tenantId', 'createdByUserId') }],
      `createdByUserId ${what}`,
    )
    await assert.rejects(emulator.session({ tenantId: bad }), { message: ID_RULE }, `session tenantId ${what}`)
    await assert.rejects(
      emulator.session({ tenantId: 'acme', userId: bad }),
      { message: ID_RULE.replace('tenantId', 'userId') },
      `session userId ${what}`,
    )
    await assert.rejects(emulator.reset({ tenantId: bad }), { message: ID_RULE }, `reset ${what}`)
  }
  // A user's token, asked for as the platform's server SDK does, by the same rule.
  const tokens = await fetch(`${emulator.url}/v01/authorize`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'roq-platform-authorization': `Bearer ${await serviceToken(emulator)}`,
    },
    body: JSON.stringify({ environmentId: emulator.environmentId, apiKey: emulator.apiKey, userId: ' ' }),
  })
  assert.equal(tokens.status, 400)
  assert.equal((await tokens.json()).message, ID_RULE.replace('tenantId', 'userId'))
  assert.deepEqual((await emulator.invites()).data.map((i) => i.tenantId).sort(), [' acme', 'acme'], 'nothing was sent')

  // The reset takes the tenant as the send did: " acme" is not "acme".
  assert.equal((await emulator.reset({ tenantId: ' acme' })).invites, 1)
  assert.deepEqual(
    (await emulator.invites()).data.map((i) => [i.tenantId, i.email]),
    [['acme', 'ada@x.io']],
  )
})

test("after a reset, the removed users' sessions act nowhere, even once their ids are given again; other tenants' and the service account's work", async (t) => {
  const emulator = await emulatorFor(t)
  const admin = clientFor(emulator)
  const alice = await emulator.session({ tenantId: 'acme', userId: 'alice' })
  const bob = await emulator.session({ tenantId: 'globex', userId: 'bob' })
  const asOldAlice = admin.withBaasToken(alice.token)
  const asBob = admin.withBaasToken(bob.token)
  const invite = (as, tenantId, createdByUserId, email) =>
    as.roqPlatform.sendUserInvites({ data: { tenantId, userInvites: [{ createdByUserId, email }] } })
  const [acmeInvite] = (await invite(asOldAlice, 'acme', 'alice', 'ada@x.io')).success
  await invite(asBob, 'globex', 'bob', 'di@x.io')
  const [firstMail] = await emulator.outbox({ userInviteId: acmeInvite.id })
  await admin.roqPlatform.resendUserInvite(acmeInvite.id)
  const [, secondMail] = await emulator.outbox({ userInviteId: acmeInvite.id })
  const tokenOf = (mail) => new URL(mail.acceptUrl).searchParams.get('token')

  await emulator.reset({ tenantId: 'acme' })
  // The id alice is given again, in globex: the new session acts there, and the old one nowhere.
  const newAlice = await emulator.session({ tenantId: 'globex', userId: 'alice' })
  const asNewAlice = admin.withBaasToken(newAlice.token)
  assert.deepEqual(
    (await asNewAlice.roqPlatform.userInvites()).data.map((i) => i.email),
    ['di@x.io'],
  )
  for (const call of [
    () => asOldAlice.roqPlatform.userInvites(),
    () => invite(asOldAlice, 'globex', 'alice', 'mallory@x.io'),
    () => invite(asOldAlice, 'initech', 'alice', 'mallory@x.io'),
  ])
    assert.equal(await codeOf(call()), 'UNAUTHORIZED')
  // The browser SDK's endpoint takes the session's access token: refused there too.
  const browser = await fetch(`${emulator.url}/v01/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'roq-platform-authorization': `Bearer ${alice.accessToken}` },
    body: JSON.stringify({ query: '{ userInvites { totalCount } }' }),
  })
  const [refusal] = (await browser.json()).errors
  assert.deepEqual(refusal.extensions.response, {
    statusCode: 401,
    errorCode: 'UNAUTHORIZED_EXCEPTION',
    message:
      'Token was issued before a reset of the emulator removed its user; sign in again (a new session or user token)',
  })
  assert.deepEqual(
    (await emulator.invites()).data.map((i) => i.email),
    ['di@x.io'],
    'the old session sent nothing',
  )

  // acme's links find nothing: the accept link of its newest mail, and the one the resend replaced.
  for (const mail of [secondMail, firstMail]) {
    assert.deepEqual(await admin.roqPlatform.checkUserInviteToken(tokenOf(mail)), {
      isValid: false,
      isExpired: null,
      email: null,
    })
    const page = await fetch(mail.acceptUrl)
    assert.equal(page.status, 404)
    assert.match(await page.text(), /Unknown link/)
    assert.equal(await codeOf(admin.roqPlatform.acceptUserInvite({ data: { token: tokenOf(mail) } })), 'NOT_FOUND')
  }

  // Another tenant's session from before keeps working; a reset of every tenant ends every user's
  // session, never the service account's (its token is from before both resets).
  assert.deepEqual(
    (await asBob.roqPlatform.userInvites()).data.map((i) => i.email),
    ['di@x.io'],
  )
  await emulator.reset()
  for (const as of [asBob, asNewAlice]) assert.equal(await codeOf(as.roqPlatform.userInvites()), 'UNAUTHORIZED')
  assert.equal((await admin.roqPlatform.userInvites()).totalCount, 0)
  assert.equal(emulator.stats().serviceAccountTokens, 1, 'the service account kept its one token')
})

/** A service account's token, as the platform's SDK asks for one. */
async function serviceToken(emulator) {
  const answer = await fetch(`${emulator.url}/v01/authorize/serviceAccount`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'project-service-account@roq.tech',
      environmentId: emulator.environmentId,
      apiKey: emulator.apiKey,
    }),
  })
  return (await answer.json()).accessToken
}

// The dashboard, through its real pages and forms, as a browser sends them.

const basicOf = (emulator) => `Basic ${Buffer.from(`${emulator.environmentId}:${emulator.apiKey}`).toString('base64')}`

/** HTML's escapes (those maud writes) read back. */
const unescape = (text) =>
  text.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')

/** The text of a page as a browser shows it, tags dropped and spaces collapsed. */
const textOf = (html) => unescape(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ')

/** A dashboard page: its status and HTML. */
async function dashboard(emulator, query) {
  const answer = await fetch(`${emulator.dashboardUrl}${query}`, { headers: { authorization: basicOf(emulator) } })
  return { status: answer.status, html: await answer.text() }
}

/** The counts of the confirmation's table, by kind: { invites: 2, mails: 3, ... }. */
function countsOf(html) {
  const rows = html.matchAll(/<tr data-kind="([^"]+)"><th>[^<]*<\/th><td>(\d+)<\/td><\/tr>/g)
  return Object.fromEntries([...rows].map(([, kind, n]) => [kind, Number(n)]))
}

/** The page's form that posts, with its fields, as a browser would send it. */
function formOf(html) {
  const form = html.match(/<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/)
  assert.ok(form, 'the page has a form that posts')
  const fields = new URLSearchParams()
  for (const [, name, value] of form[2].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields.append(unescape(name), unescape(value))
  return { action: unescape(form[1]), fields }
}

/** Posts a form of the dashboard's page, with the header a browser adds (Sec-Fetch-Site: same-origin). */
async function submit(emulator, { action, fields }) {
  const answer = await fetch(new URL(action, emulator.url), {
    method: 'POST',
    redirect: 'manual',
    headers: {
      authorization: basicOf(emulator),
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
    },
    body: fields,
  })
  return { status: answer.status, location: answer.headers.get('location'), html: await answer.text() }
}

test("the dashboard's Reset shows exactly the scope and the counts its button removes, and only its own form resets", async (t) => {
  const emulator = await emulatorFor(t)
  await tenantWithInvites(emulator, 'acme', ['ada@x.io', 'bo@x.io'])
  await tenantWithInvites(emulator, 'globex', ['di@x.io'])
  emulator.faults([{ answer: 'drop' }])

  const invitesPage = await dashboard(emulator, '?tenant=acme')
  assert.match(
    invitesPage.html,
    /<a class="button secondary reset" href="\/__emulator\/\?view=reset&amp;tenant=acme">Reset…<\/a>/,
  )
  const confirm = await dashboard(emulator, '?view=reset&tenant=acme')
  assert.equal(confirm.status, 200)
  assert.match(textOf(confirm.html), /Reset tenant "acme"\?/)
  // 2 invites, one resent: 3 mails, 1 history event (without webhooks a creation is no event of
  // its own), 1 replaced link; the owner. Faults stay.
  const shown = {
    invites: 2,
    mails: 3,
    users: 1,
    'history events': 1,
    'replaced accept links': 1,
    'webhook deliveries': 0,
  }
  assert.deepEqual(countsOf(confirm.html), shown)
  assert.match(textOf(confirm.html), /Other tenants, the queued faults and the request log \(no tenant's\) stay\./)
  const form = formOf(confirm.html)
  assert.deepEqual(
    [form.action, Object.fromEntries(form.fields)],
    ['/__emulator/dashboard/reset', { tenant: 'acme', expect: '2.3.1.1.1.0.0' }],
  )
  assert.equal((await emulator.invites()).totalCount, 3, 'asking removes nothing')

  // Only the dashboard's own page may post it.
  for (const [headers, why] of [
    [{}, 'a form that does not show where it comes from'],
    [{ 'sec-fetch-site': 'cross-site' }, "another site's form"],
    [{ 'sec-fetch-site': 'same-site' }, "another port's form"],
    [{ origin: 'http://127.0.0.1:1' }, "another origin's form"],
    [{ 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, 'JSON'],
  ]) {
    const refused = await fetch(`${emulator.url}/__emulator/dashboard/reset`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: basicOf(emulator), 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: headers['content-type'] ? '{"tenant":"acme"}' : form.fields,
    })
    assert.equal(refused.status, 403, why)
  }
  assert.equal((await emulator.invites()).totalCount, 3, 'a refused form removes nothing')

  const done = await submit(emulator, form)
  assert.equal(done.status, 303)
  assert.deepEqual(
    (await emulator.invites()).data.map((i) => i.tenantId),
    ['globex'],
  )
  assert.equal(emulator.faults().length, 1, "a tenant's reset leaves the faults")
  const after = await dashboard(emulator, done.location.slice('/__emulator/'.length))
  assert.match(
    textOf(after.html),
    /Reset tenant "acme": removed 2 invites, 3 mails, 1 user, 1 history event, 1 replaced accept link\./,
  )

  // Every tenant: its own link (scope=all), with the queued faults.
  const allTenants = await dashboard(emulator, '?tenant=')
  assert.match(allTenants.html, /href="\/__emulator\/\?view=reset&amp;scope=all">Reset…/)
  const all = await dashboard(emulator, '?view=reset&scope=all')
  assert.match(textOf(all.html), /Reset every tenant\?/)
  assert.match(textOf(all.html), /The request log is emptied too\./)
  assert.deepEqual(countsOf(all.html), {
    invites: 1,
    mails: 2,
    users: 1,
    'history events': 1,
    'replaced accept links': 1,
    'webhook deliveries': 0,
    'queued faults': 1,
  })
  const everyDone = await submit(emulator, formOf(all.html))
  assert.equal(everyDone.status, 303)
  assert.deepEqual([(await emulator.invites()).totalCount, emulator.faults()], [0, []])
})

test('a dashboard link with a blank or no tenant resets nothing and says why; every tenant is only scope=all', async (t) => {
  const emulator = await emulatorFor(t)
  await tenantWithInvites(emulator, 'acme', ['ada@x.io'])
  await tenantWithInvites(emulator, ' acme', ['bo@x.io'])

  for (const [query, words] of [
    ['?view=reset', /Nothing was reset No tenant is named, and naming none never means every tenant/],
    ['?view=reset&tenant=', /Nothing was reset "" is not a tenant: .* A blank tenant never means every tenant\./],
    [
      '?view=reset&tenant=%20%20',
      /Nothing was reset " " is not a tenant: a tenant id must be 1 to 255 characters, not blank/,
    ],
    ['?view=reset&scope=every', /Nothing was reset scope="every" is not a scope: only scope=all, every tenant, is\./],
    ['?view=reset&tenant=acme&scope=all', /Both a tenant and every tenant \(scope=all\) are named/],
  ]) {
    const page = await dashboard(emulator, query)
    assert.equal(page.status, 400, query)
    assert.match(textOf(page.html), words, query)
    assert.doesNotMatch(page.html, /<form method="post"/, `${query}: no button`)
  }
  // A form posted with a blank tenant, or without the counts its page showed, is refused too.
  for (const body of ['tenant=&expect=0.0.0.0.0.0.0', 'expect=2.2.2.2.0.0.0', 'tenant=acme', 'scope=all&expect=1.2']) {
    const refused = await submit(emulator, { action: '/__emulator/dashboard/reset', fields: new URLSearchParams(body) })
    assert.equal(refused.status, 400, body)
    assert.match(
      textOf(refused.html),
      /Nothing was reset (.* is not a tenant|No tenant is named|The form does not say what its page showed)/,
      body,
    )
  }
  assert.equal((await emulator.invites()).totalCount, 2, 'no link and no form removed anything')

  // A padded tenant is its own, and the pages show it quoted so the space can be seen.
  const invitesPage = (await dashboard(emulator, '')).html
  assert.match(invitesPage, /<option value=" acme">&quot; acme&quot;<\/option>/)
  assert.match(invitesPage, /<td>&quot; acme&quot;<\/td>/)
  assert.match(invitesPage, /<td>acme<\/td>/)
  const padded = await dashboard(emulator, '?view=reset&tenant=%20acme')
  assert.match(textOf(padded.html), /Reset tenant " acme"\?/)
  assert.equal(countsOf(padded.html).invites, 1)
  await submit(emulator, formOf(padded.html))
  assert.deepEqual(
    (await emulator.invites()).data.map((i) => i.tenantId),
    ['acme'],
  )
})

test('a reset posted after the data changed removes nothing and shows the counts of now; the notice says only what was done', async (t) => {
  const emulator = await emulatorFor(t)
  const { asOwner } = await tenantWithInvites(emulator, 'acme', ['ada@x.io'])
  const confirm = await dashboard(emulator, '?view=reset&tenant=acme')
  const stale = formOf(confirm.html)
  assert.equal(stale.fields.get('expect'), '1.2.1.1.1.0.0')

  // Meanwhile, another invite; the page's button no longer says what a reset removes.
  const session = await emulator.session({ tenantId: 'acme', email: 'owner@acme.io' })
  await asOwner.roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: session.roqUserId, email: 'bo@x.io' }] },
  })
  const again = await submit(emulator, stale)
  assert.equal(again.status, 409)
  assert.match(textOf(again.html), /The data changed since the page was shown, so nothing was removed/)
  assert.equal(countsOf(again.html).invites, 2)
  assert.equal((await emulator.invites()).totalCount, 2, 'nothing was removed')
  // The page it shows is the confirmation of now, whose form resets what it shows.
  const done = await submit(emulator, formOf(again.html))
  assert.equal(done.status, 303)
  assert.equal((await emulator.invites()).totalCount, 0)
  const notice = textOf((await dashboard(emulator, done.location.slice('/__emulator/'.length))).html)
  assert.match(
    notice,
    /Reset tenant "acme": removed 2 invites, 3 mails, 1 user, 1 history event, 1 replaced accept link\./,
  )

  // The address carries the reset's number only; a made-up one, or made-up words, say nothing.
  for (const query of ['?reset=99', '?reset=x&removed=1.<b>lies</b>', '?reset=-1', '?reset=1%20']) {
    const page = (await dashboard(emulator, query)).html
    assert.doesNotMatch(page, /class="notice"/, query)
    assert.doesNotMatch(page, /lies/, query)
  }
})

test(
  "in a real Chromium, the dashboard's Reset asks with the counts, notices a change, and resets what it showed",
  { skip: NO_CHROMIUM },
  async (t) => {
    const emulator = await emulatorFor(t)
    const { asOwner } = await tenantWithInvites(emulator, 'acme', ['ada@x.io', 'bo@x.io'])
    await tenantWithInvites(emulator, 'globex', ['di@x.io'])
    const browser = await launchChromium(t)
    const context = await browser.newContext({
      httpCredentials: { username: emulator.environmentId, password: emulator.apiKey, origin: emulator.url },
    })
    const page = await context.newPage()
    await page.goto(`${emulator.dashboardUrl}?view=invites&tenant=acme`)
    await Promise.all([page.waitForURL(/view=reset/), page.click('text=Reset…')])
    assert.equal(await page.textContent('h1'), 'Reset tenant "acme"?')
    assert.equal(await page.textContent('tr[data-kind="invites"] td'), '2')

    // A third invite after the page was shown: the button removes nothing and shows the new count.
    const session = await emulator.session({ tenantId: 'acme', email: 'owner@acme.io' })
    await asOwner.roqPlatform.sendUserInvites({
      data: { tenantId: 'acme', userInvites: [{ createdByUserId: session.roqUserId, email: 'cy@x.io' }] },
    })
    await Promise.all([page.waitForURL(/\/__emulator\/dashboard\/reset$/), page.click('button.danger')])
    assert.ok(await page.isVisible('[data-changed]'))
    assert.equal(await page.textContent('tr[data-kind="invites"] td'), '3')
    assert.equal((await emulator.invites({ tenantId: 'acme' })).totalCount, 3)

    await Promise.all([page.waitForURL(/view=invites&reset=/), page.click('button.danger')])
    assert.match(await page.textContent('.notice'), /^Reset tenant "acme": removed 3 invites, 4 mails, 1 user/)
    assert.deepEqual(
      (await emulator.invites()).data.map((i) => i.tenantId),
      ['globex'],
    )
  },
)
