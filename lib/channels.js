'use strict'

// diagnostics_channel, for APM agents (Datadog, New Relic, Sentry, OpenTelemetry's own
// instrumentations) to subscribe to without patching anything, as undici, pg and mysql2 publish:
//
// - `roq-invites:call`, a TracingChannel (`tracing:roq-invites:call:start`, `:end`,
//   `:asyncStart`, `:asyncEnd`, `:error`): one call of a `roqPlatform` method. Its context is
//   `{ operation, serverAddress, serverPort, invites? }`; at the end `attempts` and `requestId`,
//   and on failure `error` (a RoqError with the code, statusCode, requestId, attempts and traceId
//   of the one the call rejects with, and a message without the platform's text).
// - `roq-invites:attempt`: each HTTP attempt, when it ends.
// - `roq-invites:wait`: each wait (at the rate limit's gate, a retry's backoff).
//
// No message holds an argument, a result, a header, a body or a secret. docs/observability.md
// has the shapes.

const dc = require('node:diagnostics_channel')

const call = dc.tracingChannel('roq-invites:call')
const attempt = dc.channel('roq-invites:attempt')
const wait = dc.channel('roq-invites:wait')

/** Whether anyone listens to the call's tracing channel (Node 20 before 20.13 has no `hasSubscribers` on it). */
function callObserved() {
  if (typeof call.hasSubscribers === 'boolean') return call.hasSubscribers
  return ['start', 'end', 'asyncStart', 'asyncEnd', 'error'].some((name) => call[name].hasSubscribers)
}

/** Whether anyone listens to any of the channels. */
function observed() {
  return callObserved() || attempt.hasSubscribers || wait.hasSubscribers
}

/** Publishes `message` on `channel`; a subscriber that throws does not reach the call. */
function publish(channel, message) {
  try {
    if (channel.hasSubscribers) channel.publish(message)
  } catch {
    // Node reports a subscriber's error itself (process 'uncaughtException' on the next tick).
  }
}

module.exports = { call, attempt, wait, observed, callObserved, publish }
