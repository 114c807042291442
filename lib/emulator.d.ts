// The emulator: in this process (`startEmulator`) or another (`connectEmulator`), and what it shows.

import type { UserInviteStatus } from '../types'
import type { InviteChange } from './webhooks'

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
  /**
   * The page the accept link in each mail points to (`?token=` is added): an `http://` or
   * `https://` URL without a user name or password. The emulator's `/accept-invite` if absent.
   */
  acceptUrl?: string
  /** How long an invite can be accepted, in milliseconds. Default 7 days; at most a hundred years. */
  inviteValidityMs?: number
  /** How long an access token is valid, in milliseconds. Default 1 hour; at most 365 days. */
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
   * `webhookKey`. Each is `https://`, or `http://` to this machine (localhost, 127.0.0.1, [::1]),
   * without a user name or password, as the client's `host` is.
   */
  webhooks?: { url: string; key?: string }[]
  /** The webhook key of the URLs without their own; made up (and kept in `dbPath`) if absent. */
  webhookKey?: string
  /** How deliveries are retried. Default: 5 attempts, 1 s doubling to at most 60 s, a 3 s timeout each. */
  webhookRetry?: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number; timeoutMs?: number }
  /**
   * Start from a snapshot: the path of a JSON file (`--export-on-exit`'s, the dashboard's Export,
   * `JSON.stringify(await emulator.export(), null, 2)`, or a seed written by hand), or the
   * snapshot itself. Every time moves by (the emulator's now − `exportedAt`), so an invite with a
   * day left still has a day left; a time at either end of the range (`9999-12-31T23:59:59.999Z`,
   * "never") stays there. The store must be empty (in memory, or a new `dbPath`). A snapshot is
   * untrusted input: every field is checked as the API or the command line checks its
   * counterpart, a key named twice in one object is refused, and a delivery still pending goes
   * only to a URL of `webhooks` (with its key); one to any other URL is given up at start, unsent.
   * @throws {RoqError} `INVALID_ARGUMENT` from `startEmulator` naming the path of the mistake:
   * `importFrom: seed.json: invites[3].email: "x" is not an email address`.
   */
  importFrom?: string | Snapshot | SnapshotSeed
  /**
   * A file that `stop()` writes the snapshot to (replacing it, through a new file renamed over it;
   * it may be `importFrom`'s file).
   * @throws {RoqError} `INVALID_ARGUMENT` from `startEmulator`, not at stop, when its folder does
   * not exist or takes no file, or it is a folder or the `dbPath` file (or its `-wal`, `-shm`,
   * `-journal`): `exportOnExit: platform.db: is the store (dbPath platform.db), which the snapshot
   * would replace; pass another file, e.g. snapshot.json`.
   */
  exportOnExit?: string
  /**
   * At most `requests` GraphQL requests (both endpoints, every caller of the environment) in any
   * `windowMs`, as a sliding window by the emulator's clock (`advanceClock` moves it on); over
   * it, HTTP 429 in the platform's error shape (`TOO_MANY_REQUESTS`) with `Retry-After`, whole
   * seconds until a request would be let through. Only requests with the environment's valid
   * credentials count: one without them is answered `UNAUTHORIZED_EXCEPTION` and uses up
   * nothing. `requests` 1 to 100,000, `windowMs` 1 to a day. No limit if absent. The token
   * endpoints are not limited. Also `--rate-limit N/PERIOD`.
   */
  rateLimit?: { requests: number; windowMs: number }
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
  /** GraphQL requests the rate limit refused with 429. */
  rateLimited: number
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
  /**
   * How long the session (and its access token) lasts: whole seconds, or `'90s'`, `'15m'`, `'2h'`,
   * `'7d'`; at most 365 days. The emulator's token lifetime if absent.
   */
  expiresIn?: number | string
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

/**
 * The emulator's data as JSON (version 1), as `export()`, `GET /__emulator/export` and
 * `exportOnExit` give it: pretty-printed, fields in a fixed order, tenants and users sorted by
 * id, invites, mails and deliveries in the order they were made, so that two exports of the same
 * state are the same bytes. Times are ISO-8601 on the emulator's clock. No credentials; accept
 * tokens only as SHA-256 digests, except in the mails' links.
 */
