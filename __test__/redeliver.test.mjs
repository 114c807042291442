// Redelivery, as `stripe events resend` does: a past webhook delivery's event goes to its URL
// again, with the same event id, as a new delivery with its own attempts; through the emulator in
// this process, connectEmulator's HTTP, the dashboard's button and the command line, against a
// real local receiver that fails first and then succeeds.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { RoqError, connectEmulator } from '../index.js'
import { clientFor, emulatorFor, readmeSnippets, runSnippet, webhookReceiver } from './helpers.mjs'

const BIN = fileURLToPath(new URL('../bin/roq-invites.mjs', import.meta.url))
/** One attempt per delivery: a failure is given up at once, and only a redelivery sends it again. */
const ONCE = { attempts: 1, initialDelayMs: 20, maxDelayMs: 20, timeoutMs: 2000 }

/** A receiver that answers 500 to its first `failures` requests, then 200. */
const receiver = (t, failures = 1) => webhookReceiver(t, (request, n) => (n <= failures ? 500 : 200))

/** Resolves once `check()` gives something, looking again after each attempt could have ended. */
async function until(check) {
  for (;;) {
    const value = await check()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** An emulator whose one invite's `created` event has failed (given up) at the receiver. */
async function failedDelivery(t) {
  const hook = await receiver(t)
  const emulator = await emulatorFor(t, { webhooks: [{ url: hook.url }], webhookRetry: ONCE })
  await clientFor(emulator).roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@example.com' }] },
  })
  const failed = await until(async () => (await emulator.webhooks()).find((d) => d.state === 'failed'))
  return { hook, emulator, failed }
}

const settled = (emulator, id) =>
  until(async () => (await emulator.webhooks()).find((d) => d.id === id && d.state !== 'pending'))

test('redeliver sends the same event again, as a new delivery that the fixed receiver takes', async (t) => {
  const { hook, emulator, failed } = await failedDelivery(t)
  assert.equal(failed.attempts.length, 1)
  assert.equal(failed.attempts[0].status, 500)

  const again = await emulator.redeliver(failed.id)
  assert.notEqual(again.id, failed.id)
  assert.equal(again.eventId, failed.eventId)
  assert.deepEqual([again.state, again.attempts, again.url, again.change], ['pending', [], failed.url, 'created'])

  const [first, second] = await hook.arrived(2)
  assert.equal(second.headers['roq-platform-webhook-event-id'], first.headers['roq-platform-webhook-event-id'])
  assert.equal(second.headers['roq-platform-webhook-event-id'], failed.eventId)
  assert.equal(second.headers['roq-platform-webhook-key'], emulator.webhookKey)
  assert.equal(second.body, first.body, 'the same event, byte for byte')

  const delivered = await settled(emulator, again.id)
  assert.equal(delivered.state, 'delivered')
  assert.deepEqual(
    delivered.attempts.map((a) => a.status),
    [200],
  )
  // The past delivery stays as it was.
  const past = (await emulator.webhooks()).find((d) => d.id === failed.id)
  assert.deepEqual([past.state, past.attempts.length], ['failed', 1])
})

test('an unknown delivery id is NOT_FOUND, naming it, in process and over HTTP', async (t) => {
  const { emulator } = await failedDelivery(t)
  for (const id of [999, '999', 'abc']) {
    await assert.rejects(emulator.redeliver(id), (error) => {
      assert.ok(error instanceof RoqError)
      assert.equal(error.code, 'NOT_FOUND')
      assert.ok(error.message.includes(`No webhook delivery "${id}"`), error.message)
      return true
    })
  }
  await assert.rejects(emulator.redeliver(''), { code: 'INVALID_ARGUMENT', message: /deliveryId/ })
  await assert.rejects(connectEmulator(emulator).redeliver(999), {
    code: 'NOT_FOUND',
    message: /No webhook delivery "999"/,
  })
  const basic = `Basic ${Buffer.from(`${emulator.environmentId}:${emulator.apiKey}`).toString('base64')}`
  const response = await fetch(`${emulator.url}/__emulator/webhooks/999/redeliver`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/json' },
    body: '{}',
  })
  assert.equal(response.status, 404)
  assert.equal((await response.json()).errorCode, 'NOT_FOUND')
  // Without the credentials nothing is sent.
  const anonymous = await fetch(`${emulator.url}/__emulator/webhooks/999/redeliver`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  assert.equal(anonymous.status, 401)
})

test('connectEmulator().redeliver and POST /__emulator/webhooks/{id}/redeliver send it again; a page of another origin cannot', async (t) => {
  const { hook, emulator, failed } = await failedDelivery(t)
  const remote = connectEmulator(emulator)
  const again = await remote.redeliver(String(failed.id))
  assert.equal(again.eventId, failed.eventId)
  assert.notEqual(again.id, failed.id)
  assert.equal((await settled(emulator, again.id)).state, 'delivered')

  const basic = `Basic ${Buffer.from(`${emulator.environmentId}:${emulator.apiKey}`).toString('base64')}`
  const crossSite = await fetch(`${emulator.url}/__emulator/webhooks/${failed.id}/redeliver`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
    body: '{}',
  })
  assert.equal(crossSite.status, 403)
  // The JSON endpoint takes no form, even from the emulator's own page: the dashboard's forms post
  // under /__emulator/dashboard/, which takes nothing else.
  const form = await fetch(`${emulator.url}/__emulator/webhooks/${failed.id}/redeliver`, {
    method: 'POST',
    headers: {
      authorization: basic,
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
    },
    body: '',
  })
  assert.equal(form.status, 415)
  for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, {}]) {
    const foreign = await fetch(`${emulator.url}/__emulator/dashboard/webhooks/${failed.id}/redeliver`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: '',
    })
    assert.equal(foreign.status, 403, JSON.stringify(headers))
  }
  assert.equal(hook.received.length, 2, 'the refused requests sent nothing')
  assert.equal((await emulator.webhooks()).length, 2)
})

