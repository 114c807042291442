// Type definitions for roq-invites: the public contract. The types of the data (inputs, invites,
// filters, results, codes) are generated from the Rust types into types.d.ts; what is written
// here is the classes and functions, and their docs. The native classes they wrap are typed in
// binding.d.ts, which napi-rs generates.

import type {
  CheckUserInviteTokenResult,
  ErrorCode,
  RoqClientOptions,
  JsonObject,
  JsonValue,
  SendProgress,
  SendUserInvitesResult,
  UserInvite,
  UserInvitePage,
  UserInviteStatus,
  UserInvitesArgs,
  UserInvitesCreateInput,
  UserInvitesCreateV2Input,
  UserInviteUpdateInput,
} from './types'

export * from './types'

// ---- errors ----------------------------------------------------------------------------------

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
 * - `PROTOCOL_ERROR`: the platform answered something that does not follow its protocol.
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
}

// ---- the client ------------------------------------------------------------------------------

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
  /** @throws {RoqError} `INVALID_ARGUMENT` when an option is missing or wrong. */
  constructor(options: RoqClientOptions)
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

// ---- webhooks --------------------------------------------------------------------------------

/** What happened to an invite (the emulator's word; ROQ documents none). */
export type InviteChange = 'created' | 'resent' | 'canceled' | 'accepted' | 'updated' | 'expired'

/**
 * An invite event: `ROQ_USER_INVITE_INSERT` when an invite is created, `ROQ_USER_INVITE_UPDATE`
 * for every change after it (`change` says which), in ROQ's event shape.
 */
export interface InviteWebhookEvent {
  name: 'ROQ_USER_INVITE_INSERT' | 'ROQ_USER_INVITE_UPDATE' | 'ROQ_USER_INVITE_REMOVE'
  /** The event's id: the same in every delivery of it, so that a repeat can be ignored. */
  id: string
  object: string | null
  change: InviteChange | null
  createdAt: string | null
  data: { current: UserInvite | null; previous: UserInvite | null }
}

/** Another event of the platform (e.g. `ROQ_USER_INSERT`), its data as it came. */
export interface RoqWebhookEvent {
  name: string
  id: string
  object: string | null
  change: string | null
  createdAt: string | null
  data: { current: JsonObject | null; previous: JsonObject | null }
}

export type WebhookEvent = InviteWebhookEvent | RoqWebhookEvent

/** Whether `event` is about an invite (`ROQ_USER_INVITE_*`): then its data are invites. */
export declare function isInviteEvent(event: WebhookEvent): event is InviteWebhookEvent

/**
 * Whether a webhook request carries the app's webhook key in `roq-platform-webhook-key`,
 * compared in constant time. `headers`: a fetch `Headers` (`request.headers` in a route handler),
 * Node's `IncomingHttpHeaders` (`req.headers`), or the header's value itself. Needs no client.
 * @throws {RoqError} `INVALID_ARGUMENT` when `key` is missing or empty: that is never a pass.
 */
export declare function verifyWebhook(
  headers:
    | { get(name: string): string | null }
    | { [name: string]: string | string[] | undefined }
    | string
    | null
    | undefined,
  key: string,
): boolean

/**
 * A webhook request's event, from its body: the text (`await request.text()`), its bytes, or the
 * parsed object. Needs no client.
 * @throws {RoqError} `INVALID_ARGUMENT` naming what is wrong when it is not a ROQ event.
 */
export declare function parseWebhookEvent(body: string | Uint8Array | object): WebhookEvent

// ---- the emulator ----------------------------------------------------------------------------

export interface EmulatorOptions {
  /** The port; 0 (the default) picks a free one. The emulator listens on 127.0.0.1 unless `host` says otherwise. */
  port?: number
  host?: string
  /** A SQLite file that keeps invites, mails and credentials across restarts; in memory if absent. */
  dbPath?: string
  /** The environment id; made up (and kept in `dbPath`) if absent. */
  environmentId?: string
  /** The API key; made up (and kept in `dbPath`) if absent. */
  apiKey?: string
  /** The page the accept link in each mail points to (`?token=` is added); the emulator's `/accept-invite` if absent. */
  acceptUrl?: string
  /** How long an invite can be accepted, in milliseconds. Default 7 days. */
  inviteValidityMs?: number
  /** How long an access token is valid, in milliseconds. Default 1 hour. */
  tokenLifetimeMs?: number
  /** Refuse user ids the emulator has not seen, instead of registering them on first use. */
  strict?: boolean
  /**
   * Origins whose pages may call the browser endpoint (`/v01/graphql`, which ROQ's browser SDK
   * uses), besides `http(s)://localhost:*` and `http(s)://127.0.0.1:*`: e.g.
   * `['https://app.example.dev']`. The endpoints that take the API key never answer a page.
   */
  corsOrigins?: string[]
  /** What the invitation mail invites to ("you are invited to join {appName}"); the tenant's id if absent. */
  appName?: string
  /**
   * URLs that receive a POST of each change of an invite (created, resent, canceled, accepted,
   * updated, expired) after it is committed, with `roq-platform-webhook-key`: `key`, or
   * `webhookKey`.
   */
  webhooks?: { url: string; key?: string }[]
  /** The webhook key of the URLs without their own; made up (and kept in `dbPath`) if absent. */
  webhookKey?: string
  /** How deliveries are retried. Default: 5 attempts, 1 s doubling to at most 60 s, a 3 s timeout each. */
  webhookRetry?: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number; timeoutMs?: number }
}

