// Inviting people into the signed-in user's tenant: what the form's server action and
// POST /api/invites share. The tenant and the inviter come from the session, never from the
// request, and the call acts as the signed-in user, so the platform itself refuses any other tenant.
import { RoqError } from 'roq-invites'

import type { SignedIn } from './roq/roq-server-client'

export interface Invitee {
  email: string
  firstName?: string
}

/** What became of one invitee, by position in the list given. */
export type InviteResult =
  | { ok: true; email: string; id: string; outcome: 'created' | 'resent' | 'skipped' }
  | { ok: false; email: string; code: string; message: string }

export async function invite({ session, client }: SignedIn, invitees: Invitee[]): Promise<InviteResult[]> {
  const { success, errors } = await client.roqPlatform.sendUserInvites({
    data: {
      tenantId: session.tenantId,
      userInvites: invitees.map(({ email, firstName }) => ({ createdByUserId: session.roqUserId, email, firstName })),
    },
  })
  const results: InviteResult[] = []
  for (const sent of success) results[sent.index] = { ok: true, email: sent.email, id: sent.id, outcome: sent.outcome }
  for (const refused of errors) {
    results[refused.index] = { ok: false, email: refused.email, code: refused.code, message: refused.error }
  }
  return results
}

// The HTTP status that fits each RoqError code: the caller's mistake, or the platform's.
const statusOf: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  TIMEOUT: 504,
}

/** A failure of the whole call, as `{ status, code, message }`. */
export function failure(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof RoqError)
    return { status: statusOf[error.code] ?? 502, code: error.code, message: error.message }
  return { status: 500, code: 'INTERNAL_ERROR', message: error instanceof Error ? error.message : String(error) }
}
