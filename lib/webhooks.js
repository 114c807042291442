'use strict'

// Webhooks from the platform, in a route handler: no client needed.

const { describe, invalidArgument } = require('./errors.js')
const { binding, call } = require('./native.js')
const { toJson } = require('./to-json.js')

const WEBHOOK_KEY_HEADER = 'roq-platform-webhook-key'

/** The webhook key a request carries: from a fetch `Headers`, Node's `IncomingHttpHeaders`, or the value itself. */
function webhookKeyOf(headers) {
  if (headers === undefined || headers === null || typeof headers === 'string') return headers ?? undefined
  if (typeof headers === 'object') {
    const value =
      typeof headers.get === 'function'
        ? headers.get(WEBHOOK_KEY_HEADER)
        : Object.entries(headers).find(([name]) => name.toLowerCase() === WEBHOOK_KEY_HEADER)?.[1]
    // A header sent twice is not one key: it does not match.
    if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined
    return typeof value === 'string' ? value : undefined
  }
  throw invalidArgument(
    `headers: expected the request's headers (request.headers) or the ${WEBHOOK_KEY_HEADER} value, got ${describe(headers)}`,
  )
}

/**
 * Whether a webhook request carries the app's webhook key (`roq-platform-webhook-key`),
 * compared in constant time. `headers`: a fetch `Headers`, Node's `IncomingHttpHeaders`, or the
 * header's value. A missing or empty `key` is an INVALID_ARGUMENT, never a pass.
 */
function verifyWebhook(headers, key) {
  if (typeof key !== 'string') {
    throw invalidArgument(
      `key: expected the webhook key (a string), got ${describe(key)}; set it from the ROQ Console, or the emulator's ROQ_WEBHOOK_KEY`,
    )
  }
  const header = webhookKeyOf(headers)
  return call(() => binding.verifyWebhook(header, key))
}

/** A webhook request's event: its body as text (or already parsed) → `{ name, id, object, change, data: { current, previous } }`. */
function parseWebhookEvent(body) {
  let text
  if (typeof body === 'string') text = body
  else if (body instanceof Uint8Array)
    text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
  else if (body !== null && typeof body === 'object') text = toJson(body, 'body')
  else throw invalidArgument(`body: expected the request's body (await request.text()), got ${describe(body)}`)
  return JSON.parse(call(() => binding.parseWebhookEvent(text)))
}

/** Whether a parsed webhook event is about an invite (`ROQ_USER_INVITE_*`): then its data are invites. */
function isInviteEvent(event) {
  return typeof event?.name === 'string' && event.name.startsWith('ROQ_USER_INVITE_')
}

module.exports = { verifyWebhook, parseWebhookEvent, isInviteEvent }
