'use strict'

const { describe, invalidArgument } = require('./errors.js')
const { binding, call } = require('./native.js')

/**
 * Who is signed in, read from a ROQ BaaS session token (the `roq-session-token` cookie):
 * `{ id, roqUserId, tenantId, user, iat, exp }`. Decoding only: trust it as far as you trust the
 * cookie (see docs/emulator.md, "Development sessions").
 */
function readSessionToken(token) {
  if (typeof token !== 'string') {
    throw invalidArgument(
      `sessionToken: expected the roq-session-token cookie's value (a string), got ${describe(token)}`,
    )
  }
  return JSON.parse(call(() => binding.readSessionToken(token)))
}

module.exports = { readSessionToken }
