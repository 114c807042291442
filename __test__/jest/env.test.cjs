// A third file, with the client made from the environment, as an app's code makes it.
const { RoqClient, startEmulator } = require('../../index.js')

let emulator
beforeAll(async () => {
  emulator = await startEmulator()
  Object.assign(process.env, emulator.env)
})
afterAll(() => emulator.stop())

test('RoqClient.fromEnv() reaches the emulator', async () => {
  const page = await RoqClient.fromEnv().roqPlatform.userInvites()
  expect(page).toEqual({ data: [], totalCount: 0 })
})
