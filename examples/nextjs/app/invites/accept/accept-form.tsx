'use client'

import { useActionState } from 'react'

import type { LinkState } from '@/lib/invite-link'
import { acceptAction, continueAction } from './actions'
import { LinkView } from './link-view'

/** The pending invite's Accept button; after the POST, what became of the invite. */
export function AcceptForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState<LinkState | null, FormData>(acceptAction, null)
  if (state) {
    return (
      <LinkView state={state}>
        {state.state === 'accepted' && (
          <form action={continueAction}>
            <input type="hidden" name="tenantId" value={state.tenantId} />
            <input type="hidden" name="userId" value={state.userId} />
            <button type="submit" data-testid="continue">
              Continue to {state.tenantId}
            </button>
          </form>
        )}
      </LinkView>
    )
  }
  return (
    <LinkView state={{ state: 'pending', email }}>
      <form action={action}>
        <input type="hidden" name="token" value={token} />
        <button type="submit" disabled={pending} data-testid="accept">
          {pending ? 'Accepting…' : 'Accept invite'}
        </button>
      </form>
      <p className="muted" style={{ marginTop: 16, fontSize: 13 }}>
        Opening this page changes nothing: the invite is accepted only when you press the button.
      </p>
    </LinkView>
  )
}
