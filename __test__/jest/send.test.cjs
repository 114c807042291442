const { RoqClient, RoqError } = require('../../index.js')
const { useEmulator } = require('./emulator.cjs')

const running = useEmulator()

test('sends the docs call and writes the mail', async () => {
  const tenantId = 'acme'
  const roqUserId = 'alice'
  const email = 'ada@example.com'
  const status = await running.client.roqPlatform.sendUserInvites({
    userInvites: { tenantId, userInvites: [{ createdByUserId: roqUserId, email, locale: 'en-US' }] },
  })
  expect(status.errors).toEqual([])
  expect(status.success[0]).toMatchObject({ index: 0, outcome: 'created', email, status: 'pending' })
  expect(await running.emulator.outbox({ to: email })).toHaveLength(1)
})

test('a rejection is an Error of this realm, and a RoqError', async () => {
  const call = running.client.roqPlatform.sendUserInvites({ data: { userInvites: [] } })
  await expect(call).rejects.toBeInstanceOf(Error)
  await expect(call).rejects.toBeInstanceOf(RoqError)
  await expect(call).rejects.toMatchObject({
    name: 'RoqError',
    code: 'INVALID_ARGUMENT',
    message: 'data.tenantId: is required',
  })
})

test('a thrown error is an Error of this realm too, and a RoqError', () => {
  const make = () => new RoqClient({ host: 'not a url', environmentId: 'e', apiKey: 'k' })
  expect(make).toThrow(Error)
  expect(make).toThrow(RoqError)
  expect(make).toThrow(/^host: "not a url" is not a URL/)
})
