'use strict'

// Every failure of roq-invites is a RoqError, made here, in the caller's realm: Jest runs each
// test file in a realm of its own while the addon lives in the outer one, so an Error made by
// the native side would fail `instanceof Error` there. The native side sends plain data.

/** Every failure of roq-invites rejects (or throws) with a RoqError. */
class RoqError extends Error {
  constructor(
    message,
    { code, statusCode, errorCode, retryAfterMs, partial, requestId, attempts, traceId, cause } = {},
  ) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'RoqError'
    this.code = code
    if (statusCode !== undefined && statusCode !== null) this.statusCode = statusCode
    if (errorCode !== undefined && errorCode !== null) this.errorCode = errorCode
    if (retryAfterMs !== undefined && retryAfterMs !== null) this.retryAfterMs = retryAfterMs
    if (partial !== undefined && partial !== null) this.partial = partial
    if (requestId !== undefined && requestId !== null) this.requestId = requestId
    if (attempts !== undefined && attempts !== null) this.attempts = attempts
    if (traceId !== undefined && traceId !== null) this.traceId = traceId
  }
}

/**
 * Whether a value is a failure as the native side sends it: an object with a code and a message
 * that is not an Error (results are text, booleans or native class instances). Not by prototype:
 * under Jest the addon's objects come from another realm.
 */
function isFailure(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof value.code === 'string' &&
    typeof value.message === 'string' &&
    !(value instanceof Error)
  )
}

/**
 * The RoqError for a failure: the native side's error data (`{ code, message, statusCode?,
 * errorCode?, retryAfterMs?, requestId?, attempts? }`), a RoqError already, or anything else,
 * which is a bug.
 */
function toRoqError(failure) {
  if (failure instanceof RoqError) return failure
  const error = isFailure(failure)
    ? new RoqError(failure.message, failure)
    : new RoqError(
        `roq-invites failed unexpectedly: ${failure?.message ?? failure} (this is a bug; please report it)`,
        {
          code: 'INTERNAL_ERROR',
          cause: failure,
        },
      )
  // The stack starts at the caller's await, not inside this module.
  Error.captureStackTrace?.(error, toRoqError)
  return error
}

function invalidArgument(message) {
  return new RoqError(message, { code: 'INVALID_ARGUMENT' })
}

/** What kind of value `value` is, in words for a message; never the value itself, which may be a secret. */
function describe(value) {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return 'an array'
  const kind = typeof value
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`
}

module.exports = { RoqError, isFailure, toRoqError, invalidArgument, describe }
