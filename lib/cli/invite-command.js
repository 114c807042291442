'use strict'

// resend and cancel: one operation on one invite, given by its id; the same flags and output.

const { clientFrom, connectionOptions } = require('./connection.js')
const { printableJson, say } = require('./terminal.js')

/** The command `name`, which calls `operation` of roqPlatform; `done` follows the status it prints. */
function inviteCommand({ name, operation, summary, description, done = '' }) {
  return {
    name,
    summary,
    description,
    positionals: { name: 'invite-id' },
    options: [{ name: 'json', type: 'boolean', help: 'Print the invite as JSON on stdout' }, ...connectionOptions],
    examples: [`roq-invites ${name} 6e57a1c2-0b7e-4d8a-9f1e-2b3c4d5e6f70`],
    async run(values, [id]) {
      const invite = await clientFrom(values, name).roqPlatform[operation]({ userInviteId: id })
      if (values.json) console.log(printableJson(invite))
      else say(`${invite.email}: ${invite.status}${done}`)
      return 0
    },
  }
}

module.exports = { inviteCommand }
