// The error every failure rejects (or throws) with.

import type { ErrorCode, SendUserInvitesResult } from '../types'

/**
 * What went wrong, as a stable string to branch on:
 * - `INVALID_ARGUMENT`: an argument or option is wrong; the message names the field and the fix.
 * - `UNAUTHORIZED`: the platform refused the credentials or the token (check `apiKey`).
 * - `FORBIDDEN`: the credentials may not do this.
 * - `NOT_FOUND`: no such invite (or not visible to this caller).
 * - `CONFLICT`: the invite is not in a state that allows this.
 * - `RATE_LIMITED`: the platform asked to slow down (HTTP 429).
 * - `SERVER_ERROR`: the platform failed (HTTP 5xx).
 * - `NETWORK_ERROR`: the platform could not be reached, or the connection broke.
 * - `TIMEOUT`: the platform did not answer in time.
 * - `ABORTED`: the caller cancelled the call.
 * - `PROTOCOL_ERROR`: the platform answered something that does not follow its protocol, or a
 *   redirect (any 3xx, in `statusCode`), which is never followed: it would carry the credentials off `host`.
 * - `INTERNAL_ERROR`: a bug in roq-invites; please report it.
 */
export type RoqErrorCode = ErrorCode | 'INTERNAL_ERROR'

/**
 * Every failure rejects (or throws) with a `RoqError`. Messages never contain the API key or a
 * token.
 */
export declare class RoqError extends Error {
  readonly name: 'RoqError'
  /** What went wrong; see {@link RoqErrorCode}. */
  readonly code: RoqErrorCode
  /** The status the platform gave (e.g. 401), when it gave one. */
  readonly statusCode?: number
  /** The platform's own error code (e.g. `UNAUTHORIZED_EXCEPTION`), when it gave one. */
  readonly errorCode?: string
  /** How long the platform asked to wait before trying again (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number
  /**
   * For a `sendUserInvites` that stopped part way (aborted, out of time, or a batch that failed
   * for good): what was done before it stopped. `success` is exactly who was invited; entries
   * absent from both lists were not sent.
   */
  readonly partial?: SendUserInvitesResult
  /**
   * The request that failed, for the platform's support and its logs: the id the platform
   * answered with in `x-request-id`, else the one sent (a UUID). Absent when no request was made.
   */
  readonly requestId?: string
  /** How many HTTP requests the call made, the first included, when it made any. */
  readonly attempts?: number
  /** The call's trace id, when the app's OpenTelemetry traced it (docs/observability.md). */
  readonly traceId?: string
}
