'use strict'

// roq-invites requests: the emulator's request log, as its dashboard's Requests tab shows it, to
// find the request behind a failed call (by its request id) or behind a trace of the app.

const { connectionOptions, emulatorFrom } = require('../connection.js')
const { printTable } = require('../table.js')
const { printableJson, say } = require('../terminal.js')
const { wholeNumber } = require('../whole-number.js')

/** Who called, in words: `service account`, `user alice`, or `-` when the credentials showed nobody. */
function caller(row) {
  if (row.caller === 'serviceAccount') return 'service account'
  if (row.caller === 'user') return `user ${row.userId}`
  return '-'
}

/** What the caller got: `201`, `200 UNAUTHORIZED_EXCEPTION`, `503 (fault)`, `dropped (fault)`, `200 (delayed)`. */
function outcome(row) {
  if (row.fault === 'drop') return 'dropped (fault)'
  const code = [String(row.status), row.errorCode].filter(Boolean).join(' ')
  if (row.fault === 'normal') return `${code} (delayed)`
  if (row.fault === 'status') return `${code} (fault)`
  return row.fault ? `${code} (fault: ${row.fault})` : code
}

function print(rows, filtered) {
  const table = rows.map((row) => [
    String(row.id),
    // The time of day, to the millisecond; --json has the whole date.
    row.at.slice(11, 23),
    row.endpoint,
    row.operation ?? '-',
    caller(row),
    outcome(row),
    row.durationMs.toFixed(1),
    row.requestId,
    row.traceId ?? '-',
    String(row.inviteCount),
  ])
  if (table.length > 0) {
    printTable(
      ['ID', 'TIME', 'ENDPOINT', 'OPERATION', 'CALLER', 'STATUS', 'MS', 'REQUEST ID', 'TRACE ID', 'INVITES'],
      table,
    )
    say(`${table.length} ${table.length === 1 ? 'request' : 'requests'}, newest first`)
  } else if (filtered) say('no request matches')
  else say('no requests yet: the log shows each request to the token and GraphQL endpoints')
}

async function run(values) {
  const query = {}
  if (values['trace-id'] !== undefined) query.traceId = values['trace-id']
  if (values['request-id'] !== undefined) query.requestId = values['request-id']
  if (values.status !== undefined) query.status = values.status
  const limit = wholeNumber(values.limit, '--limit', 'requests')
  if (limit !== undefined) query.limit = limit
  const rows = await emulatorFrom(values, 'requests').requests(query)
  if (values.json) console.log(printableJson(rows))
  else print(rows, Object.keys(query).length > 0)
  return 0
}

module.exports = {
  name: 'requests',
  summary: "The emulator's request log, by trace id, request id or status",
  description: `Prints the emulator's request log, newest first, as its dashboard's Requests tab shows it:
every request to the token endpoints and both GraphQL endpoints (the newest 1,000), with its id, time
of day, endpoint, GraphQL operation, caller, status (the HTTP status, the error code of an answer
that holds one, and a fault that answered), duration in ms, request id (the x-request-id of the
answer), trace id (of the request's traceparent) and how many invites it created or changed.`,
  options: [
    {
      name: 'trace-id',
      type: 'string',
      valueName: 'ID',
      help: "Only the requests of this trace: its 32 hexadecimal characters, as the app's APM shows them",
    },
    {
      name: 'request-id',
      type: 'string',
      valueName: 'ID',
      help: "Only the request of this id, e.g. a RoqError's requestId",
    },
    {
      name: 'status',
      type: 'string',
      valueName: 'N|failed',
      help: 'Only requests answered with this HTTP status, or (failed) every failure: an HTTP error, an error in a GraphQL answer (HTTP 200), or a fault',
    },
    { name: 'limit', type: 'string', valueName: 'N', help: 'At most N requests, 0 to 1000' },
    { name: 'json', type: 'boolean', help: 'Print the requests as JSON on stdout, with every field' },
    ...connectionOptions,
  ],
  notes: [
    `No request holds a key, token, email, name or variables. A reset of every tenant empties the
log; a reset of one tenant leaves it.`,
  ],
  examples: [
    'roq-invites requests --status failed\nroq-invites requests --trace-id 4bf92f3577b34da6a3ce929d0e0e4736 --json',
  ],
  run,
}
