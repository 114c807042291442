// The emulator: in this process (`startEmulator`) or another (`connectEmulator`), and what it shows.
// The data's types are generated from the emulator's Rust types into emulator-types.d.ts.

import type {
  DevSession,
  EmulatorOptions,
  EmulatorStats,
  Fault,
  InviteRecordQuery,
  InviteRecords,
  LoggedRequest,
  Mail,
  OutboxFilter,
  QueuedFault,
  RequestLogQuery,
  ResetCounts,
  ResetOptions,
  SessionOptions,
  Snapshot,
  WebhookDelivery,
} from './emulator-types'

export type {
  DevSession,
  EmulatorOptions,
  EmulatorStats,
  Fault,
  InviteHistoryEntry,
  InviteRecord,
  InviteRecordQuery,
  InviteRecords,
  LoggedRequest,
  Mail,
  OutboxFilter,
  QueuedFault,
  RequestLogQuery,
  ResetCounts,
  ResetOptions,
  SessionOptions,
  Snapshot,
  SnapshotInvite,
  SnapshotMail,
  SnapshotSeed,
  SnapshotUser,
  SnapshotWebhookDelivery,
  WebhookAttempt,
  WebhookDelivery,
} from './emulator-types'

/**
 * What an emulator does in this process (`Emulator`) and in another (`RemoteEmulator`) alike,
 * declared once: each class merges it in. (Merging a class with an interface is unsafe where a
 * class body could leave a member uninitialized; a declaration has no body.)
 */
interface EmulatorBase {
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
  invites(query?: InviteRecordQuery): Promise<InviteRecords>
  /** Every webhook delivery, newest first, with its attempts. Also `GET /__emulator/webhooks`. */
  webhooks(): Promise<WebhookDelivery[]>
  /**
   * The request log: every request the platform's endpoints (the token endpoints and both
   * GraphQL endpoints) answered, the newest 1,000 kept, newest first; with a query, those with
   * the `traceId` of their `traceparent`, their `requestId` (the `x-request-id` of the answer,
   * e.g. a `RoqError`'s `requestId`), their HTTP `status` or every failure (`'failed'`), at most
   * `limit`. No row holds a key, token, email, name or variables. A reset of every tenant empties
   * it. Also `GET /__emulator/requests`, `npx roq-invites requests` and the dashboard.
   * @throws {RoqError} `INVALID_ARGUMENT` for a `traceId` that is not 32 hexadecimal characters,
   * a `requestId` no request can have, a `status` that is neither 100 to 599 nor `'failed'`, a
   * `limit` past 1000, or another field.
   */
  requests(query?: RequestLogQuery): Promise<LoggedRequest[]>
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

// oxlint-disable-next-line typescript/no-unsafe-declaration-merging
export interface Emulator extends EmulatorBase {}
/** A ROQ platform emulator running in this process. */
export declare class Emulator {
  private constructor()
  /** The key sent as `roq-platform-webhook-key` to webhooks without their own. */
  readonly webhookKey: string
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
}

/**
 * An emulator running in another process (`npx roq-invites emulator`, a Jest global set-up),
 * through its `/__emulator/...` endpoints. What `connectEmulator()` returns: a type only, as
 * roq-invites exports no class of that name.
 */
export interface RemoteEmulator extends EmulatorBase {
  /** Makes the next requests fail or slow down, in order; `[]` clears the queue (`POST /__emulator/faults`). */
  faults(faults: Fault | Fault[]): Promise<void>
  /** The faults still waiting, in order, each with the requests it still applies to. */
  faults(): Promise<QueuedFault[]>
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

// Only what is exported above is the module's: EmulatorBase is how the two classes share their
// members, not a name to import.
export {}
