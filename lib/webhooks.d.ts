// Webhooks: verifying and reading what the platform (or the emulator) posts.

import type { JsonObject, UserInvite } from '../types'

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
