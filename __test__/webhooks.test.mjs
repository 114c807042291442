// Webhooks, end to end: the emulator delivers each change of an invite to real local receivers
// (some that fail, hang, drop the connection or are down for a while), and the package verifies
// and reads what they receive.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { RoqError, isInviteEvent, parseWebhookEvent, verifyWebhook } from '../index.js'
import { clientFor, emulatorFor, webhookReceiver } from './helpers.mjs'

/** Fast retries, so that a test waits on events, not on a developer's backoff. */
const QUICK = { attempts: 4, initialDelayMs: 20, maxDelayMs: 40, timeoutMs: 300 }

/** Resolves once `check()` holds, looking again after each delivery attempt could have ended. */
async function until(check) {
  for (;;) {
    const value = await check()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const invite = (email) => ({ data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email }] } })

test('every change of an invite reaches the receiver once, in order, with the key and no secret', async (t) => {
  const hook = await webhookReceiver(t)
  const emulator = await emulatorFor(t, { webhooks: [{ url: hook.url }], webhookRetry: QUICK })
  const { roqPlatform } = clientFor(emulator)
  const [ada] = (await roqPlatform.sendUserInvites(invite('ada@example.com'))).success
  await roqPlatform.resendUserInvite(ada.id)
  await roqPlatform.updateUserInvite({ id: ada.id, userInvite: { firstName: 'Ada' } })
  const [mail] = (await emulator.outbox({ to: 'ada@example.com' })).slice(-1)
  await roqPlatform.acceptUserInvite({ data: { token: mail.token } })
  const [grace] = (await roqPlatform.sendUserInvites(invite('grace@example.com'))).success
  await roqPlatform.cancelUserInvite(grace.id)

  const received = await hook.arrived(6)
  const of = (id) =>
    received
      .filter((r) => r.event.data.current.id === id)
      .map((r) => [r.event.name, r.event.change, r.event.data.previous?.status ?? null, r.event.data.current.status])
  assert.deepEqual(of(ada.id), [
    ['ROQ_USER_INVITE_INSERT', 'created', null, 'pending'],
    ['ROQ_USER_INVITE_UPDATE', 'resent', 'pending', 'pending'],
    ['ROQ_USER_INVITE_UPDATE', 'updated', 'pending', 'pending'],
    ['ROQ_USER_INVITE_UPDATE', 'accepted', 'pending', 'accepted'],
  ])
  assert.deepEqual(
    of(grace.id).map(([, change]) => change),
    ['created', 'canceled'],
  )
  assert.equal(received.find((r) => r.event.change === 'updated').event.data.current.firstName, 'Ada')
  for (const { headers, body, event } of received) {
    assert.equal(headers['roq-platform-webhook-key'], emulator.webhookKey)
    assert.ok(verifyWebhook(headers, emulator.webhookKey))
    assert.deepEqual(parseWebhookEvent(body), event)
    assert.equal(event.object, 'UserInvite')
    for (const secret of [emulator.apiKey, emulator.webhookKey, ...(await emulator.outbox()).map((m) => m.token)]) {
      assert.ok(!body.includes(secret), 'no credential or accept token in a payload')
    }
  }
  assert.equal(new Set(received.map((r) => r.event.id)).size, 6, 'each event has its own id')
  const log = await emulator.webhooks()
  assert.deepEqual([log.length, log.every((d) => d.state === 'delivered' && d.attempts.length === 1)], [6, true])
  assert.equal(log[0].attempts[0].status, 200)
})

test('a receiver that answers 500, hangs past the timeout or drops the connection gets the same event again', async (t) => {
  const fates = [500, 'hang', 'drop', 204]
  const hook = await webhookReceiver(t, (request, n) => fates[n - 1] ?? 204)
  const emulator = await emulatorFor(t, {
    webhooks: [{ url: hook.url, key: 'whk_own_key_of_this_receiver' }],
    webhookRetry: QUICK,
  })
  await clientFor(emulator).roqPlatform.sendUserInvites(invite('ada@example.com'))

  const received = await hook.arrived(4)
  assert.equal(new Set(received.map((r) => r.event.id)).size, 1, 'one event, sent four times')
  assert.equal(new Set(received.map((r) => r.headers['roq-platform-webhook-event-id'])).size, 1)
  assert.ok(received.every((r) => r.headers['roq-platform-webhook-key'] === 'whk_own_key_of_this_receiver'))
  const [delivery] = await until(async () => {
    const log = await emulator.webhooks()
    return log[0]?.state === 'delivered' && log
  })
  assert.deepEqual(
    delivery.attempts.map((a) => a.status ?? a.error),
    [500, 'no answer within 300 ms', 'the connection broke', 204],
  )
})

