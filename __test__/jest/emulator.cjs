// The emulator a Jest test file runs against: started before its tests, stopped after them.
const { RoqClient, startEmulator } = require('../../index.js')

/** Registers the set-up; `running.emulator` and `running.client` are there once tests run. */
function useEmulator() {
  const running = {}
  beforeAll(async () => {
    running.emulator = await startEmulator()
    const { url: host, environmentId, apiKey } = running.emulator
    running.client = new RoqClient({ host, environmentId, apiKey })
  })
  afterAll(() => running.emulator.stop())
  return running
}

module.exports = { useEmulator }
