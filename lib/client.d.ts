// The client and its invite operations (`client.roqPlatform`).

import type {
  CheckUserInviteTokenResult,
  JsonValue,
  RoqClientOptions,
  SendProgress,
  SendUserInvitesResult,
  UserInvite,
  UserInvitePage,
  UserInviteUpdateInput,
  UserInvitesArgs,
  UserInvitesCreateInput,
  UserInvitesCreateV2Input,
} from '../types'
import type { LogOptions } from './log'

/** Options every operation takes, for that call only. */
export interface CallOptions {
  /** A deadline for the whole call, retries included, in milliseconds (`TIMEOUT` when it passes). */
  timeoutMs?: number
  /** How many times to retry after a transient failure (0 to 10). */
  maxRetries?: number
  /** Aborts the call (`ABORTED`); a send stops further batches and reports what it did in `err.partial`. */
  signal?: AbortSignal
}

/** Options of `sendUserInvites`. */
export interface SendOptions extends CallOptions {
  /** Invites per request (1 to 1000). Default 100. */
  batchSize?: number
  /** Requests in flight at once (1 to 16). Default 4. */
  concurrency?: number
  /**
   * What to do with an email that already has a pending invite in the tenant: report it in
   * `errors` as `ALREADY_INVITED` (`'error'`, the default), leave the pending invite alone and
   * report it as `skipped`, or mail it again and report it as `resent`.
   */
  onExisting?: 'error' | 'skip' | 'resend'
  /** Called after each batch, every time before the call settles; an error it throws becomes a warning. */
  onProgress?: (progress: SendProgress) => void
}

/** A client of the ROQ Platform's invite API. */
export declare class RoqClient {
  /**
   * With `@opentelemetry/api` and a registered tracer provider, each call is a span under the
   * active one, each HTTP attempt a `CLIENT` span under that (docs/observability.md).
   * @throws {RoqError} `INVALID_ARGUMENT` when an option is missing or wrong.
   */
  constructor(options: RoqClientOptions & LogOptions)
  /**
   * A client configured from the environment: ROQ_PLATFORM_URL, ROQ_ENVIRONMENT_ID, ROQ_API_KEY.
   * @throws {RoqError} `INVALID_ARGUMENT` naming the variable that is missing or wrong.
   */
  static fromEnv(): RoqClient
  /** The invite operations. The same object on every access. */
  readonly roqPlatform: RoqPlatform
  /** The same client acting as the environment's service account: sees every tenant (the default). */
  asSuperAdmin(): RoqClient
  /**
   * The same client acting as the platform user `userId`: sees and acts on that user's tenant only.
   * Shares the connection pool and token cache of this client.
   */
  asUser(userId: string, options?: { /** The user token's lifetime, in seconds. */ expiresIn?: number }): RoqClient
  /**
   * The same client acting as the signed-in user of a ROQ BaaS app, from its session JWT (the
   * `roq-session-token` cookie).
   * @throws {RoqError} `INVALID_ARGUMENT` when the session token is malformed.
   */
  withBaasToken(sessionJwt: string): RoqClient
}

// ---- invites ---------------------------------------------------------------------------------

/**
 * The argument of `sendUserInvites`: the docs' `{ userInvites: {...} }` or the API reference's
 * `{ data: {...} }`.
 */
export type SendUserInvitesArgs =
  { userInvites: UserInvitesCreateInput; data?: never } | { data: UserInvitesCreateV2Input; userInvites?: never }

/** The argument of `acceptUserInvite`: V2 `{ data: { token } }` or V1 `{ acceptUserInvite: { token } }`. */
export type AcceptUserInviteArgs =
  { data: { token: string }; acceptUserInvite?: never } | { acceptUserInvite: { token: string }; data?: never }

/**
 * The invite operations: `client.roqPlatform`. Each rejects with a {@link RoqError}:
 * `NOT_FOUND` for an unknown (or, for a user, another tenant's) invite, `CONFLICT` for a
 * transition the invite's status does not allow.
 */
export declare class RoqPlatform {
  private constructor()
  /**
   * Creates one invite per entry and has the platform mail each invitee, in batches. Entries with
   * a bad address, or an address earlier in the list, and entries the platform refuses come back
   * in `errors` (with their index) while the others are sent. A batch whose answer is lost is
   * checked with the platform before anything is sent again, so no invite is sent twice.
   * @throws {RoqError} when the call as a whole fails (wrong arguments, credentials, network);
   *   one that stopped part way carries what it did in `err.partial`.
   */
  sendUserInvites(args: SendUserInvitesArgs, options?: SendOptions): Promise<SendUserInvitesResult>
  /**
   * Mails a pending invite again. The new mail has a new link (the old one stops working) and the
   * invite a new validity period. `CONFLICT` unless the invite is pending.
   */
  resendUserInvite(args: { userInviteId: string } | string, options?: CallOptions): Promise<UserInvite>
  /** Cancels a pending invite; its link stops working. `CONFLICT` unless the invite is pending. */
  cancelUserInvite(args: { userInviteId: string } | string, options?: CallOptions): Promise<UserInvite>
  /** One invite by id. */
  userInvite(args: { id: string } | string, options?: CallOptions): Promise<UserInvite>
  /** A page of invites that match `filter`, in `order`, and how many match in all. */
  userInvites(args?: UserInvitesArgs, options?: CallOptions): Promise<UserInvitePage>
  /**
   * Accepts the invite whose mail carried `token`, once. Records the user with the invite's email
   * in its tenant (created if none) as `acceptedByUserId`. `CONFLICT` unless pending and unexpired.
   */
  acceptUserInvite(args: AcceptUserInviteArgs, options?: CallOptions): Promise<UserInvite>
  /** Whether a token from an invitation mail can still be used, and for which email. */
  checkUserInviteToken(args: { token: string } | string, options?: CallOptions): Promise<CheckUserInviteTokenResult>
  /** Changes an invite's names, locale, data or `acceptedByUserId`; its status stays. */
  updateUserInvite(args: { id: string; userInvite: UserInviteUpdateInput }, options?: CallOptions): Promise<UserInvite>
  /**
   * Runs any GraphQL document on the platform's server endpoint, as this client's identity (the
   * service account, `asUser`, `withBaasToken`), and resolves to its `data` (`@roq/nodejs`
   * resolves to `{ data, headers, status }`). A document that only queries is retried like our
   * own queries; one with a mutation is never sent twice after a lost answer.
   * @throws {RoqError} `INVALID_ARGUMENT` for a document that does not parse or fit the schema,
   *   and every code the other operations have.
   */
  graphqlRequest<T = { [field: string]: JsonValue }>(
    query: string,
    variables?: { [name: string]: JsonValue | undefined },
    options?: GraphqlRequestOptions,
  ): Promise<T>
}

/** Options of `graphqlRequest`. */
export interface GraphqlRequestOptions extends CallOptions {
  /** More headers to send (e.g. a trace id); the platform's own two are always ours. */
  headers?: { [name: string]: string } | { entries(): Iterable<[string, string]> }
  /** Which operation of the document to run, when it has several; its only one otherwise. */
  operationName?: string
}
