// The invite lifecycle and the auth modes through our JavaScript API.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { RoqError } from '../index.js'
import { clientFor, emulatorFor } from './helpers.mjs'

const DAY = 24 * 3600 * 1000

async function sendOne(client, email, tenantId = 'acme', createdByUserId = 'alice') {
  const { success, errors } = await client.roqPlatform.sendUserInvites({
    data: { tenantId, userInvites: [{ createdByUserId, email }] },
  })
  assert.deepEqual(errors, [])
  return success[0]
}

async function rejection(promise) {
  return promise.then(
    () => assert.fail('resolved'),
    (error) => error,
  )
}

test('resend, cancel, get, accept, check and update, with CONFLICT and NOT_FOUND where they do not apply', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  const ada = await sendOne({ roqPlatform }, 'ada@acme.io')
  const grace = await sendOne({ roqPlatform }, 'grace@acme.io')

  const resent = await roqPlatform.resendUserInvite({ userInviteId: ada.id })
  assert.equal(resent.id, ada.id)
  const adaMails = await emulator.outbox({ to: 'ada@acme.io' })
  assert.equal(adaMails.length, 2)
  assert.notEqual(adaMails[0].token, adaMails[1].token)

  // The older docs pass the id alone.
  assert.equal((await roqPlatform.cancelUserInvite(grace.id)).status, 'canceled')
  assert.equal((await roqPlatform.userInvite(grace.id)).status, 'canceled')
  const conflict = await rejection(roqPlatform.cancelUserInvite({ userInviteId: grace.id }))
  assert.ok(conflict instanceof RoqError)
  assert.deepEqual([conflict.code, conflict.statusCode, conflict.errorCode], ['CONFLICT', 409, 'CONFLICT'])

  // The resend replaced the token: the first mail's link no longer works.
  assert.deepEqual(await roqPlatform.checkUserInviteToken({ token: adaMails[0].token }), {
    isValid: false,
    isExpired: null,
    email: null,
  })
  assert.deepEqual(await roqPlatform.checkUserInviteToken(adaMails[1].token), {
    isValid: true,
    isExpired: false,
    email: 'ada@acme.io',
  })
  const accepted = await roqPlatform.acceptUserInvite({ data: { token: adaMails[1].token } })
  assert.equal(accepted.status, 'accepted')
  assert.ok(accepted.acceptedByUserId)
  assert.equal(
    (await rejection(roqPlatform.acceptUserInvite({ acceptUserInvite: { token: adaMails[1].token } }))).code,
    'CONFLICT',
  )

  const updated = await roqPlatform.updateUserInvite({
    id: ada.id,
    userInvite: { firstName: 'Ada', data: { team: 'Analytical' } },
  })
  assert.deepEqual([updated.firstName, updated.data, updated.status], ['Ada', { team: 'Analytical' }, 'accepted'])

  const missing = await rejection(roqPlatform.userInvite({ id: 'no-such-invite' }))
  assert.deepEqual([missing.code, missing.statusCode], ['NOT_FOUND', 404])
  assert.equal((await rejection(roqPlatform.acceptUserInvite({ data: { token: 'no-such-token' } }))).code, 'NOT_FOUND')
})

test('invites expire by the emulator clock: they read as expired and cannot be accepted', async (t) => {
  const emulator = await emulatorFor(t, { inviteValidityMs: DAY })
  const { roqPlatform } = clientFor(emulator)
  const invite = await sendOne({ roqPlatform }, 'late@acme.io')
  const [mail] = await emulator.outbox()
  emulator.advanceClock(DAY + 1)

  assert.equal((await roqPlatform.userInvite(invite.id)).status, 'expired')
  assert.deepEqual(await roqPlatform.checkUserInviteToken(mail.token), {
    isValid: false,
    isExpired: true,
    email: 'late@acme.io',
  })
  const error = await rejection(roqPlatform.acceptUserInvite({ data: { token: mail.token } }))
  assert.equal(error.code, 'CONFLICT')
  assert.match(error.message, /expired/)
  const page = await roqPlatform.userInvites({ filter: { status: { equalTo: 'expired' } } })
  assert.equal(page.totalCount, 1)
})

