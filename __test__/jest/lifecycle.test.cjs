// A second file: Jest has reset its module registry, and the addon is already loaded.
const { RoqClient, RoqError, startEmulator } = require('../../index.js')

let emulator
let client
beforeAll(async () => {
  emulator = await startEmulator()
  client = new RoqClient({ host: emulator.url, environmentId: emulator.environmentId, apiKey: emulator.apiKey })
})
afterAll(() => emulator.stop())

test('accepts an invite by the token from its mail, once', async () => {
  const { success } = await client.roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'grace@example.com' }] },
  })
  const [mail] = await emulator.outbox({ userInviteId: success[0].id })
  const accepted = await client.roqPlatform.acceptUserInvite({ data: { token: mail.token } })
  expect(accepted.status).toBe('accepted')
  const again = client.roqPlatform.acceptUserInvite({ data: { token: mail.token } })
  await expect(again).rejects.toBeInstanceOf(Error)
  await expect(again).rejects.toMatchObject({ code: 'CONFLICT', statusCode: 409 })
})

test('errors from the platform are RoqErrors of this realm', async () => {
  const wrongKey = new RoqClient({ host: emulator.url, environmentId: emulator.environmentId, apiKey: 'wrong-key-0000' })
  const error = await wrongKey.roqPlatform.userInvites().catch((e) => e)
  expect(error).toBeInstanceOf(Error)
  expect(error).toBeInstanceOf(RoqError)
  expect(error.code).toBe('UNAUTHORIZED')
})
