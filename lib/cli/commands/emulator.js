'use strict'

// roq-invites emulator: the roq-emulator binary's command line, in Node. Its flags, their
// defaults and the checks of their values are one table and one conversion in Rust
// (crates/roq-emulator/src/options/command_line.rs), read through the addon, so the two programs cannot
// drift apart.

const { startEmulator } = require('../../emulator.js')
const { emulatorAbout, emulatorFlags, emulatorOptionsFrom, stopEmulator } = require('../emulator-flags.js')
const { complain, say } = require('../terminal.js')

async function run(values) {
  const options = emulatorOptionsFrom(values, 'emulator')
  const running = await startEmulator(options)
  // The emulator runs on native threads and does not keep Node alive unless asked to.
  running.ref()
  const stopped = new Promise((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  say(`roq-invites emulator listening on ${running.url}`)
  for (const [name, value] of Object.entries(running.env)) say(`${name}=${value}`)
  if (options.webhooks.length > 0) say(`ROQ_WEBHOOK_KEY=${running.webhookKey}`)
  say(`dashboard: ${running.dashboardUrl} (user: the environment id, password: the API key)`)
  console.error('Press Ctrl+C to stop.')
  await stopped
  const notWritten = await stopEmulator(running)
  if (notWritten) {
    // Exit 1: the session's snapshot is lost, though everything given was right.
    complain(`roq-invites: ${notWritten}`)
    console.error('roq-invites emulator stopped; the snapshot was not written')
    return 1
  }
  console.error('roq-invites emulator stopped')
  return 0
}

module.exports = {
  name: 'emulator',
  summary: 'Run a local ROQ Platform emulator and print its ROQ_* settings',
  description: emulatorAbout,
  options: emulatorFlags,
  notes: [
    `Its flags are those of the roq-emulator binary. --host here is the address this emulator listens
on, not the platform's URL that the other commands take.`,
    `To run your tests against an emulator of their own, with the ROQ_* settings in their
environment: roq-invites emulator exec -- <command>.`,
  ],
  examples: [
    'roq-invites emulator --port 4077 --db platform.db',
    'roq-invites emulator --accept-url http://localhost:3000/invites/accept --webhook http://localhost:3000/api/roq/webhook',
    'roq-invites emulator --import seed.json --export-on-exit seed.json',
  ],
  run,
}
