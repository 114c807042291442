'use strict'

// How the commands that talk to a platform find it: the flags --host, --environment-id and
// --api-key, else the ROQ_* variables (as RoqClient.fromEnv() reads them, e.g. from .env.local).

const { RoqClient } = require('../client.js')
const { connectEmulator } = require('../emulator.js')
const { UsageError } = require('./usage-error.js')

const SECTION = 'Connection (else the environment variables, e.g. from .env.local)'

const SETTINGS = [
  { option: 'host', variable: 'ROQ_PLATFORM_URL', flag: 'host', valueName: 'URL', help: "The platform's base URL" },
  {
    option: 'environmentId',
    variable: 'ROQ_ENVIRONMENT_ID',
    flag: 'environment-id',
    valueName: 'ID',
    help: "The environment's id",
  },
  {
    option: 'apiKey',
    variable: 'ROQ_API_KEY',
    flag: 'api-key',
    valueName: 'KEY',
    help: "The environment's API key",
    // A flag is in the process list; the variable is not.
    caution: 'prefer the variable, since other users of this machine can see a flag in `ps`',
  },
]

/** The connection flags, for a command's option table. */
const connectionOptions = SETTINGS.map(({ flag, variable, valueName, help, caution }) => ({
  name: flag,
  type: 'string',
  valueName,
  help: `${help} (${variable})${caution ? `; ${caution}` : ''}`,
  section: SECTION,
}))

/** Whether a command takes the connection flags: the tool's help says which do. */
const connects = (command) => command.options.some((option) => option.section === SECTION)

/** The tool's help line on connecting, naming the commands that connect. */
function connectionNote(commands) {
  const names = andList(commands.filter(connects).map((command) => command.name))
  const variables = andList(SETTINGS.map(({ variable }) => variable))
  const flags = andList(SETTINGS.map(({ flag }) => `--${flag}`))
  return `${names} connect with ${variables}, or the flags ${flags}.`
}

/** The connection settings from the flags, else the environment; a missing one names its variable and flag. */
function settingsFrom(values, command) {
  const settings = Object.fromEntries(
    SETTINGS.map(({ option, variable, flag }) => [option, values[flag] ?? process.env[variable]]),
  )
  const missing = SETTINGS.filter(({ option }) => !settings[option])
  if (missing.length > 0) {
    const variables = andList(missing.map(({ variable }) => variable))
    const flags = andList(missing.map(({ flag }) => `--${flag}`))
    const verb = missing.length > 1 ? 'are not set: set them' : 'is not set: set it'
    throw new UsageError(`${variables} ${verb} in the environment (e.g. in .env.local) or pass ${flags}`, command)
  }
  return settings
}

/** A client of the platform the settings name. */
function clientFrom(values, command) {
  const settings = settingsFrom(values, command)
  return SETTINGS.every(({ flag }) => values[flag] === undefined) ? RoqClient.fromEnv() : new RoqClient(settings)
}

/** The emulator the settings name, through its own endpoints. */
function emulatorFrom(values, command) {
  const { host, environmentId, apiKey } = settingsFrom(values, command)
  return connectEmulator({ url: host, environmentId, apiKey })
}

/** "a", "a and b", "a, b and c". */
function andList(items) {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items[0]
}

module.exports = { connectionOptions, connectionNote, clientFrom, emulatorFrom }
