'use strict'

// roq-invites send: invites the emails given, or the rows of a CSV file, and reports each refusal
// by its CSV line or argument position.

const { RoqError } = require('../../errors.js')
const { clientFrom, connectionOptions } = require('../connection.js')
const { readCsv } = require('../csv.js')
const { progressDisplay } = require('../progress.js')
const { printableJson, say } = require('../terminal.js')
const { UsageError } = require('../usage-error.js')
const { wholeNumber } = require('../whole-number.js')

async function run(values, emails) {
  if (emails.length > 0 && values.csv !== undefined)
    throw new UsageError('give emails as arguments or --csv FILE, not both', 'send')
  if (emails.length === 0 && values.csv === undefined)
    throw new UsageError('give the emails to invite, or --csv FILE', 'send')
  const options = {
    batchSize: wholeNumber(values['batch-size'], '--batch-size', 'send'),
    concurrency: wholeNumber(values.concurrency, '--concurrency', 'send'),
    onExisting: values['on-existing'],
  }
  const client = clientFrom(values, 'send')
  const rows =
    values.csv !== undefined ? readCsv(values.csv) : emails.map((email, i) => ({ label: `argument ${i + 1}`, email }))

  const userInvites = rows.map((row) => ({
    createdByUserId: values.from,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    locale: row.locale ?? values.locale,
    roles: row.roles ?? values.role,
  }))
  const progress = progressDisplay(process.stderr, rows.length)
  // Ctrl+C stops further batches; the send then rejects with what it did (err.partial).
  const controller = new AbortController()
  const abort = () => controller.abort()
  process.once('SIGINT', abort)
  process.once('SIGTERM', abort)
  let result
  try {
    result = await client.roqPlatform.sendUserInvites(
      { data: { tenantId: values.tenant, userInvites } },
      { ...options, onProgress: progress.update, signal: controller.signal },
    )
  } catch (error) {
    progress.end()
    if (error instanceof RoqError) {
      // A call-level mistake names the entry by its index in the list; name its row as well.
      const row = rows[/^data\.userInvites\[(\d+)\]/.exec(error.message)?.[1]]
      if (row) error.message = `${row.label}: ${error.message}`
      if (error.partial) printResult(error.partial, rows, values.json, true)
    }
    throw error
  } finally {
    process.off('SIGINT', abort)
    process.off('SIGTERM', abort)
  }
  progress.end()
  printResult(result, rows, values.json, false)
  return result.errors.length === 0 ? 0 : 1
}

/** Prints the summary, or the result as JSON. */
function printResult(result, rows, json, stopped) {
  if (json) {
    console.log(printableJson(result))
    return
  }
  const count = (outcome) => result.success.filter((invite) => invite.outcome === outcome).length
  const notSent = rows.length - result.success.length - result.errors.length
  const counts = [
    `created ${count('created')}`,
    `skipped ${count('skipped')}`,
    `resent ${count('resent')}`,
    `refused ${result.errors.length}`,
  ]
  if (stopped) counts.push(`not sent ${notSent}`)
  say(`${stopped ? 'stopped part way: ' : ''}${counts.join(', ')} (of ${rows.length})`)
  if (result.errors.length > 0) console.log('refused:')
  for (const { index, code, email, error } of result.errors) {
    // The row label says which entry, so the message's own path to it is left out.
    let message = error.replace(`data.userInvites[${index}].`, '')
    if (code === 'DUPLICATE_IN_REQUEST') {
      const first = rows.findIndex((row) => row.email.toLowerCase() === email.toLowerCase())
      if (first >= 0 && first < index) message += ` (first at ${rows[first].label})`
    }
    say(`  ${rows[index].label} (${email}): ${code}: ${message}`)
  }
}

module.exports = {
  name: 'send',
  summary: 'Invite the emails given, or the rows of a CSV file (--csv)',
  description: `Invites each email given, or each row of a CSV file, into a tenant; the platform
mails each invitee. Prints how many invites were created, skipped, resent and refused, and why
each refused one was, with its CSV line or argument position.`,
  positionals: { name: 'emails', multiple: true },
  options: [
    {
      name: 'csv',
      type: 'string',
      valueName: 'FILE',
      help: 'A CSV file with a header row naming its columns, instead of emails: email (required), firstName, lastName, locale, roles (separated by ";"); "-" reads stdin',
    },
    { name: 'tenant', type: 'string', valueName: 'ID', help: 'The tenant to invite into', required: true },
    {
      name: 'from',
      type: 'string',
      valueName: 'USER_ID',
      help: 'The id of the user who invites (createdByUserId)',
      required: true,
    },
    {
      name: 'locale',
      type: 'string',
      valueName: 'L',
      help: "The mail's language, e.g. en-US, for invites that give none",
    },
    {
      name: 'role',
      type: 'string',
      multiple: true,
      valueName: 'KEY',
      help: 'A role for invites that give none; repeat it for several',
    },
    { name: 'batch-size', type: 'string', valueName: 'N', help: 'Invites per request, 1 to 1000', default: '100' },
    { name: 'concurrency', type: 'string', valueName: 'N', help: 'Requests in flight, 1 to 16', default: '4' },
    {
      name: 'on-existing',
      type: 'string',
      valueName: 'MODE',
      help: 'For an email that already has a pending invite in the tenant: error (refuse it), skip (leave it) or resend (mail it again)',
      default: 'error',
    },
    { name: 'json', type: 'boolean', help: 'Print the result, { success, errors }, as JSON on stdout' },
    ...connectionOptions,
  ],
  notes: [
    `Progress goes to stderr: a bar on a terminal, "sent N/M" lines otherwise. Ctrl+C stops after
the requests in flight and reports who was invited.`,
  ],
  examples: [
    'roq-invites send ada@example.com grace@example.com --tenant acme --from alice --locale en-US',
    'roq-invites send --csv people.csv --tenant acme --from alice --on-existing skip',
  ],
  run,
}