/** One attempt to deliver a webhook event. */
export interface WebhookAttempt {
  at: string
  durationMs: number
  /** The receiver's HTTP status, if it answered. */
  status: number | null
  /** Why it failed without an answer: a timeout, a refused or broken connection. */
  error: string | null
}

/** An event's delivery to one URL, with every attempt. */
export interface WebhookDelivery {
  id: number
  eventId: string
  name: string
  change: InviteChange
  userInviteId: string
  email: string
  url: string
  /** `pending` (more attempts to come), `delivered`, or `failed` (given up). */
  state: 'pending' | 'delivered' | 'failed'
  attempts: WebhookAttempt[]
  createdAt: string
  settledAt: string | null
  nextAttemptAt: string | null
}

/** A mail the emulator wrote instead of sending it. */
export interface Mail {
  /** Position in the outbox, from 1. */
  id: number
  to: string
  locale: string
  subject: string
  text: string
  /** The same mail as HTML, as a mail client shows it. */
  html: string
  /** The link the invitee clicks: `acceptUrl?token=<token>`. */
  acceptUrl: string
  /** The one-time accept token the link carries. */
  token: string
  userInviteId: string
  tenantId: string
  createdAt: string
}

export interface OutboxFilter {
  /** Only mails to this address (ignoring case). */
  to?: string
  /** Only mails about this invite. */
  userInviteId?: string
}

/** How many requests each endpoint of the emulator has answered. */
export interface EmulatorStats {
  serviceAccountTokens: number
  userTokens: number
  graphql: number
  /** Requests a fault slowed down or spoiled. */
  faults: number
}

/**
 * A fault for the emulator's next requests. A request takes the first fault that targets it; a
 * fault applies to `times` requests. With `commit`, the request is carried out (and stored)
 * before its answer is spoiled.
 */
export interface Fault {
  /** Which requests: GraphQL (the default), the token endpoints, or any. */
  on?: 'graphql' | 'token' | 'any'
  /**
   * The answer: the real one (`normal`, for a delay), an HTTP error `status`, a dropped
   * connection, an HTML page, JSON cut in half, or `{"data":null}`.
   */
  answer?: 'normal' | 'status' | 'drop' | 'nonJson' | 'truncated' | 'dataNull'
  /** How many requests it applies to. Default 1. */
  times?: number
  /** Wait this long before answering. */
  delayMs?: number
  /** The status of `answer: 'status'`. Default 503. */
  status?: number
  /** A `Retry-After` to send with it: seconds, or an HTTP date. */
  retryAfter?: string
  /** Carry the request out (and store it) before spoiling the answer. */
  commit?: boolean
}

/** Who to sign in with `emulator.session(...)`: a development user of a tenant. */
export interface SessionOptions {
  /** The user's tenant. */
  tenantId: string
  /** The user's id; without one, the tenant's user with `email`, or a new user. */
  userId?: string
  email?: string
  firstName?: string
  lastName?: string
  /** Role keys, e.g. `['owner']`; kept from an earlier session if absent. */
  roles?: string[]
  locale?: string
  /** How long the session (and its access token) lasts, in seconds; the emulator's token lifetime if absent. */
  expiresIn?: number
}

/** A development session: what a ROQ app's sign-in leaves in its `roq-session-token` cookie. */
export interface DevSession {
  /**
   * The `roq-session-token` cookie's value: a JWT whose payload is ROQ's `{ id, roqAccessToken,
   * roqUserId, user: { firstName, lastName, email, timezone, locale, roles, tenantId }, iat, exp }`.
   * `client.withBaasToken(token)` and ROQ's browser SDK act as its user.
   */
  token: string
  roqUserId: string
  tenantId: string
  /** The user's access token (the session's `roqAccessToken`): the bearer of ROQ's browser SDK. */
  accessToken: string
}

/** What happened to an invite, and when. */
export interface InviteHistoryEntry {
  event: 'created' | 'resent' | 'canceled' | 'accepted' | 'updated' | 'expired'
  /** The invite's status after it. */
  status: UserInviteStatus
  at: string
}

