'use strict'

// roq-invites cancel <invite-id>: cancels a pending invite.

const { inviteCommand } = require('../invite-command.js')

module.exports = inviteCommand({
  name: 'cancel',
  operation: 'cancelUserInvite',
  summary: 'Cancel a pending invite',
  description: "Cancels a pending invite; its link stops working. Prints the invite's email and status.",
})
