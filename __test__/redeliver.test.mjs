// Redelivery, as `stripe events resend` does: a past webhook delivery's event goes to its URL
// again, with the same event id, as a new delivery with its own attempts; through the emulator in
// this process, connectEmulator's HTTP, the dashboard's button and the command line, against a
// real local receiver that fails first and then succeeds.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { RoqError, connectEmulator, startEmulator } from '../index.js'
import { clientFor, emulatorFor, docSnippets, runSnippet, webhookReceiver } from './helpers.mjs'

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

/** `text` as a regular expression that matches it only. */
const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

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
    new RegExp(
      `^delivery \\d+: event ${failed.eventId} \\(created, ada@example\\.com\\), on its way again to ${escaped(failed.url)}$`,
    ),
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

test('the redelivery snippet of docs/webhooks.md runs as written', async (t) => {
  const { hook, emulator, failed } = await failedDelivery(t)
  const [snippet] = docSnippets('emulator.redeliver(failed.id)')
  const again = await runSnippet(snippet, { emulator }, 'again')
  assert.deepEqual([again.eventId === failed.eventId, again.id !== failed.id], [true, true])
  await hook.arrived(2)
})

/**
 * A store (`dbPath`) whose one invite's `created` event was delivered to receiver A by an
 * emulator started with `--db F --webhook A --webhook-key key-a`, since stopped.
 */
