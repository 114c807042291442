import type { ReactNode } from 'react'

import type { LinkState } from '@/lib/invite-link'

const titles: Record<LinkState['state'], string> = {
  pending: "You're invited",
  accepted: 'Invite accepted',
  'already-accepted': 'Already accepted',
  canceled: 'Invite canceled',
  expired: 'Invite expired',
  unknown: 'This link does not work',
}

/** What an accept link stands for, in words; `children` are what the invitee can do next. */
export function LinkView({ state, children }: { state: LinkState; children?: ReactNode }) {
  return (
    <section className="card" data-testid="accept-page" data-state={state.state}>
      <h1>{titles[state.state]}</h1>
      <p>
        {state.state === 'pending' && (
          <>
            <strong>{state.email}</strong> is invited to join the team.
          </>
        )}
        {state.state === 'accepted' && (
          <>
            <strong>{state.email}</strong> is now a member of <strong>{state.tenantId}</strong>.
          </>
        )}
        {state.state === 'already-accepted' && (
          <>
            The invite to <strong>{state.email}</strong> was already accepted; its link cannot be used again.
          </>
        )}
        {state.state === 'canceled' && (
          <>
            The invite to <strong>{state.email}</strong> was canceled. Ask for a new one.
          </>
        )}
        {state.state === 'expired' && (
          <>
            The invite to <strong>{state.email}</strong> has expired. Ask for a new one.
          </>
        )}
        {state.state === 'unknown' && (
          <>The link is incomplete, or a newer invitation mail replaced it: open the link in the newest mail.</>
        )}
      </p>
      {children}
    </section>
  )
}
