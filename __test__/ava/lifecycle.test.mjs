import test from 'ava'

import { RoqClient, startEmulator } from '../../index.js'

test('a second worker thread loads the addon and runs the lifecycle', async (t) => {
  const emulator = await startEmulator()
  t.teardown(() => emulator.stop())
  const client = new RoqClient({ host: emulator.url, environmentId: emulator.environmentId, apiKey: emulator.apiKey })
  const { success } = await client.roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@example.com' }] },
  })
  t.is((await client.roqPlatform.resendUserInvite(success[0].id)).status, 'pending')
  t.is((await client.roqPlatform.cancelUserInvite(success[0].id)).status, 'canceled')
  t.is((await client.roqPlatform.userInvites({ filter: { status: { equalTo: 'canceled' } } })).totalCount, 1)
})
