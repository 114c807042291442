'use strict'

// The emulator's flags as the command line's option table, and the one conversion of their
// values into startEmulator's options: both from the emulator crate's command_line.rs, through
// the addon, so `roq-invites emulator`, `roq-invites emulator exec` and `roq-emulator` take the
// same flags with the same defaults and checks.

const { RoqError } = require('../errors.js')
const { binding, call } = require('../native.js')
const { UsageError } = require('./usage-error.js')

const { about, flags } = JSON.parse(binding.emulatorCommandLine())

/** The emulator's description, as roq-emulator's help has it. */
const emulatorAbout = about

/** The emulator's flags, as options of a command's table. */
const emulatorFlags = flags.map(({ name, valueName, help, default: value, kind }) => ({
  name,
  type: kind === 'switch' ? 'boolean' : 'string',
  ...(kind === 'list' && { multiple: true }),
  ...(valueName && { valueName }),
  help,
  ...(value !== null && { default: value }),
}))

/** The options the emulator's flags give, checked as roq-emulator checks them; a wrong value is a usage error of `command`. */
function emulatorOptionsFrom(values, command) {
  try {
    return JSON.parse(call(() => binding.emulatorOptionsFromFlags(JSON.stringify(values))))
  } catch (error) {
    if (error instanceof RoqError && error.code === 'INVALID_ARGUMENT') throw new UsageError(error.message, command)
    throw error
  }
}

/**
 * Stops `running`; resolves to why --export-on-exit's snapshot could not be written (the only
 * thing that can fail at stop, after the emulator has stopped), in the flag's words, or to
 * undefined. The caller says it: a snapshot lost must not pass unnoticed.
 */
async function stopEmulator(running) {
  try {
    await running.stop()
    return undefined
  } catch (error) {
    if (!(error instanceof RoqError)) throw error
    return error.message.replace(/^exportOnExit: /, '--export-on-exit: ')
  }
}

module.exports = { emulatorAbout, emulatorFlags, emulatorOptionsFrom, stopEmulator }