test('a receiver that is down comes back later: every event arrives once it can, in order per invite', async (t) => {
  // The port is taken and let go, so nothing listens on it until the receiver starts there.
  const placeholder = await webhookReceiver(t)
  const { port, url } = placeholder
  placeholder.server.closeAllConnections()
  await new Promise((resolve) => placeholder.server.close(resolve))

  const emulator = await emulatorFor(t, {
    webhooks: [{ url }],
    webhookRetry: { ...QUICK, attempts: 20, maxDelayMs: 100 },
  })
  const { roqPlatform } = clientFor(emulator)
  const { success } = await roqPlatform.sendUserInvites({
    data: {
      tenantId: 'acme',
      userInvites: ['a', 'b', 'c'].map((name) => ({ createdByUserId: 'alice', email: `${name}@example.com` })),
    },
  })
  for (const sent of success) await roqPlatform.resendUserInvite(sent.id)
  await roqPlatform.cancelUserInvite(success[0].id)
  // Refused while down: the attempts say so, and the platform went on answering.
  await until(async () => (await emulator.webhooks()).some((d) => d.attempts.length >= 2))
  assert.ok((await emulator.webhooks()).every((d) => d.state === 'pending'))
  assert.match((await emulator.webhooks()).find((d) => d.attempts.length > 0).attempts[0].error, /refused/)

  const back = await webhookReceiver(t, () => 200, port)
  const received = await back.arrived(7)
  await until(async () => (await emulator.webhooks()).every((d) => d.state === 'delivered'))
  assert.equal(back.received.length, 7, 'nothing arrived twice')
  for (const sent of success) {
    const changes = received.filter((r) => r.event.data.current.id === sent.id).map((r) => r.event.change)
    assert.deepEqual(changes, sent === success[0] ? ['created', 'resent', 'canceled'] : ['created', 'resent'])
  }
})

test("the platform's answers never wait for a receiver, and a receiver never undoes a change", async (t) => {
  const held = []
  const hook = await webhookReceiver(t, (request) => {
    held.push(request)
    return 'hang'
  })
  const emulator = await emulatorFor(t, {
    webhooks: [{ url: hook.url }],
    webhookRetry: { ...QUICK, attempts: 2, timeoutMs: 60_000 },
  })
  const { roqPlatform } = clientFor(emulator)
  const [ada] = (await roqPlatform.sendUserInvites(invite('ada@example.com'))).success
  // The receiver holds the first event unanswered; the next calls are answered all the same.
  await hook.arrived(1)
  const resent = await roqPlatform.resendUserInvite(ada.id)
  const canceled = await roqPlatform.cancelUserInvite(ada.id)
  assert.deepEqual([resent.status, canceled.status], ['pending', 'canceled'])
  assert.equal(hook.received.length, 1, 'the later events wait behind the first, which is still unanswered')
  assert.deepEqual(
    (await emulator.invites()).data.map((i) => [i.email, i.status]),
    [['ada@example.com', 'canceled']],
  )
})

test('a receiver that always fails is given up after the last attempt, and the invite stays', async (t) => {
  const hook = await webhookReceiver(t, () => 503)
  const emulator = await emulatorFor(t, { webhooks: [{ url: hook.url }], webhookRetry: { ...QUICK, attempts: 3 } })
  await clientFor(emulator).roqPlatform.sendUserInvites(invite('ada@example.com'))
  const [delivery] = await until(async () => {
    const log = await emulator.webhooks()
    return log[0]?.state === 'failed' && log
  })
  assert.deepEqual(
    delivery.attempts.map((a) => a.status),
    [503, 503, 503],
  )
  assert.equal(hook.received.length, 3)
  assert.equal((await emulator.invites()).data[0].status, 'pending')
})

test('an invite that expires as the clock passes its validity is an event too', async (t) => {
  const hook = await webhookReceiver(t)
  const emulator = await emulatorFor(t, {
    webhooks: [{ url: hook.url }],
    webhookRetry: QUICK,
    inviteValidityMs: 60_000,
  })
  await clientFor(emulator).roqPlatform.sendUserInvites(invite('late@example.com'))
  await hook.arrived(1)
  emulator.advanceClock(60_001)
  const [, expired] = await hook.arrived(2)
  assert.deepEqual(
    [expired.event.change, expired.event.data.previous.status, expired.event.data.current.status],
    ['expired', 'pending', 'expired'],
  )
  assert.deepEqual(
    (await emulator.invites()).data[0].history.map((h) => h.event),
    ['created', 'expired'],
  )
})

