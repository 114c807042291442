'use strict'

// Redirects: connectEmulator()'s requests follow none, as the client's do (the same rule and
// wording as crates/roq-invites/src/redirect.rs). The emulator never redirects its API, so a 3xx
// means a wrong url or someone in the middle, and following it would carry the Basic
// credentials (the API key) to wherever the Location points. The Location is named by its
// origin only: its path and query may carry a token.

const { RoqError } = require('./errors.js')

const CHECK_URL = "the emulator's API never redirects. Check that url (ROQ_PLATFORM_URL) is the emulator's base URL"

/**
 * The RoqError for a 3xx `response` to a request to `requested` (a URL), for the call `what`;
 * `secret` (the API key) is kept out of the origin it names, where a host name reads in lower case.
 */
function redirectRefused(what, requested, response, secret) {
  const location = response.headers.get('location')
  let target = 'a redirect without a Location'
  let advice = CHECK_URL
  if (location !== null) {
    let next
    try {
      // Resolved as a browser would, so that a scheme-relative //other.host/ names its host.
      next = new URL(location.trim(), requested)
    } catch {
      next = undefined
    }
    if (next === undefined || !['http:', 'https:'].includes(next.protocol)) {
      target = 'a redirect to a Location that is not an http(s) URL'
    } else if (next.origin !== requested.origin) {
      const origin = redact(next.origin, secret)
      target = `a redirect to ${origin}`
      advice = `it would carry the API key there. If ${origin} is the emulator, set url (ROQ_PLATFORM_URL) to it`
    } else {
      target = URL.canParse(location.trim())
        ? 'a redirect to another path on the same server'
        : 'a redirect to a relative Location, on the same server'
    }
  }
  return new RoqError(
    `${what}: the emulator at ${requested.origin} answered HTTP ${response.status} (${target}), which roq-invites ` +
      `does not follow: ${advice}`,
    { code: 'PROTOCOL_ERROR', statusCode: response.status },
  )
}

/** `text` with `secret` replaced by [REDACTED], in any case. */
function redact(text, secret) {
  if (typeof secret !== 'string' || secret.length < 6) return text
  const pattern = new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi')
  return text.replace(pattern, '[REDACTED]')
}

module.exports = { redirectRefused }
