'use strict'

// roq-invites webhooks list | redeliver <delivery-id>: the emulator's webhook deliveries, as its
// dashboard's Webhooks tab shows them, and sending a past one's event again.

const { connectionOptions, emulatorFrom } = require('../connection.js')
const { printTable } = require('../table.js')
const { printableJson, say } = require('../terminal.js')
const { UsageError } = require('../usage-error.js')

const USAGE = 'list | redeliver <delivery-id>'

/** An attempt as the dashboard shows it: `HTTP 500`, or why there was no answer. */
const outcome = (attempt) => (attempt.status !== null ? `HTTP ${attempt.status}` : (attempt.error ?? '?'))

function list(deliveries) {
  const rows = deliveries.map((delivery) => {
    const last = delivery.attempts.at(-1)
    return [
      String(delivery.id),
      delivery.change,
      delivery.email,
      delivery.url,
      delivery.state,
      last ? `${delivery.attempts.length} · ${outcome(last)}` : '0',
      delivery.createdAt.replace(/\.\d+Z$/, 'Z'),
    ]
  })
  if (rows.length > 0) printTable(['ID', 'EVENT', 'INVITE', 'TO', 'STATUS', 'ATTEMPTS', 'TIME'], rows)
  say(
    rows.length === 0
      ? 'no webhook deliveries yet: start the emulator with --webhook URL, then change an invite'
      : `${rows.length} deliveries, newest first`,
  )
}

async function run(values, [action, id, ...extra]) {
  const wrong = (why) => new UsageError(`webhooks takes ${USAGE}; ${why}`, 'webhooks')
  if (action !== 'list' && action !== 'redeliver')
    throw wrong(action === undefined ? 'got nothing' : 'got another action')
  const takes = action === 'list' ? 0 : 1
  const given = [id, ...extra].filter((arg) => arg !== undefined).length
  if (given !== takes)
    throw wrong(`${action} takes ${takes === 0 ? 'no more arguments' : 'one delivery id'}, got ${given}`)
  const emulator = emulatorFrom(values, 'webhooks')
  if (action === 'list') {
    const deliveries = await emulator.webhooks()
    if (values.json) console.log(printableJson(deliveries))
    else list(deliveries)
    return 0
  }
  const delivery = await emulator.redeliver(id)
  if (values.json) console.log(printableJson(delivery))
  else
    say(
      `delivery ${delivery.id}: event ${delivery.eventId} (${delivery.change}, ${delivery.email}), on its way again to ${delivery.url}`,
    )
  return 0
}

module.exports = {
  name: 'webhooks',
  summary: "The emulator's webhook deliveries; send one's event again",
  description: `list prints the emulator's webhook deliveries, newest first, as its dashboard's Webhooks
tab shows them: id, event, invite, the URL it goes to, status (pending, delivered or failed),
attempts (how many, and the last one's outcome) and when it was made. redeliver <delivery-id> sends a past delivery's event again, with
the same event id (an idempotent receiver treats it as the event it has seen), as a new delivery with its own attempts, to
the webhook configured now: its URL if the emulator still has it (with that URL's key), else every --webhook it was started
with (a new delivery each; see list); it prints the new delivery, or the first of them. With no --webhook, it is refused
(CONFLICT).`,
  positionals: { name: 'action', multiple: true, usage: USAGE },
  options: [
    { name: 'json', type: 'boolean', help: 'Print the deliveries (or the new one) as JSON on stdout' },
    ...connectionOptions,
  ],
  examples: ['roq-invites webhooks list\nroq-invites webhooks redeliver 12'],
  run,
}