test('bad webhook options are refused at start, naming the option', async () => {
  const { startEmulator } = await import('../index.js')
  for (const [options, message] of [
    [
      { webhooks: [{ url: 'ftp://example.com/hook' }] },
      /^webhooks\[0\]\.url: "ftp:\/\/example\.com\/hook" is not an http:\/\/ or https:\/\/ URL/,
    ],
    [{ webhooks: [{ url: 'http://localhost/hook', key: ' ' }] }, /^webhooks\[0\]\.key: must not be empty/],
    [{ webhooks: [{ href: 'http://localhost/hook' }] }, /^webhooks\[0\]\.href: is not a known field/],
    [{ webhookRetry: { attempts: 0 } }, /^webhookRetry\.attempts: must be 1 to 20/],
  ]) {
    await assert.rejects(
      startEmulator(options),
      (error) => error instanceof RoqError && error.code === 'INVALID_ARGUMENT' && message.test(error.message),
    )
  }
})

test('verifyWebhook takes Headers, Node headers or the value, and an empty key is a mistake', () => {
  const key = 'whk_0123456789abcdef'
  assert.equal(verifyWebhook(new Headers({ 'Roq-Platform-Webhook-Key': key }), key), true)
  assert.equal(verifyWebhook({ 'roq-platform-webhook-key': key, host: 'x' }, key), true)
  assert.equal(verifyWebhook(key, key), true)
  for (const wrong of [
    new Headers(),
    {},
    { 'roq-platform-webhook-key': [key, key] },
    `${key}x`,
    'whk',
    null,
    undefined,
  ]) {
    assert.equal(verifyWebhook(wrong, key), false, String(wrong))
  }
  for (const bad of ['', '  ', undefined, null, 42]) {
    assert.throws(
      () => verifyWebhook(key, bad),
      (error) => error instanceof RoqError && error.code === 'INVALID_ARGUMENT' && error.message.startsWith('key: '),
    )
  }
  assert.throws(
    () => verifyWebhook(42, key),
    (error) => error.code === 'INVALID_ARGUMENT' && error.message.startsWith('headers: '),
  )
})

test('parseWebhookEvent reads text or a parsed body, and names what is wrong', () => {
  const current = {
    acceptedByUserId: null,
    createdAt: '2026-12-01T00:00:00.000Z',
    createdByUserId: 'u',
    data: null,
    email: 'ada@example.com',
    firstName: '',
    id: 'i1',
    locale: null,
    lastName: '',
    roleKeys: null,
    status: 'accepted',
    statusUpdatedAt: null,
    tenantId: 'acme',
    updatedAt: null,
    userTokenId: 't1',
  }
  const event = {
    name: 'ROQ_USER_INVITE_UPDATE',
    id: 'e1',
    object: 'UserInvite',
    change: 'accepted',
    createdAt: '2026-12-01T00:00:00.000Z',
    data: { current, previous: null },
  }
  assert.deepEqual(parseWebhookEvent(JSON.stringify(event)), event)
  assert.equal(isInviteEvent(parseWebhookEvent(event)), true)
  assert.equal(
    isInviteEvent(parseWebhookEvent({ name: 'ROQ_USER_INSERT', id: 'e2', data: { current: { id: 'u1' } } })),
    false,
  )
  assert.deepEqual(parseWebhookEvent(event), event)
  assert.deepEqual(parseWebhookEvent(new TextEncoder().encode(JSON.stringify(event))), event)
  for (const [body, message] of [
    ['<html>', /^body: is not JSON/],
    [{ id: 'e1', data: {} }, /^the webhook's body is not a ROQ event: name: is required$/],
    [
      { ...event, data: { current: { ...current, status: 'gone' } } },
      /^ROQ_USER_INVITE_UPDATE carries no invite: data\.current\.status: "gone" is not one of/,
    ],
    [undefined, /^body: expected the request's body/],
  ]) {
    assert.throws(
      () => parseWebhookEvent(body),
      (error) => error instanceof RoqError && error.code === 'INVALID_ARGUMENT' && message.test(error.message),
      String(message),
    )
  }
})

test("@roq/nodejs's verifyWebhookHeader passes a request without the header when no key is set; ours refuses to", async () => {
  const { Platform } = await import('@roq/nodejs')
  const sdk = new Platform({ host: 'http://127.0.0.1:1', environmentId: 'e', apiKey: 'k' })
  assert.equal(sdk.verifyWebhookHeader(undefined), true, 'the SDK compares undefined === undefined')
  assert.throws(
    () => verifyWebhook(undefined, process.env.UNSET_WEBHOOK_KEY),
    (error) => error.code === 'INVALID_ARGUMENT',
  )
})
