// The invite events the app has received from the platform's webhook, kept in this server
// process, and the pages listening for their tenant's. A real deployment with several server
// processes would keep them in its database and fan them out through it (or Redis); the shape of
// the code stays the same.
import type { InviteWebhookEvent } from 'roq-invites'

type Listener = (event: InviteWebhookEvent) => void

interface Events {
  /** The newest events first, at most KEPT; the platform may send an event twice (a retry). */
  recent: InviteWebhookEvent[]
  seen: Set<string>
  listeners: Set<{ tenantId: string; listener: Listener }>
}

const KEPT = 200

// On globalThis: Next may load this module once per route bundle, and the webhook route and the
// events route must share one store.
const cache = globalThis as typeof globalThis & { roqInviteEvents?: Events }
const events = (cache.roqInviteEvents ??= { recent: [], seen: new Set(), listeners: new Set() })

const tenantOf = (event: InviteWebhookEvent) => event.data.current?.tenantId ?? event.data.previous?.tenantId

/** Keeps `event` and tells the listening pages of its tenant; false for one already received. */
export function record(event: InviteWebhookEvent): boolean {
  if (events.seen.has(event.id)) return false
  events.seen.add(event.id)
  events.recent.unshift(event)
  for (const dropped of events.recent.splice(KEPT)) events.seen.delete(dropped.id)
  for (const { tenantId, listener } of events.listeners) if (tenantOf(event) === tenantId) listener(event)
  return true
}

/** The tenant's events received so far, newest first. */
export function recentFor(tenantId: string): InviteWebhookEvent[] {
  return events.recent.filter((event) => tenantOf(event) === tenantId)
}

/** Calls `listener` with each new event of the tenant, until the returned function is called. */
export function subscribe(tenantId: string, listener: Listener): () => void {
  const entry = { tenantId, listener }
  events.listeners.add(entry)
  return () => events.listeners.delete(entry)
}
