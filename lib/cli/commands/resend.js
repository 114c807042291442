'use strict'

// roq-invites resend <invite-id>: mails a pending invite again.

const { inviteCommand } = require('../invite-command.js')

module.exports = inviteCommand({
  name: 'resend',
  operation: 'resendUserInvite',
  summary: 'Mail a pending invite again, with a new link',
  description: `Mails a pending invite again, with a new link (the old one stops working) and a new
validity period. Prints the invite's email and status.`,
  done: ', mailed again with a new link',
})
