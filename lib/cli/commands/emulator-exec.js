'use strict'

// roq-invites emulator exec: runs a command (the tests) inside the lifetime of an emulator, as
// `firebase emulators:exec` does: the emulator starts, the command runs with the ROQ_* settings
// in its environment, the emulator stops, and the command's exit code is the tool's. The flags
// are the emulator command's, from the same table.

const { startEmulator } = require('../../emulator.js')
const { runCommand } = require('../child-command.js')
const { emulatorFlags, emulatorOptionsFrom, stopEmulator } = require('../emulator-flags.js')
const { complain } = require('../terminal.js')

const NAME = 'emulator exec'

async function run(values, [command, ...args]) {
  // A free port unless one is given: two runs at once, or a dev server's emulator, do not collide.
  const options = emulatorOptionsFrom({ port: '0', ...values }, NAME)
  const running = await startEmulator(options)
  running.ref()
  const env = { ...process.env, ...running.env, ROQ_WEBHOOK_KEY: running.webhookKey }
  // On stderr: stdout is the command's alone. The arguments are not echoed: one may be a secret.
  complain(`roq-invites: emulator on ${running.url} (dashboard: /__emulator/); running ${command}`)
  let code
  let notWritten
  try {
    code = await runCommand(command, args, env)
  } finally {
    notWritten = await stopEmulator(running)
  }
  // The exit code stays the command's (a CI job must see its tests' outcome); a snapshot that
  // could not be written is said, not turned into another code.
  if (notWritten) complain(`roq-invites: ${notWritten}`)
  complain(`roq-invites: emulator stopped; exit code ${code}`)
  return code
}

module.exports = {
  name: NAME,
  summary: 'Run a command (your tests) against a new emulator; exit with its code',
  description: `Starts an emulator, runs the command with ROQ_PLATFORM_URL, ROQ_ENVIRONMENT_ID, ROQ_API_KEY and
ROQ_WEBHOOK_KEY added to its environment, stops the emulator when the command ends, and exits
with the command's exit code (128 + the signal's number if a signal ended it; 127 if the command
was not found, 126 if it could not be run), also when --export-on-exit's snapshot could not be
written at stop, which it says on stderr. SIGINT and SIGTERM sent to this process reach the
command; Ctrl+C in a terminal reaches it directly, once. Its stdin, stdout and stderr are the
command's; this tool prints only two lines, on stderr (three if the snapshot was not written).`,
  positionals: { name: 'command', afterEnd: true },
  options: emulatorFlags.map((flag) => {
    if (flag.name === 'port') return { ...flag, default: '0' }
    // The key is not printed here: the command gets it.
    if (flag.name === 'webhook-key') return { ...flag, help: flag.help.replace('printed as', "in the command's") }
    return flag
  }),
  notes: [
    `The emulator's flags are those of roq-invites emulator; --port defaults to 0 here (a free
port), and the command learns the address from ROQ_PLATFORM_URL. The command runs without a
shell, found on the PATH (from an npm script, node_modules/.bin is on it); for a pipeline, run
a shell as the command (sh -c).`,
  ],
  examples: [
    'roq-invites emulator exec -- npm test',
    'roq-invites emulator exec --accept-url http://127.0.0.1:3100/invites/accept -- playwright test',
  ],
  run,
}