export interface Snapshot {
  version: 1
  /** The emulator clock's now at export; an import moves every time by (its now − this). */
  exportedAt: string
  tenants: { id: string }[]
  users: SnapshotUser[]
  invites: SnapshotInvite[]
  mails: SnapshotMail[]
  webhookDeliveries: SnapshotWebhookDelivery[]
}

/**
 * A snapshot written by hand: `version` and what you care about. Absent ids, tokens, times and
 * statuses are made up (an invite is pending, sent now, valid for `inviteValidityMs`), and each
 * invite without `tokenDigest` gets its mail written as if sent. Times, when given, are taken as
 * written unless `exportedAt` is given.
 */
export interface SnapshotSeed {
  version: 1
  exportedAt?: string
  /** When given, every `tenantId` must be one of them. */
  tenants?: { id: string }[]
  users?: (Pick<SnapshotUser, 'id'> & Partial<SnapshotUser>)[]
  invites?: (Pick<SnapshotInvite, 'tenantId' | 'email' | 'createdByUserId'> & Partial<SnapshotInvite>)[]
  mails?: SnapshotMail[]
  webhookDeliveries?: SnapshotWebhookDelivery[]
}

/** A platform user: an inviter, an invitee who accepted, or a session's user (with its roles). */
export interface SnapshotUser {
  id: string
  tenantId: string | null
  email: string | null
  firstName: string | null
  lastName: string | null
  locale: string | null
  roles: string[] | null
  createdAt: string
  updatedAt: string
}

export interface SnapshotInvite {
  id: string
  tenantId: string
  email: string
  firstName: string | null
  lastName: string | null
  locale: string | null
  data: Record<string, unknown> | null
  roleKeys: string[] | null
  /** As read at export: a pending invite past its validity is `expired`. */
  status: UserInviteStatus
  statusUpdatedAt: string
  createdByUserId: string
  acceptedByUserId: string | null
  userTokenId: string
  /** The SHA-256 (64 hex digits) of the accept token in its latest mail. */
  tokenDigest: string
  tokenUsedAt: string | null
  /** Tokens a resend replaced: their links say so instead of "not found". */
  replacedTokens: { tokenDigest: string; replacedAt: string }[]
  validTill: string
  createdAt: string
  updatedAt: string
  /** Oldest first; with webhooks, each step's event id and payload as sent. */
  history: (InviteHistoryEntry & { eventId?: string; payload?: unknown })[]
}

/** A mail of the outbox; its text and HTML are composed again from these when it is read. */
export interface SnapshotMail {
  id: number
  userInviteId: string
  to: string
  locale: string
  subject: string
  firstName: string | null
  app: string
  validTill: string
  /** For reading: an import makes the link again from its own accept page and `token`. */
  acceptUrl?: string | null
  token: string
  createdAt: string
}