test("the dashboard's Webhooks tab has a Redeliver button per delivery, which sends it again and comes back", async (t) => {
  const { hook, emulator, failed } = await failedDelivery(t)
  const basic = `Basic ${Buffer.from(`${emulator.environmentId}:${emulator.apiKey}`).toString('base64')}`
  const page = await (
    await fetch(`${emulator.dashboardUrl}?view=webhooks`, { headers: { authorization: basic } })
  ).text()
  const action = `/__emulator/dashboard/webhooks/${failed.id}/redeliver`
  assert.ok(page.includes(`<form class="redeliver" method="post" action="${action}">`), page)
  // What the browser sends when the button is pressed on the dashboard's own page.
  const pressed = await fetch(new URL(action, emulator.url), {
    method: 'POST',
    headers: {
      authorization: basic,
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
      origin: emulator.url,
    },
    body: '',
    redirect: 'manual',
  })
  assert.equal(pressed.status, 303)
  assert.equal(pressed.headers.get('location'), '/__emulator/?view=webhooks')
  await hook.arrived(2)
  const deliveries = await emulator.webhooks()
  assert.equal(deliveries.length, 2)
  assert.equal(deliveries[0].eventId, failed.eventId)
})

/** Runs the command line against `emulator`; resolves to its exit code and output. */
async function cli(emulator, args) {
  const env = { ...process.env, ...emulator.env }
  delete env.NODE_TEST_CONTEXT
  const child = spawn(process.execPath, [BIN, ...args], { env })
  let [stdout, stderr] = ['', '']
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const [code] = await once(child, 'close')
  return { code, stdout, stderr }
}

test('roq-invites webhooks list shows the deliveries; webhooks redeliver <id> sends one again', async (t) => {
  const { hook, emulator, failed } = await failedDelivery(t)
  const listed = await cli(emulator, ['webhooks', 'list'])
  assert.equal(listed.code, 0, listed.stderr)
  const [header, row, summary] = listed.stdout.trimEnd().split('\n')
  assert.deepEqual(header.split(/\s+/), ['ID', 'EVENT', 'INVITE', 'TO', 'STATUS', 'ATTEMPTS', 'TIME'])
  assert.match(
    row,
    new RegExp(`^${failed.id}\\s+created\\s+ada@example\\.com\\s+\\S+/webhook\\s+failed\\s+1 · HTTP 500\\s+\\d{4}-`),
  )
  assert.equal(summary, '1 deliveries, newest first')

  const redelivered = await cli(emulator, ['webhooks', 'redeliver', String(failed.id)])
  assert.equal(redelivered.code, 0, redelivered.stderr)
  assert.match(
    redelivered.stdout.trimEnd(),
    new RegExp(`^delivery \\d+: event ${failed.eventId} \\(created, ada@example\\.com\\), on its way again$`),
  )
  await hook.arrived(2)
  const json = JSON.parse((await cli(emulator, ['webhooks', 'list', '--json'])).stdout)
  assert.equal(json.length, 2)
  assert.deepEqual(
    json.map((d) => d.eventId),
    [failed.eventId, failed.eventId],
  )

  const unknown = await cli(emulator, ['webhooks', 'redeliver', '4242'])
  assert.equal(unknown.code, 1)
  assert.match(unknown.stderr, /No webhook delivery "4242".*\(NOT_FOUND\)/)
  const wrong = await cli(emulator, ['webhooks', 'redeliver'])
  assert.equal(wrong.code, 2)
  assert.match(wrong.stderr, /webhooks takes list \| redeliver <delivery-id>; redeliver takes one delivery id, got 0/)
  const help = await cli(emulator, ['webhooks', '--help'])
  assert.match(help.stdout, /^Usage: roq-invites webhooks list \| redeliver <delivery-id> \[options\]/)
})

test('webhooks list escapes what a terminal would act on', async (t) => {
  const hook = await receiver(t, 0)
  const emulator = await emulatorFor(t, { webhooks: [{ url: hook.url }], webhookRetry: ONCE })
  await clientFor(emulator).roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada\u202emoc@example.com' }] },
  })
  await until(async () => (await emulator.webhooks()).find((d) => d.state === 'delivered'))
  const listed = await cli(emulator, ['webhooks', 'list'])
  assert.equal(listed.code, 0, listed.stderr)
  assert.ok(!listed.stdout.includes('\u202e'), listed.stdout)
  assert.ok(listed.stdout.includes('ada\\u202emoc@example.com'), listed.stdout)
})

test("the README's redelivery snippet runs as written", async (t) => {
  const { hook, emulator, failed } = await failedDelivery(t)
  const [snippet] = readmeSnippets('emulator.redeliver(failed.id)')
  const again = await runSnippet(snippet, { emulator }, 'again')
  assert.deepEqual([again.eventId === failed.eventId, again.id !== failed.id], [true, true])
  await hook.arrived(2)
})
