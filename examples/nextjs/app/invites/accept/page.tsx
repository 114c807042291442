import { linkState } from '@/lib/invite-link'
import { AcceptForm } from './accept-form'
import { LinkView } from './link-view'

// The invitee's page: the accept link of the invitation mail points here (`?token=`).
export const dynamic = 'force-dynamic'

/**
 * A GET only looks the token up (`checkUserInviteToken`): mail scanners open links before people
 * do, and must not use up a one-time link. Accepting is the button's POST.
 */
export default async function AcceptInvite({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
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