test('userInvites filters, orders, searches and pages; a misspelt status is an argument error', async (t) => {
  const emulator = await emulatorFor(t)
  const client = clientFor(emulator)
  const { roqPlatform } = client
  await roqPlatform.sendUserInvites({
    data: {
      tenantId: 'acme',
      userInvites: [
        { createdByUserId: 'alice', email: 'ada@acme.io', firstName: 'Ada', locale: 'en-GB' },
        { createdByUserId: 'alice', email: 'Grace@ACME.io', firstName: 'Grace', locale: 'en-US' },
        { createdByUserId: 'alice', email: 'alan@acme.io', firstName: 'Alan', locale: 'en-GB' },
      ],
    },
  })
  await sendOne(client, 'hank@globex.io', 'globex', 'bob')

  const emails = (page) => page.data.map((i) => i.email)
  assert.deepEqual(emails(await roqPlatform.userInvites({ filter: { email: { like: '%@acme.io' } } })), [
    'ada@acme.io',
    'alan@acme.io',
  ])
  assert.deepEqual(emails(await roqPlatform.userInvites({ filter: { email: { iLike: '%@acme.io' } } })), [
    'ada@acme.io',
    'Grace@ACME.io',
    'alan@acme.io',
  ])
  assert.deepEqual(emails(await roqPlatform.userInvites({ order: { order: 'DESC', sort: 'firstName' }, limit: 2 })), [
    'Grace@ACME.io',
    'alan@acme.io',
  ])
  assert.deepEqual(emails(await roqPlatform.userInvites({ search: { key: 'firstName', value: 'AL' } })), [
    'alan@acme.io',
  ])
  const page = await roqPlatform.userInvites({ filter: { locale: { valueIn: ['en-GB'] } }, limit: 1, offset: 1 })
  assert.deepEqual([emails(page), page.totalCount], [['alan@acme.io'], 2])

  const typo = await rejection(roqPlatform.userInvites({ filter: { status: { equalTo: 'cancelled' } } }))
  assert.equal(typo.code, 'INVALID_ARGUMENT')
  assert.match(
    typo.message,
    /^filter\.status\.equalTo: "cancelled" is not one of pending, accepted, canceled or expired/,
  )
})

test('asUser sees its own tenant only; withBaasToken rejects a malformed session with INVALID_ARGUMENT', async (t) => {
  const emulator = await emulatorFor(t)
  const admin = clientFor(emulator)
  await sendOne(admin, 'ada@acme.io', 'acme', 'alice')
  const hank = await sendOne(admin, 'hank@globex.io', 'globex', 'bob')

  const alice = admin.asUser('alice', { expiresIn: 600 })
  assert.deepEqual(
    (await alice.roqPlatform.userInvites()).data.map((i) => i.email),
    ['ada@acme.io'],
  )
  assert.equal((await admin.asSuperAdmin().roqPlatform.userInvites()).totalCount, 2)
  assert.equal((await rejection(alice.roqPlatform.cancelUserInvite(hank.id))).code, 'NOT_FOUND')
  const forbidden = await rejection(
    alice.roqPlatform.sendUserInvites({
      data: { tenantId: 'globex', userInvites: [{ createdByUserId: 'alice', email: 'x@globex.io' }] },
    }),
  )
  assert.deepEqual([forbidden.code, forbidden.statusCode], ['FORBIDDEN', 403])
  assert.deepEqual(emulator.stats().userTokens, 1)

  for (const session of ['not-a-jwt', 'a.b', '', 42]) {
    assert.throws(
      () => admin.withBaasToken(session),
      (error) => error instanceof RoqError && error.code === 'INVALID_ARGUMENT',
    )
  }
  assert.throws(
    () => admin.asUser(''),
    (error) => error.code === 'INVALID_ARGUMENT' && error.message.startsWith('userId: '),
  )
  assert.throws(
    () => admin.asUser('alice', 3600),
    (error) => error.code === 'INVALID_ARGUMENT' && /expiresIn/.test(error.message),
  )
})

test('the outbox over HTTP needs the environment credentials', async (t) => {
  const emulator = await emulatorFor(t)
  await sendOne(clientFor(emulator), 'ada@acme.io')
  const basic = (key) => `Basic ${Buffer.from(`${emulator.environmentId}:${key}`).toString('base64')}`

  const ok = await fetch(`${emulator.url}/__emulator/outbox?to=ADA@acme.io`, {
    headers: { authorization: basic(emulator.apiKey) },
  })
  assert.equal(ok.status, 200)
  const mails = await ok.json()
  assert.deepEqual(
    mails.map((m) => m.to),
    ['ada@acme.io'],
  )
  assert.match(mails[0].acceptUrl, /\?token=/)

  for (const headers of [{}, { authorization: basic('wrong-key') }]) {
    const refused = await fetch(`${emulator.url}/__emulator/outbox`, { headers })
    assert.equal(refused.status, 401)
    assert.equal((await refused.json()).statusCode, 401)
  }
})
