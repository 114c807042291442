// The invitee's side: what an accept link's token stands for, and accepting it. The invitee is
// not signed in yet, so these calls are the service account's.
import { RoqError } from 'roq-invites'

import { roqServerClient } from './roq/roq-server-client'

export type LinkState =
  | { state: 'pending'; email: string }
  | { state: 'accepted'; email: string; tenantId: string; userId: string }
  | { state: 'already-accepted' | 'canceled' | 'expired'; email: string }
  | { state: 'unknown' }

/** What `token` stands for now. A GET of the accept page calls only this: it changes nothing. */
export async function linkState(token: string | undefined): Promise<LinkState> {
  if (!token) return { state: 'unknown' }
  const { roqPlatform } = roqServerClient()
  const check = await roqPlatform.checkUserInviteToken({ token })
  if (check.isValid && check.email) return { state: 'pending', email: check.email }
  if (check.isExpired && check.email) return { state: 'expired', email: check.email }
  // An unknown token, or one a newer mail replaced: the platform says no more.
  if (!check.email) return { state: 'unknown' }
  // Valid no longer, and not expired: accepted or canceled. The newest change of the email's
  // invites says which (checkUserInviteToken does not).
  const { data } = await roqPlatform.userInvites({
    filter: { email: { equalTo: check.email } },
    order: { order: 'DESC', sort: 'updatedAt' },
    limit: 1,
  })
  const state = data[0]?.status === 'canceled' ? 'canceled' : 'already-accepted'
  return { state, email: check.email }
}

/** Accepts the invite of `token` (the accept button's POST), or says why it cannot be. */
export async function accept(token: string): Promise<LinkState> {
  try {
    const invite = await roqServerClient().roqPlatform.acceptUserInvite({ data: { token } })
    return {
      state: 'accepted',
      email: invite.email,
      tenantId: invite.tenantId ?? '',
      userId: invite.acceptedByUserId ?? '',
    }
  } catch (error) {
    // Accepted meanwhile (a second click), canceled, expired, or not a token: say which.
    if (error instanceof RoqError && (error.code === 'CONFLICT' || error.code === 'NOT_FOUND')) return linkState(token)
    throw error
  }
}
