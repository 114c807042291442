import test from 'ava'

import { RoqClient, RoqError, startEmulator } from '../../index.js'

test.before(async (t) => {
  t.context.emulator = await startEmulator()
  const { url: host, environmentId, apiKey } = t.context.emulator
  t.context.client = new RoqClient({ host, environmentId, apiKey })
})

test.after.always((t) => t.context.emulator?.stop())

test('sends invites in both shapes and reports each entry', async (t) => {
  const { client, emulator } = t.context
  const v1 = await client.roqPlatform.sendUserInvites({
    userInvites: {
      tenantId: 'acme',
      userInvites: [{ createdByUserId: 'alice', email: 'ada@example.com', locale: 'en-US' }],
    },
  })
  t.is(v1.success[0].status, 'pending')
  const v2 = await client.roqPlatform.sendUserInvites({
    data: {
      tenantId: 'acme',
      userInvites: [
        { createdByUserId: 'alice', email: 'grace@example.com' },
        { createdByUserId: 'alice', email: 'bob@' },
      ],
    },
  })
  t.deepEqual(
    v2.success.map((s) => s.index),
    [0],
  )
  t.deepEqual(
    v2.errors.map((e) => [e.index, e.code]),
    [[1, 'INVALID_EMAIL']],
  )
  t.is((await emulator.outbox()).length, 2)
})

test('rejections are Errors of this thread, with stable codes', async (t) => {
  const error = await t.throwsAsync(t.context.client.roqPlatform.userInvite({ id: 'nope' }), { instanceOf: RoqError })
  t.true(error instanceof Error)
  t.is(error.code, 'NOT_FOUND')
})
