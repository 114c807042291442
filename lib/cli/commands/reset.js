'use strict'

// roq-invites reset [--tenant ID]: empties the emulator of one tenant's data, or of every
// tenant's, between two test runs, and says what it removed.

const { connectionOptions, emulatorFrom } = require('../connection.js')
const { printableJson, say } = require('../terminal.js')
const { UsageError } = require('../usage-error.js')

/** What a reset removed, in the order and the words a person reads it. */
const KINDS = [
  ['invites', 'invite', 'invites'],
  ['mails', 'mail', 'mails'],
  ['users', 'user', 'users'],
  ['events', 'history event', 'history events'],
  ['replacedTokens', 'replaced accept link', 'replaced accept links'],
  ['webhookDeliveries', 'webhook delivery', 'webhook deliveries'],
  ['faults', 'queued fault', 'queued faults'],
]

async function run(values) {
  if (values.tenant !== undefined && values.tenant.trim() === '')
    throw new UsageError('--tenant must not be empty; leave it out to reset every tenant', 'reset')
  const removed = await emulatorFrom(values, 'reset').reset(
    values.tenant === undefined ? {} : { tenantId: values.tenant },
  )
  if (values.json) {
    console.log(printableJson(removed))
    return 0
  }
  // What is not there is not said: "removed 12 invites, 14 mails, 3 users.", or "removed nothing."
  const counts = KINDS.filter(([key]) => removed[key] > 0).map(
    ([key, one, many]) => `${removed[key]} ${removed[key] === 1 ? one : many}`,
  )
  // Quoted: the tenant is its id exactly, and " acme" is not "acme".
  const scope = values.tenant === undefined ? 'every tenant' : `tenant ${JSON.stringify(values.tenant)}`
  say(`Reset ${scope}: removed ${counts.length > 0 ? counts.join(', ') : 'nothing'}.`)
  return 0
}

module.exports = {
  name: 'reset',
  summary: "Empty the emulator of one tenant's data, or of every tenant's",
  description: `Removes from the emulator (not the real platform) the invites, mails, users and webhook
deliveries of one tenant, or of every tenant, in one transaction, and prints what it removed. The
environment's id, API key, webhook key and settings stay, and so does the clock.`,
  options: [
    { name: 'tenant', type: 'string', valueName: 'ID', help: 'The tenant to empty; every tenant if absent' },
    {
      name: 'json',
      type: 'boolean',
      help: 'Print { invites, mails, users, events, replacedTokens, webhookDeliveries, faults } as JSON',
    },
    ...connectionOptions,
  ],
  notes: [
    `The tenant is its id exactly as invites were sent to it, spaces and all. The removed users'
tokens and sessions are refused from then on, even once their ids are used again; other tenants'
users stay signed in. Queued faults are no tenant's: a reset of every tenant clears them, --tenant
leaves them.`,
  ],
  examples: ['roq-invites reset --tenant acme', 'roq-invites reset'],
  run,
}
