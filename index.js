'use strict'

// The public API of roq-invites: the classes and functions of lib/, over the native core.

const { RoqClient, RoqPlatform } = require('./lib/client.js')
const { Emulator, connectEmulator, startEmulator } = require('./lib/emulator.js')
const { RoqError } = require('./lib/errors.js')
const { readSessionToken } = require('./lib/session.js')
const { isInviteEvent, parseWebhookEvent, verifyWebhook } = require('./lib/webhooks.js')

module.exports = {
  RoqClient,
  RoqPlatform,
  RoqError,
  Emulator,
  startEmulator,
  connectEmulator,
  readSessionToken,
  verifyWebhook,
  parseWebhookEvent,
  isInviteEvent,
}
