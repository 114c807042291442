'use strict'

// roq-invites session: signs a development user in on the emulator and prints its
// roq-session-token, the cookie a ROQ app reads its user from.

const { connectionOptions, emulatorFrom } = require('../connection.js')
const { complain, printableJson, say } = require('../terminal.js')
const { UsageError } = require('../usage-error.js')
const { wholeNumber } = require('../whole-number.js')

async function run(values) {
  if (values.user !== undefined && values.email !== undefined)
    throw new UsageError('give --email or --user, not both', 'session')
  const signedIn = await emulatorFrom(values, 'session').session({
    tenantId: values.tenant,
    userId: values.user,
    email: values.email,
    firstName: values['first-name'],
    lastName: values['last-name'],
    roles: values.role,
    locale: values.locale,
    expiresIn: wholeNumber(values['expires-in'], '--expires-in', 'session'),
  })
  if (values.json) {
    console.log(printableJson(signedIn))
    return 0
  }
  say(`roq-session-token=${signedIn.token}`)
  say(`roqUserId=${signedIn.roqUserId}`)
  say(`tenantId=${signedIn.tenantId}`)
  console.error("Set the token as the roq-session-token cookie of your app, e.g. in the browser's console on its page:")
  complain(`  document.cookie = "roq-session-token=${signedIn.token}; path=/"`)
  return 0
}

module.exports = {
  name: 'session',
  summary: 'Sign a development user in on the emulator: a roq-session-token',
  description: `Signs a development user of a tenant in on the emulator (not the real platform) and
prints its roq-session-token: the cookie a ROQ app reads its user from, and acts as. The user is
registered in the tenant; signing in again with the same email (or --user) is the same user.`,
  options: [
    { name: 'tenant', type: 'string', valueName: 'ID', help: 'The tenant the user belongs to', required: true },
    {
      name: 'email',
      type: 'string',
      valueName: 'EMAIL',
      help: "The user's email; the tenant's user with it, or a new one",
    },
    { name: 'user', type: 'string', valueName: 'ID', help: "The user's id, instead of --email" },
    { name: 'first-name', type: 'string', valueName: 'NAME', help: "The user's first name" },
    { name: 'last-name', type: 'string', valueName: 'NAME', help: "The user's last name" },
    {
      name: 'role',
      type: 'string',
      multiple: true,
      valueName: 'KEY',
      help: 'A role of the user; repeat it for several',
    },
    { name: 'locale', type: 'string', valueName: 'L', help: "The user's locale, e.g. en-US" },
    {
      name: 'expires-in',
      type: 'string',
      valueName: 'SECONDS',
      help: "How long the session lasts; the emulator's token lifetime if absent",
    },
    { name: 'json', type: 'boolean', help: 'Print { token, roqUserId, tenantId, accessToken } as JSON' },
    ...connectionOptions,
  ],
  notes: [
    `Prints roq-session-token=..., roqUserId=... and tenantId=..., one per line; set the first as
the app's cookie (in the browser's console: document.cookie = "roq-session-token=...; path=/").`,
  ],
  examples: ['roq-invites session --tenant acme --email alice@acme.io --first-name Alice --role owner'],
  run,
}
