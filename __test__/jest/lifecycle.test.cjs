// A second file: Jest has reset its module registry, and the addon is already loaded.
const { RoqClient, RoqError } = require('../../index.js')
const { useEmulator } = require('./emulator.cjs')

const running = useEmulator()

test('accepts an invite by the token from its mail, once', async () => {
  const { success } = await running.client.roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'grace@example.com' }] },
  })
  const [mail] = await running.emulator.outbox({ userInviteId: success[0].id })
  const accepted = await running.client.roqPlatform.acceptUserInvite({ data: { token: mail.token } })
  expect(accepted.status).toBe('accepted')
  const again = running.client.roqPlatform.acceptUserInvite({ data: { token: mail.token } })
  await expect(again).rejects.toBeInstanceOf(Error)
  await expect(again).rejects.toMatchObject({ code: 'CONFLICT', statusCode: 409 })
})

test('errors from the platform are RoqErrors of this realm', async () => {
  const wrongKey = new RoqClient({
    host: running.emulator.url,
    environmentId: running.emulator.environmentId,
    apiKey: 'wrong-key-0000',
  })
  const error = await wrongKey.roqPlatform.userInvites().catch((e) => e)
  expect(error).toBeInstanceOf(Error)
  expect(error).toBeInstanceOf(RoqError)
  expect(error.code).toBe('UNAUTHORIZED')
})
