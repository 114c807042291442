// sendUserInvites from JavaScript, against the emulator in the same process.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

import { RoqClient, RoqError, startEmulator } from '../index.js'
import { clientFor, emulatorFor, docSnippets, runSnippet } from './helpers.mjs'

test("the docs' call, as the README shows it, sends an invite and writes its mail", async (t) => {
  const emulator = await emulatorFor(t)
  const [docsCall] = docSnippets('roqBrowserClient.roqPlatform.sendUserInvites(')
  assert.ok(docsCall, 'the README shows the docs call')
  const scope = {
    roqBrowserClient: clientFor(emulator),
    tenantId: 'tenant-1',
    roqUserId: 'user-1',
    email: 'ada@example.com',
  }

  const status = await runSnippet(docsCall, scope, 'status')

  assert.deepEqual(status.errors, [])
  assert.equal(status.success.length, 1)
  const [invite] = status.success
  assert.equal(invite.email, 'ada@example.com')
  assert.equal(invite.status, 'pending')
  assert.equal(invite.tenantId, 'tenant-1')
  assert.equal(invite.createdByUserId, 'user-1')
  assert.equal(invite.locale, 'en-US')
  for (const field of ['id', 'userTokenId', 'createdAt', 'statusUpdatedAt']) assert.ok(invite[field], field)
  const mails = await emulator.outbox({ to: 'ada@example.com' })
  assert.equal(mails.length, 1)
  assert.equal(mails[0].userInviteId, invite.id)
  assert.match(mails[0].acceptUrl, new RegExp(`[?&]token=${mails[0].token}$`))
  assert.ok(mails[0].text.includes(mails[0].acceptUrl))
})

test('the V2 shape sends, with names, roles and injectable variables', async (t) => {
  const emulator = await emulatorFor(t)
  const result = await clientFor(emulator).roqPlatform.sendUserInvites({
    data: {
      tenantId: 'tenant-2',
      userInvites: [
        {
          createdByUserId: 'user-1',
          email: 'grace@example.com',
          firstName: 'Grace',
          lastName: 'Hopper',
          locale: 'de-DE',
          roles: ['admin'],
          injectableVariables: { team: 'Blue' },
        },
      ],
    },
  })
  assert.deepEqual(result.errors, [])
  const [invite] = result.success
  assert.deepEqual(
    [invite.firstName, invite.lastName, invite.roleKeys, invite.data, invite.tenantId],
    ['Grace', 'Hopper', ['admin'], { team: 'Blue' }, 'tenant-2'],
  )
  const [mail] = await emulator.outbox()
  assert.equal(mail.subject, 'Benutzereinladung')
  assert.match(mail.text, /^Hallo Grace, Sie wurden eingeladen, tenant-2 beizutreten.$/m)
})

test('a bad email comes back in errors with its index, and the others are sent', async (t) => {
  const emulator = await emulatorFor(t)
  const invites = ['one@example.com', 'bob@', 'two@example.com'].map((email) => ({ createdByUserId: 'user-1', email }))
  const result = await clientFor(emulator).roqPlatform.sendUserInvites({
    data: { tenantId: 't', userInvites: invites },
  })

  assert.deepEqual(
    result.success.map((i) => i.email),
    ['one@example.com', 'two@example.com'],
  )
  assert.equal(result.errors.length, 1)
  assert.deepEqual(
    { index: result.errors[0].index, code: result.errors[0].code, email: result.errors[0].email },
    { index: 1, code: 'INVALID_EMAIL', email: 'bob@' },
  )
  assert.equal(
    result.errors[0].error,
    'data.userInvites[1].email: "bob@" is not an email address; correct it or leave the entry out',
  )
  assert.equal((await emulator.outbox()).length, 2)
})

test('a wrong API key rejects with UNAUTHORIZED, and the key is nowhere in the error', async (t) => {
  const emulator = await emulatorFor(t)
  const client = clientFor(emulator, { apiKey: 'definitely-not-the-key' })
  const call = client.roqPlatform.sendUserInvites({
    data: { tenantId: 't', userInvites: [{ createdByUserId: 'u', email: 'a@example.com' }] },
  })

  const error = await call.then(
    () => assert.fail('resolved'),
    (e) => e,
  )
  assert.ok(error instanceof RoqError && error instanceof Error)
  assert.equal(error.name, 'RoqError')
  assert.equal(error.code, 'UNAUTHORIZED')
  assert.equal(error.statusCode, 401)
  assert.equal(error.errorCode, 'UNAUTHORIZED_EXCEPTION')
  assert.ok(
    !JSON.stringify({ ...error, message: error.message, stack: error.stack }).includes('definitely-not-the-key'),
  )
  assert.equal((await emulator.outbox()).length, 0)
})