export interface SnapshotWebhookDelivery {
  id: number
  /** The `eventId` of a step of an invite's history. */
  eventId: string
  url: string
  state: 'pending' | 'delivered' | 'failed'
  attempts: WebhookAttempt[]
  nextAttemptAt: string
  createdAt: string
  settledAt: string | null
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
  /**
   * Keeps Node running while the emulator runs, e.g. in a script that serves it: the emulator
   * holds a handle of its own on the event loop, as `net.Server#ref()` does (no timer), until
   * `unref()` or `stop()`. After `stop()` it does nothing.
   */
  ref(): this
  /** Lets Node exit while the emulator runs: the default. */
  unref(): this
  /**
   * Stops the emulator (and lets Node exit), then writes `exportOnExit`'s snapshot if given.
   * Calling it again does nothing.
   * @throws {RoqError} `INVALID_ARGUMENT` naming the file when the snapshot cannot be written
   * (checked at start, so only when something changed since: the folder removed, the disk full);
   * the emulator is stopped all the same.
   */
  stop(): Promise<void>
  /**
   * The data as a snapshot, which `importFrom` starts from. Also `GET /__emulator/export`.
   * @throws {RoqError} `CONFLICT` when the snapshot would be larger than an import reads.
   */
  export(): Promise<Snapshot>
  /**
   * Empties the emulator between two tests: removes the invites (with their mails, histories,
   * replaced links and webhook deliveries) and the users of `tenantId`, or of every tenant (and
   * then the queued faults too, which are no tenant's), in one transaction. The credentials, the
   * settings and the clock stay. The tenant is its id exactly as the send took it (`' acme'` is
   * not `'acme'`). The removed users' tokens and sessions are refused (`UNAUTHORIZED`) from then
   * on, even once their ids are used again; other tenants' users stay signed in, and the service
   * account is never signed out. Accept links and ids of what was removed find nothing; no id is
   * given again. Also `POST /__emulator/reset`, `npx roq-invites reset` and the dashboard.
   * @throws {RoqError} `INVALID_ARGUMENT` for a `tenantId` that is blank, longer than 255
   * characters or has a NUL, or is `null` or `undefined` (only leaving it out means every
   * tenant), or another field.
   */
  reset(options?: ResetOptions): Promise<ResetCounts>
  /**
   * Sends a past delivery's event again, as `stripe events resend` does: the same event id and
   * payload (so an idempotent receiver treats it as the event it has seen), as a new delivery
   * with its own attempts and retries, which it resolves to. It goes to the webhook configured
   * now, with that webhook's key: the past delivery's URL if it is still one of `webhooks`; else
   * (started again with other webhooks) every one of them, a new delivery each, and it resolves to
   * the first (`webhooks()` shows the others). Also `POST /__emulator/webhooks/{id}/redeliver`,
   * the dashboard and `roq-invites webhooks redeliver`.
   * @throws {RoqError} `NOT_FOUND` naming the id when no delivery has it; `CONFLICT`, saying how
   * to configure one, when the emulator has no webhook configured.
   */
  redeliver(deliveryId: number | string): Promise<WebhookDelivery>
}

/**
 * An emulator running in another process (`npx roq-invites emulator`, a Jest global set-up),
 * through its `/__emulator/...` endpoints. What `connectEmulator()` returns: a type only, as
 * roq-invites exports no class of that name.
 */
export interface RemoteEmulator {
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
  /** The data as a snapshot (`GET /__emulator/export`). */
  export(): Promise<Snapshot>
  reset(options?: ResetOptions): Promise<ResetCounts>
  redeliver(deliveryId: number | string): Promise<WebhookDelivery>
}

/**
 * Reaches an emulator in another process with the environment's credentials: `{ url,
 * environmentId, apiKey }`, or the `ROQ_*` variables (`process.env` when nothing is given).
 * Its requests follow no redirect: a 3xx rejects with `PROTOCOL_ERROR`, naming where it pointed.
 * @throws {RoqError} `INVALID_ARGUMENT` when a setting is missing, or the URL is not https:// or local.
 */
export declare function connectEmulator(
  settings?: { url: string; environmentId: string; apiKey: string } | Record<string, string | undefined>,
): RemoteEmulator

/**
 * Starts a ROQ platform emulator in this process: the platform's endpoints on 127.0.0.1, a
 * SQLite store, and an outbox instead of real mail. It does not keep Node running by itself.
 * @throws {RoqError} `INVALID_ARGUMENT` for wrong options, `NETWORK_ERROR` when the port is taken.
 */
export declare function startEmulator(options?: EmulatorOptions): Promise<Emulator>

/** What `reset()` takes: the tenant to empty, or nothing for every tenant. */
export interface ResetOptions {
  /** The tenant's id, exactly as invites were sent to it; leave it out to empty every tenant. */
  tenantId?: string
}

/** What a reset removed, by kind. */
export interface ResetCounts {
  invites: number
  mails: number
  users: number
  /** The steps of the invites' histories (each also a webhook event, when webhooks are configured). */
  events: number
  /** The accept links that resends had replaced. */
  replacedTokens: number
  webhookDeliveries: number
  /** Queued faults: only a reset of every tenant removes them. */
  faults: number
}