/** An invite as the emulator shows it to its developer: with its history. */
export interface InviteRecord {
  id: string
  email: string
  firstName: string | null
  lastName: string | null
  tenantId: string
  status: UserInviteStatus
  createdByUserId: string
  acceptedByUserId: string | null
  roleKeys: string[] | null
  validTill: string
  createdAt: string
  /** Oldest first. */
  history: InviteHistoryEntry[]
}

export interface InviteRecordQuery {
  tenantId?: string
  status?: UserInviteStatus
  /** At most this many, newest first. Default 500, at most 1000. */
  limit?: number
}

/** A fault waiting in the emulator's queue; `times` is how many requests it still applies to. */
export interface QueuedFault {
  on: NonNullable<Fault['on']>
  answer: NonNullable<Fault['answer']>
  times: number
  delayMs: number
  status: number | null
  retryAfter: string | null
  commit: boolean
}

/** A ROQ platform emulator running in this process. */
export declare class Emulator {
  private constructor()
  /** The base URL, e.g. `http://127.0.0.1:41234`: a client's `host`. */
  readonly url: string
  readonly environmentId: string
  readonly apiKey: string
  /** The settings under the names `RoqClient.fromEnv()` reads: `Object.assign(process.env, emulator.env)`. */
  readonly env: { ROQ_PLATFORM_URL: string; ROQ_ENVIRONMENT_ID: string; ROQ_API_KEY: string }
  /** The dashboard, `{url}/__emulator/`: invites, mails and faults in a browser (user: `environmentId`, password: `apiKey`). */
  readonly dashboardUrl: string
  /** The mails written so far, oldest first. */
  outbox(filter?: OutboxFilter): Promise<Mail[]>
  /**
   * Signs a development user of a tenant in, registering the user first. Also
   * `POST /__emulator/sessions` and `npx roq-invites session`.
   * @throws {RoqError} `INVALID_ARGUMENT` for a bad option, `CONFLICT` for a user of another tenant.
   */
  session(options: SessionOptions): Promise<DevSession>
  /** Every invite (newest first), with its history. Also `GET /__emulator/invites`. */
  invites(query?: InviteRecordQuery): Promise<{ data: InviteRecord[]; totalCount: number }>
  /** The key sent as `roq-platform-webhook-key` to webhooks without their own. */
  readonly webhookKey: string
  /** Every webhook delivery, newest first, with its attempts. Also `GET /__emulator/webhooks`. */
  webhooks(): Promise<WebhookDelivery[]>
  /** How many requests each endpoint has answered. */
  stats(): EmulatorStats
  /** Moves the emulator's clock by `ms` milliseconds (negative to go back): tokens and invites expire by it. */
  advanceClock(ms: number): void
  /** Makes the next requests fail or slow down, in order; `[]` clears the queue. Also `POST /__emulator/faults`. */
  faults(faults: Fault | Fault[]): void
  /** The faults still waiting, in order, each with the requests it still applies to. */
  faults(): QueuedFault[]
  /** Keeps Node running while the emulator runs (as `net.Server#ref()` does), e.g. in a script that serves it. */
  ref(): this
  /** Lets Node exit while the emulator runs: the default. */
  unref(): this
  /** Stops the emulator (and lets Node exit). Calling it again does nothing. */
  stop(): Promise<void>
}

/**
 * An emulator running in another process (`npx roq-invites emulator`, a Jest global set-up),
 * through its `/__emulator/...` endpoints.
 */
export declare class RemoteEmulator {
  private constructor()
  readonly url: string
  readonly environmentId: string
  readonly apiKey: string
  readonly env: { ROQ_PLATFORM_URL: string; ROQ_ENVIRONMENT_ID: string; ROQ_API_KEY: string }
  readonly dashboardUrl: string
  outbox(filter?: OutboxFilter): Promise<Mail[]>
  session(options: SessionOptions): Promise<DevSession>
  invites(query?: InviteRecordQuery): Promise<{ data: InviteRecord[]; totalCount: number }>
  webhooks(): Promise<WebhookDelivery[]>
  faults(faults: Fault | Fault[]): Promise<void>
  faults(): Promise<QueuedFault[]>
}

/**
 * Reaches an emulator in another process with the environment's credentials: `{ url,
 * environmentId, apiKey }`, or the `ROQ_*` variables (`process.env` when nothing is given).
 * @throws {RoqError} `INVALID_ARGUMENT` when a setting is missing, or the URL is not https:// or local.
 */
export declare function connectEmulator(
  settings?: { url: string; environmentId: string; apiKey: string } | Record<string, string | undefined>,
): RemoteEmulator

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

/**
 * Starts a ROQ platform emulator in this process: the platform's endpoints on 127.0.0.1, a
 * SQLite store, and an outbox instead of real mail. It does not keep Node running by itself.
 * @throws {RoqError} `INVALID_ARGUMENT` for wrong options, `NETWORK_ERROR` when the port is taken.
 */
export declare function startEmulator(options?: EmulatorOptions): Promise<Emulator>