test('wrong argument types reject with INVALID_ARGUMENT naming the field path', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  const cases = [
    [undefined, /^sendUserInvites argument: expected an object/],
    [
      { userInvites: { userInvites: [{ createdByUserId: 'u', email: 3 }] } },
      /^userInvites\.userInvites\[0\]\.email: expected a string, got the number 3$/,
    ],
    [{ data: { userInvites: [] } }, /^data\.tenantId: is required$/],
    [
      { data: { tenantId: 't', userInvites: [{ email: 'a@b.co' }] } },
      /^data\.userInvites\[0\]\.createdByUserId: is required$/,
    ],
    [
      { data: { tenantId: 't', userInvites: [{ createdById: 'u', email: 'a@b.co' }] } },
      /^data\.userInvites\[0\]\.createdById: is not a known field/,
    ],
    [{ invites: [] }, /"invites" is not one of userInvites or data/],
  ]
  for (const [args, message] of cases) {
    await assert.rejects(roqPlatform.sendUserInvites(args), (error) => {
      assert.equal(error.code, 'INVALID_ARGUMENT')
      assert.match(error.message, message)
      return true
    })
  }
  assert.equal(emulator.stats().graphql, 0, 'nothing was sent')
})

test('bad options fail at construction with INVALID_ARGUMENT', () => {
  const cases = [
    [{ host: 'not a url', environmentId: 'e', apiKey: 'k' }, /^host: /],
    [{ host: 'http://example.com', environmentId: 'e', apiKey: 'k' }, /use https:\/\//],
    [{ host: 'https://example.com', environmentId: '', apiKey: 'k' }, /^environmentId: must not be empty/],
    [{ host: 'https://example.com', environmentId: 'e' }, /^apiKey: is required/],
    [undefined, /^options: expected an object/],
  ]
  for (const [options, message] of cases) {
    assert.throws(
      () => new RoqClient(options),
      (error) => error instanceof RoqError && error.code === 'INVALID_ARGUMENT' && message.test(error.message),
    )
  }
})

test('roqPlatform is the same object on every access, and fromEnv reads ROQ_*', async (t) => {
  const emulator = await emulatorFor(t)
  const saved = { ...process.env }
  t.after(() => {
    process.env = saved
  })
  Object.assign(process.env, emulator.env)
  const client = RoqClient.fromEnv()
  assert.equal(client.roqPlatform, client.roqPlatform)
  const result = await client.roqPlatform.sendUserInvites({
    data: { tenantId: 't', userInvites: [{ createdByUserId: 'u', email: 'env@example.com' }] },
  })
  assert.equal(result.success.length, 1)
  delete process.env.ROQ_API_KEY
  assert.throws(() => RoqClient.fromEnv(), /ROQ_API_KEY is not set/)
})

test('invites written to a file-backed emulator are still there after a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'roq-invites-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 'platform.db')
  const args = { data: { tenantId: 't', userInvites: [{ createdByUserId: 'u', email: 'kept@example.com' }] } }

  const first = await startEmulator({ dbPath })
  const sent = await clientFor(first).roqPlatform.sendUserInvites(args)
  assert.equal(sent.success.length, 1)
  await first.stop()

  const second = await startEmulator({ dbPath })
  t.after(() => second.stop())
  assert.deepEqual([second.environmentId, second.apiKey], [first.environmentId, first.apiKey], 'credentials are kept')
  const mails = await second.outbox()
  assert.deepEqual(
    mails.map((m) => [m.to, m.userInviteId]),
    [['kept@example.com', sent.success[0].id]],
  )
  const again = await clientFor(second).roqPlatform.sendUserInvites(args)
  assert.deepEqual(
    again.errors.map((e) => e.code),
    ['ALREADY_INVITED'],
    'the pending invite survived the restart',
  )
})
