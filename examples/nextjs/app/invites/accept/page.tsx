import { connection } from 'next/server'

import { linkState } from '@/lib/invite-link'
import { AcceptForm } from './accept-form'
import { LinkView } from './link-view'

/**
 * The invitee's page: the accept link of the invitation mail points here (`?token=`). A GET only
 * looks the token up (`checkUserInviteToken`) and lists the address's invites: mail scanners open
 * links before people do, and must not use up a one-time link. Accepting is the button's POST.
 */
export default async function AcceptInvite({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  // It lists invites: render it per request, never once at build time (that would freeze it).
  await connection()
  const { token } = await searchParams
  const state = await linkState(token)
  return (
    <main className="narrow">
      {state.state === 'pending' && token ? (
        <AcceptForm token={token} email={state.email} />
      ) : (
        <LinkView state={state} />
      )}
    </main>
  )
}
