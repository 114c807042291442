'use strict'

// roq-invites list: a table of the invites that match, and how many match in all.

const { clientFrom, connectionOptions } = require('../connection.js')
const { printTable } = require('../table.js')
const { printableJson, say } = require('../terminal.js')
const { wholeNumber } = require('../whole-number.js')

async function run(values) {
  const filter = {}
  if (values.tenant !== undefined) filter.tenantId = { equalTo: values.tenant }
  if (values.status !== undefined) filter.status = { equalTo: values.status }
  if (values.email !== undefined) filter.email = { iLike: values.email }
  const limit = wholeNumber(values.limit, '--limit', 'list')
  const offset = wholeNumber(values.offset, '--offset', 'list')
  const page = await clientFrom(values, 'list').roqPlatform.userInvites({ filter, limit, offset })
  if (values.json) {
    console.log(printableJson(page))
    return 0
  }
  const rows = page.data.map((invite) => [
    invite.id,
    invite.email,
    invite.status,
    invite.tenantId ?? '-',
    invite.createdAt.replace(/\.\d+Z$/, 'Z'),
  ])
  if (rows.length > 0) printTable(['ID', 'EMAIL', 'STATUS', 'TENANT', 'CREATED'], rows)
  say(`showing ${rows.length} of ${page.totalCount} matching invites${offset ? `, after the first ${offset}` : ''}`)
  return 0
}

module.exports = {
  name: 'list',
  summary: 'List invites, with filters',
  description: 'Prints a table of invites (id, email, status, tenant, created) and how many match in all.',
  options: [
    { name: 'tenant', type: 'string', valueName: 'ID', help: "Only this tenant's invites" },
    {
      name: 'status',
      type: 'string',
      valueName: 'STATUS',
      help: 'Only pending, accepted, canceled or expired invites',
    },
    {
      name: 'email',
      type: 'string',
      valueName: 'PATTERN',
      help: 'Only emails like PATTERN, ignoring case; % matches any run, _ one character',
    },
    { name: 'limit', type: 'string', valueName: 'N', help: 'At most N invites, 0 to 1000', default: '100' },
    { name: 'offset', type: 'string', valueName: 'N', help: 'Skip the first N' },
    { name: 'json', type: 'boolean', help: 'Print { data, totalCount } as JSON on stdout' },
    ...connectionOptions,
  ],
  examples: ["roq-invites list --tenant acme --status pending --email '%@example.com'"],
  run,
}
