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
import { clientFor, emulatorFor, webhookReceiver } from './helpers.mjs'

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
  const session = await emulator.session({ tenantId, email: `owner@${tenantId}.io` })
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

const codeOf = (promise) =>
  promise.then(
    () => 'resolved',
    (error) => error.code,
  )

test("emulator.reset({ tenantId }) empties that tenant; its old tokens and ids find nothing, another tenant's still work", async (t) => {
  const hooks = await receiver(t)
  const emulator = await emulatorFor(t, { webhooks: [{ url: hooks.url }] })
  const admin = clientFor(emulator)
  const acme = await tenantWithInvites(emulator, 'acme', ['ada@x.io', 'bo@x.io', 'cy@x.io'])
  const globex = await tenantWithInvites(emulator, 'globex', ['di@x.io', 'ed@x.io'])
  emulator.faults({ on: 'graphql', answer: 'status', status: 503, times: 5 })

  for (const [options, message] of [
    [{ tenant: 'acme' }, 'tenant: is not a known field; did you mean tenantId?'],
    [{ tenantId: 7 }, 'tenantId: expected a string, got the number 7'],
    [{ tenantId: ' ' }, 'tenantId must be 1 to 255 characters; leave it out to reset every tenant'],
  ])
    await assert.rejects(emulator.reset(options), { code: 'INVALID_ARGUMENT', message })
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

  // acme's session (issued before the reset) finds nothing, and its old ids and links are gone.
  assert.deepEqual((await acme.asOwner.roqPlatform.userInvites()).data, [])
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
  assert.deepEqual((await acme.asOwner.roqPlatform.userInvites()).data, [], 'the old session still sees nothing')
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
    ['{"tenantId":""}', 'tenantId'],
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
    'Reset tenant acme: removed 1 invite, 2 mails, 1 user, 1 history event, 1 replaced accept link.\n',
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
})

test("the dashboard's Reset asks first, then posts its own form; a form from anywhere else is refused", async (t) => {
  const emulator = await emulatorFor(t)
  await tenantWithInvites(emulator, 'acme', ['ada@x.io', 'bo@x.io'])
  await tenantWithInvites(emulator, 'globex', ['di@x.io'])
  const basic = `Basic ${Buffer.from(`${emulator.environmentId}:${emulator.apiKey}`).toString('base64')}`

  const invitesPage = await (
    await fetch(`${emulator.dashboardUrl}?tenant=acme`, { headers: { authorization: basic } })
  ).text()
  assert.match(invitesPage, /<a class="button secondary reset" href="\?view=reset&amp;tenant=acme">Reset…<\/a>/)
  const confirm = await fetch(`${emulator.dashboardUrl}?view=reset&tenant=acme`, { headers: { authorization: basic } })
  const confirmPage = await confirm.text()
  assert.equal(confirm.status, 200)
  assert.match(confirmPage, /Reset tenant acme\?/)
  assert.match(confirmPage, /This removes tenant acme's 2 invites/)
  assert.match(confirmPage, /<form method="post" action="\/__emulator\/dashboard\/reset">/)
  assert.equal((await emulator.invites()).totalCount, 3, 'asking removes nothing')

  const post = (headers, body = 'tenant=acme') =>
    fetch(`${emulator.url}/__emulator/dashboard/reset`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    })
  for (const [headers, why] of [
    [{}, 'a form that does not show where it comes from'],
    [{ 'sec-fetch-site': 'cross-site' }, "another site's form"],
    [{ 'sec-fetch-site': 'same-site' }, "another port's form"],
    [{ origin: 'http://127.0.0.1:1' }, "another origin's form"],
    [{ 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, 'JSON'],
  ]) {
    const refused = await post(headers, headers['content-type'] ? '{"tenant":"acme"}' : undefined)
    assert.equal(refused.status, 403, why)
  }
  assert.equal((await emulator.invites()).totalCount, 3, 'a refused form removes nothing')

  const done = await post({ 'sec-fetch-site': 'same-origin' })
  assert.equal(done.status, 303)
  const shown = new URL(done.headers.get('location'), emulator.url)
  assert.deepEqual(
    (await emulator.invites()).data.map((i) => i.tenantId),
    ['globex'],
  )
  const after = await (await fetch(shown, { headers: { authorization: basic } })).text()
  assert.match(
    after,
    /Reset tenant acme: removed 2 invites, 3 mails, 1 user, 1 history event, 1 replaced accept link\./,
  )
  // Only numbers are read from the address: a made-up link says nothing else.
  const spoofed = await (
    await fetch(`${emulator.dashboardUrl}?reset=x&removed=1.<b>lies</b>`, { headers: { authorization: basic } })
  ).text()
  assert.match(spoofed, /Reset tenant x: removed 1 invite\./)
  assert.doesNotMatch(spoofed, /lies/)
})
