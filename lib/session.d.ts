// Reading who is signed in from a ROQ BaaS session token.

/** Who is signed in, as a ROQ BaaS session token says: never its access token. */
export interface RoqSession {
  /** The session's own id. */
  id: string | null
  roqUserId: string
  /** The user's tenant (`user.tenantId`). */
  tenantId: string
  user: {
    firstName: string | null
    lastName: string | null
    email: string | null
    timezone: string | null
    locale: string | null
    roles: string[]
    tenantId: string | null
  }
  /** When the session was issued and when it ends, in seconds since the Unix epoch. */
  iat: number | null
  exp: number | null
}

/**
 * Reads who is signed in from a ROQ BaaS session token (the `roq-session-token` cookie): the
 * ids to take `tenantId` and `createdByUserId` from. Decoding only, no signature check: trust it
 * as far as you trust the cookie (your auth layer verifies it; the platform verifies the access
 * token inside on every call made with `withBaasToken`).
 * @throws {RoqError} `INVALID_ARGUMENT` when it is not a session token, naming the missing claim.
 */
export declare function readSessionToken(token: string): RoqSession