async function deliveredBefore(t) {
  const dir = mkdtempSync(join(tmpdir(), 'roq-redeliver-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 'platform.db')
  const hookA = await receiver(t, 0)
  const first = await startEmulator({ dbPath, webhooks: [{ url: hookA.url }], webhookKey: 'key-a', webhookRetry: ONCE })
  try {
    await clientFor(first).roqPlatform.sendUserInvites({
      data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@example.com' }] },
    })
    const past = await until(async () => (await first.webhooks()).find((d) => d.state === 'delivered'))
    assert.equal(past.url, hookA.url)
    assert.equal(hookA.received[0].headers['roq-platform-webhook-key'], 'key-a')
    return { dbPath, hookA, past }
  } finally {
    await first.stop()
  }
}

test('after a restart with another --webhook and key, a redelivery goes to the new webhook with its key, and the old URL gets nothing', async (t) => {
  const { dbPath, hookA, past } = await deliveredBefore(t)
  const hookB = await receiver(t, 0)
  const emulator = await emulatorFor(t, {
    dbPath,
    webhooks: [{ url: hookB.url }],
    webhookKey: 'key-b',
    webhookRetry: ONCE,
  })
  assert.deepEqual(
    (await emulator.webhooks()).map((d) => [d.id, d.url]),
    [[past.id, hookA.url]],
  )

  const again = await emulator.redeliver(past.id)
  assert.deepEqual([again.url, again.eventId, again.state], [hookB.url, past.eventId, 'pending'])
  const [arrived] = await hookB.arrived(1)
  assert.equal(arrived.headers['roq-platform-webhook-key'], 'key-b')
  assert.equal(arrived.eventId, past.eventId)
  assert.equal(arrived.body, hookA.received[0].body, 'the same event, byte for byte')
  assert.equal((await settled(emulator, again.id)).state, 'delivered')

  // The command line and the dashboard's button go the same way.
  const printed = await cli(emulator, ['webhooks', 'redeliver', String(past.id)])
  assert.equal(printed.code, 0, printed.stderr)
  assert.match(printed.stdout, new RegExp(`on its way again to ${escaped(hookB.url)}\n$`))
  const basic = `Basic ${Buffer.from(`${emulator.environmentId}:${emulator.apiKey}`).toString('base64')}`
  const pressed = await fetch(new URL(`/__emulator/dashboard/webhooks/${past.id}/redeliver`, emulator.url), {
    method: 'POST',
    headers: {
      authorization: basic,
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
    },
    body: '',
    redirect: 'manual',
  })
  assert.equal(pressed.status, 303)
  const received = await hookB.arrived(3)
  assert.deepEqual(
    received.map((r) => [r.eventId, r.headers['roq-platform-webhook-key']]),
    Array(3).fill([past.eventId, 'key-b']),
  )
  const deliveries = await until(async () => {
    const all = await emulator.webhooks()
    return all.every((d) => d.state !== 'pending') && all
  })
  assert.deepEqual(
    deliveries.map((d) => [d.url, d.state]),
    [...Array(3).fill([hookB.url, 'delivered']), [hookA.url, 'delivered']],
  )
  assert.equal(hookA.received.length, 1, 'the URL no longer configured got nothing')
})

test('a redelivery goes to its URL while it is still configured (with the key it has now), else to every webhook configured now', async (t) => {
  const { dbPath, hookA, past } = await deliveredBefore(t)
  const [hookB, hookC] = [await receiver(t, 0), await receiver(t, 0)]

  // Restarted with A among others, A with a key of its own now: only A, with that key.
  const withA = await startEmulator({
    dbPath,
    webhooks: [{ url: hookB.url }, { url: hookA.url, key: 'key-a2' }],
    webhookRetry: ONCE,
  })
  try {
    const again = await withA.redeliver(past.id)
    assert.equal(again.url, hookA.url)
    const [, arrived] = await hookA.arrived(2)
    assert.deepEqual([arrived.eventId, arrived.headers['roq-platform-webhook-key']], [past.eventId, 'key-a2'])
    assert.equal((await settled(withA, again.id)).state, 'delivered')
  } finally {
    await withA.stop()
  }

  // Restarted with B and C, each with its key: a new delivery to each, answered with the first.
  const emulator = await emulatorFor(t, {
    dbPath,
    webhooks: [
      { url: hookB.url, key: 'key-b' },
      { url: hookC.url, key: 'key-c' },
    ],
    webhookRetry: ONCE,
  })
  const again = await connectEmulator(emulator).redeliver(past.id)
  assert.deepEqual([again.url, again.eventId], [hookB.url, past.eventId])
  const [[toB], [toC]] = await Promise.all([hookB.arrived(1), hookC.arrived(1)])
  assert.deepEqual([toB.eventId, toB.headers['roq-platform-webhook-key']], [past.eventId, 'key-b'])
  assert.deepEqual([toC.eventId, toC.headers['roq-platform-webhook-key']], [past.eventId, 'key-c'])
  const deliveries = await until(async () => {
    const all = await emulator.webhooks()
    return all.every((d) => d.state !== 'pending') && all
  })
  assert.deepEqual(
    deliveries.map((d) => [d.id, d.url, d.eventId]),
    [
      [again.id + 1, hookC.url, past.eventId],
      [again.id, hookB.url, past.eventId],
      [again.id - 1, hookA.url, past.eventId],
      [past.id, hookA.url, past.eventId],
    ],
  )
  assert.equal(hookA.received.length, 2, 'A got nothing once it was no longer configured')
})

test('with no webhook configured now, a redelivery is CONFLICT, saying how to configure one; an unknown id is still NOT_FOUND', async (t) => {
  const { dbPath, hookA, past } = await deliveredBefore(t)
  const emulator = await emulatorFor(t, { dbPath })
  const message = `No webhook is configured, so there is nowhere to send delivery ${past.id} again: start the emulator with --webhook URL (startEmulator({ webhooks: [{ url }] })) and the same --db (dbPath), then redeliver it`
  for (const [redeliver, prefix] of [
    [() => emulator.redeliver(past.id), ''],
    [() => connectEmulator(emulator).redeliver(past.id), 'redeliver: '],
  ]) {
    await assert.rejects(redeliver(), (error) => {
      assert.ok(error instanceof RoqError)
      assert.equal(error.code, 'CONFLICT')
      assert.equal(error.message, `${prefix}${message}`)
      return true
    })
  }
  const printed = await cli(emulator, ['webhooks', 'redeliver', String(past.id)])
  assert.equal(printed.code, 1)
  assert.match(
    printed.stderr,
    /nowhere to send delivery \d+ again: start the emulator with --webhook URL.*\(CONFLICT\)/,
  )
  await assert.rejects(emulator.redeliver(past.id + 1), { code: 'NOT_FOUND' })
  assert.deepEqual(
    (await emulator.webhooks()).map((d) => d.id),
    [past.id],
    'no delivery was made',
  )
  assert.equal(hookA.received.length, 1)
})
